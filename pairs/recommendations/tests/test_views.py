"""Pages of the recommendations: members see reasons and dismiss; the national team versions the weights."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from pairs.recommendations.models import Dismissal, PeerSuggestion, WeightSet
from pairs.recommendations.services import suggestions_compute_delegation, weight_set_active
from tests.fixtures import World

from .test_services import _people


def _logged(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def suggested(world: World) -> list:  # type: ignore[type-arg]
    from pairs.privacy.models import ConsentKind, ConsentSource
    from pairs.privacy.services import consent_grant

    others = _people(world.home, 6)
    member = world.member_profile
    member.delegation = world.home
    member.save(update_fields=["delegation"])
    consent_grant(
        member=member,
        kind=ConsentKind.RECOMMENDATIONS,
        source=ConsentSource.PROFILE,
        recorded_by=world.member,
    )
    suggestions_compute_delegation(delegation=world.home, k=5)
    return others


def test_people_page_shows_each_suggestion_with_a_reason_and_no_contact_details(
    world: World, suggested
) -> None:  # type: ignore[no-untyped-def]
    response = _logged(world.member).get(reverse("recommendations:people"))
    assert response.status_code == 200
    rows = response.context["suggestions"]
    assert rows
    page = response.content.decode()
    for row in rows:
        assert escape(row.reasons[0]["text"]) in page
        assert row.suggested.email not in page


def test_dismissing_removes_the_person_for_good(world: World, suggested) -> None:  # type: ignore[no-untyped-def]
    client = _logged(world.member)
    first = PeerSuggestion.objects.filter(member=world.member_profile).first()
    assert first is not None
    response = client.post(
        reverse("recommendations:dismiss", kwargs={"member_id": first.suggested_id}), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "ne vous sera plus proposé" in response.content.decode()
    assert Dismissal.objects.filter(member=world.member_profile, dismissed_id=first.suggested_id).exists()
    client.post(reverse("recommendations:refresh"))
    assert not PeerSuggestion.objects.filter(
        member=world.member_profile, suggested_id=first.suggested_id
    ).exists()


def test_a_member_cannot_dismiss_someone_never_suggested_to_them(world: World, suggested) -> None:  # type: ignore[no-untyped-def]
    stranger = _people(world.other, 1)[0]
    response = _logged(world.member).post(
        reverse("recommendations:dismiss", kwargs={"member_id": stranger.pk})
    )
    assert response.status_code == 404


def test_the_national_team_creates_and_activates_a_weights_version(world: World) -> None:
    client = _logged(world.national)
    active = weight_set_active()
    page = client.get(reverse("recommendations:weights") + "?preset=recruteurs")
    assert page.status_code == 200
    data = {name: value for name, value in page.context["form"].initial.items() if name != "label"}
    data = {
        **{f: page.context["form"][f].value() for f in page.context["form"].fields},
        "label": "Recruteurs v2",
    }
    data["activate"] = "on"
    response = client.post(reverse("recommendations:weights"), data)
    assert response.status_code == 302
    assert weight_set_active().version == active.version + 1
    # Negative weights: refused with a message, nothing stored.
    data["topics"] = "-2"
    response = client.post(reverse("recommendations:weights"), data)
    assert response.status_code == 200
    assert WeightSet.objects.count() == 2


def test_whom_to_invite_suggests_members_with_reasons(world: World) -> None:
    from pairs.meetings.tests.helpers import published
    from pairs.privacy.models import ConsentKind, ConsentSource
    from pairs.privacy.services import consent_grant

    people = _people(world.home, 5)
    for member in people:
        consent_grant(member=member, kind=ConsentKind.RENCONTRE_EMAILS, source=ConsentSource.PROFILE)
    rencontre = published(world.consultant_same.consultant)
    response = _logged(world.consultant_same).get(
        reverse("meetings:invite", kwargs={"rencontre_id": rencontre.pk})
    )
    assert response.status_code == 200
    items = response.context["invitees"].items
    assert items
    assert all(item.reasons for item in items)
    assert {item.member.pk for item in items} <= {m.pk for m in people}
