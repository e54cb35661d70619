from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from pairs.accounts.models import User
from pairs.members.models import Member
from pairs.privacy.models import ConsentKind, ConsentRecord, ProfileAccess, ProfileAction
from pairs.privacy.selectors import consent_state, member_is_erased
from pairs.privacy.services import profile_access_record
from pairs.privacy.texts import CONSENT_TEXTS
from tests.factories import MemberFactory, UserFactory
from tests.fixtures import World

from .helpers import PERSONAL, member_fill

MEMBER_PAGES = ["privacy:home", "privacy:erase"]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_member_sees_the_four_consents_with_their_exact_text(world: World) -> None:
    response = _client(world.member).get(reverse("privacy:home"))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in CONSENT_TEXTS.values():
        assert shown.text.replace("'", "&#x27;") in page
    assert page.count("État : non accordé") == 4


def test_toggling_a_consent_records_it_for_the_member(world: World) -> None:
    client = _client(world.member)
    url = reverse("privacy:consent")
    response = client.post(url, {"kind": ConsentKind.CONTACT_SHARING, "granted": "1"})
    assert response.status_code == 302
    record = ConsentRecord.objects.get(member=world.member_profile)
    assert (record.granted, record.recorded_by, record.source) == (True, world.member, "profil")
    # htmx: the consents section comes back alone, updated.
    response = client.post(url, {"kind": ConsentKind.CONTACT_SHARING, "granted": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Consentement retir" in response.content
    assert consent_state(member=world.member_profile)[ConsentKind.CONTACT_SHARING] is False


def test_an_unknown_consent_kind_changes_nothing(world: World) -> None:
    response = _client(world.member).post(reverse("privacy:consent"), {"kind": "marketing", "granted": "1"})
    assert response.status_code == 302
    assert not ConsentRecord.objects.exists()


def test_the_export_downloads_the_members_own_data_and_is_recorded(world: World) -> None:
    member = member_fill(world)
    MemberFactory(email="barnabe.autre@exemple.fr")
    response = _client(world.member).post(reverse("privacy:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="mes-donnees-\d{4}-\d{2}-\d{2}\.zip"', response["Content-Disposition"]
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = archive.read("donnees.json").decode()
    assert PERSONAL["email"] in data
    assert "barnabe.autre@exemple.fr" not in data
    assert '"Export"' in data  # the trail in the export includes this export
    assert ProfileAccess.objects.filter(
        member=member, actor=world.member, action=ProfileAction.EXPORT
    ).exists()


def test_the_export_is_a_post(world: World) -> None:
    assert _client(world.member).get(reverse("privacy:export")).status_code == 405


def test_a_wrong_confirmation_erases_nothing_and_keeps_what_was_typed(world: World) -> None:
    client = _client(world.member)
    assert client.get(reverse("privacy:erase")).status_code == 200
    response = client.post(reverse("privacy:erase"), {"confirmation": "pas-moi@exemple.fr"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Adresse email de confirmation" in page
    assert 'value="pas-moi@exemple.fr"' in page
    assert 'aria-invalid="true"' in page
    assert not member_is_erased(member=world.member_profile)


def test_erasing_with_the_email_erases_and_signs_out(world: World) -> None:
    client = _client(world.member)
    response = client.post(reverse("privacy:erase"), {"confirmation": " MEMBRE@exemple.fr "})
    assert response.status_code == 302
    assert member_is_erased(member=world.member_profile)
    assert Member.objects.get(pk=world.member_profile.pk).first_name == "Membre"
    # Signed out, and the account can no longer be used.
    assert client.get(reverse("privacy:home")).status_code == 302
    assert not Client().login(email="membre@exemple.fr", password="mot-de-passe-de-test")


@pytest.mark.parametrize("role", ["consultant_same", "consultant_other", "lead_same", "national", "admin"])
def test_staff_cannot_use_the_member_pages(world: World, role: str) -> None:
    client = _client(getattr(world, role))
    for name in MEMBER_PAGES:
        assert client.get(reverse(name)).status_code == 403
    for name in ("privacy:export", "privacy:consent", "privacy:erase"):
        assert client.post(reverse(name), {"confirmation": "membre@exemple.fr"}).status_code == 403
    assert not member_is_erased(member=world.member_profile)


def test_a_member_account_without_profile_has_nothing_to_export(world: World) -> None:
    client = _client(UserFactory(email="sans.profil@exemple.fr"))
    assert client.get(reverse("privacy:home")).status_code == 200
    assert client.post(reverse("privacy:export")).status_code == 404
    assert client.get(reverse("privacy:erase")).status_code == 404


def test_the_audit_trail_is_for_the_national_team(world: World) -> None:
    other = MemberFactory(email="autre.membre@exemple.fr")
    profile_access_record(actor=world.consultant_same, member=world.member_profile, action=ProfileAction.VIEW)
    profile_access_record(actor=world.consultant_other, member=other, action=ProfileAction.CHANGE)
    url = reverse("privacy:audit")
    for role in ("member", "consultant_same", "lead_same"):
        assert _client(getattr(world, role)).get(url).status_code == 403
    client = _client(world.national)
    page = client.get(url).content.decode()
    assert "c.idf@exemple.fr" in page
    assert "c.ara@exemple.fr" in page
    page = client.get(url, {"member_email": "autre.membre", "action": "change"}).content.decode()
    assert "c.ara@exemple.fr" in page
    assert "c.idf@exemple.fr" not in page
    page = client.get(url, {"actor_email": "c.idf", "action": "change"}).content.decode()
    assert "Aucun accès ne correspond" in page
    assert _client(world.admin).get(url).status_code == 200


def test_the_audit_trail_is_paginated_keeping_the_filters(world: World) -> None:
    for _ in range(51):
        profile_access_record(
            actor=world.consultant_same, member=world.member_profile, action=ProfileAction.VIEW
        )
    page = _client(world.national).get(reverse("privacy:audit"), {"action": "view"}).content.decode()
    assert "action=view&amp;page=2" in page
