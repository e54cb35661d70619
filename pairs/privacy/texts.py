"""The consent texts shown to members, each with its version.

A consent is only worth the text the person read: each ``ConsentRecord`` points
to the ``ConsentWording`` row of the text and version shown. To change a text,
write the new wording here *and* bump its version; existing records keep the
old wording (storing a changed text under a used version is refused).
The texts are stored as shown (French), so they are plain strings, not
translated at runtime.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError

from .models import ConsentKind, ConsentWording


@dataclass(frozen=True)
class ConsentText:
    version: str
    text: str


CONSENT_TEXTS: dict[str, ConsentText] = {
    ConsentKind.RECOMMENDATIONS: ConsentText(
        version="2026-11",
        text=(
            "J'accepte que mon profil (prénom, situation, étape de transition, métier et secteur) "
            "soit proposé à d'autres membres dans leurs recommandations de rencontres. "
            "Mes coordonnées ne sont jamais affichées."
        ),
    ),
    ConsentKind.CONTACT_SHARING: ConsentText(
        version="2026-11",
        text=(
            "J'accepte que mes coordonnées (adresse email, et téléphone si je l'ai indiqué) soient transmises "
            "à un autre membre, uniquement lorsque nous avons tous les deux accepté de nous rencontrer."
        ),
    ),
    ConsentKind.STATISTICS: ConsentText(
        version="2026-11",
        text=(
            "J'accepte que mes données soient utilisées, de façon anonymisée et agrégée, "
            "pour produire des statistiques sur les rencontres entre pairs."
        ),
    ),
    ConsentKind.RENCONTRE_EMAILS: ConsentText(
        version="2026-11",
        text=(
            "J'accepte de recevoir par email des informations sur les rencontres "
            "(propositions, rappels et comptes rendus). Je peux me désinscrire à tout moment."
        ),
    ),
}


def consent_text_current(*, kind: str) -> ConsentText:
    """The text a person sees today for this kind of consent."""
    return CONSENT_TEXTS[kind]


def consent_wording_current(*, kind: str) -> ConsentWording:
    """The stored wording of today's text for this kind, created on first use."""
    shown = consent_text_current(kind=kind)
    wording, _ = ConsentWording.objects.get_or_create(
        kind=kind, version=shown.version, defaults={"text": shown.text}
    )
    if wording.text != shown.text:
        raise IntegrityError(
            f"The consent text {kind!r} changed without a new version ({shown.version!r}): bump its version."
        )
    return wording
