"""The fill job: recompute the pre-aggregated statistics of one day, or resume over a range of days.

A day's facts are about the rencontres held that day (local date of
``starts_at``): their invitations, registrations, attendance, feedback,
connections and the outcome surveys of members whose first rencontre it was.
Late data (feedback, connections, surveys months later) is attached to the
rencontre's day, so the funnel compares like with like; the job therefore
recomputes a day again until each source has settled (``SETTLE_AFTER``).

``insights_fill`` rewrites one day in one transaction: DELETE that day's rows,
INSERT the new ones, refresh that month's roll-up, record ``FillState``. It
never adds to existing rows, so re-running it gives identical tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pairs.feedback.models import Connection, Feedback, OutcomeSurvey
from pairs.meetings.models import Attendance, Invitation, Registration, RegistrationStatus, Rencontre, Status
from pairs.network.models import Delegation
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent

from .models import (
    ALL,
    UNSPLIT,
    DailyFact,
    ExperimentWave,
    FillSource,
    FillState,
    Metric,
    MonthlyFact,
    MonthlyTopicFact,
    TopicFact,
)

# After this delay past the rencontre's day, a source no longer changes and its day is not recomputed:
# attendance is pointed within days; feedback stays open then editable for 7 days; the 6-month survey
# is sent 6 months after the first rencontre and answered within weeks.
SETTLE_AFTER: dict[str, timedelta] = {
    FillSource.MEETINGS: timedelta(days=7),
    FillSource.FEEDBACK: timedelta(days=45),
    FillSource.OUTCOMES: timedelta(days=240),
}

SOURCE_METRICS: dict[str, frozenset[str]] = {
    FillSource.MEETINGS: frozenset(
        {
            Metric.RENCONTRES_HELD,
            Metric.INVITATIONS,
            Metric.REGISTRATIONS,
            Metric.WAITLISTED,
            Metric.ATTENDED,
            Metric.WALK_INS,
            Metric.NO_SHOWS,
        }
    ),
    FillSource.FEEDBACK: frozenset(
        {
            Metric.FEEDBACK,
            Metric.SATISFACTION_SUM,
            Metric.USEFULNESS_SUM,
            Metric.NPS_PROMOTERS,
            Metric.NPS_PASSIVES,
            Metric.NPS_DETRACTORS,
            Metric.CONNECTIONS,
            Metric.CONNECTED_MEMBERS,
        }
    ),
    FillSource.OUTCOMES: frozenset(m for m in Metric if m.startswith("outcome")),
}
ALL_SOURCES: tuple[str, ...] = tuple(FillSource.values)

_DIMENSION_COLUMNS = (
    ("day", "date"),
    ("delegation_id", "bigint"),
    ("format", "text"),
    ("situation", "text"),
    ("phase", "text"),
)
_FACT_COLUMNS = (*_DIMENSION_COLUMNS, ("metric", "text"), ("value", "bigint"))
_TOPIC_COLUMNS = (
    *_DIMENSION_COLUMNS,
    ("topic_id", "text"),
    ("rencontres", "integer"),
    ("attended", "integer"),
)

# Key of a count before roll-up: (delegation id, format, situation, phase, metric).
Key = tuple[int, str, str, str, str]


@dataclass(frozen=True)
class FillResult:
    day: date
    rows: int
    sources: tuple[str, ...]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day as an interval of aware datetimes in the site's time zone (DST-safe)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def _chunks(values: list[int], size: int = 2000) -> Iterator[list[int]]:
    for position in range(0, len(values), size):
        yield values[position : position + size]


def _person_groups(member_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Member id → (situation, phase) for members who consented to statistics, (UNSPLIT, UNSPLIT) otherwise."""
    ids = sorted(set(member_ids))
    groups: dict[int, tuple[str, str]] = dict.fromkeys(ids, (UNSPLIT, UNSPLIT))
    for chunk in _chunks(ids):
        consenting = members_with_consent(kind=ConsentKind.STATISTICS).filter(pk__in=chunk)
        for pk, situation, phase in consenting.values_list("pk", "situation", "phase"):
            groups[pk] = (situation or UNSPLIT, phase or UNSPLIT)
    return groups


