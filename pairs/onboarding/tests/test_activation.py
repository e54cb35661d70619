"""A consultant invites a contact; the emailed link activates the account once, without a password."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from pairs.accounts.models import Role, User
from pairs.members.models import Member
from pairs.onboarding.models import ActivationInvitation
from tests.factories import MemberFactory
from tests.fixtures import World

LINK = re.compile(r"https?://[^\s\"<]+/bienvenue/activer/[^\s\"<]+/")


@pytest.fixture
def contact(world: World) -> Member:
    """An imported contact of the home delegation, without an account yet."""
    return MemberFactory(
        email="claire.dupont@exemple.fr",
        first_name="Claire",
        departement=world.member_profile.departement,
        delegation=world.home,
    )


def _invite(client: Client, member: Member) -> str:
    response = client.post(reverse("onboarding:invite", kwargs={"member_id": member.pk}))
    assert response.status_code == 302
    return LINK.findall(mail.outbox[-1].body)[-1]


def _path(link: str) -> str:
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_invitation_end_to_end_without_password(world: World, contact: Member) -> None:
    consultant = Client()
    consultant.force_login(world.consultant_same)
    link = _invite(consultant, contact)

    message = mail.outbox[-1]
    assert message.to == ["claire.dupont@exemple.fr"]
    assert "Activez votre compte" in message.subject
    html = message.alternatives[0][0]
    assert "Bonjour Claire" in message.body
    assert link in html
    assert '<html lang="fr">' in html

    user = User.objects.get(email="claire.dupont@exemple.fr")
    contact.refresh_from_db()
    assert contact.user == user
    assert user.role == Role.MEMBER
    assert not user.has_usable_password()
    assert not user.is_active

    visitor = Client()
    page = visitor.get(_path(link))
    assert page.status_code == 200
    assert "Activer mon compte" in page.content.decode()
    # Opening the link (as mail scanners do) uses nothing: the account is still inactive.
    user.refresh_from_db()
    assert not user.is_active

    response = visitor.post(_path(link))
    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding:start")
    user.refresh_from_db()
    assert user.is_active
    assert EmailAddress.objects.get(user=user, email=user.email).verified
    assert EmailAddress.objects.get(user=user, email=user.email).primary
    # Signed in: the member reaches the profile steps.
    follow = visitor.get(reverse("onboarding:start"), follow=True)
    assert follow.redirect_chain[-1][0] == reverse("onboarding:profile_situation")
    assert "Étape 1 sur 3" in follow.content.decode()

    # The link works once.
    again = Client().post(_path(link))
    assert "Ce lien a déjà servi" in again.content.decode()
    assert "_auth_user_id" not in again.client.session


def test_a_new_invitation_supersedes_the_previous_link(world: World, contact: Member) -> None:
    consultant = Client()
    consultant.force_login(world.consultant_same)
    first = _invite(consultant, contact)
    second = _invite(consultant, contact)
    assert first != second
    assert User.objects.filter(email=contact.email).count() == 1

    refused = Client().post(_path(first))
    assert "remplacé par un lien plus récent" in refused.content.decode()
    assert not User.objects.get(email=contact.email).is_active
    assert Client().post(_path(second)).status_code == 302


def test_expired_link_is_refused(world: World, contact: Member) -> None:
    consultant = Client()
    consultant.force_login(world.consultant_same)
    # Signed fifteen days ago: one day past the 14-day validity.
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 15 * 24 * 3600):
        link = _invite(consultant, contact)
    for response in (Client().get(_path(link)), Client().post(_path(link))):
        assert "Ce lien a expiré, demandez-en un nouveau à votre consultant·e" in response.content.decode()
    assert not User.objects.get(email=contact.email).is_active
    assert ActivationInvitation.objects.get(member=contact).used_at is None


def test_tampered_link_is_refused(world: World, contact: Member) -> None:
    consultant = Client()
    consultant.force_login(world.consultant_same)
    link = _invite(consultant, contact)
    broken = _path(link)[:-3] + "xx/"
    assert "pas valide" in Client().post(broken).content.decode()


def test_consultant_of_another_delegation_gets_404(world: World, contact: Member) -> None:
    outsider = Client()
    outsider.force_login(world.consultant_other)
    response = outsider.post(reverse("onboarding:invite", kwargs={"member_id": contact.pk}))
    assert response.status_code == 404
    assert mail.outbox == []
    assert not ActivationInvitation.objects.exists()
    contact.refresh_from_db()
    assert contact.user is None


@pytest.mark.parametrize("viewer", ["member", "anonymous"])
def test_only_staff_invite(world: World, contact: Member, viewer: str) -> None:
    client = Client()
    if viewer == "member":
        client.force_login(world.member)
    response = client.post(reverse("onboarding:invite", kwargs={"member_id": contact.pk}))
    assert response.status_code == (403 if viewer == "member" else 302)
    assert mail.outbox == []


def test_invite_reuses_an_existing_account(world: World) -> None:
    national = Client()
    national.force_login(world.national)
    link = _invite(national, world.member_profile)
    assert User.objects.filter(email=world.member.email).count() == 1
    assert Client().post(_path(link))["Location"] == reverse("onboarding:start")


def test_staff_email_cannot_become_a_member_account(world: World) -> None:
    member = MemberFactory(email=world.consultant_other.email, departement=world.member_profile.departement)
    admin = Client()
    admin.force_login(world.admin)
    response = admin.post(reverse("onboarding:invite", kwargs={"member_id": member.pk}), follow=True)
    assert "équipe Apec, pas d" in response.content.decode()
    assert mail.outbox == []
    member.refresh_from_db()
    assert member.user is None
