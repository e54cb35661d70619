"""Demo data: a realistic, deterministic network and member base for trying the platform.

`manage.py seed_demo` calls `demo_seed`; every step is idempotent (get-or-create by a
natural key), so running the command again creates nothing new. The same seed gives
the same members, and member number i is the same whatever `--members` is, so a larger
run only appends to a smaller one. Another seed gives other members (other emails),
which are added to those already present.

Members are inserted with `bulk_create` from a lazy generator and a precomputed
département → delegation map, which keeps 100,000 members well under a minute on
SQLite. Faker is only used to build small name pools once; combining them is cheap.
Their profiles' many-to-many rows (topics sought and offered, target jobs) are inserted
with one executemany per through table (see _through_insert), only for the members a run
creates; free texts are assembled from a few French sentence templates.

Staff (consultants, delegation leads) do not depend on the seed: another seed adds
members but never a second team.
"""

from __future__ import annotations

import bisect
import functools
import random
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.constants import OnConflict
from faker import Faker

from pairs.accounts.models import Role, User
from pairs.accounts.services import user_create
from pairs.contacts.models import Contact, ContactBasis
from pairs.members.models import ExperienceBand, Member, Phase, Situation, Topic
from pairs.members.search import member_search_index_rebuild
from pairs.members.services import member_create, member_update_profile
from pairs.members.topics import AVAILABILITY_SLOTS
from pairs.network.models import Consultant, Delegation, Place, PlaceKind
from pairs.network.services import consultant_create
from pairs.privacy.demo import demo_consents_seed
from pairs.reference.models import Departement, NafDivision, RomeMetier, RomeMobility

DEMO_PASSWORD = "rencontres-demo-2026"  # noqa: S105 - public, documented demo password
DEMO_DOMAIN = "demo.rencontres-entre-pairs.fr"
DEFAULT_MEMBER_COUNT = 2000
DEFAULT_SEED = 1
CHUNK_SIZE = 10_000  # members per transaction
BATCH_SIZE = 2000  # members per INSERT (Django lowers it to the database's parameter limit)
EXPERIMENT_SIZE = 7
# Preferred delegations for the experiment; missing codes fall back to the sorted codes.
EXPERIMENT_PREFERENCE = (
    "ile-de-france",
    "auvergne-rhone-alpes",
    "hauts-de-france",
    "nouvelle-aquitaine",
    "occitanie",
    "grand-est",
    "bretagne",
)
CONSULTANTS_PER_DELEGATION = 3

PREREQUISITE_MESSAGE = (
    "Les données de référence ne sont pas chargées ({missing}). "
    "Lancez d'abord « python manage.py load_reference_data », puis relancez seed_demo."
)


class DemoPrerequisiteError(Exception):
    """Reference data or delegations are missing; the message is user-facing (French)."""


# --- Fixed demo logins ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: Role
    first_name: str
    last_name: str
    # Preferred delegation code for consultants and leads; see _fixed_login_delegations.
    delegation_code: str = ""
    title: str = ""


DEMO_MEMBER_EMAIL = f"membre@{DEMO_DOMAIN}"
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(DEMO_MEMBER_EMAIL, Role.MEMBER, "Camille", "Moreau"),
    DemoLogin(
        f"consultant@{DEMO_DOMAIN}", Role.CONSULTANT, "Julien", "Lefèvre", "ile-de-france", "Consultant Apec"
    ),
    DemoLogin(
        f"consultant.lyon@{DEMO_DOMAIN}",
        Role.CONSULTANT,
        "Sophie",
        "Garnier",
        "auvergne-rhone-alpes",
        "Consultante Apec",
    ),
    DemoLogin(
        f"responsable@{DEMO_DOMAIN}",
        Role.DELEGATION_LEAD,
        "Nathalie",
        "Rousseau",
        "ile-de-france",
        "Responsable de délégation Apec",
    ),
    DemoLogin(f"national@{DEMO_DOMAIN}", Role.NATIONAL, "Thomas", "Mercier"),
    DemoLogin(f"admin@{DEMO_DOMAIN}", Role.ADMIN, "Claire", "Fontaine"),
)

# The demo member: a job-seeking cadre in the middle of a transition, in Paris.
_DEMO_MEMBER_DEPARTEMENT = "75"
_DEMO_MEMBER_JOB = "M1705"  # Responsable marketing
_DEMO_MEMBER_SECTOR = "73"  # Publicité et études de marché
_DEMO_MEMBER_TOPICS_SOUGHT = ("marche-cache", "reseau-professionnel", "negociation-salariale")
_DEMO_MEMBER_TOPICS_OFFERED = ("management", "numerique-ia")
_DEMO_MEMBER_SEEKING = (
    "Responsable marketing depuis douze ans, je recherche un nouveau poste dans le marketing digital. "
    "J'aimerais échanger sur le marché caché de l'emploi et sur la négociation de mon prochain salaire."
)
_DEMO_MEMBER_OFFERING = (
    "Je peux partager mon expérience du management d'équipes marketing et des outils numériques. "
    "Disponible pour un café ou un échange en visio."
)


# --- Distributions --------------------------------------------------------------------------------

SITUATION_WEIGHTS: tuple[tuple[Situation, float], ...] = (
    (Situation.JOB_SEEKER, 0.40),
    (Situation.EMPLOYED, 0.30),
    (Situation.GRADUATE, 0.20),
    (Situation.RECRUITER, 0.10),
)
# Overall target: 35 % préparation, 45 % transition, 20 % intégration. Recruiters (10 %) are all
# in intégration, so the others draw from weights that keep the overall shares.
PHASE_WEIGHTS_NON_RECRUITER: tuple[tuple[Phase, float], ...] = (
    (Phase.PREPARATION, 35 / 90),
    (Phase.TRANSITION, 45 / 90),
    (Phase.INTEGRATION, 10 / 90),
)
GRADUATE_WITHOUT_JOB_SHARE = 0.3
RECRUITER_HR_JOB_SHARE = 0.6
RECRUITER_HR_DOMAINE = "M15"  # ROME "Ressources humaines"
SECTOR_BIAS_SHARE = 0.7
OVERSEAS_FACTOR = 0.1
DEFAULT_DEPARTEMENT_WEIGHT = 300.0

