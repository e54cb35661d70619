"""Reads for the dashboard: sums over the pre-aggregated facts, never over the raw tables.

Except ``own_rencontres_stats``: a consultant's own rencontres are few, so
that view reads the raw tables directly.

Every function returns raw numbers (no small-number suppression): the pages
suppress when they display (``tables.py``), so tests can compare these
numbers with counts made directly on the raw tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from pairs.accounts.models import DELEGATION_ROLES, Role
from pairs.feedback.models import Connection, Feedback
from pairs.meetings.models import (
    Attendance,
    Format,
    Invitation,
    Registration,
    RegistrationStatus,
    Rencontre,
    Status,
)
from pairs.members.models import Phase, Situation
from pairs.network.models import Consultant, Delegation

from .models import (
    ALL,
    PERSON_LEVEL_METRICS,
    RENCONTRE_LEVEL_METRICS,
    UNSPLIT,
    DailyFact,
    ExperimentWave,
    FillState,
    MonthlyFact,
    MonthlyTopicFact,
    TopicFact,
)

DIMENSIONS = ("format", "delegation", "situation", "phase", "month")
OWN_LIMIT = 100  # the most recent rencontres of a consultant shown on their page


@dataclass(frozen=True)
class StatFilters:
    """What a page asks for: a period (inclusive) and optional delegation, format and person group."""

    start: date
    end: date
    delegation_ids: tuple[int, ...] | None = None  # None: every delegation
    format: str = ""
    situation: str = ""
    phase: str = ""

    @property
    def whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1

    @property
    def person_filtered(self) -> bool:
        return bool(self.situation or self.phase)


Counts = dict[str, int]


@dataclass
class Breakdown:
    """Counts per value of one dimension, in a stable order."""

    dimension: str
    rows: dict[Any, Counts] = field(default_factory=dict)


def _facts(filters: StatFilters, *, by_delegation: bool = False) -> tuple[QuerySet[Any], str]:
    """The fact rows of the period and the filters (format, delegations); the month table when it fits."""
    if filters.whole_months:
        rows: QuerySet[Any] = MonthlyFact.objects.filter(month__gte=filters.start, month__lte=filters.end)
        date_field = "month"
    else:
        rows = DailyFact.objects.filter(day__gte=filters.start, day__lte=filters.end)
        date_field = "day"
    if filters.delegation_ids is not None:
        rows = rows.filter(delegation_id__in=filters.delegation_ids)
    elif date_field == "month" and not by_delegation:
        rows = rows.filter(delegation__isnull=True)  # the national roll-up
    else:
        rows = rows.filter(delegation__isnull=False)
    return rows, date_field


def _format(filters: StatFilters, *, split: bool = False) -> Q:
    """One format, or the ALL roll-up; ``split``: each format apart (the breakdown by format)."""
    if filters.format:
        return Q(format=filters.format)
    return Q(format__in=Format.values) if split else Q(format=ALL)


def _group(filters: StatFilters) -> Q:
    """Person-level metrics of the filtered group; rencontre-level metrics always for everyone."""
    person = Q(
        metric__in=sorted(PERSON_LEVEL_METRICS),
        situation=filters.situation or ALL,
        phase=filters.phase or ALL,
    )
    return person | Q(metric__in=sorted(RENCONTRE_LEVEL_METRICS), situation=ALL, phase=ALL)


def _segments(filters: StatFilters) -> list[StatFilters]:
    """The period cut into whole months (monthly roll-up) and the days at either end (daily rows)."""
    if filters.whole_months:
        return [filters]
    first_full = (
        filters.start
        if filters.start.day == 1
        else (filters.start.replace(day=28) + timedelta(days=4)).replace(day=1)
    )
    after_end = filters.end + timedelta(days=1)
    last_full_end = filters.end if after_end.day == 1 else filters.end.replace(day=1) - timedelta(days=1)
    if first_full > last_full_end:
        return [filters]
    pieces = [
        (filters.start, first_full - timedelta(days=1)),
        (first_full, last_full_end),
        (last_full_end + timedelta(days=1), filters.end),
    ]
    return [replace(filters, start=start, end=end) for start, end in pieces if start <= end]


def stats_totals(*, filters: StatFilters) -> Counts:
    """Metric → total over the filters."""
    result: dict[str, int] = defaultdict(int)
    for segment in _segments(filters):
        rows, _date_field = _facts(segment)
        totals = rows.filter(_group(segment), _format(segment)).values("metric").annotate(total=Sum("value"))
        for row in totals:
            result[row["metric"]] += int(row["total"])
    return dict(result)


def stats_by(*, filters: StatFilters, dimension: str) -> Breakdown:
    """Metric totals per format, delegation (id), situation, phase or month (first day).

    Breakdowns by situation or phase hold person-level metrics only, and
    include the UNSPLIT group (members without statistics consent).
    """
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    rows, date_field = _facts(filters, by_delegation=dimension == "delegation")
    # Lists of values rather than "not ALL": the composite indexes can use a list.
    if dimension == "situation":
        situations = [filters.situation] if filters.situation else [*Situation.values, UNSPLIT]
        condition = Q(
            metric__in=sorted(PERSON_LEVEL_METRICS), situation__in=situations, phase=filters.phase or ALL
        )
        key = "situation"
    elif dimension == "phase":
        phases = [filters.phase] if filters.phase else [*Phase.values, UNSPLIT]
        condition = Q(
            metric__in=sorted(PERSON_LEVEL_METRICS), situation=filters.situation or ALL, phase__in=phases
        )
        key = "phase"
    else:
        condition = _group(filters)
        key = {"format": "format", "delegation": "delegation_id", "month": date_field}[dimension]
    selected = rows.filter(condition, _format(filters, split=dimension == "format"))
    if dimension == "month" and date_field == "day":
        selected = selected.annotate(bucket=TruncMonth("day"))
        key = "bucket"
    breakdown = Breakdown(dimension)
    for row in selected.values(key, "metric").annotate(total=Sum("value")).order_by(key, "metric"):
        bucket = row[key]
        if dimension == "month" and not isinstance(bucket, date):
            bucket = date.fromisoformat(str(bucket)[:10])
        elif dimension == "month" and hasattr(bucket, "date"):
            bucket = bucket.date()
        breakdown.rows.setdefault(bucket, {})[row["metric"]] = int(row["total"])
    return breakdown


def stats_experiment_split(
    *, filters: StatFilters, by_delegation: Breakdown | None = None
) -> dict[bool, Counts]:
    """Totals of delegations in the experiment (True) and the others (False), side by side."""
    by_delegation = by_delegation or stats_by(filters=filters, dimension="delegation")
    in_experiment = dict(Delegation.objects.values_list("pk", "in_experiment"))
    split: dict[bool, Counts] = {True: defaultdict(int), False: defaultdict(int)}  # type: ignore[dict-item]
    for delegation_id, counts in by_delegation.rows.items():
        side = split[bool(in_experiment.get(delegation_id, False))]
        for metric, value in counts.items():
            side[metric] += value
    return {side: dict(counts) for side, counts in split.items()}


@dataclass(frozen=True)
class TopicRow:
    slug: str
    label: str
    rencontres: int
    attended: int


def topics_top(*, filters: StatFilters, limit: int = 10) -> list[TopicRow]:
    """The topics of the rencontres held, by attendance of the filtered group, then by rencontres."""
    if filters.whole_months:
        rows: QuerySet[Any] = MonthlyTopicFact.objects.filter(
            month__gte=filters.start, month__lte=filters.end
        )
        if filters.delegation_ids is None:
            rows = rows.filter(delegation__isnull=True)
    else:
        rows = TopicFact.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.delegation_ids is not None:
        rows = rows.filter(delegation_id__in=filters.delegation_ids)
    rows = rows.filter(_format(filters))
    group = Q(situation=filters.situation or ALL, phase=filters.phase or ALL)
    everyone = Q(situation=ALL, phase=ALL)
    ranked = (
        rows.filter(group | everyone)
        .values("topic_id", "topic__label")
        .annotate(
            held=Sum("rencontres", filter=everyone, default=0),
            came=Sum("attended", filter=group, default=0),
        )
        .order_by("-came", "-held", "topic__label")[:limit]
    )
    return [
        TopicRow(row["topic_id"], row["topic__label"], int(row["held"]), int(row["came"])) for row in ranked
    ]


def delegations_visible_to(*, viewer: Any) -> QuerySet[Delegation]:
    """National team and administrators: every delegation; consultants and leads: their own."""
    if viewer.role in (Role.NATIONAL, Role.ADMIN):
        return Delegation.objects.all()
    if viewer.role in DELEGATION_ROLES:
        consultant = getattr(viewer, "consultant", None)
        if consultant is not None:
            return Delegation.objects.filter(pk=consultant.delegation_id)
    return Delegation.objects.none()


def fill_state_latest() -> FillState | None:
    """The most recent day computed, to say how fresh the figures are."""
    return FillState.objects.order_by("-day", "-filled_at").first()


def waves_list() -> QuerySet[ExperimentWave]:
    return ExperimentWave.objects.prefetch_related("delegations").order_by("starts_on", "name")


@dataclass(frozen=True)
class WaveSummary:
    wave: ExperimentWave
    delegations: list[Delegation]
    participants: Counts
    others: Counts  # delegations not in the wave, same period: the comparison group


def wave_summaries(*, waves: list[ExperimentWave]) -> list[WaveSummary]:
    """Each wave's totals over its period for its delegations, beside the other delegations."""
    every = list(Delegation.objects.values_list("pk", flat=True))
    summaries = []
    for wave in waves:
        members = list(wave.delegations.all())
        ids = tuple(d.pk for d in members)
        others = tuple(pk for pk in every if pk not in ids)
        base = {"start": wave.starts_on, "end": wave.ends_on}
        summaries.append(
            WaveSummary(
                wave=wave,
                delegations=members,
                participants=stats_totals(filters=StatFilters(**base, delegation_ids=ids)),
                others=stats_totals(filters=StatFilters(**base, delegation_ids=others)),
            )
        )
    return summaries


