"""The fill job and the selectors agree with counts made directly on the raw tables."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from pairs.feedback.models import Connection, Feedback, OutcomeSurvey
from pairs.insights.models import (
    ALL,
    UNSPLIT,
    DailyFact,
    FillSource,
    FillState,
    Metric,
    MonthlyFact,
    MonthlyTopicFact,
    TopicFact,
)
from pairs.insights.selectors import (
    StatFilters,
    insights_rows_for_day,
    stats_by,
    stats_experiment_split,
    stats_totals,
    topics_top,
)
from pairs.insights.services import insights_fill, insights_fill_range
from pairs.meetings.models import Attendance, Invitation, Registration, RegistrationStatus, Rencontre, Status
from pairs.members.models import Member, Phase, Situation
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent

from .builders import History, history_build, local_at

pytestmark = pytest.mark.django_db
NOW = local_at(date(2026, 11, 1), 12)


@pytest.fixture
def history(db: None) -> History:
    made = history_build(seed=3, days=30)
    insights_fill_range(start=made.first_day, until=made.last_day, now=NOW)
    return made


def _direct(metric: str, filters: StatFilters) -> int:
    """The same number counted on the raw tables (the independent oracle)."""
    rencontres: QuerySet[Rencontre] = Rencontre.objects.filter(
        status=Status.PUBLISHED, starts_at__date__gte=filters.start, starts_at__date__lte=filters.end
    )
    if filters.delegation_ids is not None:
        rencontres = rencontres.filter(delegation_id__in=filters.delegation_ids)
    if filters.format:
        rencontres = rencontres.filter(format=filters.format)
    if metric == Metric.RENCONTRES_HELD:
        return rencontres.count()
    if metric == Metric.CONNECTIONS:
        return Connection.objects.filter(rencontre__in=rencontres).count()

    def people(prefix: str) -> Q:
        q = Q()
        if filters.person_filtered:
            q &= Q(**{f"{prefix}__in": members_with_consent(kind=ConsentKind.STATISTICS)})
        if filters.situation:
            q &= Q(**{f"{prefix}__situation": filters.situation})
        if filters.phase:
            q &= Q(**{f"{prefix}__phase": filters.phase})
        return q

    registrations = Registration.objects.filter(people("member"), rencontre__in=rencontres)
    registered = Q(status=RegistrationStatus.REGISTERED, walk_in=False)
    feedback = Feedback.objects.filter(people("registration__member"), registration__rencontre__in=rencontres)
    simple: dict[str, Any] = {
        Metric.INVITATIONS: Invitation.objects.filter(people("member"), rencontre__in=rencontres),
        Metric.REGISTRATIONS: registrations.filter(registered),
        Metric.WAITLISTED: registrations.filter(status=RegistrationStatus.WAITLISTED),
        Metric.ATTENDED: registrations.filter(attendance=Attendance.PRESENT),
        Metric.WALK_INS: registrations.filter(attendance=Attendance.PRESENT, walk_in=True),
        Metric.NO_SHOWS: registrations.filter(registered, attendance=Attendance.ABSENT),
        Metric.FEEDBACK: feedback,
        Metric.NPS_PROMOTERS: feedback.filter(nps__gte=9),
        Metric.NPS_PASSIVES: feedback.filter(nps__gte=7, nps__lte=8),
        Metric.NPS_DETRACTORS: feedback.filter(nps__lte=6),
    }
    if metric in simple:
        return int(simple[metric].count())
    if metric == Metric.SATISFACTION_SUM:
        return int(feedback.aggregate(s=Sum("satisfaction"))["s"] or 0)
    if metric == Metric.USEFULNESS_SUM:
        return int(feedback.aggregate(s=Sum("usefulness"))["s"] or 0)
    if metric == Metric.CONNECTED_MEMBERS:
        allowed = set(registrations.values_list("member_id", flat=True)) if filters.person_filtered else None
        sides = set()
        for rencontre_id, a, b in Connection.objects.filter(rencontre__in=rencontres).values_list(
            "rencontre_id", "member_a_id", "member_b_id"
        ):
            sides |= {(rencontre_id, a), (rencontre_id, b)}
        return sum(1 for _r, m in sides if allowed is None or m in allowed)
    wave, _, result = metric.removeprefix("outcome").partition("_")
    surveys = OutcomeSurvey.objects.filter(
        people("member"), first_rencontre__in=rencontres, answered_at__isnull=False, wave=int(wave)
    )
    if result != "answered":
        surveys = surveys.filter(result=result)
    return surveys.count()


def _random_filters(rng: random.Random, history: History) -> StatFilters:
    if rng.random() < 0.5:  # whole months: read from the monthly roll-up
        start = date(2026, rng.choice((1, 2)), 1)
        end = date(2026, 3, 31) if rng.random() < 0.5 else date(2026, 2, 28)
        if end < start:
            start, end = end.replace(day=1), start + timedelta(days=27)
    elif rng.random() < 0.4:  # whole months in the middle, days at either end: both tables
        start = date(2026, 1, rng.randint(15, 31))
        end = date(2026, 3, rng.randint(1, 10))
    else:
        start = history.first_day + timedelta(days=rng.randint(0, 30))
        end = start + timedelta(days=rng.randint(0, 25))
    ids = None
    if rng.random() < 0.6:
        ids = tuple(d.pk for d in rng.sample(history.delegations, rng.randint(1, 2)))
    return StatFilters(
        start=start,
        end=end,
        delegation_ids=ids,
        format=rng.choice(["", "", "atelier", "petit_dejeuner", "afterwork", "cercle"]),
        situation=rng.choice(["", "", *Situation.values]),
        phase=rng.choice(["", "", "", *Phase.values]),
    )


class RawTables:
    """The raw rows loaded once, counted in Python: a second, independent oracle, fast enough for many filters."""

    def __init__(self) -> None:
        self.rencontres = {
            pk: (timezone.localtime(starts_at).date(), delegation_id, fmt)
            for pk, starts_at, delegation_id, fmt in Rencontre.objects.filter(
                status=Status.PUBLISHED
            ).values_list("pk", "starts_at", "delegation_id", "format")
        }
        consenting = set(members_with_consent(kind=ConsentKind.STATISTICS).values_list("pk", flat=True))
        self.groups = {
            pk: (situation, phase) if pk in consenting else None
            for pk, situation, phase in Member.objects.values_list("pk", "situation", "phase")
        }
        self.invitations = list(Invitation.objects.values_list("rencontre_id", "member_id"))
        self.registrations = list(
            Registration.objects.values_list("rencontre_id", "member_id", "status", "attendance", "walk_in")
        )
        self.feedback = list(
            Feedback.objects.values_list(
                "registration__rencontre_id", "registration__member_id", "satisfaction", "usefulness", "nps"
            )
        )
        self.connections = list(Connection.objects.values_list("rencontre_id", "member_a_id", "member_b_id"))
        self.outcomes = list(
            OutcomeSurvey.objects.filter(answered_at__isnull=False).values_list(
                "first_rencontre_id", "member_id", "wave", "result"
            )
        )

    def totals(self, f: StatFilters) -> dict[str, int]:
        def kept(rencontre_id: int | None) -> bool:
            if rencontre_id not in self.rencontres:
                return False
            day, delegation_id, fmt = self.rencontres[rencontre_id]
            return (
                f.start <= day <= f.end
                and (f.delegation_ids is None or delegation_id in f.delegation_ids)
                and (not f.format or fmt == f.format)
            )

        def person(member_id: int) -> bool:
            if not f.person_filtered:
                return True
            group = self.groups[member_id]
            return (
                group is not None
                and (not f.situation or group[0] == f.situation)
                and (not f.phase or group[1] == f.phase)
            )

        counts: dict[str, int] = Counter()  # type: ignore[assignment]
        counts[Metric.RENCONTRES_HELD] = sum(1 for pk in self.rencontres if kept(pk))
        for rencontre_id, member_id in self.invitations:
            if kept(rencontre_id) and person(member_id):
                counts[Metric.INVITATIONS] += 1
        for rencontre_id, member_id, status, attendance, walk_in in self.registrations:
            if not (kept(rencontre_id) and person(member_id)):
                continue
            registered = status == RegistrationStatus.REGISTERED and not walk_in
            counts[Metric.REGISTRATIONS] += registered
            counts[Metric.NO_SHOWS] += registered and attendance == Attendance.ABSENT
            counts[Metric.WAITLISTED] += status == RegistrationStatus.WAITLISTED
            counts[Metric.ATTENDED] += attendance == Attendance.PRESENT
            counts[Metric.WALK_INS] += attendance == Attendance.PRESENT and walk_in
        for rencontre_id, member_id, satisfaction, usefulness, nps in self.feedback:
            if kept(rencontre_id) and person(member_id):
                counts[Metric.FEEDBACK] += 1
                counts[Metric.SATISFACTION_SUM] += satisfaction
                counts[Metric.USEFULNESS_SUM] += usefulness
                side = "promoters" if nps >= 9 else "passives" if nps >= 7 else "detractors"
                counts[f"nps_{side}"] += 1
        sides = set()
        for rencontre_id, a, b in self.connections:
            if kept(rencontre_id):
                counts[Metric.CONNECTIONS] += 1
                sides |= {(rencontre_id, a), (rencontre_id, b)}
        counts[Metric.CONNECTED_MEMBERS] = sum(1 for _r, m in sides if person(m))
        for rencontre_id, member_id, wave, result in self.outcomes:
            if kept(rencontre_id) and person(member_id):
                counts[f"outcome{wave}_answered"] += 1
                if result:
                    counts[f"outcome{wave}_{result}"] += 1
        return {metric: value for metric, value in counts.items() if value}


def test_dashboard_numbers_equal_direct_counts_for_random_filters(history: History) -> None:
    rng = random.Random(11)
    raw = RawTables()
    checked = 0
    for position in range(40):
        filters = _random_filters(rng, history)
        totals = stats_totals(filters=filters)
        assert totals == raw.totals(filters), filters
        checked += sum(totals.values())
        if position < 4:  # and the same with the ORM, query by query
            for metric in Metric.values:
                assert totals.get(metric, 0) == _direct(metric, filters), (metric, filters)
    assert checked > 1000  # the history is not empty: the comparison compared something
    _check_breakdowns(history)
    _check_top_topics(history)


def _check_breakdowns(history: History) -> None:
    filters = StatFilters(start=history.first_day, end=history.last_day)
    by_situation = stats_by(filters=filters, dimension="situation")
    for situation in Situation.values:
        for metric in (Metric.REGISTRATIONS, Metric.ATTENDED, Metric.FEEDBACK, Metric.OUTCOME3_ANSWERED):
            expected = _direct(metric, StatFilters(start=filters.start, end=filters.end, situation=situation))
            assert by_situation.rows.get(situation, {}).get(metric, 0) == expected, (situation, metric)
    # The consented groups plus the unsplit group add up to the total: nobody counted twice or lost.
    total = stats_totals(filters=filters)
    for metric in (Metric.INVITATIONS, Metric.ATTENDED):
        assert sum(row.get(metric, 0) for row in by_situation.rows.values()) == total[metric]
        assert by_situation.rows[UNSPLIT][metric] > 0
    by_format = stats_by(filters=filters, dimension="format")
    for fmt, counts in by_format.rows.items():
        assert counts.get(Metric.RENCONTRES_HELD, 0) == _direct(
            Metric.RENCONTRES_HELD, StatFilters(start=filters.start, end=filters.end, format=fmt)
        )
    by_month = stats_by(filters=filters, dimension="month")
    assert sum(c.get(Metric.ATTENDED, 0) for c in by_month.rows.values()) == total[Metric.ATTENDED]
    split = stats_experiment_split(filters=filters)
    in_experiment = tuple(d.pk for d in history.delegations if d.in_experiment)
    assert split[True].get(Metric.REGISTRATIONS, 0) == _direct(
        Metric.REGISTRATIONS, StatFilters(start=filters.start, end=filters.end, delegation_ids=in_experiment)
    )


def _check_top_topics(history: History) -> None:
    for filters in (
        StatFilters(start=history.first_day, end=history.last_day, situation=Situation.JOB_SEEKER),
        StatFilters(start=date(2026, 1, 1), end=date(2026, 2, 28), situation=Situation.JOB_SEEKER),  # monthly
    ):
        _check_top_topics_for(filters)


def _check_top_topics_for(filters: StatFilters) -> None:
    consenting = members_with_consent(kind=ConsentKind.STATISTICS)
    ranked = topics_top(filters=filters)
    assert ranked
    for row in ranked:
        with_topic = Rencontre.objects.filter(
            status=Status.PUBLISHED,
            topics__slug=row.slug,
            starts_at__date__gte=filters.start,
            starts_at__date__lte=filters.end,
        )
        assert row.rencontres == with_topic.count()
        assert (
            row.attended
            == Registration.objects.filter(
                rencontre__in=with_topic,
                attendance=Attendance.PRESENT,
                member__in=consenting,
                member__situation=Situation.JOB_SEEKER,
            ).count()
        )


def _snapshot() -> tuple[list[Any], ...]:
    def rows(model: Any, *fields: str) -> list[Any]:
        # The national roll-ups have no delegation: sort them first.
        return sorted(
            model.objects.values_list(*fields), key=lambda row: tuple(-1 if v is None else v for v in row)
        )

    dims = ("delegation_id", "format", "situation", "phase")
    return (
        rows(DailyFact, "day", *dims, "metric", "value"),
        rows(MonthlyFact, "month", *dims, "metric", "value"),
        rows(TopicFact, "day", *dims, "topic_id", "rencontres", "attended"),
        rows(MonthlyTopicFact, "month", *dims, "topic_id", "rencontres", "attended"),
    )


def test_refilling_gives_identical_tables(history: History) -> None:
    before = _snapshot()
    assert all(before)
    busy = max(
        (history.first_day + timedelta(days=n) for n in range(30)),
        key=lambda d: DailyFact.objects.filter(day=d).count(),
    )
    insights_fill(day=busy, now=NOW)
    insights_fill(day=busy, now=NOW)
    assert _snapshot() == before
    insights_fill_range(start=history.first_day, until=history.last_day, force=True, now=NOW)
    assert _snapshot() == before
    _check_refill_picks_up_changes(history)


def _check_refill_picks_up_changes(history: History) -> None:
    rencontre = next(
        r for r in history.rencontres if r.status == Status.PUBLISHED and r.registrations.exists()
    )
    day = rencontre.starts_at.astimezone(local_at(history.first_day, 0).tzinfo).date()
    filters = StatFilters(start=day, end=day)
    before = stats_totals(filters=filters)
    registration = (
        rencontre.registrations.filter(attendance=Attendance.PRESENT).exclude(feedback__isnull=False).first()
        or rencontre.registrations.first()
    )
    registration.attendance = Attendance.PRESENT
    registration.save()
    Feedback.objects.filter(registration=registration).delete()
    Feedback.objects.create(
        registration=registration, satisfaction=5, usefulness=4, nps=10, submitted_at=NOW, updated_at=NOW
    )
    insights_fill(day=day, now=NOW)
    insights_fill(day=day, now=NOW)
    after = stats_totals(filters=filters)
    for metric in (Metric.ATTENDED, Metric.FEEDBACK, Metric.NPS_PROMOTERS):
        assert after.get(metric, 0) == _direct(metric, filters)
    assert after.get(Metric.FEEDBACK, 0) >= before.get(Metric.FEEDBACK, 0)
    month = StatFilters(
        start=day.replace(day=1),
        end=(day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1),
    )
    assert stats_totals(filters=month).get(Metric.FEEDBACK, 0) == _direct(Metric.FEEDBACK, month)


def test_fill_range_resumes_after_the_last_settled_day(db: None) -> None:
    made = history_build(seed=5, days=12, members=15)
    first = insights_fill_range(start=made.first_day, until=made.last_day, now=NOW, max_days=5)
    assert first.days_filled == 5
    assert first.last_day == made.first_day + timedelta(days=4)
    second = insights_fill_range(start=made.first_day, until=made.last_day, now=NOW)
    assert second.first_day == made.first_day + timedelta(days=5)
    assert second.last_day == made.last_day
    # Everything settled (NOW is months later): nothing left to do.
    assert insights_fill_range(start=made.first_day, until=made.last_day, now=NOW).days_filled == 0
    # A week after the rencontres, only the late sources are still open.
    soon = local_at(made.last_day + timedelta(days=10), 12)
    FillState.objects.all().delete()
    insights_fill_range(start=made.first_day, until=made.last_day, now=soon)
    late = FillState.objects.filter(day=made.last_day)
    assert dict(late.values_list("source", "settled")) == {
        FillSource.MEETINGS: True,
        FillSource.FEEDBACK: False,
        FillSource.OUTCOMES: False,
    }
    again = insights_fill_range(start=made.first_day, until=made.last_day, now=soon)
    assert again.days_filled == 12  # feedback and outcomes recomputed, meetings skipped


def test_a_withdrawn_consent_leaves_the_breakdown_at_the_next_fill(history: History) -> None:
    # Rencontre-level metrics exist only for everyone; zeros are not stored.
    assert (
        not DailyFact.objects.filter(metric=Metric.RENCONTRES_HELD).exclude(situation=ALL, phase=ALL).exists()
    )
    assert not DailyFact.objects.filter(value=0).exists()
    from pairs.privacy.models import ConsentSource
    from pairs.privacy.services import consent_revoke

    registration = (
        Registration.objects.filter(
            attendance=Attendance.PRESENT,
            member__in=members_with_consent(kind=ConsentKind.STATISTICS),
            rencontre__status=Status.PUBLISHED,
        )
        .select_related("member", "rencontre")
        .first()
    )
    member = registration.member
    day = registration.rencontre.starts_at.astimezone(local_at(history.first_day, 0).tzinfo).date()
    filters = StatFilters(start=day, end=day, situation=member.situation)
    before = stats_totals(filters=filters)[Metric.ATTENDED]
    total_before = stats_totals(filters=StatFilters(start=day, end=day))[Metric.ATTENDED]
    consent_revoke(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
    insights_fill(day=day, now=NOW)
    assert stats_totals(filters=filters).get(Metric.ATTENDED, 0) == before - 1
    assert stats_totals(filters=StatFilters(start=day, end=day))[Metric.ATTENDED] == total_before
    assert insights_rows_for_day(day=day)


def test_the_periodic_task_fills_every_day_up_to_yesterday(db: None) -> None:
    from pairs.insights.tasks import insights_fill_due

    today = timezone.localdate()
    made = history_build(seed=9, days=4, members=15, first_day=today - timedelta(days=4))
    result = insights_fill_due.enqueue().return_value
    assert result["last_day"] == (today - timedelta(days=1)).isoformat()
    assert result["first_day"] >= made.first_day.isoformat()
    assert result["days_filled"] >= 1
    # Nothing is settled yet (the days are recent): the next run recomputes the same days, no more.
    assert insights_fill_due.enqueue().return_value["days_filled"] == result["days_filled"]
