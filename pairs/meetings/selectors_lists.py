"""Reads behind the lists and the day-of pages: filtered upcoming rencontres, a delegation's
month, the organisers' check-in list, with fill and attendance rates."""

from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from pairs.accounts.models import User
from pairs.members.models import Member
from pairs.members.selectors import member_list_visible_to
from pairs.network.models import Delegation

from .models import Attendance, Mode, Registration, RegistrationStatus, Rencontre, Status
from .selectors import rencontre_list_visible_to

PARIS = ZoneInfo("Europe/Paris")

# How far ahead each "period" filter looks.
PERIOD_DAYS = {"semaine": 7, "mois": 31, "trimestre": 92}


@dataclass(frozen=True)
class RencontreFilters:
    delegation: str = ""  # delegation code; "" means every delegation
    format: str = ""
    mode: str = ""
    topic: str = ""  # topic slug
    period: str = ""  # a key of PERIOD_DAYS; "" means every upcoming rencontre
    query: str = ""  # words of the title
    departement: str = ""  # INSEE code: in-person rencontres there, and every video one


def rencontre_search(
    *, viewer: User | None, filters: RencontreFilters, now: datetime | None = None
) -> QuerySet[Rencontre]:
    """Published rencontres the viewer may open that have not ended, soonest first."""
    now = now or timezone.now()
    rencontres = rencontre_list_visible_to(viewer=viewer).filter(status=Status.PUBLISHED, ends_at__gt=now)
    if filters.delegation:
        rencontres = rencontres.filter(delegation__code=filters.delegation)
    if filters.departement:
        rencontres = rencontres.filter(Q(place__departement_id=filters.departement) | Q(mode=Mode.VIDEO))
    if filters.format:
        rencontres = rencontres.filter(format=filters.format)
    if filters.mode:
        rencontres = rencontres.filter(mode=filters.mode)
    if filters.topic:
        rencontres = rencontres.filter(topics__slug=filters.topic)
    if filters.period in PERIOD_DAYS:
        rencontres = rencontres.filter(starts_at__lt=now + timedelta(days=PERIOD_DAYS[filters.period]))
    for word in filters.query.split()[:5]:
        rencontres = rencontres.filter(title__icontains=word)
    return rencontres.prefetch_related("topics").order_by("starts_at", "pk")


def viewer_delegation(*, viewer: User | None) -> Delegation | None:
    """The delegation a member belongs to or a consultant works for, if any."""
    if viewer is None or not viewer.is_authenticated:
        return None
    member = Member.objects.filter(user=viewer).select_related("delegation").first()
    if member is not None:
        return member.delegation
    consultant = getattr(viewer, "consultant", None)
    return consultant.delegation if consultant is not None else None


def delegation_list_with_rencontres() -> QuerySet[Delegation]:
    """Delegations that have at least one rencontre, for the filters."""
    return Delegation.objects.filter(rencontres__isnull=False).distinct().order_by("name")


# --- Rates -------------------------------------------------------------------------------------


def fill_rate(rencontre: Rencontre) -> float:
    """Seats taken over capacity, between 0 and 1."""
    return rencontre.registered_count / rencontre.capacity_max if rencontre.capacity_max else 0.0


def attendance_rate(*, present: int, absent: int) -> float | None:
    """Present over those checked in (present or absent); None before any check-in."""
    checked = present + absent
    return present / checked if checked else None


# --- Delegation calendar -------------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    rencontres: list[Rencontre] = field(default_factory=list)


@dataclass
class CalendarMonth:
    first: date  # first day of the month
    weeks: list[list[CalendarDay]]

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)

    @property
    def days_with_rencontres(self) -> list[CalendarDay]:
        return [day for week in self.weeks for day in week if day.in_month and day.rencontres]


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PARIS)


def delegation_month(
    *, viewer: User, delegation: Delegation, year: int, month: int, today: date | None = None
) -> CalendarMonth:
    """The month's grid (Monday first, whole weeks) with the delegation's rencontres of each day.

    Every state for staff: drafts and cancellations show too. Days are Paris days.
    """
    today = today or timezone.localdate(timezone=PARIS)
    weeks_of_dates = calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start, end = weeks_of_dates[0][0], weeks_of_dates[-1][-1] + timedelta(days=1)
    rencontres = (
        rencontre_list_visible_to(viewer=viewer)
        .filter(
            delegation=delegation,
            starts_at__gte=_paris_midnight(start),
            starts_at__lt=_paris_midnight(end),
        )
        .order_by("starts_at", "pk")
    )
    by_day: dict[date, list[Rencontre]] = {}
    for rencontre in rencontres:
        by_day.setdefault(timezone.localtime(rencontre.starts_at, PARIS).date(), []).append(rencontre)
    weeks = [
        [CalendarDay(day, day.month == month, day == today, by_day.get(day, [])) for day in week]
        for week in weeks_of_dates
    ]
    return CalendarMonth(first=date(year, month, 1), weeks=weeks)


# --- On the day ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinCounts:
    present: int
    absent: int
    unknown: int

    @property
    def total(self) -> int:
        return self.present + self.absent + self.unknown


def checkin_list(*, rencontre: Rencontre, query: str = "") -> QuerySet[Registration]:
    """Everyone holding a seat (walk-ins included), by last name; ``query`` narrows by name or email."""
    rows = Registration.objects.filter(rencontre=rencontre, status=RegistrationStatus.REGISTERED)
    for word in query.split()[:4]:
        rows = rows.filter(
            Q(member__first_name__icontains=word)
            | Q(member__last_name__icontains=word)
            | Q(member__email__icontains=word)
        )
    return rows.select_related("member").order_by("member__last_name", "member__first_name", "pk")


def checkin_counts(*, rencontre: Rencontre) -> CheckinCounts:
    counts = dict.fromkeys(Attendance.values, 0)
    rows = Registration.objects.filter(rencontre=rencontre, status=RegistrationStatus.REGISTERED)
    for attendance in rows.values_list("attendance", flat=True):
        counts[attendance] += 1
    return CheckinCounts(
        present=counts[Attendance.PRESENT],
        absent=counts[Attendance.ABSENT],
        unknown=counts[Attendance.UNKNOWN],
    )


WALK_IN_SEARCH_LIMIT = 20


def walk_in_candidates(*, viewer: User, rencontre: Rencontre, query: str) -> list[Member]:
    """Members the organiser may see whose name or email matches, who do not hold a seat yet."""
    words = query.split()[:4]
    if not words or len(query.strip()) < 2:
        return []
    members = member_list_visible_to(viewer=viewer)
    for word in words:
        members = members.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    seated = Registration.objects.filter(rencontre=rencontre, status=RegistrationStatus.REGISTERED)
    members = members.exclude(pk__in=seated.values("member_id"))
    return list(members.order_by("last_name", "first_name", "pk")[:WALK_IN_SEARCH_LIMIT])
