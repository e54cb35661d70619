"""The curated transition topics members seek or offer, and the availability slots.

The topic list seeds the `Topic` table (data migration `0004_topics_initial`); afterwards the
national team edits it in the admin. Slugs are stable keys: the demo data and the matching
engine refer to them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (slug, French label), in display order.
TOPICS: tuple[tuple[str, str], ...] = (
    ("reconversion", "Reconversion professionnelle"),
    ("creation-reprise-entreprise", "Création ou reprise d'entreprise"),
    ("premier-emploi", "Premier emploi"),
    ("negociation-salariale", "Négociation salariale"),
    ("mobilite-geographique", "Mobilité géographique"),
    ("management", "Management"),
    ("emploi-apres-50-ans", "Retour à l'emploi après 50 ans"),
    ("freelance-portage", "Freelance et portage salarial"),
    ("international", "Carrière à l'international"),
    ("bilan-competences", "Bilan de compétences"),
    ("formation", "Formation"),
    ("secteur-public", "Secteur public"),
    ("transition-ecologique", "Transition écologique"),
    ("numerique-ia", "Numérique et intelligence artificielle"),
    ("reseau-professionnel", "Réseau professionnel"),
    ("entretien-embauche", "Entretien d'embauche"),
    ("cv-profil-en-ligne", "CV et profil en ligne"),
    ("marche-cache", "Marché caché de l'emploi"),
    ("recrutement-cadres", "Recrutement de cadres"),
    ("equilibre-vie-pro-perso", "Équilibre vie professionnelle et vie personnelle"),
    ("prise-de-poste", "Prise de poste"),
    ("changement-secteur", "Changement de secteur"),
    ("valorisation-competences", "Valorisation des compétences"),
    ("leadership", "Leadership"),
    ("handicap-emploi", "Handicap et emploi"),
    ("egalite-professionnelle", "Égalité professionnelle"),
    ("reprise-etudes-vae", "Reprise d'études et VAE"),
    ("conseil-independant", "Conseil et activité indépendante"),
    ("start-up", "Start-up"),
    ("associations-ess", "Associations et économie sociale et solidaire"),
)

# --- Availability ---------------------------------------------------------------------------------

WEEKDAYS: tuple[tuple[str, str], ...] = (
    ("mon", _("Lundi")),
    ("tue", _("Mardi")),
    ("wed", _("Mercredi")),
    ("thu", _("Jeudi")),
    ("fri", _("Vendredi")),
)
DAY_PARTS: tuple[tuple[str, str], ...] = (
    ("morning", _("matin")),
    ("lunch", _("midi")),
    ("evening", _("soir")),
)
# "mon_morning" … "fri_evening", in week order.
AVAILABILITY_SLOTS: tuple[str, ...] = tuple(f"{day}_{part}" for day, _d in WEEKDAYS for part, _p in DAY_PARTS)


def availability_label(code: str) -> str:
    """French label of a slot code ("Lundi matin"); the code itself when unknown."""
    day, _sep, part = code.partition("_")
    days = dict(WEEKDAYS)
    parts = dict(DAY_PARTS)
    if day not in days or part not in parts:
        return code
    return f"{days[day]} {parts[part]}"