# --- A consultant's own rencontres: small, read from the raw tables -----------------------------------


@dataclass(frozen=True)
class OwnRencontreRow:
    rencontre: Rencontre
    invitations: int
    registrations: int
    attended: int
    no_shows: int
    feedback: int
    satisfaction_sum: int
    connections: int


def own_rencontres_stats(*, consultant: Consultant, start: date, end: date) -> list[OwnRencontreRow]:
    """The published rencontres the consultant organised or co-organised in the period, with their funnel."""
    # Two indexed lookups rather than an OR across a join.
    own_ids = set(Rencontre.objects.filter(organiser=consultant).values_list("pk", flat=True))
    own_ids |= set(
        Rencontre.co_organisers.through.objects.filter(consultant=consultant).values_list(
            "rencontre_id", flat=True
        )
    )
    tz = timezone.get_current_timezone()
    rencontres = Rencontre.objects.filter(
        pk__in=own_ids,
        status=Status.PUBLISHED,
        starts_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        starts_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    ).order_by("-starts_at")
    rencontre_list = list(rencontres[:OWN_LIMIT])
    ids = [r.pk for r in rencontre_list]
    invitations = dict(
        Invitation.objects.filter(rencontre_id__in=ids)
        .values("rencontre_id")
        .annotate(n=Count("pk"))
        .values_list("rencontre_id", "n")
    )
    registrations = {
        row["rencontre_id"]: row
        for row in Registration.objects.filter(rencontre_id__in=ids)
        .values("rencontre_id")
        .annotate(
            registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED, walk_in=False)),
            attended=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
            no_shows=Count(
                "pk",
                filter=Q(status=RegistrationStatus.REGISTERED, walk_in=False, attendance=Attendance.ABSENT),
            ),
        )
    }
    feedback = {
        row["registration__rencontre_id"]: row
        for row in Feedback.objects.filter(registration__rencontre_id__in=ids)
        .values("registration__rencontre_id")
        .annotate(n=Count("pk"), satisfaction=Sum("satisfaction"))
    }
    connections = dict(
        Connection.objects.filter(rencontre_id__in=ids)
        .values("rencontre_id")
        .annotate(n=Count("pk"))
        .values_list("rencontre_id", "n")
    )
    rows = []
    for rencontre in rencontre_list:
        reg = registrations.get(rencontre.pk, {})
        fb = feedback.get(rencontre.pk, {})
        rows.append(
            OwnRencontreRow(
                rencontre=rencontre,
                invitations=invitations.get(rencontre.pk, 0),
                registrations=reg.get("registered", 0),
                attended=reg.get("attended", 0),
                no_shows=reg.get("no_shows", 0),
                feedback=fb.get("n", 0),
                satisfaction_sum=fb.get("satisfaction") or 0,
                connections=connections.get(rencontre.pk, 0),
            )
        )
    return rows


def insights_rows_for_day(*, day: date) -> list[tuple[Any, ...]]:
    """The day's fact rows as sorted tuples: what "identical tables after a re-run" compares."""
    return sorted(
        DailyFact.objects.filter(day=day).values_list(
            "delegation_id", "format", "situation", "phase", "metric", "value"
        )
    )
