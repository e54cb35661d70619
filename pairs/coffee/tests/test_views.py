"""Pages of the peer-coffee programme: opt-in, the member page, answers by signed link, staff rounds."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from pairs.coffee.links import answer_token
from pairs.coffee.models import CoffeeOptIn, CoffeeParticipant, CoffeeRound, Outcome
from pairs.coffee.services import coffee_round_run
from pairs.privacy.models import ConsentKind
from tests.fixtures import World

from .helpers import grant, people

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _logged(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def paired(world: World) -> CoffeeParticipant:
    """The world's member, opted in through the page, paired with one other member of the delegation."""
    member = world.member_profile
    member.prefers_video = True
    member.save(update_fields=["prefers_video"])
    grant(member)
    client = _logged(world.member)
    response = client.post(reverse("coffee:opt_in"), {"frequency": "1", "share_email": "on"})
    assert response.status_code == 302
    [_other] = people(world.home, 1, now=NOW, share_email=True)
    coffee_round_run(delegation=world.home, now=NOW, send_emails=False)
    return CoffeeParticipant.objects.get(member=member)


def test_the_member_page_explains_and_refuses_opt_in_without_consent_a(world: World) -> None:
    client = _logged(world.member)
    page = client.get(reverse("coffee:home"))
    assert page.status_code == 200
    assert "Ce qui est partagé" in page.content.decode()
    response = client.post(reverse("coffee:opt_in"), {"frequency": "1"})
    assert response.status_code == 400
    assert "recommandations" in response.content.decode()
    assert not CoffeeOptIn.objects.exists()


def test_opt_in_then_out_through_the_page(world: World) -> None:
    grant(world.member_profile)
    client = _logged(world.member)
    assert client.post(reverse("coffee:opt_in"), {"frequency": "2"}).status_code == 302
    opt_in = CoffeeOptIn.objects.get(member=world.member_profile)
    assert opt_in.active
    assert opt_in.frequency == 2
    assert not opt_in.share_email
    assert client.post(reverse("coffee:opt_out")).status_code == 302
    opt_in.refresh_from_db()
    assert not opt_in.active


def test_the_page_shows_the_partner_reasons_and_the_address_once_both_share(world: World, paired) -> None:  # type: ignore[no-untyped-def]
    other = CoffeeParticipant.objects.exclude(pk=paired.pk).get()
    client = _logged(world.member)
    html = client.get(reverse("coffee:home")).content.decode()
    assert other.member.first_name in html
    assert other.member.last_name not in html
    assert paired.reasons[str(other.member_id)][0]["text"].split(" :")[0] in html
    assert other.member.email not in html  # consent (b) missing on both sides
    grant(world.member_profile, ConsentKind.CONTACT_SHARING)
    grant(other.member, ConsentKind.CONTACT_SHARING)
    assert other.member.email in client.get(reverse("coffee:home")).content.decode()
    client.post(reverse("coffee:share", args=[paired.pk]), {"share": "0"})
    assert other.member.email not in client.get(reverse("coffee:home")).content.decode()


def test_we_met_is_recorded_once_from_the_page(world: World, paired) -> None:  # type: ignore[no-untyped-def]
    client = _logged(world.member)
    client.post(reverse("coffee:outcome", args=[paired.pk, "met"]))
    response = client.post(reverse("coffee:outcome", args=[paired.pk, "not_met"]), follow=True)
    paired.refresh_from_db()
    assert paired.outcome == Outcome.MET
    assert "déjà répondu" in response.content.decode()


def test_signed_link_get_confirms_post_records_and_a_second_use_says_so(world: World, paired) -> None:  # type: ignore[no-untyped-def]
    url = reverse("coffee:answer", args=[answer_token(paired), "not_met"])
    anonymous = Client()
    page = anonymous.get(url)
    assert page.status_code == 200
    assert "Je confirme" in page.content.decode()
    paired.refresh_from_db()
    assert paired.outcome == Outcome.PENDING  # a mail scanner opening the link changes nothing
    assert "c'est noté" in anonymous.post(url).content.decode()
    paired.refresh_from_db()
    assert paired.outcome == Outcome.NOT_MET
    assert paired.outcome_at is not None
    again = anonymous.post(reverse("coffee:answer", args=[answer_token(paired), "met"])).content.decode()
    assert "déjà répondu" in again
    paired.refresh_from_db()
    assert paired.outcome == Outcome.NOT_MET
    forged = anonymous.get(reverse("coffee:answer", args=["forged", "met"]))
    assert forged.status_code == 400


def test_a_member_cannot_answer_or_share_for_someone_else(world: World, paired) -> None:  # type: ignore[no-untyped-def]
    other = CoffeeParticipant.objects.exclude(pk=paired.pk).get()
    client = _logged(world.member)
    assert client.post(reverse("coffee:outcome", args=[other.pk, "met"])).status_code == 404
    assert client.post(reverse("coffee:share", args=[other.pk]), {"share": "1"}).status_code == 404
    other.refresh_from_db()
    assert other.outcome == Outcome.PENDING


def test_staff_pages_follow_the_delegation_and_run_a_round(world: World, paired) -> None:  # type: ignore[no-untyped-def]
    rounds_url = reverse("coffee:rounds", args=[world.home.code])
    national_url = reverse("coffee:rounds", args=["national"])
    assert _logged(world.consultant_other).get(rounds_url).status_code == 403
    assert _logged(world.consultant_same).get(national_url).status_code == 403
    assert _logged(world.member).get(rounds_url).status_code == 403
    assert Client().get(rounds_url).status_code == 302
    assert _logged(world.national).get(national_url).status_code == 200
    lead = _logged(world.lead_same)
    assert lead.get(reverse("coffee:staff")).url == rounds_url
    html = lead.get(rounds_url).content.decode()
    assert re.search(r"optimal|approché", html)
    assert (
        lead.post(reverse("coffee:run", args=[world.home.code]), {"odd_policy": "priority"}).status_code
        == 302
    )
    # Immediate task backend in tests: the round ran (nobody left to pair this month).
    latest = CoffeeRound.objects.latest("id")
    assert latest.odd_policy == "priority"
    assert latest.triggered_by == world.lead_same
    assert _logged(world.national).get(reverse("coffee:staff")).status_code == 200


def test_erasing_a_member_removes_their_coffee_rows_and_the_partner_page_still_works(
    world: World,
    paired,  # type: ignore[no-untyped-def]
) -> None:
    from pairs.privacy.services import member_erase

    other = CoffeeParticipant.objects.exclude(pk=paired.pk).get()
    member_erase(member=other.member, actor=None)
    assert not CoffeeParticipant.objects.filter(member=other.member).exists()
    assert not CoffeeOptIn.objects.filter(member=other.member).exists()
    assert _logged(world.member).get(reverse("coffee:home")).status_code == 200