def _rolled_up(counts: Counter[Key]) -> Counter[Key]:
    """Each count also for every format (ALL), and person-level counts at (situation, ALL), (ALL, phase), (ALL, ALL).

    Pages without a format or person filter then read one row per cell instead of summing a breakdown.
    """
    rolled: Counter[Key] = Counter()
    for (delegation, fmt, situation, phase, metric), value in counts.items():
        if situation == ALL:  # rencontre-level: already at (ALL, ALL)
            groups: tuple[tuple[str, str], ...] = ((ALL, ALL),)
        else:
            groups = ((situation, phase), (situation, ALL), (ALL, phase), (ALL, ALL))
        for s, p in groups:
            rolled[(delegation, fmt, s, p, metric)] += value
            rolled[(delegation, ALL, s, p, metric)] += value
    return rolled


def _nps_metric(score: int) -> str:
    if score >= 9:
        return Metric.NPS_PROMOTERS
    if score >= 7:
        return Metric.NPS_PASSIVES
    return Metric.NPS_DETRACTORS


def _day_counts(*, day: date, sources: tuple[str, ...]) -> tuple[Counter[Key], Counter[tuple[Any, ...]]]:
    """Read the raw tables for the rencontres of the day; return fact counts and topic counts."""
    start, end = _day_bounds(day)
    rencontres = {
        pk: (delegation_id, fmt)
        for pk, delegation_id, fmt in Rencontre.objects.filter(
            status=Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end
        ).values_list("pk", "delegation_id", "format")
    }
    counts: Counter[Key] = Counter()
    topics: Counter[tuple[Any, ...]] = Counter()
    if not rencontres:
        return counts, topics
    ids = list(rencontres)
    # (rencontre, member, metric, value) before the person groups are known.
    raw: list[tuple[int, int, str, int]] = []
    attendees: dict[int, list[int]] = {}
    if FillSource.MEETINGS in sources:
        for delegation_id, fmt in rencontres.values():
            counts[(delegation_id, fmt, ALL, ALL, Metric.RENCONTRES_HELD)] += 1
        for chunk in _chunks(ids):
            for rencontre_id, member_id in Invitation.objects.filter(rencontre_id__in=chunk).values_list(
                "rencontre_id", "member_id"
            ):
                raw.append((rencontre_id, member_id, Metric.INVITATIONS, 1))
            registrations = Registration.objects.filter(rencontre_id__in=chunk).values_list(
                "rencontre_id", "member_id", "status", "attendance", "walk_in"
            )
            for rencontre_id, member_id, status, attendance, walk_in in registrations:
                if status == RegistrationStatus.REGISTERED and not walk_in:
                    raw.append((rencontre_id, member_id, Metric.REGISTRATIONS, 1))
                    if attendance == Attendance.ABSENT:
                        raw.append((rencontre_id, member_id, Metric.NO_SHOWS, 1))
                if status == RegistrationStatus.WAITLISTED:
                    raw.append((rencontre_id, member_id, Metric.WAITLISTED, 1))
                if attendance == Attendance.PRESENT:
                    raw.append((rencontre_id, member_id, Metric.ATTENDED, 1))
                    attendees.setdefault(rencontre_id, []).append(member_id)
                    if walk_in:
                        raw.append((rencontre_id, member_id, Metric.WALK_INS, 1))
    if FillSource.FEEDBACK in sources:
        for chunk in _chunks(ids):
            answers = Feedback.objects.filter(registration__rencontre_id__in=chunk).values_list(
                "registration__rencontre_id", "registration__member_id", "satisfaction", "usefulness", "nps"
            )
            for rencontre_id, member_id, satisfaction, usefulness, nps in answers:
                raw.append((rencontre_id, member_id, Metric.FEEDBACK, 1))
                raw.append((rencontre_id, member_id, Metric.SATISFACTION_SUM, satisfaction))
                raw.append((rencontre_id, member_id, Metric.USEFULNESS_SUM, usefulness))
                raw.append((rencontre_id, member_id, _nps_metric(nps), 1))
            connected: set[tuple[int, int]] = set()
            pairs = Connection.objects.filter(rencontre_id__in=chunk).values_list(
                "rencontre_id", "member_a_id", "member_b_id"
            )
            for rencontre_id, member_a, member_b in pairs:
                delegation_id, fmt = rencontres[rencontre_id]
                counts[(delegation_id, fmt, ALL, ALL, Metric.CONNECTIONS)] += 1
                connected.add((rencontre_id, member_a))
                connected.add((rencontre_id, member_b))
            for rencontre_id, member_id in connected:
                raw.append((rencontre_id, member_id, Metric.CONNECTED_MEMBERS, 1))
    if FillSource.OUTCOMES in sources:
        for chunk in _chunks(ids):
            surveys = OutcomeSurvey.objects.filter(
                first_rencontre_id__in=chunk, answered_at__isnull=False
            ).values_list("first_rencontre_id", "member_id", "wave", "result")
            for rencontre_id, member_id, wave, result in surveys:
                raw.append((rencontre_id, member_id, f"outcome{wave}_answered", 1))
                if result:
                    raw.append((rencontre_id, member_id, f"outcome{wave}_{result}", 1))
    groups = _person_groups([member_id for _r, member_id, _m, _v in raw])
    for rencontre_id, member_id, metric, value in raw:
        delegation_id, fmt = rencontres[rencontre_id]
        situation, phase = groups[member_id]
        counts[(delegation_id, fmt, situation, phase, metric)] += value
    if FillSource.MEETINGS in sources:
        topic_links = Rencontre.topics.through.objects.filter(rencontre_id__in=ids).values_list(
            "rencontre_id", "topic_id"
        )
        attendee_groups = _person_groups([m for members in attendees.values() for m in members])
        for rencontre_id, topic_id in topic_links:
            delegation_id, fmt = rencontres[rencontre_id]
            topics[(delegation_id, fmt, ALL, ALL, topic_id, "rencontres")] += 1
            topics[(delegation_id, ALL, ALL, ALL, topic_id, "rencontres")] += 1
            for member_id in attendees.get(rencontre_id, []):
                situation, phase = attendee_groups[member_id]
                for s, p in ((situation, phase), (situation, ALL), (ALL, phase), (ALL, ALL)):
                    topics[(delegation_id, fmt, s, p, topic_id, "attended")] += 1
                    topics[(delegation_id, ALL, s, p, topic_id, "attended")] += 1
    return _rolled_up(counts), topics


