"""A consultant plans a speed-meeting for the registrants, prints the cards, marks two no-shows, re-plans."""

from __future__ import annotations

from itertools import combinations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pairs.meetings.models import Attendance
from pairs.meetings.services import attendance_mark, registration_request
from pairs.meetings.tests.helpers import members, published
from pairs.members.models import Phase
from pairs.seating.models import SeatingPlan
from tests.fixtures import World


def _pairs(schedule: list) -> list[tuple[int, int]]:  # type: ignore[type-arg]
    return [tuple(sorted(p)) for tables in schedule for table in tables for p in combinations(table, 2)]  # type: ignore[misc]


def test_plan_print_mark_two_no_shows_and_replan(world: World) -> None:
    rencontre = published(world.consultant_same.consultant, format="speed_meeting", capacity_max=30)
    people = members(16)
    for n, member in enumerate(people):
        if n % 4 == 0:
            member.phase = Phase.INTEGRATION
            member.save(update_fields=["phase"])
        registration_request(rencontre=rencontre, member=member)
    client = Client()
    client.force_login(world.consultant_same)
    url = reverse("seating:plan", kwargs={"rencontre_id": rencontre.pk})

    response = client.post(
        url, {"table_size": 4, "rounds": 3, "step_ahead_at_each_table": "on", "recruiters_spread": "on"}
    )
    assert response.status_code == 302
    plan = SeatingPlan.objects.get(rencontre=rencontre, is_current=True)
    # The plan's claims are true: recomputed here from the stored schedule.
    pairs = _pairs(plan.schedule)
    assert plan.repeats == len(pairs) - len(set(pairs)) == 0
    assert plan.quota_violations == []
    assert all(len(table) == 4 for tables in plan.schedule for table in tables)
    assert plan.affinity_total <= plan.affinity_bound + 1e-9

    cards = client.get(reverse("seating:cards", kwargs={"rencontre_id": rencontre.pk}))
    assert cards.status_code == 200
    assert "Tour 1 : table" in cards.content.decode()
    assert len(cards.context["itineraries"]) == 16
    assert (
        client.get(reverse("seating:screen", kwargs={"rencontre_id": rencontre.pk}) + "?tour=2").status_code
        == 200
    )

    # Two no-shows, then re-plan the two rounds not played yet.
    first_round = plan.schedule[0]
    registrations = {r.member_id: r for r in rencontre.registrations.all()}
    absent = [people[1].pk, people[2].pk]
    for member_id in absent:
        attendance_mark(
            registration=registrations[member_id], attendance=Attendance.ABSENT, now=timezone.now()
        )
    response = client.post(
        reverse("seating:replan", kwargs={"rencontre_id": rencontre.pk}), {"played_rounds": 1}
    )
    assert response.status_code == 302
    new = SeatingPlan.objects.get(rencontre=rencontre, is_current=True)
    assert new.version == plan.version + 1
    assert new.schedule[0] == first_round, "the played round is kept as it was"
    seated_later = {p for tables in new.schedule[1:] for table in tables for p in table}
    assert not seated_later & set(absent)
    assert len(seated_later) == 14
    pairs = _pairs(new.schedule)
    assert new.repeats == len(pairs) - len(set(pairs))


def test_too_few_people_gives_a_clear_message(world: World) -> None:
    rencontre = published(world.consultant_same.consultant)
    for member in members(2):
        registration_request(rencontre=rencontre, member=member)
    client = Client()
    client.force_login(world.consultant_same)
    response = client.post(
        reverse("seating:plan", kwargs={"rencontre_id": rencontre.pk}), {"table_size": 4, "rounds": 2}
    )
    assert response.status_code == 200
    assert "au moins 4 participant" in response.content.decode()
    assert not SeatingPlan.objects.exists()


def test_another_delegations_consultant_cannot_plan(world: World) -> None:
    rencontre = published(world.consultant_same.consultant)
    client = Client()
    client.force_login(world.consultant_other)
    assert client.get(reverse("seating:plan", kwargs={"rencontre_id": rencontre.pk})).status_code in (
        403,
        404,
    )
