"""Demo data: a realistic, deterministic network and member base for trying the platform.

`manage.py seed_demo` calls `demo_seed`; every step is idempotent (get-or-create by a
natural key), so running the command again creates nothing new. The same seed gives
the same members, and member number i is the same whatever `--members` is, so a larger
run only appends to a smaller one. Another seed gives other members (other emails),
which are added to those already present.

Members are inserted with `bulk_create` from a lazy generator and a precomputed
département → delegation map, which keeps 100,000 members well under a minute on
SQLite. Faker is only used to build small name pools once; combining them is cheap.

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
from django.db import transaction
from faker import Faker

from pairs.accounts.models import Role, User
from pairs.accounts.services import user_create
from pairs.members.models import Member, Phase, Situation
from pairs.members.services import member_create
from pairs.network.models import Delegation, Place, PlaceKind
from pairs.network.services import consultant_create
from pairs.reference.models import Departement, NafDivision, RomeMetier

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
    member_create(
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
    return _MemberContext(
        departement_codes=codes,
        departement_cum_weights=cum_weights,
        delegation_by_departement=delegation_by_departement,
        jobs=jobs,
        hr_jobs=[job for job in jobs if job[2] == RECRUITER_HR_DOMAINE],
        sectors=sectors,
        sectors_by_grand_domaine={k: v for k, v in by_grand_domaine.items() if v},
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


def _member_rows(*, count: int, seed: int, context: _MemberContext) -> Iterator[Member]:
    """Members 1..count, lazily. Member i depends only on the seed and the draws before it."""
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

        yield Member(
            first_name=first_name,
            last_name=last_name,
            email=f"{slug(first_name)}.{slug(last_name)}.{index}@{DEMO_DOMAIN}",
            situation=situation,
            phase=phase,
            departement_id=departement,
            delegation_id=context.delegation_by_departement.get(departement) if departement else None,
            current_job_id=job[0] if job else None,
            sector_id=sector,
        )


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
        new = [member for member in chunk if member.email not in existing]
        if new:
            with transaction.atomic():
                Member.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
        done += len(chunk)
        if on_progress is not None:
            on_progress(done, count)
    created = Member.objects.count() - before
    return Counts(created=created, existing=count - created)


def demo_seed(
    *,
    members: int = DEFAULT_MEMBER_COUNT,
    seed: int = DEFAULT_SEED,
    on_progress: ProgressCallback | None = None,
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
    return summary


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, role label, password) of the fixed demo logins, for the command's table."""
    return [(login.email, str(login.role.label), DEMO_PASSWORD) for login in DEMO_LOGINS]
