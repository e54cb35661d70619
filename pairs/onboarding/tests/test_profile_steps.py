"""The three profile steps: creation of the profile, field errors that keep the input, consents."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from pairs.accounts.models import User
from pairs.members.models import Member, Phase, Situation, Topic
from pairs.privacy.models import ConsentKind, ConsentRecord, ConsentSource
from pairs.privacy.selectors import consent_state
from pairs.privacy.texts import CONSENT_TEXTS
from pairs.reference.models import RomeMetier
from tests.factories import MemberFactory, RomeMetierFactory, UserFactory
from tests.factories_onboarding import RomeAppellationFactory
from tests.fixtures import World


@pytest.fixture
def jobs(db: None) -> dict[str, RomeMetier]:
    consulting = RomeMetierFactory(code="M1402", label="Conseil en organisation et management d'entreprise")
    software = RomeMetierFactory(code="M1805", label="Études et développement informatique")
    RomeAppellationFactory(
        label="Consultant / Consultante en stratégie", metier=consulting, is_principal=True
    )
    RomeAppellationFactory(label="Ingénieur / Ingénieure logiciel", metier=software, is_principal=True)
    RomeAppellationFactory(label="Ingénieur / Ingénieure d'études informatiques", metier=software)
    RomeAppellationFactory(label="Ingénieur / Ingénieure conseil en organisation", metier=consulting)
    return {"consulting": consulting, "software": software}


@pytest.fixture
def newcomer(world: World) -> Client:
    """Someone who signed up themself (email verified by allauth) and has no profile yet."""
    user = UserFactory(email="nouvelle@exemple.fr", first_name="", last_name="")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    client = Client()
    client.force_login(user)
    return client


def _step1_data(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Nadia",
        "last_name": "Benali",
        "situation": Situation.JOB_SEEKER,
        "phase": Phase.TRANSITION,
        "departement": "75",
        "current_job": "Consultant / Consultante en stratégie (M1402)",
    }
    data.update(overrides)
    return data


def test_start_sends_a_member_without_profile_to_step_one(newcomer: Client) -> None:
    response = newcomer.get(reverse("onboarding:start"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("onboarding:profile_situation")
    assert "Étape 1 sur 3" in html
    assert 'role="combobox"' in html
    assert 'aria-controls="id_current_job_listbox"' in html
    assert 'aria-expanded="false"' in html
    assert 'role="listbox"' in html
    # Later steps need a profile first.
    assert newcomer.get(reverse("onboarding:profile_interests"))["Location"] == reverse(
        "onboarding:profile_situation"
    )
    assert newcomer.get(reverse("onboarding:profile_meetings"))["Location"] == reverse(
        "onboarding:profile_situation"
    )


def test_step_one_errors_keep_the_input(newcomer: Client, jobs: dict[str, RomeMetier]) -> None:
    data = _step1_data(situation="", current_job="ingenieur")
    response = newcomer.post(reverse("onboarding:profile_situation"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Member.objects.filter(email="nouvelle@exemple.fr").exists()
    assert "<title>Erreur : Étape 1 sur 3" in html
    # Field-level messages, tied to their field.
    assert 'id="id_situation_errors"' in html
    assert "Choisissez votre situation." in html
    assert 'id="id_current_job_errors"' in html
    assert "correspond à plusieurs métiers" in html
    assert 'aria-describedby="id_current_job_errors id_current_job_helptext"' in html
    # Nothing typed is lost.
    assert 'value="Nadia"' in html
    assert 'value="Benali"' in html
    assert 'value="ingenieur"' in html
    assert '<option value="75" selected>' in html


def test_step_one_creates_the_profile_and_its_delegation(
    world: World, newcomer: Client, jobs: dict[str, RomeMetier]
) -> None:
    response = newcomer.post(reverse("onboarding:profile_situation"), _step1_data(current_job="m1805"))
    assert response["Location"] == reverse("onboarding:profile_interests")
    member = Member.objects.get(email="nouvelle@exemple.fr")
    assert member.user == User.objects.get(email="nouvelle@exemple.fr")
    assert (member.first_name, member.situation, member.current_job_id) == (
        "Nadia",
        Situation.JOB_SEEKER,
        "M1805",
    )
    assert member.delegation == world.home
    assert member.user.first_name == "Nadia"
    # Back on step 1, the profile is shown for editing, the job written as the combobox writes it.
    html = newcomer.get(reverse("onboarding:profile_situation")).content.decode()
    assert "Études et développement informatique (M1805)" in html


def test_self_signup_claims_the_imported_contact_with_the_same_email(
    world: World, newcomer: Client, jobs: dict[str, RomeMetier]
) -> None:
    imported = MemberFactory(email="nouvelle@exemple.fr", first_name="N.", delegation=None)
    newcomer.post(reverse("onboarding:profile_situation"), _step1_data())
    imported.refresh_from_db()
    assert Member.objects.filter(email="nouvelle@exemple.fr").count() == 1
    assert imported.user is not None
    assert imported.user.email == "nouvelle@exemple.fr"
    assert imported.first_name == "Nadia"
    assert imported.delegation == world.home


def test_step_two_target_jobs_topics_and_texts(world: World, jobs: dict[str, RomeMetier]) -> None:
    client = Client()
    client.force_login(world.member)
    topics = list(Topic.objects.filter(is_active=True)[:3])
    url = reverse("onboarding:profile_interests")
    assert "Étape 2 sur 3" in client.get(url).content.decode()

    data = {
        "target_job_1": "M1402",
        "target_job_2": "pilote de ligne",
        "target_job_3": "",
        "topics_sought": [topics[0].pk, topics[1].pk],
        "topics_offered": [topics[2].pk],
        "seeking_text": "Des conseils pour changer de secteur.",
        "offering_text": "x" * 2001,
    }
    html = client.post(url, data).content.decode()
    assert "Aucun métier ne correspond à « pilote de ligne »" in html
    assert 'id="id_offering_text_errors"' in html
    assert 'value="pilote de ligne"' in html
    assert "Des conseils pour changer de secteur." in html
    assert f'value="{topics[0].pk}" id="id_topics_sought_0" checked' in html
    assert f'value="{topics[1].pk}" id="id_topics_sought_1" checked' in html
    assert f'value="{topics[2].pk}" id="id_topics_offered_2" checked' in html
    assert not world.member_profile.target_jobs.exists()

    data.update(target_job_2="Ingénieur / Ingénieure logiciel (M1805)", offering_text="Mon réseau.")
    assert client.post(url, data)["Location"] == reverse("onboarding:profile_meetings")
    member = Member.objects.get(pk=world.member_profile.pk)
    assert sorted(job.code for job in member.target_jobs.all()) == ["M1402", "M1805"]
    assert list(member.topics_sought.all()) == topics[:2]
    assert list(member.topics_offered.all()) == topics[2:3]
    assert member.offering_text == "Mon réseau."


def test_step_three_shows_consents_unticked_with_the_exact_text(world: World) -> None:
    client = Client()
    client.force_login(world.member)
    html = client.get(reverse("onboarding:profile_meetings")).content.decode()
    assert "Étape 3 sur 3" in html
    assert "<legend>Mes disponibilités</legend>" in html
    assert "<legend>Lundi</legend>" in html
    assert 'id="id_availability_mon_morning"' in html
    for kind in ConsentKind.values:
        text = CONSENT_TEXTS[kind].text.replace("'", "&#x27;")
        assert text in html
        assert f'name="consent_{kind}" id="id_consent_{kind}">' in html  # no "checked"


def test_step_three_errors_keep_input_and_record_nothing(world: World) -> None:
    client = Client()
    client.force_login(world.member)
    data = {
        "prefers_video": "on",
        "availability": ["mon_morning", "thu_evening"],
        "phone": "12 34",
        "linkedin_url": "https://exemple.fr/moi",
        f"consent_{ConsentKind.RECOMMENDATIONS}": "on",
    }
    html = client.post(reverse("onboarding:profile_meetings"), data).content.decode()
    assert 'id="id_phone_errors"' in html
    assert "Numéro de téléphone invalide" in html
    assert 'id="id_linkedin_url_errors"' in html
    assert "Adresse LinkedIn invalide" in html
    assert 'value="12 34"' in html
    assert 'value="https://exemple.fr/moi"' in html
    assert 'value="mon_morning" id="id_availability_mon_morning" checked' in html
    assert 'value="thu_evening" id="id_availability_thu_evening" checked' in html
    assert 'value="tue_lunch" id="id_availability_tue_lunch">' in html
    assert (
        f'name="consent_{ConsentKind.RECOMMENDATIONS}" id="id_consent_{ConsentKind.RECOMMENDATIONS}" checked'
        in html
    )
    assert not ConsentRecord.objects.exists()
    world.member_profile.refresh_from_db()
    assert world.member_profile.availability == []


def test_step_three_saves_profile_and_records_consents(world: World) -> None:
    client = Client()
    client.force_login(world.member)
    data = {
        "prefers_in_person": "on",
        "availability": ["thu_evening", "mon_morning"],
        "phone": "06 12 34 56 78",
        "linkedin_url": "https://www.linkedin.com/in/membre",
        f"consent_{ConsentKind.RECOMMENDATIONS}": "on",
        f"consent_{ConsentKind.STATISTICS}": "on",
    }
    response = client.post(reverse("onboarding:profile_meetings"), data)
    assert response["Location"] == reverse("members:my_profile")
    member = Member.objects.get(pk=world.member_profile.pk)
    assert member.prefers_in_person
    assert not member.prefers_video
    assert member.availability == ["mon_morning", "thu_evening"]
    assert member.phone == "+33612345678"
    assert consent_state(member=member) == {
        ConsentKind.RECOMMENDATIONS: True,
        ConsentKind.CONTACT_SHARING: False,
        ConsentKind.STATISTICS: True,
        ConsentKind.RENCONTRE_EMAILS: False,
    }
    records = ConsentRecord.objects.filter(member=member).select_related("wording")
    assert records.count() == 4  # refusals are recorded too: the member was asked
    for record in records:
        assert record.source == ConsentSource.SIGNUP
        assert record.recorded_by == world.member
        assert record.wording.text == CONSENT_TEXTS[record.kind].text
        assert record.wording.version == CONSENT_TEXTS[record.kind].version
    # Shown again, the answers given are the boxes ticked.
    html = client.get(reverse("onboarding:profile_meetings")).content.decode()
    assert f'id="id_consent_{ConsentKind.RECOMMENDATIONS}" checked' in html
    assert f'id="id_consent_{ConsentKind.CONTACT_SHARING}">' in html


@pytest.mark.parametrize("name", ["start", "profile_situation", "profile_interests", "profile_meetings"])
def test_profile_steps_are_for_members_only(world: World, name: str) -> None:
    client = Client()
    client.force_login(world.consultant_same)
    assert client.get(reverse(f"onboarding:{name}")).status_code == 403
    assert Client().get(reverse(f"onboarding:{name}")).status_code == 302
