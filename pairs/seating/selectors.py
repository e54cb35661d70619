"""Reads of the room plans: tables with names, and each person's itinerary."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pairs.meetings.models import Rencontre
from pairs.members.models import Member

from .models import SeatingPlan


def seating_plan_current(*, rencontre: Rencontre) -> SeatingPlan | None:
    return SeatingPlan.objects.filter(rencontre=rencontre, is_current=True).first()


@dataclass(frozen=True)
class Seat:
    member: Member
    roles: list[str]


@dataclass(frozen=True)
class Itinerary:
    member: Member
    tables: list[int | None]  # per round, 1-based table number
    line: str


def _members(plan: SeatingPlan) -> dict[int, Member]:
    ids = {int(p) for tables in plan.schedule for table in tables for p in table}
    return {m.pk: m for m in Member.objects.filter(pk__in=ids)}


def seating_rounds(*, plan: SeatingPlan) -> list[list[list[Seat]]]:
    """rounds[r][t] = the seats at table t+1 in round r+1."""
    members = _members(plan)
    return [
        [
            [Seat(members[int(p)], plan.roles.get(str(p), [])) for p in table if int(p) in members]
            for table in tables
        ]
        for tables in plan.schedule
    ]


def seating_itineraries(*, plan: SeatingPlan) -> list[Itinerary]:
    """One card per person: "Tour 1 : table 4 · Tour 2 : table 1 …", sorted by name."""
    members = _members(plan)
    where: dict[int, list[int | None]] = {pk: [None] * len(plan.schedule) for pk in members}
    for r, tables in enumerate(plan.schedule):
        for t, table in enumerate(tables):
            for p in table:
                if int(p) in where:
                    where[int(p)][r] = t + 1
    cards = []
    for pk, tables in where.items():
        parts = [
            _("Tour %(round)d : table %(table)d") % {"round": r + 1, "table": t}
            if t is not None
            else _("Tour %(round)d : pause") % {"round": r + 1}
            for r, t in enumerate(tables)
        ]
        cards.append(Itinerary(members[pk], tables, " · ".join(parts)))
    return sorted(cards, key=lambda card: (card.member.last_name.lower(), card.member.first_name.lower()))