def _insert_rows(table: str, columns: tuple[tuple[str, str], ...], rows: list[tuple[Any, ...]]) -> None:
    """INSERT thousands of rows a day without a model instance per row.

    PostgreSQL: one statement with one array per column (``unnest``), so the
    driver binds a handful of parameters, not one per value. SQLite:
    ``executemany`` (no round trips to save there).
    """
    if not rows:
        return
    names = ", ".join(name for name, _type in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{sql_type}[]" for _name, sql_type in columns)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})",  # noqa: S608 - names from the models
                [list(values) for values in zip(*rows, strict=True)],
            )
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def _month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def monthly_facts_refresh(*, month: date) -> None:
    """Recompute the month's roll-ups from its day rows (call inside a transaction).

    Every metric, whatever was just filled: a month left stale by an
    interrupted run is repaired by the next fill of any of its days. Each
    roll-up is written twice: per delegation, and for every delegation
    (``delegation_id`` NULL, the national total).
    """
    first, following = _month_bounds(month)
    MonthlyFact.objects.filter(month=first).delete()
    MonthlyTopicFact.objects.filter(month=first).delete()
    rollups = (
        (MonthlyFact, DailyFact, "metric", "SUM(value)", ("value",)),
        (
            MonthlyTopicFact,
            TopicFact,
            "topic_id",
            "SUM(rencontres), SUM(attended)",
            ("rencontres", "attended"),
        ),
    )
    # INSERT … SELECT: the roll-up never leaves the database.
    with connection.cursor() as cursor:
        for target, source, key, sums, value_columns in rollups:
            for delegation in ("delegation_id", "NULL"):
                group = "delegation_id, " if delegation != "NULL" else ""
                cursor.execute(
                    f"INSERT INTO {target._meta.db_table} "  # noqa: S608 - names from the models, values as parameters
                    f"(month, delegation_id, format, situation, phase, {key}, {', '.join(value_columns)}) "
                    f"SELECT %s, {delegation}, format, situation, phase, {key}, {sums} "
                    f"FROM {source._meta.db_table} WHERE day >= %s AND day < %s "
                    f"GROUP BY {group}format, situation, phase, {key}",
                    [first, first, following],
                )


