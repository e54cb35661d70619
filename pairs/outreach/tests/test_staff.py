"""Staff side: who sees which sign-ups, exports that neutralise formulas, one-click member invitation."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pairs.accounts.models import Role, User
from pairs.members.models import Member, Phase, Situation
from pairs.onboarding.models import ActivationInvitation
from pairs.outreach.models import Signup
from pairs.reference.models import Departement
from tests.factories import MemberFactory
from tests.fixtures import World


def _signup(email: str, departement: str, *, confirmed: bool = True, **fields: object) -> Signup:
    now = timezone.now()
    values: dict[str, object] = {
        "first_name": "Prénom",
        "last_name": "Nom",
        "profile": "cadre_seeking",
        "wants_news": True,
        "consent_text": "texte",
        "consent_version": "v",
        "consent_at": now,
        "confirmed_at": now if confirmed else None,
        "nonce": email,
    }
    values.update(fields)
    return Signup.objects.create(email=email, departement=Departement.objects.get(code=departement), **values)  # type: ignore[arg-type]


@pytest.fixture
def signups(world: World) -> dict[str, Signup]:
    return {
        "paris": _signup("paris@exemple.fr", "75", last_name="Parisienne"),
        "lyon": _signup("lyon@exemple.fr", "69", last_name="Lyonnais", profile="recruiter", wants_news=False),
        "waiting": _signup("attente@exemple.fr", "75", confirmed=False, last_name="Attente"),
    }


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _listed(user: User, query: str = "") -> str:
    response = _client(user).get(reverse("outreach:signup_list") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_delegation_staff_see_their_departements_only(world: World, signups: dict[str, Signup]) -> None:
    for user in (world.consultant_same, world.lead_same):
        page = _listed(user)
        assert "paris@exemple.fr" in page
        assert "attente@exemple.fr" in page
        assert "lyon@exemple.fr" not in page
    other = _listed(world.consultant_other)
    assert "lyon@exemple.fr" in other
    assert "paris@exemple.fr" not in other
    # Even asked for the other delegation by filter or export, nothing leaks.
    export = _client(world.consultant_same).get(reverse("outreach:signup_export") + "?format=csv")
    assert "lyon@exemple.fr" not in export.content.decode("utf-8-sig")
    invite = _client(world.consultant_same).post(
        reverse("outreach:signup_invite", kwargs={"signup_id": signups["lyon"].pk})
    )
    assert invite.status_code == 404


def test_national_team_sees_all_and_filters(world: World, signups: dict[str, Signup]) -> None:
    page = _listed(world.national)
    assert all(s.email in page for s in signups.values())
    assert "lyon@exemple.fr" not in _listed(world.national, "?delegation=ile-de-france")
    assert "paris@exemple.fr" not in _listed(world.national, "?departement=69")
    assert "lyon@exemple.fr" in _listed(world.national, "?profile=recruiter")
    assert "paris@exemple.fr" not in _listed(world.national, "?profile=recruiter")
    assert "lyon@exemple.fr" not in _listed(world.national, "?wish=news")
    confirmed = _listed(world.national, "?status=confirmed")
    assert "attente@exemple.fr" not in confirmed
    assert "paris@exemple.fr" in confirmed
    waiting = _listed(world.national, "?status=unconfirmed")
    assert "attente@exemple.fr" in waiting
    assert "paris@exemple.fr" not in waiting


def test_anonymous_and_members_cannot_list_nor_export(world: World, signups: dict[str, Signup]) -> None:
    for name in ("outreach:signup_list", "outreach:signup_export"):
        anonymous = _client(None).get(reverse(name))
        assert anonymous.status_code == 302
        assert "/compte/login/" in anonymous["Location"]
        assert _client(world.member).get(reverse(name)).status_code == 403


def test_unsubscribed_sign_ups_are_listed_nowhere(world: World, signups: dict[str, Signup]) -> None:
    Signup.objects.filter(pk=signups["paris"].pk).update(unsubscribed_at=timezone.now())
    assert "Parisienne" not in _listed(world.national)


def test_exports_neutralise_formulas(world: World, signups: dict[str, Signup]) -> None:
    _signup(
        "formule@exemple.fr", "75", first_name="=cmd|' /C calc'!A0", last_name="+SUM(A1)", message="@evil"
    )
    client = _client(world.national)
    response = client.get(reverse("outreach:signup_export") + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Inscrit·e le", "Adresse confirmée le", "Prénom", "Nom", "Adresse email"]
    row = next(r for r in rows if "formule@exemple.fr" in r)
    assert row[2] == "'=cmd|' /C calc'!A0"
    assert row[3] == "'+SUM(A1)"
    assert row[8] == "'@evil"

    xlsx = client.get(reverse("outreach:signup_export") + "?format=xlsx&status=confirmed")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = {cell.value: cell for row_cells in sheet.iter_rows() for cell in row_cells}
    assert "'=cmd|' /C calc'!A0" in cells
    assert cells["'=cmd|' /C calc'!A0"].data_type == "s"  # text, never a formula
    emails = {cell.value for cell in sheet["E"]}
    assert "attente@exemple.fr" not in emails
    assert "paris@exemple.fr" in emails


def test_one_click_member_invitation(world: World, signups: dict[str, Signup]) -> None:
    client = _client(world.consultant_same)
    response = client.post(reverse("outreach:signup_invite", kwargs={"signup_id": signups["paris"].pk}))
    assert response.status_code == 302
    member = Member.objects.get(email="paris@exemple.fr")
    assert (member.situation, member.phase, member.delegation) == (
        Situation.JOB_SEEKER,
        Phase.PREPARATION,
        world.home,
    )
    assert member.user is not None
    assert member.user.role == Role.MEMBER
    assert not member.user.is_active
    assert ActivationInvitation.objects.filter(member=member, invited_by=world.consultant_same).count() == 1
    assert mail.outbox[-1].to == ["paris@exemple.fr"]
    assert "/bienvenue/activer/" in mail.outbox[-1].body
    signup = Signup.objects.get(pk=signups["paris"].pk)
    assert signup.invited_member == member
    assert signup.invited_by == world.consultant_same
    assert signup.invited_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Invitation envoyée à paris@exemple.fr" in page
    assert "Inviter à nouveau" in page


def test_invitation_refusals_are_explained(world: World, signups: dict[str, Signup]) -> None:
    client = _client(world.national)
    waiting = client.post(
        reverse("outreach:signup_invite", kwargs={"signup_id": signups["waiting"].pk}), follow=True
    )
    assert "pas encore confirmé son adresse" in waiting.content.decode()
    partner = _signup("partenaire@exemple.fr", "75", profile="partner")
    refused = client.post(reverse("outreach:signup_invite", kwargs={"signup_id": partner.pk}), follow=True)
    assert "ne deviennent pas membres" in refused.content.decode()
    active = _signup(world.member.email, "75")
    already = client.post(reverse("outreach:signup_invite", kwargs={"signup_id": active.pk}), follow=True)
    assert "déjà un compte de membre actif" in already.content.decode()
    assert not ActivationInvitation.objects.exists()


def test_existing_member_without_account_is_invited_not_duplicated(world: World) -> None:
    member = MemberFactory(email="connu@exemple.fr", delegation=world.home, departement_id="75")
    signup = _signup("connu@exemple.fr", "75")
    _client(world.consultant_same).post(reverse("outreach:signup_invite", kwargs={"signup_id": signup.pk}))
    assert Member.objects.filter(email="connu@exemple.fr").count() == 1
    assert ActivationInvitation.objects.filter(member=member).count() == 1


def test_purge_command(world: World, signups: dict[str, Signup]) -> None:
    Signup.objects.filter(pk=signups["waiting"].pk).update(submitted_at=timezone.now() - timedelta(days=8))
    out = io.StringIO()
    call_command("outreach_purge", stdout=out)
    assert "Non confirmées : 1" in out.getvalue()
    assert not Signup.objects.filter(pk=signups["waiting"].pk).exists()


def test_erasing_the_invited_member_erases_the_sign_up_and_export_shows_it(
    world: World, signups: dict[str, Signup]
) -> None:
    from pairs.privacy.exports import member_data_tables
    from pairs.privacy.services import member_erase

    _client(world.national).post(reverse("outreach:signup_invite", kwargs={"signup_id": signups["paris"].pk}))
    member = Member.objects.get(email="paris@exemple.fr")
    tables = {table.key: table for table in member_data_tables(member=member)}
    assert "outreach_signup" in tables
    assert "nonce" not in tables["outreach_signup"].columns  # secrets are never exported
    member_erase(member=member, actor=None)
    assert not Signup.objects.filter(pk=signups["paris"].pk).exists()
