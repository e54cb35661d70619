"""Full member profiles: topics, target jobs, texts, formats, availability and contacts."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pairs.members.models import ExperienceBand, Member, Topic, phone_normalise
from pairs.members.selectors import topic_list_active
from pairs.members.services import member_update_profile
from pairs.members.topics import AVAILABILITY_SLOTS, TOPICS, availability_label
from pairs.reference.models import Departement, NafDivision, NafSection, RomeMetier
from tests.factories import RomeMetierFactory
from tests.fixtures import World


def _jobs(count: int) -> list[RomeMetier]:
    return [RomeMetierFactory() for _ in range(count)]


def _stored(member: Member) -> dict[str, Any]:
    member = Member.objects.get(pk=member.pk)
    return {
        "fields": {
            name: getattr(member, name)
            for name in (
                "first_name",
                "departement_id",
                "delegation_id",
                "experience_band",
                "seeking_text",
                "offering_text",
                "prefers_in_person",
                "prefers_video",
                "availability",
                "phone",
                "linkedin_url",
                "target_sector_id",
            )
        },
        "target_jobs": list(member.target_jobs.values_list("pk", flat=True)),
        "topics_sought": list(member.topics_sought.values_list("pk", flat=True)),
        "topics_offered": list(member.topics_offered.values_list("pk", flat=True)),
    }


# --- Topics -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_data_migration_creates_the_topic_list() -> None:
    slugs = list(Topic.objects.values_list("slug", flat=True))
    assert len(TOPICS) >= 30
    assert slugs == [slug for slug, _ in TOPICS]  # ordered by position
    assert Topic.objects.get(slug="premier-emploi").label == "Premier emploi"
    assert list(topic_list_active()) == list(Topic.objects.all())


@pytest.mark.django_db
def test_the_topic_data_migration_is_idempotent_and_keeps_edits() -> None:
    # Called directly: a migration test with transaction=True would flush the data-migrated rows
    # other tests rely on.
    topics_create = importlib.import_module("pairs.members.migrations.0004_topics_initial").topics_create
    Topic.objects.filter(slug="management").update(label="Manager une équipe", is_active=False)
    Topic.objects.filter(slug="start-up").delete()

    topics_create(django_apps, None)
    topics_create(django_apps, None)

    assert Topic.objects.count() == len(TOPICS)
    management = Topic.objects.get(slug="management")
    assert (management.label, management.is_active) == ("Manager une équipe", False)
    assert Topic.objects.filter(slug="start-up").exists()
    assert list(topic_list_active()) == list(Topic.objects.exclude(slug="management"))


# --- member_update_profile ----------------------------------------------------------------------


def test_update_profile_stores_every_field(world: World) -> None:
    member = world.member_profile
    jobs = _jobs(3)
    section = NafSection.objects.create(code="J", label="Information et communication")
    sector = NafDivision.objects.create(code="62", label="Programmation informatique", section=section)
    sought = list(Topic.objects.filter(slug__in=["reconversion", "marche-cache"]))
    offered = [Topic.objects.get(slug="management")]

    member_update_profile(
        member=member,
        target_jobs=jobs,
        target_sector=sector,
        experience_band=ExperienceBand.FROM_10_TO_20,
        topics_sought=sought,
        topics_offered=offered,
        seeking_text="  Je cherche un poste de DSI.  ",
        offering_text="Mon expérience du management.",
        prefers_in_person=True,
        prefers_video=False,
        availability=["thu_evening", "mon_morning", "thu_evening"],
        phone="06 12 34 56 78",
        linkedin_url="https://fr.linkedin.com/in/ines-moreau",
    )

    member.refresh_from_db()
    assert set(member.target_jobs.all()) == set(jobs)
    assert member.target_sector == sector
    assert member.experience_band == ExperienceBand.FROM_10_TO_20
    assert set(member.topics_sought.all()) == set(sought)
    assert list(member.topics_offered.all()) == offered
    assert member.seeking_text == "Je cherche un poste de DSI."
    assert (member.prefers_in_person, member.prefers_video) == (True, False)
    assert member.availability == ["mon_morning", "thu_evening"]  # week order, no duplicates
    assert member.availability_labels() == ["Lundi matin", "Jeudi soir"]
    assert member.phone == "+33612345678"
    assert member.linkedin_url == "https://fr.linkedin.com/in/ines-moreau"


def test_update_profile_leaves_fields_not_passed_alone(world: World) -> None:
    member = world.member_profile
    member_update_profile(
        member=member, seeking_text="Avant", topics_sought=[Topic.objects.get(slug="leadership")]
    )
    member_update_profile(member=member, offering_text="Après")
    member.refresh_from_db()
    assert (member.seeking_text, member.offering_text) == ("Avant", "Après")
    assert list(member.topics_sought.values_list("slug", flat=True)) == ["leadership"]


def test_at_most_three_target_jobs(world: World) -> None:
    member = world.member_profile
    jobs = _jobs(4)
    member_update_profile(member=member, target_jobs=jobs[:3])
    before = _stored(member)

    with pytest.raises(ValidationError) as error:
        member_update_profile(member=member, target_jobs=jobs)

    assert error.value.message_dict == {
        "target_jobs": ["Vous pouvez indiquer au plus 3 métiers visés (4 sélectionnés)."]
    }
    assert _stored(member) == before
    # The same job twice counts once.
    member_update_profile(member=member, target_jobs=[jobs[0], jobs[0], jobs[1], jobs[2]])
    assert member.target_jobs.count() == 3


@pytest.mark.parametrize(
    ("fields", "field", "message_part"),
    [
        ({"phone": "12345"}, "phone", "Numéro de téléphone invalide"),
        ({"phone": "+44 20 7946 0958"}, "phone", "Numéro de téléphone invalide"),
        ({"linkedin_url": "http://www.linkedin.com/in/x"}, "linkedin_url", "Adresse LinkedIn invalide"),
        ({"linkedin_url": "https://linkedin.com.evil.fr/in/x"}, "linkedin_url", "Adresse LinkedIn invalide"),
        ({"linkedin_url": "https://notlinkedin.com/in/x"}, "linkedin_url", "Adresse LinkedIn invalide"),
        ({"availability": ["mon_morning", "sun_brunch"]}, "availability", "sun_brunch"),
        ({"availability": ["sat_morning"]}, "availability", "Créneau de disponibilité inconnu"),
        ({"seeking_text": "x" * 2001}, "seeking_text", "2000"),
        ({"offering_text": "x" * 2001}, "offering_text", "2000"),
        ({"experience_band": "30ans"}, "experience_band", "30ans"),
    ],
)
def test_each_bad_field_gets_its_own_message_and_nothing_is_stored(
    world: World, fields: dict[str, Any], field: str, message_part: str
) -> None:
    member = world.member_profile
    before = _stored(member)
    with pytest.raises(ValidationError) as error:
        member_update_profile(
            member=member,
            first_name="Changé",
            topics_sought=[Topic.objects.get(slug="reconversion")],
            prefers_video=True,
            **fields,
        )
    assert list(error.value.message_dict) == [field]
    assert any(message_part in message for message in error.value.message_dict[field])
    assert _stored(member) == before
    assert member.first_name != "Changé"  # the caller's instance is restored too


def test_several_bad_fields_are_reported_together(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        member_update_profile(
            member=world.member_profile,
            phone="abc",
            linkedin_url="https://example.com/x",
            availability=["noon"],
            target_jobs=_jobs(4),
        )
    assert set(error.value.message_dict) == {"phone", "linkedin_url", "availability", "target_jobs"}


def test_an_inactive_topic_is_refused(world: World) -> None:
    Topic.objects.filter(slug="start-up").update(is_active=False)
    with pytest.raises(ValidationError) as error:
        member_update_profile(
            member=world.member_profile, topics_offered=[Topic.objects.get(slug="start-up")]
        )
    assert "Start-up" in error.value.message_dict["topics_offered"][0]


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0612345678", "+33612345678"),
        ("06 12 34 56 78", "+33612345678"),
        ("01.23.45.67.89", "+33123456789"),
        ("07-12-34-56-78", "+33712345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33612345678", "+33612345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_phone_normalisation(raw: str, normalised: str) -> None:
    assert phone_normalise(raw) == normalised


@pytest.mark.parametrize(
    "raw", ["061234567", "06123456789", "0012345678", "+33012345678", "+3361234567", "tel"]
)
def test_phone_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        phone_normalise(raw)


@pytest.mark.parametrize(
    "url", ["https://www.linkedin.com/in/a", "https://linkedin.com/in/a", "https://fr.linkedin.com/in/a", ""]
)
def test_linkedin_urls_accepted(world: World, url: str) -> None:
    member_update_profile(member=world.member_profile, linkedin_url=url)
    assert Member.objects.get(pk=world.member_profile.pk).linkedin_url == url


def test_availability_codes_and_labels() -> None:
    assert len(AVAILABILITY_SLOTS) == 15
    assert AVAILABILITY_SLOTS[0] == "mon_morning"
    assert AVAILABILITY_SLOTS[-1] == "fri_evening"
    assert "wed_lunch" in AVAILABILITY_SLOTS
    assert availability_label("wed_lunch") == "Mercredi midi"
    assert availability_label("sun_brunch") == "sun_brunch"


def test_availability_can_be_cleared(world: World) -> None:
    member = world.member_profile
    member_update_profile(member=member, availability=["tue_lunch"])
    member_update_profile(member=member, availability=[])
    assert Member.objects.get(pk=member.pk).availability == []


def test_the_delegation_follows_a_departement_change(world: World) -> None:
    member = world.member_profile
    member_update_profile(member=member, departement=Departement.objects.get(code="69"))
    member.refresh_from_db()
    assert member.delegation == world.other
    member_update_profile(member=member, departement=None)
    member.refresh_from_db()
    assert (member.departement, member.delegation) == (None, None)


def test_existing_rows_stay_valid_without_the_new_fields(world: World) -> None:
    world.member_profile.full_clean()
    assert world.member_profile.availability == []


# --- Pages --------------------------------------------------------------------------------------


def test_my_profile_shows_the_new_fields(world: World) -> None:
    member = world.member_profile
    member_update_profile(
        member=member,
        topics_sought=[Topic.objects.get(slug="reconversion")],
        topics_offered=[Topic.objects.get(slug="leadership")],
        seeking_text="Un nouveau départ.",
        availability=["fri_evening"],
        phone="0612345678",
        prefers_video=True,
    )
    client = Client()
    client.force_login(world.member)
    page = client.get(reverse("members:my_profile")).content.decode()
    for text in (
        "Reconversion professionnelle",
        "Leadership",
        "Un nouveau départ.",
        "Vendredi soir",
        "+33612345678",
    ):
        assert text in page


def test_admin_member_and_topic_pages_open(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    assert (
        client.get(reverse("admin:members_member_change", args=[world.member_profile.pk])).status_code == 200
    )
    assert client.get(reverse("admin:members_topic_change", args=["management"])).status_code == 200


def test_admin_form_applies_the_service_rules(world: World) -> None:
    from pairs.members.admin import MemberAdminForm

    member = world.member_profile
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "situation": member.situation,
        "phase": member.phase,
        "availability": '["mon_morning", "sun_brunch"]',
        "phone": "06 12 34 56 78",
        "linkedin_url": "https://www.linkedin.com/in/x",
        "target_jobs": [job.pk for job in _jobs(4)],
    }
    form = MemberAdminForm(data=data, instance=member)
    assert not form.is_valid()
    assert set(form.errors) == {"availability", "target_jobs"}
    assert form.cleaned_data["phone"] == "+33612345678"