def insights_fill(
    *,
    day: date,
    sources: Iterable[str] = ALL_SOURCES,
    now: datetime | None = None,
    refresh_month: bool = True,
) -> FillResult:
    """Recompute every statistic of one day (for these sources) in one transaction; idempotent."""
    now = now or timezone.now()
    chosen = tuple(source for source in ALL_SOURCES if source in set(sources))
    metrics = sorted(set().union(*(SOURCE_METRICS[source] for source in chosen))) if chosen else []
    with transaction.atomic():
        counts, topics = _day_counts(day=day, sources=chosen)
        DailyFact.objects.filter(day=day, metric__in=metrics).delete()
        _insert_rows(
            DailyFact._meta.db_table,
            _FACT_COLUMNS,
            [(day, *key, value) for key, value in counts.items() if value],
        )
        if FillSource.MEETINGS in chosen:
            TopicFact.objects.filter(day=day).delete()
            merged: dict[tuple[Any, ...], dict[str, int]] = {}
            for (delegation_id, fmt, situation, phase, topic_id, field), value in topics.items():
                merged.setdefault((delegation_id, fmt, situation, phase, topic_id), {})[field] = value
            _insert_rows(
                TopicFact._meta.db_table,
                _TOPIC_COLUMNS,
                [
                    (day, *key, values.get("rencontres", 0), values.get("attended", 0))
                    for key, values in merged.items()
                ],
            )
        if refresh_month:
            monthly_facts_refresh(month=day)
        local_today = timezone.localdate(now)
        FillState.objects.filter(day=day, source__in=chosen).delete()
        FillState.objects.bulk_create(
            [
                FillState(
                    day=day, source=source, filled_at=now, settled=local_today - day > SETTLE_AFTER[source]
                )
                for source in chosen
            ]
        )
    return FillResult(day=day, rows=sum(1 for value in counts.values() if value), sources=chosen)


def _first_rencontre_day() -> date | None:
    first = (
        Rencontre.objects.filter(status=Status.PUBLISHED)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)[:1]
    )
    return timezone.localdate(first[0]) if first else None


@dataclass(frozen=True)
class RangeResult:
    days_filled: int
    rows: int
    first_day: date | None
    last_day: date | None


def insights_fill_range(
    *,
    until: date | None = None,
    start: date | None = None,
    force: bool = False,
    now: datetime | None = None,
    max_days: int | None = None,
) -> RangeResult:
    """Fill every day up to ``until`` (default: yesterday) that some source has not settled yet.

    Resumes where the last run stopped: for each source, days already settled
    are skipped, so an interrupted run (or a crash) picks up from the first
    day not done. ``force`` recomputes every day from ``start`` (a full
    rebuild, e.g. after a change of rules). ``max_days`` bounds one run.
    Each day is its own transaction; the month's roll-up is refreshed once per
    month run through, in the transaction of that month's last day filled (so
    a crash never leaves a month marked done with a stale roll-up).
    """
    now = now or timezone.now()
    until = until or timezone.localdate(now) - timedelta(days=1)
    origin = start or _first_rencontre_day()
    if origin is None or origin > until:
        return RangeResult(0, 0, None, None)
    settled: dict[str, set[date]] = {source: set() for source in ALL_SOURCES}
    if not force:
        for day, source in FillState.objects.filter(
            settled=True, day__gte=origin, day__lte=until
        ).values_list("day", "source"):
            settled[source].add(day)
    plan: list[tuple[date, tuple[str, ...]]] = []
    day = origin
    while day <= until:
        todo = tuple(source for source in ALL_SOURCES if day not in settled[source])
        if todo:
            plan.append((day, todo))
        day += timedelta(days=1)
    if max_days is not None:
        plan = plan[:max_days]
    rows = 0
    for position, (day, todo) in enumerate(plan):
        following = plan[position + 1][0] if position + 1 < len(plan) else None
        last_of_month = following is None or following.replace(day=1) != day.replace(day=1)
        rows += insights_fill(day=day, sources=todo, now=now, refresh_month=last_of_month).rows
    return RangeResult(
        days_filled=len(plan),
        rows=rows,
        first_day=plan[0][0] if plan else None,
        last_day=plan[-1][0] if plan else None,
    )


# --- Experiment waves (defined by the national team) -------------------------------------------------


@transaction.atomic
def experiment_wave_save(
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    delegations: Iterable[Delegation],
    description: str = "",
    wave: ExperimentWave | None = None,
) -> ExperimentWave:
    """Create a wave, or update ``wave``: its period and participating delegations."""
    wave = wave or ExperimentWave()
    wave.name, wave.starts_on, wave.ends_on, wave.description = name, starts_on, ends_on, description
    wave.full_clean()
    wave.save()
    wave.delegations.set(list(delegations))
    return wave
