"""`manage.py seed_demo`: deterministic, idempotent demo data."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from pairs.accounts.models import Role, User
from pairs.accounts.services import NATIONAL_GROUP
from pairs.core.demo import DEMO_MEMBER_EMAIL, DEMO_PASSWORD
from pairs.members.models import MAX_TARGET_JOBS, ExperienceBand, Member, Phase, Situation, Topic
from pairs.members.topics import AVAILABILITY_SLOTS
from pairs.network.models import Consultant, Delegation, Place, PlaceKind
from pairs.network.selectors import delegation_for_departement
from pairs.reference.models import (
    Departement,
    NafDivision,
    NafSection,
    Region,
    RomeDomaine,
    RomeGrandDomaine,
    RomeMetier,
    RomeMobility,
)

pytestmark = pytest.mark.django_db

DOMAIN = "demo.rencontres-entre-pairs.fr"
PREFERRED = [
    "ile-de-france",
    "auvergne-rhone-alpes",
    "hauts-de-france",
    "nouvelle-aquitaine",
    "occitanie",
    "grand-est",
    "bretagne",
]


def _reference_data() -> None:
    """A small stand-in for `load_reference_data`: 4 régions, 7 départements, 9 delegations."""
    regions = {
        "11": Region.objects.create(code="11", label="Île-de-France"),
        "84": Region.objects.create(code="84", label="Auvergne-Rhône-Alpes"),
        "32": Region.objects.create(code="32", label="Hauts-de-France"),
        "04": Region.objects.create(code="04", label="La Réunion", overseas=True),
    }
    for code, label, region in [
        ("75", "Paris", "11"),
        ("92", "Hauts-de-Seine", "11"),
        ("93", "Seine-Saint-Denis", "11"),
        ("69", "Rhône", "84"),
        ("38", "Isère", "84"),
        ("59", "Nord", "32"),
        ("974", "La Réunion", "04"),
    ]:
        Departement.objects.create(code=code, label=label, region=regions[region])
    for code, region in [("ile-de-france", "11"), ("auvergne-rhone-alpes", "84"), ("hauts-de-france", "32")]:
        delegation = Delegation.objects.create(code=code, name=f"Apec {regions[region].label}")
        delegation.regions.add(regions[region])
    # Delegations without région here, to check the choice of the experiment.
    for code in ["normandie", "nouvelle-aquitaine", "occitanie", "grand-est", "bretagne", "pays-de-la-loire"]:
        Delegation.objects.create(code=code, name=f"Apec {code}")

    support = RomeGrandDomaine.objects.create(code="M", label="Support à l'entreprise")
    industry = RomeGrandDomaine.objects.create(code="H", label="Industrie")
    hr = RomeDomaine.objects.create(code="M15", label="Ressources humaines", grand_domaine=support)
    marketing = RomeDomaine.objects.create(code="M17", label="Marketing", grand_domaine=support)
    production = RomeDomaine.objects.create(code="H12", label="Conception", grand_domaine=industry)
    for code, label, domaine, cadre in [
        ("M1502", "Chargé / Chargée de recrutement", hr, False),
        ("M1503", "Directeur / Directrice des Ressources Humaines (DRH)", hr, True),
        ("M1705", "Responsable marketing", marketing, True),
        ("M1707", "Responsable Commercial / Commerciale", marketing, True),
        ("M1404", "Responsable d'enquêtes terrain", marketing, None),
        ("H1206", "Ingénieur / Ingénieure R&D", production, True),
    ]:
        RomeMetier.objects.create(code=code, label=label, domaine=domaine, emploi_cadre=cadre)

    services = NafSection.objects.create(code="M", label="Activités spécialisées")
    manufacturing = NafSection.objects.create(code="C", label="Industrie manufacturière")
    for code, label, section in [
        ("69", "Activités juridiques et comptables", services),
        ("70", "Activités des sièges sociaux ; conseil de gestion", services),
        ("73", "Publicité et études de marché", services),
        ("20", "Industrie chimique", manufacturing),
        ("26", "Fabrication de produits informatiques", manufacturing),
    ]:
        NafDivision.objects.create(code=code, label=label, section=section)


@pytest.fixture
def reference_data() -> None:
    _reference_data()


def _seed(**options: Any) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _generated_members() -> list[tuple[Any, ...]]:
    members = (
        Member.objects.exclude(email=DEMO_MEMBER_EMAIL)
        .order_by("email")
        .prefetch_related("target_jobs", "topics_sought", "topics_offered")
    )
    return [
        (
            m.email, m.first_name, m.last_name, m.situation, m.phase, m.departement_id, m.current_job_id,
            m.sector_id, m.target_sector_id, m.experience_band, m.seeking_text, m.offering_text,
            m.prefers_in_person, m.prefers_video, tuple(m.availability), m.phone, m.linkedin_url,
            tuple(sorted(job.pk for job in m.target_jobs.all())),
            tuple(sorted(topic.pk for topic in m.topics_sought.all())),
            tuple(sorted(topic.pk for topic in m.topics_offered.all())),
        )
        for m in members
    ]  # fmt: skip


def _link_counts() -> tuple[int, int, int]:
    return (
        Member.target_jobs.through.objects.count(),
        Member.topics_sought.through.objects.count(),
        Member.topics_offered.through.objects.count(),
    )


def _row_counts() -> dict[str, int]:
    return {
        "members": Member.objects.count(),
        "users": User.objects.count(),
        "consultants": Consultant.objects.count(),
        "places": Place.objects.count(),
        "in_experiment": Delegation.objects.filter(in_experiment=True).count(),
    }


@pytest.mark.usefixtures("reference_data")
def test_same_seed_gives_the_same_members() -> None:
    # The people only: the history that follows (outcomes confirmed months later) changes some phases on purpose.
    _seed(members=200, seed=7, history=False)
    first = _generated_members()
    assert len(first) == 200

    Member.objects.exclude(email=DEMO_MEMBER_EMAIL).delete()
    _seed(members=200, seed=7, history=False)
    assert _generated_members() == first

    # A smaller run is a prefix of a larger one: the index-th member only depends on the seed.
    Member.objects.exclude(email=DEMO_MEMBER_EMAIL).delete()
    _seed(members=50, seed=7, history=False)
    by_email = set(first)
    assert all(row in by_email for row in _generated_members())

    Member.objects.exclude(email=DEMO_MEMBER_EMAIL).delete()
    _seed(members=200, seed=8, history=False)
    assert _generated_members() != first


@pytest.mark.usefixtures("reference_data")
def test_rerun_creates_nothing() -> None:
    _seed(members=150, seed=3)
    before = _row_counts()
    assert before["members"] == 151  # and the demo member

    links = _link_counts()
    assert all(links)

    output = _seed(members=150, seed=3)

    assert _row_counts() == before
    assert _link_counts() == links
    assert "Membres : 0 créé(s), 150 déjà présent(s)" in output
    assert "Lieux : 0 créé(s)" in output


@pytest.mark.usefixtures("reference_data")
def test_demo_logins_exist_with_their_role_and_the_demo_password() -> None:
    output = _seed(members=10, seed=1)

    expected = {
        f"membre@{DOMAIN}": Role.MEMBER,
        f"consultant@{DOMAIN}": Role.CONSULTANT,
        f"consultant.lyon@{DOMAIN}": Role.CONSULTANT,
        f"responsable@{DOMAIN}": Role.DELEGATION_LEAD,
        f"national@{DOMAIN}": Role.NATIONAL,
        f"admin@{DOMAIN}": Role.ADMIN,
    }
    for email, role in expected.items():
        user = authenticate(email=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert user.role == role
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
        assert email in output
    assert DEMO_PASSWORD in output
    assert authenticate(email=f"consultant@{DOMAIN}", password="wrong-password") is None

    assert Consultant.objects.get(user__email=f"consultant@{DOMAIN}").delegation.code == "ile-de-france"
    assert Consultant.objects.get(user__email=f"consultant.lyon@{DOMAIN}").delegation.code == (
        "auvergne-rhone-alpes"
    )
    lead = Consultant.objects.get(user__email=f"responsable@{DOMAIN}")
    assert lead.delegation.code == "ile-de-france"
    assert lead.user.role == Role.DELEGATION_LEAD

    admin = User.objects.get(email=f"admin@{DOMAIN}")
    assert admin.is_superuser
    assert admin.is_staff
    national = User.objects.get(email=f"national@{DOMAIN}")
    assert national.groups.filter(name=NATIONAL_GROUP).exists()

    member = Member.objects.select_related("user").get(email=DEMO_MEMBER_EMAIL)
    assert member.user is not None
    assert member.user.email == DEMO_MEMBER_EMAIL
    assert member.situation == Situation.JOB_SEEKER
    assert member.phase == Phase.TRANSITION
    assert member.departement_id == "75"
    assert member.delegation is not None
    assert member.delegation.code == "ile-de-france"
    assert member.current_job is not None
    assert member.current_job.emploi_cadre is True


@pytest.mark.usefixtures("reference_data")
def test_every_delegation_gets_a_team_and_places() -> None:
    _seed(members=0, seed=1)

    for delegation in Delegation.objects.all():
        roles = Counter(delegation.consultants.values_list("user__role", flat=True))
        assert roles == {Role.CONSULTANT: 3, Role.DELEGATION_LEAD: 1}, delegation.code
        kinds = Counter(delegation.places.values_list("kind", flat=True))
        assert kinds == {
            PlaceKind.APEC_CENTRE: 1,
            PlaceKind.SALON: 1,
            PlaceKind.THIRD_PLACE: 1,
            PlaceKind.ONLINE: 1,
        }, delegation.code
    centre = Place.objects.get(delegation__code="ile-de-france", kind=PlaceKind.APEC_CENTRE)
    assert centre.name == "Apec Paris"
    assert centre.departement_id == "75"

    staff_emails = list(
        User.objects.filter(role__in=[Role.CONSULTANT, Role.DELEGATION_LEAD]).values_list("email", flat=True)
    )
    assert all(email.isascii() and email.endswith(f"@{DOMAIN}") for email in staff_emails)
    assert authenticate(email=staff_emails[0], password=DEMO_PASSWORD) is not None


@pytest.mark.usefixtures("reference_data")
def test_experiment_takes_the_preferred_delegations_only_when_none_is_in_it() -> None:
    _seed(members=0, seed=1)
    assert sorted(Delegation.objects.filter(in_experiment=True).values_list("code", flat=True)) == sorted(
        PREFERRED
    )

    # The national team changes the experiment: a re-run keeps its choice.
    Delegation.objects.update(in_experiment=False)
    Delegation.objects.filter(code="normandie").update(in_experiment=True)
    _seed(members=0, seed=1)
    assert list(Delegation.objects.filter(in_experiment=True).values_list("code", flat=True)) == ["normandie"]


@pytest.mark.usefixtures("reference_data")
def test_member_delegation_follows_the_departement() -> None:
    _seed(members=300, seed=5)

    pairs = set(Member.objects.values_list("departement", "delegation"))
    assert {departement for departement, _ in pairs} >= {"75", "92", "69", "59"}
    for departement_code, delegation_id in pairs:
        expected = delegation_for_departement(departement_code=departement_code)
        assert delegation_id == (expected.pk if expected else None), departement_code


@pytest.mark.usefixtures("reference_data")
def test_distribution_is_roughly_as_specified() -> None:
    _seed(members=1000, seed=11)
    members = Member.objects.exclude(email=DEMO_MEMBER_EMAIL)
    total = members.count()
    assert total == 1000

    situations = Counter(members.values_list("situation", flat=True))
    for situation, share in [
        (Situation.JOB_SEEKER, 0.40),
        (Situation.EMPLOYED, 0.30),
        (Situation.GRADUATE, 0.20),
        (Situation.RECRUITER, 0.10),
    ]:
        assert abs(situations[situation] / total - share) < 0.05, situation

    phases = Counter(members.values_list("phase", flat=True))
    for phase, share in [(Phase.PREPARATION, 0.35), (Phase.TRANSITION, 0.45), (Phase.INTEGRATION, 0.20)]:
        assert abs(phases[phase] / total - share) < 0.06, phase
    assert set(members.filter(situation=Situation.RECRUITER).values_list("phase", flat=True)) == {
        Phase.INTEGRATION
    }

    # Jobs are cadre jobs; only young graduates may have none — and, in the history, graduates who reported a new
    # job and confirmed "cadre en poste" without naming it (how many depends on today's date).
    assert not members.filter(current_job__isnull=False).exclude(current_job__emploi_cadre=True).exists()
    without_job = members.filter(current_job__isnull=True)
    assert set(without_job.values_list("situation", flat=True)) <= {Situation.GRADUATE, Situation.EMPLOYED}
    assert without_job.filter(situation=Situation.GRADUATE).exists()
    employed_without_job = without_job.filter(situation=Situation.EMPLOYED)
    confirmed = employed_without_job.filter(
        outcome_surveys__proposed_situation=Situation.EMPLOYED,
        outcome_surveys__change_confirmed_at__isnull=False,
    )
    assert employed_without_job.count() == confirmed.distinct().count()
    assert not members.filter(current_job__isnull=False, sector__isnull=True).exists()

    # Weighted by population: Paris first, the overseas département rare.
    departements = Counter(members.values_list("departement", flat=True))
    assert departements.most_common(1)[0][0] == "75"
    assert departements["974"] < 0.03 * total

    emails = list(members.values_list("email", flat=True))
    assert all(email.isascii() and email.endswith(f"@{DOMAIN}") for email in emails)


@pytest.mark.django_db
def test_missing_reference_data_stops_with_a_french_message() -> None:
    with pytest.raises(CommandError, match="load_reference_data"):
        _seed(members=10, seed=1)

    Delegation.objects.create(code="ile-de-france", name="Apec Île-de-France")
    with pytest.raises(CommandError, match="aucun métier ROME"):
        _seed(members=10, seed=1)
    assert not Member.objects.exists()
    assert not User.objects.exists()


@pytest.mark.usefixtures("reference_data")
def test_demo_members_have_full_profiles() -> None:
    # A mobility from marketing to sales: members in marketing aim there when the ROME says so.
    RomeMobility.objects.create(source_id="M1705", target_id="M1707", order=1)
    _seed(members=600, seed=13)
    members = Member.objects.exclude(email=DEMO_MEMBER_EMAIL).prefetch_related(
        "target_jobs", "topics_sought", "topics_offered"
    )
    active = set(Topic.objects.filter(is_active=True).values_list("slug", flat=True))
    sought_by_situation: dict[str, Counter[str]] = {situation: Counter() for situation in Situation.values}
    offered_by_situation: dict[str, Counter[str]] = {situation: Counter() for situation in Situation.values}
    for member in members:
        sought = [topic.slug for topic in member.topics_sought.all()]
        offered = [topic.slug for topic in member.topics_offered.all()]
        assert 1 <= len(sought) <= 4, member.email
        assert 1 <= len(offered) <= 4, member.email
        assert set(sought) | set(offered) <= active
        sought_by_situation[member.situation].update(sought)
        offered_by_situation[member.situation].update(offered)

        targets = [job.pk for job in member.target_jobs.all()]
        assert len(targets) <= MAX_TARGET_JOBS
        if member.situation == Situation.RECRUITER:
            assert targets == []
        else:
            assert targets, member.email
            assert all(job.emploi_cadre for job in member.target_jobs.all())
        if member.current_job_id == "M1705" and member.situation != Situation.RECRUITER:
            assert targets == ["M1707"]

        assert member.seeking_text
        assert member.offering_text
        assert len(member.seeking_text) <= 2000
        assert "lorem" not in member.seeking_text.lower()
        assert member.experience_band in ExperienceBand.values
        assert set(member.availability) <= set(AVAILABILITY_SLOTS)
        assert 2 <= len(member.availability) <= 6
        assert not member.phone or (member.phone.startswith("+33") and len(member.phone) == 12)
        assert not member.linkedin_url or member.linkedin_url.startswith("https://www.linkedin.com/in/")
        member.full_clean()  # every generated value passes the model's validators

    # Realistic by situation.
    graduates = sought_by_situation[Situation.GRADUATE]
    assert graduates.most_common(1)[0][0] == "premier-emploi"
    assert offered_by_situation[Situation.RECRUITER].most_common(1)[0][0] == "recrutement-cadres"
    bands = Counter(members.filter(situation=Situation.GRADUATE).values_list("experience_band", flat=True))
    assert set(bands) <= {ExperienceBand.UNDER_2, ExperienceBand.FROM_2_TO_5}
    assert bands[ExperienceBand.UNDER_2] > bands[ExperienceBand.FROM_2_TO_5]
    assert not members.filter(situation=Situation.GRADUATE, experience_band=ExperienceBand.OVER_20).exists()
    assert members.filter(prefers_in_person=True).exists()
    assert members.filter(prefers_video=True).exists()

    demo = Member.objects.get(email=DEMO_MEMBER_EMAIL)
    assert demo.topics_sought.exists()
    assert demo.seeking_text
    assert demo.availability


@pytest.mark.usefixtures("reference_data")
def test_most_members_are_contacts_of_a_consultant_of_their_delegation_once() -> None:
    from pairs.contacts.models import Contact

    _seed(members=300, seed=5)
    contacts = list(Contact.objects.select_related("member", "consultant"))
    with_delegation = Member.objects.filter(delegation__isnull=False).count()
    assert 0.55 * with_delegation < len(contacts) < 0.85 * with_delegation
    assert all(c.consultant.delegation_id == c.member.delegation_id for c in contacts)

    output = _seed(members=300, seed=5)
    assert Contact.objects.count() == len(contacts)
    assert "Contacts des consultant·es : 0 ajouté(s)" in output