# Population in thousands (INSEE, rounded), times a factor where cadres concentrate.
DEPARTEMENT_WEIGHTS: dict[str, float] = {
    "01": 657, "02": 529, "03": 335, "04": 165, "05": 141, "06": 1098, "07": 330, "08": 270,
    "09": 155, "10": 310, "11": 374, "12": 279, "13": 2047 * 1.1, "14": 696, "15": 144, "16": 352,
    "17": 656, "18": 298, "19": 240, "2A": 160, "2B": 182, "21": 535, "22": 602, "23": 116,
    "24": 414, "25": 545, "26": 520, "27": 600, "28": 431, "29": 919, "30": 752,
    "31": 1435 * 1.3, "32": 192, "33": 1654 * 1.2, "34": 1200, "35": 1095 * 1.1, "36": 217,
    "37": 612, "38": 1280 * 1.1, "39": 259, "40": 420, "41": 329, "42": 766, "43": 228,
    "44": 1449 * 1.2, "45": 683, "46": 174, "47": 331, "48": 77, "49": 822, "50": 492, "51": 566,
    "52": 170, "53": 307, "54": 733, "55": 182, "56": 763, "57": 1046, "58": 200, "59": 2611,
    "60": 831, "61": 278, "62": 1463, "63": 665, "64": 687, "65": 229, "66": 482, "67": 1152,
    "68": 767, "69": 1883 * 1.4, "70": 235, "71": 551, "72": 566, "73": 438, "74": 837,
    "75": 2133 * 2.2, "76": 1255, "77": 1421, "78": 1448 * 1.3, "79": 375, "80": 570, "81": 390,
    "82": 261, "83": 1077, "84": 562, "85": 690, "86": 439, "87": 372, "88": 363, "89": 335,
    "90": 139, "91": 1306 * 1.1, "92": 1624 * 2.0, "93": 1655, "94": 1407 * 1.1, "95": 1249,
    "971": 384, "972": 361, "973": 286, "974": 868, "976": 256,
}  # fmt: skip

# NAF divisions that usually employ a ROME grand domaine's jobs.
SECTORS_BY_GRAND_DOMAINE: dict[str, tuple[str, ...]] = {
    "A": ("01", "02", "03", "10"),
    "B": ("13", "14", "15", "16", "31", "32", "90"),
    "C": ("64", "65", "66", "68"),
    "D": ("45", "46", "47"),
    "E": ("58", "59", "60", "63", "73"),
    "F": ("41", "42", "43", "71"),
    "G": ("55", "56", "79", "93"),
    "H": ("10", "20", "21", "24", "25", "26", "27", "28", "29", "30"),
    "I": ("33", "35", "43", "95"),
    "J": ("21", "86", "87"),
    "K": ("84", "85", "87", "88", "94"),
    "L": ("59", "60", "90"),
    "M": ("62", "64", "69", "70", "71", "73", "78", "82"),
    "N": ("49", "50", "51", "52", "53"),
}
# Households and extraterritorial bodies: not where the demo's cadres work.
_UNLIKELY_SECTORS = frozenset({"97", "98", "99"})


# --- Member profiles: topics, target jobs, texts, formats --------------------------------------


@dataclass(frozen=True)
class _TopicPool:
    """Topics a situation typically seeks or offers; the anchor comes first with its probability."""

    anchor: str
    anchor_share: float
    others: tuple[str, ...]


TOPICS_SOUGHT: dict[str, _TopicPool] = {
    Situation.GRADUATE: _TopicPool(
        "premier-emploi", 0.8,
        ("cv-profil-en-ligne", "entretien-embauche", "reseau-professionnel", "negociation-salariale",
         "marche-cache", "prise-de-poste", "valorisation-competences", "international"),
    ),
    Situation.JOB_SEEKER: _TopicPool(
        "marche-cache", 0.4,
        ("reseau-professionnel", "entretien-embauche", "cv-profil-en-ligne", "negociation-salariale",
         "reconversion", "changement-secteur", "valorisation-competences", "freelance-portage",
         "creation-reprise-entreprise", "bilan-competences", "mobilite-geographique"),
    ),
    Situation.EMPLOYED: _TopicPool(
        "reconversion", 0.35,
        ("bilan-competences", "changement-secteur", "creation-reprise-entreprise", "freelance-portage",
         "mobilite-geographique", "equilibre-vie-pro-perso", "leadership", "management",
         "reprise-etudes-vae", "international", "transition-ecologique"),
    ),
    Situation.RECRUITER: _TopicPool(
        "reseau-professionnel", 0.4,
        ("egalite-professionnelle", "handicap-emploi", "numerique-ia", "transition-ecologique",
         "leadership", "management", "equilibre-vie-pro-perso"),
    ),
}  # fmt: skip
TOPICS_OFFERED: dict[str, _TopicPool] = {
    Situation.GRADUATE: _TopicPool(
        "numerique-ia", 0.4,
        ("transition-ecologique", "international", "start-up", "associations-ess", "reprise-etudes-vae",
         "formation"),
    ),
    Situation.JOB_SEEKER: _TopicPool(
        "valorisation-competences", 0.3,
        ("management", "leadership", "conseil-independant", "secteur-public", "numerique-ia",
         "international", "transition-ecologique", "formation", "prise-de-poste", "reseau-professionnel"),
    ),
    Situation.EMPLOYED: _TopicPool(
        "management", 0.4,
        ("leadership", "prise-de-poste", "negociation-salariale", "reseau-professionnel", "numerique-ia",
         "secteur-public", "egalite-professionnelle", "handicap-emploi", "international", "start-up",
         "associations-ess", "mobilite-geographique"),
    ),
    Situation.RECRUITER: _TopicPool(
        "recrutement-cadres", 0.85,
        ("entretien-embauche", "cv-profil-en-ligne", "negociation-salariale", "marche-cache",
         "prise-de-poste", "valorisation-competences", "premier-emploi"),
    ),
}  # fmt: skip
TOPIC_COUNT_WEIGHTS: tuple[tuple[int, float], ...] = ((1, 0.3), (2, 0.35), (3, 0.25), (4, 0.1))
OFF_POOL_TOPIC_SHARE = 0.15  # one topic drawn from the whole list, for variety
SENIOR_TOPIC = "emploi-apres-50-ans"
SENIOR_TOPIC_SHARE = 0.5  # job seekers with more than 20 years of experience

EXPERIENCE_WEIGHTS: dict[str, tuple[tuple[ExperienceBand, float], ...]] = {
    Situation.GRADUATE: ((ExperienceBand.UNDER_2, 0.85), (ExperienceBand.FROM_2_TO_5, 0.15)),
    Situation.JOB_SEEKER: (
        (ExperienceBand.FROM_2_TO_5, 0.15), (ExperienceBand.FROM_5_TO_10, 0.25),
        (ExperienceBand.FROM_10_TO_20, 0.35), (ExperienceBand.OVER_20, 0.25),
    ),
    Situation.EMPLOYED: (
        (ExperienceBand.FROM_2_TO_5, 0.2), (ExperienceBand.FROM_5_TO_10, 0.3),
        (ExperienceBand.FROM_10_TO_20, 0.3), (ExperienceBand.OVER_20, 0.2),
    ),
    Situation.RECRUITER: (
        (ExperienceBand.FROM_2_TO_5, 0.15), (ExperienceBand.FROM_5_TO_10, 0.3),
        (ExperienceBand.FROM_10_TO_20, 0.35), (ExperienceBand.OVER_20, 0.2),
    ),
}  # fmt: skip
TARGET_JOB_COUNTS = (1, 1, 2, 2, 3)
TARGET_SECTOR_SHARE = 0.5
IN_PERSON_SHARE = 0.75
VIDEO_SHARE = 0.6
PHONE_SHARE = 0.4
LINKEDIN_SHARE = 0.6

