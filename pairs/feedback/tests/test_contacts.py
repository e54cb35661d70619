"""Staying in touch: mutual only, never one-sided, consent (b) read at every page view."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pairs.feedback.links import feedback_token
from pairs.feedback.models import Connection, ContactWish
from pairs.feedback.selectors import network_of
from pairs.feedback.services import (
    FeedbackRefusedError,
    connections_create_pending,
    contact_wishes_save,
    shared_details_update,
)
from pairs.meetings.models import Attendance
from pairs.members.models import Member
from pairs.privacy.models import ConsentKind
from pairs.privacy.services import consent_grant
from tests.fixtures import World

from .helpers import attend, attendee, past_rencontre, revoke

PHONE = "+33612345678"
LINKEDIN = "https://www.linkedin.com/in/alex-exemple"


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _everything_seen_by(member: Member, rencontre_id: int) -> str:
    """Every page the member can open after the rencontre, and every email they received."""
    client = _client(member)
    pages = [
        client.get(reverse("feedback:network")),
        client.get(reverse("feedback:contacts", kwargs={"rencontre_id": rencontre_id})),
        client.get(reverse("feedback:my_feedback", kwargs={"rencontre_id": rencontre_id})),
    ]
    mails = [
        m.body + "".join(str(c) for c, _t in m.alternatives) for m in mail.outbox if member.email in m.to
    ]
    return "".join(p.content.decode() for p in pages) + "".join(mails)


def _without_csrf(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


@pytest.fixture
def trio(world: World):  # type: ignore[no-untyped-def]
    rencontre = past_rencontre(world)
    alex = attendee(first_name="Alex", phone=PHONE, linkedin_url=LINKEDIN)
    bea = attendee(first_name="Béa")
    chris = attendee(first_name="Chris")
    registrations = [attend(rencontre, m) for m in (alex, bea, chris)]
    shared_details_update(member=alex, email=True, phone=True, linkedin=True)
    return rencontre, registrations


def test_a_one_sided_tick_reveals_nothing(trio) -> None:  # type: ignore[no-untyped-def]
    rencontre, (alex, bea, _chris) = trio
    assert contact_wishes_save(registration=alex, wanted=[bea.member_id]) == []
    assert Connection.objects.count() == 0
    seen = _everything_seen_by(bea.member, rencontre.pk)
    assert alex.member.email not in seen
    assert PHONE not in seen
    assert LINKEDIN not in seen
    # No hint either: Béa's page is the same whether Alex ticked her or not.
    url = reverse("feedback:contacts", kwargs={"rencontre_id": rencontre.pk})
    with_tick = _without_csrf(_client(bea.member).get(url).content.decode())
    ContactWish.objects.all().delete()
    assert _without_csrf(_client(bea.member).get(url).content.decode()) == with_tick
    assert mail.outbox == []


def test_both_ticks_connect_both_and_each_gets_one_email(trio) -> None:  # type: ignore[no-untyped-def]
    rencontre, (alex, bea, chris) = trio
    contact_wishes_save(registration=alex, wanted=[bea.member_id, chris.member_id])
    # Béa answers through the email's link, without logging in.
    url = reverse("feedback:answer_contacts", kwargs={"token": feedback_token(bea)})
    response = Client().post(url, {"wanted": [str(alex.member_id)]})
    assert response.status_code == 302
    [connection] = Connection.objects.all()
    assert {connection.member_a_id, connection.member_b_id} == {alex.member_id, bea.member_id}
    assert connection.rencontre_id == rencontre.pk
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alex.member.email, bea.member.email])
    # The token page never shows details (a forwarded link must not reveal them).
    token_page = Client().get(url).content.decode()
    assert alex.member.email not in token_page
    assert PHONE not in token_page
    # Béa sees what Alex shares; Alex sees Béa's email (her default); Chris sees nothing of anyone.
    seen_by_bea = _everything_seen_by(bea.member, rencontre.pk)
    assert alex.member.email in seen_by_bea
    assert PHONE in seen_by_bea
    assert LINKEDIN in seen_by_bea
    assert bea.member.email in _everything_seen_by(alex.member, rencontre.pk)
    seen_by_chris = _everything_seen_by(chris.member, rencontre.pk)
    assert alex.member.email not in seen_by_chris
    assert bea.member.email not in seen_by_chris
    # Saving again sends nothing more.
    contact_wishes_save(registration=bea, wanted=[alex.member_id])
    assert len(mail.outbox) == 2


def test_withdrawn_consent_hides_details_and_blocks_new_connections(trio) -> None:  # type: ignore[no-untyped-def]
    rencontre, (alex, bea, chris) = trio
    contact_wishes_save(registration=alex, wanted=[bea.member_id])
    contact_wishes_save(registration=bea, wanted=[alex.member_id])
    assert Connection.objects.count() == 1
    revoke(alex.member, ConsentKind.CONTACT_SHARING)
    [entry] = network_of(member=bea.member)
    assert not entry.details_visible
    assert entry.email == entry.phone == ""
    seen = _everything_seen_by(bea.member, rencontre.pk)
    network_page = _client(bea.member).get(reverse("feedback:network")).content.decode()
    assert alex.member.email not in network_page
    assert PHONE not in network_page
    assert LINKEDIN not in network_page
    assert "ne partage pas ses coordonnées" in seen
    # Chris and Alex tick each other while Alex has withdrawn consent (b): no connection.
    contact_wishes_save(registration=chris, wanted=[alex.member_id])
    contact_wishes_save(registration=alex, wanted=[bea.member_id, chris.member_id])
    assert Connection.objects.count() == 1
    # Once Alex consents again, the pending mutual wish becomes a connection.
    consent_grant(
        member=alex.member, kind=ConsentKind.CONTACT_SHARING, source="profil", recorded_by=alex.member.user
    )
    assert len(connections_create_pending(member=alex.member)) == 1
    assert Connection.objects.count() == 2


def test_ticks_of_people_who_were_not_present_are_refused(world, trio) -> None:  # type: ignore[no-untyped-def]
    rencontre, (alex, bea, _chris) = trio
    no_show = attend(rencontre, attendee(), Attendance.ABSENT)
    elsewhere = attend(past_rencontre(world), attendee())
    for wanted in (
        [no_show.member_id],
        [elsewhere.member_id],
        [bea.member_id, no_show.member_id],
        [alex.member_id],
    ):
        with pytest.raises(FeedbackRefusedError):
            contact_wishes_save(registration=alex, wanted=wanted)
    assert ContactWish.objects.count() == 0
    # Through the page: the forged choice is refused with a message, nothing stored.
    page = _client(alex.member).post(
        reverse("feedback:contacts", kwargs={"rencontre_id": rencontre.pk}),
        {"wanted": [str(bea.member_id), str(no_show.member_id)]},
    )
    assert page.status_code == 200
    assert "personnes venues à cette rencontre" in page.content.decode()
    assert ContactWish.objects.count() == 0
    # A no-show cannot tick anyone.
    with pytest.raises(FeedbackRefusedError):
        contact_wishes_save(registration=no_show, wanted=[alex.member_id])
    # The no-show is not offered on the page either.
    listing = _client(alex.member).get(reverse("feedback:contacts", kwargs={"rencontre_id": rencontre.pk}))
    assert no_show.member.first_name not in listing.content.decode()


def test_unticking_removes_a_wish_but_not_a_connection(trio) -> None:  # type: ignore[no-untyped-def]
    _rencontre, (alex, bea, chris) = trio
    contact_wishes_save(registration=alex, wanted=[bea.member_id, chris.member_id])
    contact_wishes_save(registration=bea, wanted=[alex.member_id])
    contact_wishes_save(registration=alex, wanted=[])
    assert list(
        ContactWish.objects.filter(from_member=alex.member).values_list("to_member_id", flat=True)
    ) == [bea.member_id]
    assert Connection.objects.count() == 1