# Free texts: one sentence of each part, chosen by the generator and joined.
SEEKING_OPENINGS: dict[str, tuple[str, ...]] = {
    Situation.GRADUATE: (
        "Jeune diplômé·e, je cherche mon premier poste de {target}.",
        "Je termine mes études et je vise un poste de {target}.",
        "Diplômé·e depuis peu, je construis mon projet autour du métier de {target}.",
    ),
    Situation.JOB_SEEKER: (
        "Après plusieurs années comme {job}, je recherche un poste de {target}.",
        "En recherche d'emploi, je vise un poste de {target}.",
        "Je cherche à rebondir vers un poste de {target}, en m'appuyant sur mon parcours de {job}.",
    ),
    Situation.EMPLOYED: (
        "En poste comme {job}, je réfléchis à une évolution vers {target}.",
        "Je prépare une mobilité : de {job} vers {target}.",
        "J'envisage de changer de cap et de devenir {target}.",
    ),
    Situation.RECRUITER: (
        "Je recrute des cadres et souhaite mieux comprendre leurs attentes.",
        "Responsable de recrutements, je cherche à élargir mon réseau de candidat·es.",
        "Je souhaite échanger avec des cadres en transition pour améliorer nos pratiques de recrutement.",
    ),
}
SEEKING_TOPIC_SENTENCES = (
    "J'aimerais échanger sur {topics}.",
    "Je cherche des conseils concrets sur {topics}.",
    "Un regard extérieur sur {topics} m'aiderait beaucoup.",
    "Je serais heureux·se de rencontrer des pairs qui ont vécu {topics}.",
)
OFFERING_OPENINGS: dict[str, tuple[str, ...]] = {
    Situation.GRADUATE: (
        "Je peux partager un regard neuf et ce que j'ai appris pendant mes études.",
        "J'apporte l'énergie d'un début de carrière et une bonne pratique des outils récents.",
    ),
    Situation.JOB_SEEKER: (
        "Je peux partager mon expérience de {job} et de ma recherche d'emploi.",
        "Fort·e de mon parcours de {job}, je peux aider d'autres cadres à se repérer.",
    ),
    Situation.EMPLOYED: (
        "Je peux partager mon expérience de {job} au quotidien.",
        "En poste comme {job}, je connais bien les attentes des employeurs du secteur.",
    ),
    Situation.RECRUITER: (
        "Je peux expliquer comment se déroule un recrutement de cadres, côté entreprise.",
        "Je peux relire un CV ou préparer un entretien avec vous, avec l'œil du recruteur.",
    ),
}
OFFERING_TOPIC_SENTENCES = (
    "Je peux vous aider sur {topics}.",
    "J'ai une expérience à partager sur {topics}.",
    "Volontiers pour un échange autour de {topics}.",
)
TEXT_CLOSINGS = (
    "",
    "Disponible pour un café ou un échange en visio.",
    "Au plaisir d'échanger !",
    "Je privilégie des échanges simples et concrets.",
)


def _lower_first(label: str) -> str:
    """First letter in lower case ("négociation salariale"), unless an acronym ("CV et …")."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _french_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"


def _demo_text(
    rng: random.Random,
    openings: tuple[str, ...],
    sentences: tuple[str, ...],
    *,
    job: str,
    target: str,
    topics: list[str],
) -> str:
    parts = [rng.choice(openings).format(job=job, target=target)]
    if topics:
        parts.append(rng.choice(sentences).format(topics=_french_list(topics)))
    parts.append(rng.choice(TEXT_CLOSINGS))
    return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class _MemberLinks:
    """A generated member's many-to-many rows, by natural key."""

    target_jobs: list[str]
    topics_sought: list[str]
    topics_offered: list[str]


# --- Places ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceSpec:
    name: str
    kind: PlaceKind
    address: str = ""
    postcode: str = ""
    city: str = ""
    departement_code: str = ""
    capacity: int | None = None
    accessibility_notes: str = ""


@dataclass(frozen=True)
class CityPlaces:
    """The main city of a région and three plausible (not official) venues in it."""

    city: str
    departement_code: str
    centre: tuple[str, str]  # address, postcode
    salon: tuple[str, str, str, str]  # name, address, postcode, city
    third_place: tuple[str, str, str]  # name, address, postcode


# Keyed by INSEE région code, in order of preference when a delegation covers several régions.
CITY_PLACES: dict[str, CityPlaces] = {
    "11": CityPlaces(
        "Paris", "75", ("51 boulevard Brune", "75014"),
        ("Paris Expo Porte de Versailles", "1 place de la Porte de Versailles", "75015", "Paris"),
        ("La Passerelle", "18 rue de la Fontaine au Roi", "75011"),
    ),
    "84": CityPlaces(
        "Lyon", "69", ("19 boulevard Eugène Deruelle", "69003"),
        ("Eurexpo Lyon", "Boulevard de l'Europe", "69680", "Chassieu"),
        ("Le Comptoir des Pentes", "12 montée de la Grande-Côte", "69001"),
    ),
    "32": CityPlaces(
        "Lille", "59", ("3 rue Jean Roisin", "59800"),
        ("Lille Grand Palais", "1 boulevard des Cités Unies", "59777", "Lille"),
        ("La Fabrique de Wazemmes", "40 rue des Sarrazins", "59000"),
    ),
    "75": CityPlaces(
        "Bordeaux", "33", ("25 cours du Chapeau Rouge", "33000"),
        ("Parc des Expositions de Bordeaux", "Cours Jules Ladoumègue", "33300", "Bordeaux"),
        ("Le Hangar des Chartrons", "57 quai des Chartrons", "33300"),
    ),
    "76": CityPlaces(
        "Toulouse", "31", ("10 rue d'Alsace-Lorraine", "31000"),
        ("Centre de congrès Pierre Baudis", "11 esplanade Compans-Caffarelli", "31000", "Toulouse"),
        ("La Serre Saint-Cyprien", "4 place Olivier", "31300"),
    ),
    "44": CityPlaces(
        "Strasbourg", "67", ("6 rue du Dôme", "67000"),
        ("Palais de la musique et des congrès", "Place de Bordeaux", "67000", "Strasbourg"),
        ("L'Atelier de la Krutenau", "21 rue de Zurich", "67000"),
    ),
    "53": CityPlaces(
        "Rennes", "35", ("2 place de la Gare", "35000"),
        ("Couvent des Jacobins", "Place Sainte-Anne", "35000", "Rennes"),
        ("Le Bercail des Lices", "9 place des Lices", "35000"),
    ),
    "52": CityPlaces(
        "Nantes", "44", ("8 rue de Strasbourg", "44000"),
        ("Cité des Congrès de Nantes", "5 rue de Valmy", "44000", "Nantes"),
        ("La Cantine de l'Île", "15 boulevard de la Prairie au Duc", "44200"),
    ),
    "93": CityPlaces(
        "Marseille", "13", ("40 rue de la République", "13002"),
        ("Parc Chanot", "Rond-point du Prado", "13008", "Marseille"),
        ("Le Quai des Pairs", "12 rue de la Joliette", "13002"),
    ),
    "28": CityPlaces(
        "Rouen", "76", ("5 rue Jeanne d'Arc", "76000"),
        ("Parc des Expositions de Rouen", "Avenue des Canadiens", "76120", "Le Grand-Quevilly"),
        ("L'Atelier du Vieux-Marché", "22 place du Vieux-Marché", "76000"),
    ),
    "24": CityPlaces(
        "Orléans", "45", ("14 rue de la République", "45000"),
        ("CO'Met Orléans", "Rue du Président Robert Schuman", "45100", "Orléans"),
        ("La Grange de la Loire", "3 quai du Châtelet", "45000"),
    ),
    "27": CityPlaces(
        "Dijon", "21", ("9 rue du Château", "21000"),
        ("Palais des congrès de Dijon", "3 boulevard de Champagne", "21000", "Dijon"),
        ("Le Cellier des Ducs", "17 rue Verrerie", "21000"),
    ),
    "94": CityPlaces(
        "Ajaccio", "2A", ("4 cours Napoléon", "20000"),
        ("Palais des congrès d'Ajaccio", "Quai l'Herminier", "20000", "Ajaccio"),
        ("L'Atelier du Port", "6 boulevard Sampiero", "20000"),
    ),
}  # fmt: skip


def _slug(text: str) -> str:
    """ASCII, lower-case, dash-separated: "Lefèvre-D'Arc" → "lefevre-d-arc"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _email_local_part(first_name: str, last_name: str) -> str:
    return f"{_slug(first_name)}.{_slug(last_name)}"


# --- Results --------------------------------------------------------------------------------------


@dataclass
class Counts:
    created: int = 0
    existing: int = 0

    def add(self, *, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.existing += 1


@dataclass
class DemoSummary:
    experiment_marked: list[str] = field(default_factory=list)  # delegation names; empty: kept as is
    experiment_delegations: list[str] = field(default_factory=list)
    staff: Counts = field(default_factory=Counts)
    places: Counts = field(default_factory=Counts)
    demo_member: Counts = field(default_factory=Counts)
    members: Counts = field(default_factory=Counts)
    members_given_consents: int = 0
    contacts: Counts = field(default_factory=Counts)
    # What the later steps (rencontres, feedback, suggestions…) added: a label → a short figure.
    history: dict[str, object] = field(default_factory=dict)


ProgressCallback = Callable[[int, int], None]
T = TypeVar("T")


# --- Steps ----------------------------------------------------------------------------------------


def demo_prerequisites_check() -> None:
    """Raise DemoPrerequisiteError unless delegations and ROME jobs are loaded."""
    missing = []
    if not Delegation.objects.exists():
        missing.append("aucune délégation")
    if not RomeMetier.objects.exists():
        missing.append("aucun métier ROME")
    if not Departement.objects.exists():
        missing.append("aucun département")
    if missing:
        raise DemoPrerequisiteError(PREREQUISITE_MESSAGE.format(missing=", ".join(missing)))


def _codes_by_preference(*, codes: list[str], preferred: tuple[str, ...]) -> list[str]:
    """The preferred codes that exist, in order, then the other codes sorted."""
    present = set(codes)
    chosen = [code for code in preferred if code in present]
    return chosen + sorted(present - set(chosen))


@transaction.atomic
def demo_experiment_mark() -> list[Delegation]:
    """Put 7 delegations in the experiment, only if none is in it yet (the admin's choice wins)."""
    if Delegation.objects.filter(in_experiment=True).exists():
        return []
    codes = list(Delegation.objects.values_list("code", flat=True))
    chosen = _codes_by_preference(codes=codes, preferred=EXPERIMENT_PREFERENCE)[:EXPERIMENT_SIZE]
    Delegation.objects.filter(code__in=chosen).update(in_experiment=True)
    by_code = Delegation.objects.in_bulk(chosen, field_name="code")
    return [by_code[code] for code in chosen]


def _fixed_login_delegations(*, delegations: list[Delegation]) -> dict[str, Delegation]:
    """Fixed login email → delegation; a missing preferred code falls back to the sorted codes,
    choosing a delegation not yet used so the two consultants show two delegations."""
    by_code = {d.code: d for d in delegations}
    sorted_codes = sorted(by_code)
    resolved: dict[str, str] = {}  # preferred code -> code used
    result: dict[str, Delegation] = {}
    for login in DEMO_LOGINS:
        if login.role not in (Role.CONSULTANT, Role.DELEGATION_LEAD):
            continue
        wanted = login.delegation_code
        if wanted not in resolved:
            if wanted in by_code:
                resolved[wanted] = wanted
            else:
                taken = set(resolved.values()) | {
                    other.delegation_code for other in DEMO_LOGINS if other.delegation_code in by_code
                }
                resolved[wanted] = next((c for c in sorted_codes if c not in taken), sorted_codes[0])
        result[login.email] = by_code[resolved[wanted]]
    return result


@functools.cache
def _french_faker() -> Faker:
    return Faker("fr_FR")


def _faker(seed: int) -> Faker:
    """A French Faker seeded with `seed`; one instance is reused (creating one is slow)."""
    fake = _french_faker()
    fake.seed_instance(seed)
    return fake


def _staff_names(*, delegation_code: str, count: int) -> list[tuple[str, str, bool]]:
    """(first name, last name, is_female) for a delegation's staff; stable whatever the seed."""
    fake = _faker(zlib.crc32(delegation_code.encode()))
    rng = random.Random(zlib.crc32(delegation_code.encode()))  # noqa: S311 - demo data, not security
    names = []
    for _ in range(count):
        female = rng.random() < 0.5
        first = fake.first_name_female() if female else fake.first_name_male()
        names.append((first, fake.last_name(), female))
    return names


def _user_exists(email: str) -> bool:
    return User.objects.filter(email=email).exists()


@transaction.atomic
def demo_staff_create(*, password_hash: str) -> Counts:
    """Per delegation 1 lead and 3 consultants (some are the fixed logins), then the
    national-team user and the admin. Get-or-create by email."""
    counts = Counts()
    delegations = sorted(Delegation.objects.all(), key=lambda d: d.code)
    fixed_delegation = _fixed_login_delegations(delegations=delegations)
    used_emails = {login.email for login in DEMO_LOGINS}
    new_users: list[int] = []

    for delegation in delegations:
        fixed = [login for login in DEMO_LOGINS if fixed_delegation.get(login.email) == delegation]
        fixed_leads = [login for login in fixed if login.role == Role.DELEGATION_LEAD]
        fixed_consultants = [login for login in fixed if login.role == Role.CONSULTANT]
        # Slot 0 is the lead, then the consultants; a fixed login takes a slot's place.
        names = _staff_names(delegation_code=delegation.code, count=1 + CONSULTANTS_PER_DELEGATION)
        slots: list[DemoLogin] = []
        for slot, (first, last, female) in enumerate(names):
            role = Role.DELEGATION_LEAD if slot == 0 else Role.CONSULTANT
            pool = fixed_leads if slot == 0 else fixed_consultants
            if pool:
                slots.append(pool.pop(0))
                continue
            local = _email_local_part(first, last)
            email, suffix = f"{local}@{DEMO_DOMAIN}", 2
            while email in used_emails:
                email, suffix = f"{local}{suffix}@{DEMO_DOMAIN}", suffix + 1
            used_emails.add(email)
            if role == Role.DELEGATION_LEAD:
                title = "Responsable de délégation Apec"
            else:
                title = "Consultante Apec" if female else "Consultant Apec"
            slots.append(DemoLogin(email, role, first, last, delegation.code, title))
        # More fixed logins than slots (only when codes are missing): keep them all.
        slots.extend(fixed_leads + fixed_consultants)

        for login in slots:
            if _user_exists(login.email):
                counts.add(created=False)
                continue
            consultant = consultant_create(
                email=login.email,
                first_name=login.first_name,
                last_name=login.last_name,
                delegation=delegation,
                title=login.title,
                role=login.role,
                email_verified=True,
            )
            new_users.append(consultant.user.pk)
            counts.add(created=True)

    for login in DEMO_LOGINS:
        if login.role not in (Role.NATIONAL, Role.ADMIN):
            continue
        if _user_exists(login.email):
            counts.add(created=False)
            continue
        user = user_create(
            email=login.email,
            role=login.role,
            first_name=login.first_name,
            last_name=login.last_name,
            email_verified=True,
        )
        new_users.append(user.pk)
        counts.add(created=True)

    # One hash for every demo account: hashing is deliberately slow and the password is shared.
    User.objects.filter(pk__in=new_users).update(password=password_hash)
    return counts


def _delegation_places(*, delegation: Delegation, rng: random.Random, fake: Faker) -> list[PlaceSpec]:
    region_codes = set(delegation.regions.values_list("code", flat=True))
    spec = next((CITY_PLACES[code] for code in CITY_PLACES if code in region_codes), None)
    if spec is None:
        # A delegation the table does not know: plausible invented addresses.
        departement = (
            Departement.objects.filter(region__code__in=region_codes).order_by("code").first()
            if region_codes
            else None
        )
        city = fake.city()
        postcode = fake.postcode()
        spec = CityPlaces(
            city,
            departement.code if departement else "",
            (fake.street_address(), postcode),
            (f"Parc des expositions de {city}", fake.street_address(), postcode, city),
            (f"Tiers-lieu de {city}", fake.street_address(), postcode),
        )
    centre_address, centre_postcode = spec.centre
    salon_name, salon_address, salon_postcode, salon_city = spec.salon
    third_name, third_address, third_postcode = spec.third_place
    step_free = "Accès de plain-pied, ascenseur, toilettes adaptées."
    return [
        PlaceSpec(
            f"Apec {spec.city}", PlaceKind.APEC_CENTRE, centre_address, centre_postcode, spec.city,
            spec.departement_code, 40, step_free,
        ),
        PlaceSpec(
            salon_name, PlaceKind.SALON, salon_address, salon_postcode, salon_city,
            spec.departement_code, rng.choice((1500, 3000, 5000)),
            "Parcours accessible en fauteuil ; boucle magnétique à l'accueil.",
        ),
        PlaceSpec(
            third_name, PlaceKind.THIRD_PLACE, third_address, third_postcode, spec.city,
            spec.departement_code, rng.choice((30, 50, 80)),
            "Rez-de-chaussée accessible ; salle calme sur demande.",
        ),
        PlaceSpec(f"En ligne ({delegation.name})", PlaceKind.ONLINE),
    ]  # fmt: skip


@transaction.atomic
def demo_places_create() -> Counts:
    """An Apec centre, a salon venue, a third place and an online place per delegation."""
    counts = Counts()
    known = set(Departement.objects.values_list("code", flat=True))
    for delegation in Delegation.objects.order_by("code"):
        seed = zlib.crc32(delegation.code.encode())
        rng = random.Random(seed)  # noqa: S311 - demo data, not security
        fake = _faker(seed)
        for spec in _delegation_places(delegation=delegation, rng=rng, fake=fake):
            _, created = Place.objects.get_or_create(
                name=spec.name,
                delegation=delegation,
                defaults={
                    "kind": spec.kind,
                    "address": spec.address,
                    "postcode": spec.postcode,
                    "city": spec.city,
                    "departement_id": spec.departement_code if spec.departement_code in known else None,
                    "capacity": spec.capacity,
                    "accessibility_notes": spec.accessibility_notes,
                },
            )
            counts.add(created=created)
    return counts


def _cadre_job_codes() -> list[tuple[str, str, str]]:
    """(code, grand domaine, domaine) of the cadre jobs, or of every job if none is flagged."""
    jobs = RomeMetier.objects.order_by("code").values_list("code", "domaine__grand_domaine_id", "domaine_id")
    cadre = list(jobs.filter(emploi_cadre=True))
    return cadre or list(jobs)


@transaction.atomic
def demo_member_account_create(*, password_hash: str) -> Counts:
    """The demo member: a user with the demo password and a full profile linked to it."""
    counts = Counts()
    login = next(login for login in DEMO_LOGINS if login.role == Role.MEMBER)
    user = User.objects.filter(email=login.email).first()
    if user is None:
        user = user_create(
            email=login.email,
            role=Role.MEMBER,
            first_name=login.first_name,
            last_name=login.last_name,
            email_verified=True,
        )
        User.objects.filter(pk=user.pk).update(password=password_hash)
    member = Member.objects.filter(email=login.email).first()
    if member is not None:
        if member.user is None:
            member.user = user
            member.save(update_fields=["user", "updated_at"])
        counts.add(created=False)
        return counts

    departement = (
        Departement.objects.filter(code=_DEMO_MEMBER_DEPARTEMENT).first()
        or Departement.objects.filter(region__delegations__isnull=False).order_by("code").first()
    )
    job_codes = [code for code, _, _ in _cadre_job_codes()]
    job_code = _DEMO_MEMBER_JOB if _DEMO_MEMBER_JOB in job_codes else job_codes[0]
    sector = NafDivision.objects.filter(code=_DEMO_MEMBER_SECTOR).first() or NafDivision.objects.first()
    member = member_create(
        first_name=login.first_name,
        last_name=login.last_name,
        email=login.email,
        situation=Situation.JOB_SEEKER,
        phase=Phase.TRANSITION,
        departement=departement,
        current_job=RomeMetier.objects.get(code=job_code),
        sector=sector,
        user=user,
    )
    targets = list(
        RomeMetier.objects.filter(
            code__in=RomeMobility.objects.filter(source_id=job_code, target_id__in=job_codes)
            .order_by("order")
            .values("target_id")[:2]
        )
    )
    member_update_profile(
        member=member,
        target_jobs=targets,
        target_sector=sector,
        experience_band=ExperienceBand.FROM_10_TO_20,
        topics_sought=list(Topic.objects.filter(slug__in=_DEMO_MEMBER_TOPICS_SOUGHT, is_active=True)),
        topics_offered=list(Topic.objects.filter(slug__in=_DEMO_MEMBER_TOPICS_OFFERED, is_active=True)),
        seeking_text=_DEMO_MEMBER_SEEKING,
        offering_text=_DEMO_MEMBER_OFFERING,
        prefers_in_person=True,
        prefers_video=True,
        availability=["tue_lunch", "thu_evening", "fri_morning"],
        linkedin_url="https://www.linkedin.com/in/camille-moreau-demo",
    )
    counts.add(created=True)
    return counts


@dataclass(frozen=True)
class _MemberContext:
    """Everything a member row needs, read from the database once."""

    departement_codes: list[str]
    departement_cum_weights: list[float]
    delegation_by_departement: dict[str, int | None]
    jobs: list[tuple[str, str, str]]
    hr_jobs: list[tuple[str, str, str]]
    sectors: list[str]
    sectors_by_grand_domaine: dict[str, list[str]]
    job_labels: dict[str, str]
    # Cadre jobs people commonly move to from a job (ROME mobilities), and the jobs of a domaine.
    mobility_targets: dict[str, list[str]]
    jobs_by_domaine: dict[str, list[str]]
    topic_labels: dict[str, str]  # active topics, slug → label as used inside a sentence


def _member_context() -> _MemberContext:
    delegation_by_departement: dict[str, int | None] = {}
    # Same choice as network.selectors.delegation_for_departement: the first by name.
    rows = Departement.objects.order_by("code", "region__delegations__name", "region__delegations__id")
    for code, delegation_id in rows.values_list("code", "region__delegations__id"):
        delegation_by_departement.setdefault(code, delegation_id)

    codes: list[str] = []
    cum_weights: list[float] = []
    total = 0.0
    for code, overseas in Departement.objects.order_by("code").values_list("code", "region__overseas"):
        weight = DEPARTEMENT_WEIGHTS.get(code, DEFAULT_DEPARTEMENT_WEIGHT)
        if overseas:
            weight *= OVERSEAS_FACTOR
        total += weight
        codes.append(code)
        cum_weights.append(total)

    jobs = _cadre_job_codes()
    all_sectors = list(NafDivision.objects.order_by("code").values_list("code", flat=True))
    sectors = [code for code in all_sectors if code not in _UNLIKELY_SECTORS] or all_sectors
    present = set(all_sectors)
    by_grand_domaine = {
        letter: [code for code in wanted if code in present]
        for letter, wanted in SECTORS_BY_GRAND_DOMAINE.items()
    }
    job_codes = {code for code, _, _ in jobs}
    job_labels = {
        code: _lower_first(label)
        for code, label in RomeMetier.objects.filter(code__in=job_codes).values_list("code", "label")
    }
    mobility_targets: dict[str, list[str]] = {}
    mobilities = RomeMobility.objects.order_by("source", "order", "target").values_list("source", "target")
    for source, target in mobilities:
        if target in job_codes:
            mobility_targets.setdefault(source, []).append(target)
    jobs_by_domaine: dict[str, list[str]] = {}
    for code, _, domaine in jobs:
        jobs_by_domaine.setdefault(domaine, []).append(code)
    topic_labels = {
        slug: _lower_first(label)
        for slug, label in Topic.objects.filter(is_active=True)
        .order_by("position", "slug")
        .values_list("slug", "label")
    }
    return _MemberContext(
        departement_codes=codes,
        departement_cum_weights=cum_weights,
        delegation_by_departement=delegation_by_departement,
        jobs=jobs,
        hr_jobs=[job for job in jobs if job[2] == RECRUITER_HR_DOMAINE],
        sectors=sectors,
        sectors_by_grand_domaine={k: v for k, v in by_grand_domaine.items() if v},
        job_labels=job_labels,
        mobility_targets=mobility_targets,
        jobs_by_domaine=jobs_by_domaine,
        topic_labels=topic_labels,
    )


def _weighted_picker(rng: random.Random, weights: tuple[tuple[T, float], ...]) -> Callable[[], T]:
    values = [value for value, _ in weights]
    cum: list[float] = []
    total = 0.0
    for _, weight in weights:
        total += weight
        cum.append(total)

    def pick() -> T:
        return values[min(bisect.bisect(cum, rng.random() * total), len(values) - 1)]

    return pick


def _topic_picker(
    rng: random.Random, pools: dict[str, _TopicPool], context: _MemberContext
) -> Callable[[str], list[str]]:
    """1 to 4 topic slugs for a situation: its anchor often, others from its pool, rarely any."""
    available = context.topic_labels
    every = list(available)
    filtered = {
        situation: (
            pool.anchor if pool.anchor in available else None,
            pool.anchor_share,
            [slug for slug in pool.others if slug in available],
        )
        for situation, pool in pools.items()
    }

    pick_count = _weighted_picker(rng, TOPIC_COUNT_WEIGHTS)

    def pick(situation: str) -> list[str]:
        anchor, share, others = filtered[situation]
        wanted = pick_count()
        chosen = [anchor] if anchor is not None and rng.random() < share else []
        chosen += rng.sample(others, min(wanted - len(chosen), len(others)))
        if every and (not chosen or rng.random() < OFF_POOL_TOPIC_SHARE):
            extra = rng.choice(every)
            if extra not in chosen:
                chosen = [*chosen[:3], extra]
        return chosen

    return pick


def _member_rows(*, count: int, seed: int, context: _MemberContext) -> Iterator[tuple[Member, _MemberLinks]]:
    """Members 1..count with their links, lazily. Member i depends only on the seed and the draws
    before it."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    fake = _faker(seed)
    # Faker is slow per call: build name pools once and combine them.
    female_names = [fake.first_name_female() for _ in range(1000)]
    male_names = [fake.first_name_male() for _ in range(1000)]
    last_names = [fake.last_name() for _ in range(2000)]
    slugs: dict[str, str] = {}

    def slug(text: str) -> str:
        if text not in slugs:
            slugs[text] = _slug(text)
        return slugs[text]

    pick_situation = _weighted_picker(rng, SITUATION_WEIGHTS)
    pick_phase = _weighted_picker(rng, PHASE_WEIGHTS_NON_RECRUITER)
    dept_codes = context.departement_codes
    dept_cum = context.departement_cum_weights
    dept_total = dept_cum[-1] if dept_cum else 0.0
    last_dept = len(dept_codes) - 1
    pick_experience = {
        situation: _weighted_picker(rng, weights) for situation, weights in EXPERIENCE_WEIGHTS.items()
    }
    pick_sought = _topic_picker(rng, TOPICS_SOUGHT, context)
    pick_offered = _topic_picker(rng, TOPICS_OFFERED, context)
    topic_labels = context.topic_labels
    all_job_codes = [code for code, _, _ in context.jobs]
    slot_indexes = range(len(AVAILABILITY_SLOTS))

    for index in range(1, count + 1):
        first_name = rng.choice(female_names if rng.random() < 0.5 else male_names)
        last_name = rng.choice(last_names)
        situation = pick_situation()
        phase = Phase.INTEGRATION if situation == Situation.RECRUITER else pick_phase()
        departement = (
            dept_codes[min(bisect.bisect(dept_cum, rng.random() * dept_total), last_dept)]
            if dept_codes
            else None
        )

        job: tuple[str, str, str] | None
        if situation == Situation.GRADUATE and rng.random() < GRADUATE_WITHOUT_JOB_SHARE:
            job = None
        elif situation == Situation.RECRUITER and context.hr_jobs and rng.random() < RECRUITER_HR_JOB_SHARE:
            job = rng.choice(context.hr_jobs)
        else:
            job = rng.choice(context.jobs)

        sector: str | None = None
        if job is not None and context.sectors:
            biased = context.sectors_by_grand_domaine.get(job[1])
            if biased and rng.random() < SECTOR_BIAS_SHARE:
                sector = rng.choice(biased)
            else:
                sector = rng.choice(context.sectors)

        # --- Profile ---
        experience = pick_experience[situation]()
        sought = pick_sought(situation)
        if (
            situation == Situation.JOB_SEEKER
            and experience == ExperienceBand.OVER_20
            and SENIOR_TOPIC in topic_labels
            and SENIOR_TOPIC not in sought
            and rng.random() < SENIOR_TOPIC_SHARE
        ):
            sought = [SENIOR_TOPIC, *sought[:3]]
        offered = pick_offered(situation)

        targets: list[str] = []
        target_sector: str | None = None
        if situation != Situation.RECRUITER and all_job_codes:
            candidates = context.mobility_targets.get(job[0]) if job else None
            if not candidates and job is not None:
                candidates = [code for code in context.jobs_by_domaine.get(job[2], ()) if code != job[0]]
            if not candidates:
                candidates = all_job_codes
            targets = rng.sample(candidates, min(rng.choice(TARGET_JOB_COUNTS), len(candidates)))
            if context.sectors and rng.random() < TARGET_SECTOR_SHARE:
                target_sector = sector or rng.choice(context.sectors)

        job_label = context.job_labels.get(job[0], "") if job else ""
        target_label = context.job_labels.get(targets[0], "") if targets else ""
        if not job_label:
            job_label = target_label
        if not target_label:
            target_label = job_label
        seeking_text = _demo_text(
            rng, SEEKING_OPENINGS[situation], SEEKING_TOPIC_SENTENCES,
            job=job_label, target=target_label, topics=[topic_labels[t] for t in sought],
        )  # fmt: skip
        offering_text = _demo_text(
            rng, OFFERING_OPENINGS[situation], OFFERING_TOPIC_SENTENCES,
            job=job_label, target=target_label, topics=[topic_labels[t] for t in offered],
        )  # fmt: skip
        in_person = rng.random() < IN_PERSON_SHARE
        video = rng.random() < VIDEO_SHARE
        availability = [AVAILABILITY_SLOTS[i] for i in sorted(rng.sample(slot_indexes, rng.randint(2, 6)))]
        phone = f"+33{rng.choice('67')}{rng.randrange(10**8):08d}" if rng.random() < PHONE_SHARE else ""
        linkedin = (
            f"https://www.linkedin.com/in/{slug(first_name)}-{slug(last_name)}-{index}"
            if rng.random() < LINKEDIN_SHARE
            else ""
        )

        member = Member(
            first_name=first_name,
            last_name=last_name,
            email=f"{slug(first_name)}.{slug(last_name)}.{index}@{DEMO_DOMAIN}",
            situation=situation,
            phase=phase,
            departement_id=departement,
            delegation_id=context.delegation_by_departement.get(departement) if departement else None,
            current_job_id=job[0] if job else None,
            sector_id=sector,
            target_sector_id=target_sector,
            experience_band=experience,
            seeking_text=seeking_text,
            offering_text=offering_text,
            prefers_in_person=in_person,
            prefers_video=video,
            availability=availability,
            phone=phone,
            linkedin_url=linkedin,
        )
        yield member, _MemberLinks(target_jobs=targets, topics_sought=sought, topics_offered=offered)


def _through_insert(*, field_name: str, pairs: list[tuple[int, str]]) -> None:
    """Insert (member id, other id) pairs into a Member many-to-many table, skipping duplicates.

    One executemany per table: the rows carry two keys and nothing to validate, and
    `through.objects.bulk_create` spends ~25 µs of ORM work per row (600,000 rows for
    100,000 members), four times the whole member insert.
    """
    field = Member._meta.get_field(field_name)
    through = field.remote_field.through
    quote = connection.ops.quote_name
    source = quote(through._meta.get_field(field.m2m_field_name()).column)
    target = quote(through._meta.get_field(field.m2m_reverse_field_name()).column)
    insert = connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)
    suffix = connection.ops.on_conflict_suffix_sql([], OnConflict.IGNORE, [], []) or ""
    sql = f"{insert} {quote(through._meta.db_table)} ({source}, {target}) VALUES (%s, %s) {suffix}"
    with connection.cursor() as cursor:
        cursor.executemany(sql, pairs)


def _member_links_create(rows: list[tuple[Member, _MemberLinks]]) -> None:
    """The many-to-many rows of just-inserted members; duplicates (a row written meanwhile)
    are ignored."""
    ids: dict[str, int] = {}
    emails = [member.email for member, _ in rows]
    for start in range(0, len(emails), BATCH_SIZE):
        batch = emails[start : start + BATCH_SIZE]
        ids.update(Member.objects.filter(email__in=batch).values_list("email", "id"))
    jobs: list[tuple[int, str]] = []
    sought: list[tuple[int, str]] = []
    offered: list[tuple[int, str]] = []
    for member, links in rows:
        member_id = ids.get(member.email)
        if member_id is None:
            continue
        jobs.extend((member_id, code) for code in links.target_jobs)
        sought.extend((member_id, slug) for slug in links.topics_sought)
        offered.extend((member_id, slug) for slug in links.topics_offered)
    for field_name, pairs in (("target_jobs", jobs), ("topics_sought", sought), ("topics_offered", offered)):
        if pairs:
            _through_insert(field_name=field_name, pairs=pairs)


def demo_members_create(
    *,
    count: int,
    seed: int,
    chunk_size: int = CHUNK_SIZE,
    on_progress: ProgressCallback | None = None,
) -> Counts:
    """Insert `count` members in chunks; the unique email makes a re-run insert nothing.

    Members already present are skipped before the INSERT (a re-run only generates);
    `ignore_conflicts` still guards against rows written meanwhile.
    """
    context = _member_context()
    existing = set(Member.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True))
    before = Member.objects.count()
    rows = _member_rows(count=count, seed=seed, context=context)
    done = 0
    while chunk := list(islice(rows, chunk_size)):
        new = [(member, links) for member, links in chunk if member.email not in existing]
        if new:
            with transaction.atomic():
                Member.objects.bulk_create(
                    [member for member, _ in new], batch_size=BATCH_SIZE, ignore_conflicts=True
                )
                _member_links_create(new)
        done += len(chunk)
        if on_progress is not None:
            on_progress(done, count)
    created = Member.objects.count() - before
    return Counts(created=created, existing=count - created)


# Share of demo members who are the contact of a consultant of their delegation.
CONTACT_SHARE = 0.7
_CONTACT_BASES = (ContactBasis.FILE_IMPORT, ContactBasis.APEC_INTERVIEW, ContactBasis.EVENT)


def demo_contacts_create(*, seed: int) -> Counts:
    """Make most members the contact of one consultant of their delegation.

    Deterministic (a member's draw depends on the seed and their id) and
    idempotent: members who already are someone's contact are left alone.
    """
    consultants: dict[int, list[int]] = {}
    for consultant_id, delegation_id in Consultant.objects.order_by("pk").values_list("pk", "delegation_id"):
        consultants.setdefault(delegation_id, []).append(consultant_id)
    candidates = (
        Member.objects.filter(delegation__isnull=False)
        .filter(~Exists(Contact.objects.filter(member=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "delegation_id", "created_at")
    )
    contacts = []
    for member_id, delegation_id, created_at in candidates.iterator(chunk_size=CHUNK_SIZE):
        pool = consultants.get(delegation_id)
        rng = random.Random(seed * 7_919 + member_id)  # noqa: S311 - demo data, not security
        if not pool or rng.random() >= CONTACT_SHARE:
            continue
        contacts.append(
            Contact(
                consultant_id=pool[rng.randrange(len(pool))],
                member_id=member_id,
                basis=_CONTACT_BASES[rng.randrange(len(_CONTACT_BASES))],
                added_at=created_at,
            )
        )
    with transaction.atomic():
        Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return Counts(created=len(contacts), existing=0)


def demo_seed(
    *,
    members: int = DEFAULT_MEMBER_COUNT,
    seed: int = DEFAULT_SEED,
    on_progress: ProgressCallback | None = None,
    history: bool = True,
) -> DemoSummary:
    """All the demo data; raises DemoPrerequisiteError when reference data is missing."""
    demo_prerequisites_check()
    summary = DemoSummary()
    summary.experiment_marked = [d.name for d in demo_experiment_mark()]
    summary.experiment_delegations = list(
        Delegation.objects.filter(in_experiment=True).order_by("code").values_list("name", flat=True)
    )
    password_hash = make_password(DEMO_PASSWORD)
    summary.staff = demo_staff_create(password_hash=password_hash)
    summary.places = demo_places_create()
    summary.demo_member = demo_member_account_create(password_hash=password_hash)
    summary.members = demo_members_create(count=members, seed=seed, on_progress=on_progress)
    if summary.members.created:
        # Bulk inserts bypass the services, which keep the search index in step.
        member_search_index_rebuild()
    summary.members_given_consents = demo_consents_seed(seed=seed)
    summary.contacts = demo_contacts_create(seed=seed)
    if history:
        summary.history = demo_history_seed(members=members, seed=seed)
    return summary


# Share of demo members who activated their account (the others are consultants' contacts not yet invited).
ACTIVATED_SHARE = 0.6
# Django's own marker of an unusable password (members log in by code).
UNUSABLE_PASSWORD = "!"  # noqa: S105


def demo_accounts_activate(*, seed: int) -> int:
    """Give an active account (no password: members log in by code) to a stable share of the demo members."""
    from pairs.accounts.models import Role, User

    candidates = list(
        Member.objects.filter(user__isnull=True, erasure__isnull=True)
        .order_by("pk")
        .values_list("pk", "email", "first_name", "last_name")
    )
    # Decided per member from the seed and their email, so a re-run picks nobody new.
    chosen = [
        row for row in candidates if zlib.crc32(f"{seed}:{row[1]}".encode()) % 1000 < ACTIVATED_SHARE * 1000
    ]
    taken = set(User.objects.filter(email__in=[row[1] for row in chosen]).values_list("email", flat=True))
    chosen = [row for row in chosen if row[1] not in taken]
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    email=email,
                    first_name=first,
                    last_name=last,
                    role=Role.MEMBER,
                    is_active=True,
                    password=UNUSABLE_PASSWORD,
                )
                for _pk, email, first, last in chosen
            ],
            batch_size=BATCH_SIZE,
        )
        users = dict(User.objects.filter(email__in=[row[1] for row in chosen]).values_list("email", "pk"))
        members = [Member(pk=pk, user_id=users[email]) for pk, email, _f, _l in chosen]
        Member.objects.bulk_update(members, ["user"], batch_size=BATCH_SIZE)
    return len(chosen)


def demo_history_seed(*, members: int, seed: int) -> dict[str, object]:
    """Rencontres with their registrations, then what followed them, then the night's suggestions.

    Each app seeds its own part (imported here: they depend on core, not the reverse).
    """
    from django.utils import timezone

    from pairs.meetings.demo import demo_rencontres_seed
    from pairs.network.models import Delegation
    from pairs.recommendations.services import suggestions_compute_delegation

    now = timezone.now()
    history: dict[str, object] = {}
    history["comptes activés"] = demo_accounts_activate(seed=seed)
    history["rencontres"] = demo_rencontres_seed(
        rng=random.Random(seed),  # noqa: S311 (demo data, not secrets)
        now=now,
        scale=min(5.0, max(1.0, members / 2000)),
    )
    from pairs.feedback.demo import demo_feedback_seed

    history["après la rencontre"] = demo_feedback_seed(
        rng=random.Random(seed + 7),  # noqa: S311 (demo data, not secrets)
        now=now,
    )
    from pairs.coffee.demo import demo_coffee_seed

    history["café entre pairs"] = demo_coffee_seed(
        rng=random.Random(seed + 6),  # noqa: S311 (demo data, not secrets)
        now=now,
    )
    # The demo member's delegation now; the others come with the scheduler's first nightly batch.
    home = Delegation.objects.filter(members__email=DEMO_MEMBER_EMAIL).first()
    if home is not None:
        history["suggestions"] = suggestions_compute_delegation(delegation=home).suggestion_count
    return history


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, role label, password) of the fixed demo logins, for the command's table."""
    return [(login.email, str(login.role.label), DEMO_PASSWORD) for login in DEMO_LOGINS]
