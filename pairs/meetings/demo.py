"""Demo rencontres: six months of history and the coming weeks, on top of the demo network.

``demo_rencontres_seed`` is called by ``pairs.core.demo.demo_seed`` once members,
consultants, places and consents exist. It writes rows in bulk (no service, hence
no email): each rencontre's registrations are first *simulated* in memory, event by
event in time order (arrivals take a seat or join the waitlist, cancellations free a
seat and promote the first person waiting), so counters, positions and statuses are
exactly what the services would have produced. Past rencontres get their check-in
(about 80 % present, a few walk-ins); upcoming ones are partly filled, a few full
with a waitlist; one is cancelled; a monthly cercle de pairs goes through
``services.series_create``; consultants invite members of other delegations.

Deterministic for a given ``rng`` and ``now`` (uids included); idempotent: nothing is
added when demo consultants already organise rencontres.
"""

from __future__ import annotations

import heapq
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from pairs.members.models import Member, Phase, Situation, Topic
from pairs.network.models import Consultant, Delegation, Place, PlaceKind
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent

from .models import (
    Attendance,
    Format,
    Invitation,
    InvitationResponse,
    Mode,
    ParentEvent,
    Registration,
    RegistrationStatus,
    Rencontre,
    Series,
    Status,
    Visibility,
)
from .services import RencontreData, series_create

PARIS = ZoneInfo("Europe/Paris")
HISTORY_DAYS = 182
HORIZON_DAYS = 75
PAST_PER_DELEGATION = 10
UPCOMING_PER_DELEGATION = 6
FULL_WITH_WAITLIST_PER_DELEGATION = 1
MAX_DELEGATIONS = 7
ATTENDANCE_RATE = 0.8
INVITATIONS_PER_WEEK = 3  # the default of services.invitations_per_week
SERIES_OCCURRENCES = 6

# Per format: (hour, minute) choices, duration in minutes, capacity range, in person only.
_FORMAT_SHAPE: dict[str, tuple[tuple[tuple[int, int], ...], int, tuple[int, int], bool]] = {
    Format.EXCHANGE_WORKSHOP: (((9, 30), (14, 0)), 150, (10, 18), False),
    Format.BREAKFAST: (((8, 30),), 90, (8, 14), True),
    Format.AFTERWORK: (((18, 30),), 120, (18, 36), True),
    Format.PEER_CIRCLE: (((12, 15), (18, 0)), 120, (8, 12), False),
    Format.SPEED_MEETING: (((10, 0), (17, 30)), 90, (20, 36), False),
    Format.ROUND_TABLE: (((14, 0), (17, 0)), 120, (12, 24), False),
    Format.COMPANY_VISIT: (((10, 0), (14, 30)), 120, (10, 16), True),
    Format.ALONGSIDE_EVENT: (((11, 0), (15, 0)), 90, (15, 28), True),
}
_TITLES: dict[str, tuple[str, ...]] = {
    Format.EXCHANGE_WORKSHOP: ("Atelier d'échange : {topic}", "Échanger entre pairs sur {topic}"),
    Format.BREAKFAST: ("Petit-déjeuner des cadres : {topic}", "Un café pour parler de {topic}"),
    Format.AFTERWORK: ("Afterwork réseau : {topic}", "Afterwork des cadres en transition"),
    Format.PEER_CIRCLE: ("Cercle de pairs : {topic}", "Cercle de pairs en transition"),
    Format.SPEED_MEETING: ("Speed-meeting : {topic}", "Speed-meeting entre cadres"),
    Format.ROUND_TABLE: ("Table ronde : {topic}", "Regards croisés sur {topic}"),
    Format.COMPANY_VISIT: (
        "Visite d'entreprise et échanges sur {topic}",
        "Découvrir une entreprise qui recrute",
    ),
    Format.ALONGSIDE_EVENT: ("En marge du salon : {topic}", "Rencontre entre pairs au salon"),
}
_DESCRIPTIONS = (
    "Une rencontre en petit groupe pour partager vos expériences sur {topic}, "
    "animée par un·e consultant·e de l'Apec. Venez avec vos questions !",
    "Des cadres qui vivent la même transition échangent leurs pratiques sur {topic}. "
    "Chacun·e repart avec des pistes concrètes et de nouveaux contacts.",
    "Un temps d'échange convivial entre pairs autour de {topic}, "
    "avec un tour de table et des retours d'expérience.",
)
_CANCEL_REASON = (
    "L'intervenant·e ne peut pas être présent·e : la rencontre est reportée, "
    "une nouvelle date vous sera proposée."
)
_MODE_WEIGHTS = ((Mode.IN_PERSON, 0.6), (Mode.VIDEO, 0.25), (Mode.HYBRID, 0.15))
_VISIBILITY_WEIGHTS = ((Visibility.PUBLIC, 0.4), (Visibility.DELEGATION, 0.45), (Visibility.INVITATION, 0.15))


def _pick(rng: random.Random, weights: Sequence[tuple[str, float]]) -> str:
    values, probabilities = zip(*weights, strict=True)
    return rng.choices(values, probabilities)[0]


def _paris(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _weekday(day: date) -> date:
    """The same day, or the next Monday when it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


# --- In-memory simulation -------------------------------------------------------------------------


@dataclass
class _Seat:
    """One registration row being built."""

    member_id: int
    position: int
    requested_at: datetime
    status: str = RegistrationStatus.REGISTERED
    registered_at: datetime | None = None
    promoted_at: datetime | None = None
    cancelled_at: datetime | None = None
    attendance: str = Attendance.UNKNOWN
    checked_in_at: datetime | None = None
    walk_in: bool = False
    added_by_id: int | None = None


@dataclass
class _Plan:
    """A rencontre and its registrations and invitations, before any row is written."""

    rencontre: Rencontre
    topics: list[str]
    co_organiser_ids: list[int]
    seats: list[_Seat] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)

    @property
    def members(self) -> set[int]:
        return {seat.member_id for seat in self.seats}


def _simulate(
    *,
    capacity: int,
    arrivals: list[tuple[datetime, int]],
    cancellations: dict[int, datetime],
) -> tuple[list[_Seat], int]:
    """Replay arrivals and cancellations in time order, as the services would; return the rows
    and the seats taken. Invariant kept at every step: someone waits only when every seat is taken."""
    events: list[tuple[datetime, int, int, int]] = []  # (when, kind 0=arrival 1=cancel, order, member)
    for order, (when, member_id) in enumerate(sorted(arrivals)):
        heapq.heappush(events, (when, 0, order, member_id))
        if member_id in cancellations:
            heapq.heappush(events, (max(cancellations[member_id], when), 1, order, member_id))
    seats: dict[int, _Seat] = {}
    waiting: list[int] = []  # member ids in arrival order
    taken = 0
    position = 0
    while events:
        when, kind, _, member_id = heapq.heappop(events)
        if kind == 0:
            position += 1
            seat = _Seat(member_id=member_id, position=position, requested_at=when)
            if taken < capacity:
                seat.registered_at = when
                taken += 1
            else:
                seat.status = RegistrationStatus.WAITLISTED
                waiting.append(member_id)
            seats[member_id] = seat
            continue
        seat = seats[member_id]
        was_registered = seat.status == RegistrationStatus.REGISTERED
        seat.status = RegistrationStatus.CANCELLED
        seat.cancelled_at = when
        if not was_registered:
            waiting.remove(member_id)
            continue
        taken -= 1
        if waiting:
            promoted = seats[waiting.pop(0)]
            promoted.status = RegistrationStatus.REGISTERED
            promoted.registered_at = promoted.promoted_at = when
            taken += 1
    return sorted(seats.values(), key=lambda s: s.position), taken


# --- The world the demo builds on -----------------------------------------------------------------


@dataclass
class _DelegationContext:
    delegation: Delegation
    consultants: list[Consultant]
    places: list[Place]  # in-person places (not the online one)
    salon: Place | None
    members: list[int]
    consented: list[int]


def _contexts(*, exclude_member_ids: set[int]) -> list[_DelegationContext]:
    staffed = Delegation.objects.filter(consultants__isnull=False).distinct()
    chosen = list(staffed.filter(in_experiment=True).order_by("code")[:MAX_DELEGATIONS]) or list(
        staffed.order_by("code")[:MAX_DELEGATIONS]
    )
    ids = [d.pk for d in chosen]
    members: dict[int, list[int]] = {pk: [] for pk in ids}
    for member_id, delegation_id in (
        Member.objects.filter(delegation_id__in=ids).order_by("pk").values_list("pk", "delegation_id")
    ):
        if member_id not in exclude_member_ids:
            members[delegation_id].append(member_id)
    consented: dict[int, list[int]] = {pk: [] for pk in ids}
    for member_id, delegation_id in (
        members_with_consent(kind=ConsentKind.RENCONTRE_EMAILS)
        .filter(delegation_id__in=ids)
        .order_by("pk")
        .values_list("pk", "delegation_id")
    ):
        if member_id not in exclude_member_ids:
            consented[delegation_id].append(member_id)
    consultants: dict[int, list[Consultant]] = {pk: [] for pk in ids}
    for consultant in Consultant.objects.filter(delegation_id__in=ids).select_related("user").order_by("pk"):
        consultants[consultant.delegation_id].append(consultant)
    places: dict[int, list[Place]] = {pk: [] for pk in ids}
    for place in Place.objects.filter(delegation_id__in=ids).exclude(kind=PlaceKind.ONLINE).order_by("pk"):
        places[place.delegation_id].append(place)
    return [
        _DelegationContext(
            delegation=d,
            consultants=consultants[d.pk],
            places=places[d.pk],
            salon=next((p for p in places[d.pk] if p.kind == PlaceKind.SALON), None),
            members=members[d.pk],
            consented=consented[d.pk],
        )
        for d in chosen
    ]


# --- The seed ----------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, *, rng: random.Random, now: datetime, contexts: list[_DelegationContext]) -> None:
        self.rng = rng
        self.now = now
        self.contexts = contexts
        self.by_delegation = {c.delegation.pk: c for c in contexts}
        self.topics = dict(
            Topic.objects.filter(is_active=True).order_by("position", "slug").values_list("slug", "label")
        )
        self.invitation_times: dict[int, list[datetime]] = {}
        self.plans: list[_Plan] = []
        self.parent_events: dict[tuple[int, bool], ParentEvent] = {}
        self.video_counter = 0

    # Rencontres ---------------------------------------------------------------------------------

    def _parent_event(self, context: _DelegationContext, *, past: bool) -> ParentEvent | None:
        key = (context.delegation.pk, past)
        if key not in self.parent_events and context.salon is not None:
            today = timezone.localtime(self.now, PARIS).date()
            starts_on = _weekday(today + timedelta(days=-60 if past else 30))
            event, _ = ParentEvent.objects.get_or_create(
                title=f"Salon des cadres en transition — {context.salon.city or context.delegation.name}",
                delegation=context.delegation,
                starts_on=starts_on,
                defaults={"kind": ParentEvent.Kind.SALON, "place": context.salon},
            )
            self.parent_events[key] = event
        return self.parent_events.get(key)

    def rencontre(
        self, context: _DelegationContext, *, format: str, day: date, status: str = Status.PUBLISHED
    ) -> _Plan:
        rng = self.rng
        hours, minutes, (low, high), in_person_only = _FORMAT_SHAPE[format]
        hour, minute = rng.choice(hours)
        if not context.places:
            mode = Mode.VIDEO
        elif in_person_only:
            mode = Mode.IN_PERSON
        else:
            mode = _pick(rng, _MODE_WEIGHTS)
        parent = None
        if format == Format.ALONGSIDE_EVENT:
            parent = self._parent_event(context, past=day < timezone.localtime(self.now, PARIS).date())
            if parent is not None:
                day = parent.starts_on
        place = None
        if mode != Mode.VIDEO:
            place = parent.place if parent is not None else rng.choice(context.places)
        video_url = ""
        if mode != Mode.IN_PERSON:
            self.video_counter += 1
            video_url = f"https://visio.demo.rencontres-entre-pairs.fr/salle-{self.video_counter:04d}"
        starts_at = _paris(day, hour, minute)
        topic_slugs = rng.sample(list(self.topics), min(len(self.topics), rng.randint(1, 3)))
        topic_label = self.topics[topic_slugs[0]].lower() if topic_slugs else "la transition professionnelle"
        capacity = rng.randint(low, high)
        organiser = rng.choice(context.consultants)
        co_organisers: list[int] = []
        if rng.random() < 0.2:
            # Mostly a colleague; sometimes a consultant of another delegation (cross-delegation).
            others = [c for c in context.consultants if c.pk != organiser.pk]
            if rng.random() < 0.4 and len(self.contexts) > 1:
                elsewhere = rng.choice([c for c in self.contexts if c is not context])
                others = elsewhere.consultants
            if others:
                co_organisers.append(rng.choice(others).pk)
        rencontre = Rencontre(
            title=rng.choice(_TITLES[format]).format(topic=topic_label),
            description=rng.choice(_DESCRIPTIONS).format(topic=topic_label),
            format=format,
            mode=mode,
            place=place,
            video_url=video_url,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            capacity_min=min(4, capacity),
            capacity_max=capacity,
            target_situations=sorted(rng.sample(Situation.values, rng.randint(0, 2))),
            target_phases=[p for p in Phase.values if rng.random() < 0.3],
            delegation=context.delegation,
            organiser=organiser,
            parent_event=parent,
            visibility=_pick(self.rng, _VISIBILITY_WEIGHTS),
            status=status,
            uid=uuid.UUID(int=rng.getrandbits(128), version=4),
        )
        plan = _Plan(rencontre=rencontre, topics=topic_slugs, co_organiser_ids=co_organisers)
        self.plans.append(plan)
        return plan

    # Invitations and registrations -------------------------------------------------------------

    def _may_invite(self, member_id: int, when: datetime) -> bool:
        """The weekly limit the service enforces."""
        recent = [
            t for t in self.invitation_times.get(member_id, []) if abs((t - when).total_seconds()) < 7 * 86400
        ]
        return len(recent) < INVITATIONS_PER_WEEK

    def invite(self, plan: _Plan, *, count: int, exclude: set[int]) -> list[tuple[datetime, int]]:
        """Invitations (60 % in the delegation, 40 % elsewhere); returns the accepted ones as arrivals."""
        rng = self.rng
        rencontre = plan.rencontre
        context = self.by_delegation[rencontre.delegation_id]
        past = rencontre.ends_at <= self.now
        accepted: list[tuple[datetime, int]] = []
        chosen: set[int] = set()
        for _ in range(count):
            source = context
            if rng.random() < 0.4 and len(self.contexts) > 1:
                source = rng.choice([c for c in self.contexts if c is not context])
            if not source.consented or not source.consultants:
                continue
            member_id = rng.choice(source.consented)
            if member_id in exclude or member_id in chosen:
                continue
            sent = rencontre.starts_at - timedelta(days=rng.randint(8, 30), hours=rng.randint(0, 9))
            sent = min(sent, self.now - timedelta(hours=rng.randint(2, 72)))
            if not self._may_invite(member_id, sent):
                continue
            chosen.add(member_id)
            self.invitation_times.setdefault(member_id, []).append(sent)
            weights = (0.5, 0.3, 0.2) if past else (0.3, 0.2, 0.5)
            response = rng.choices(
                (InvitationResponse.ACCEPTED, InvitationResponse.DECLINED, InvitationResponse.PENDING),
                weights,
            )[0]
            responded_at = None
            if response != InvitationResponse.PENDING:
                responded_at = min(sent + timedelta(hours=rng.randint(1, 96)), self.now, rencontre.starts_at)
            plan.invitations.append(
                Invitation(
                    member_id=member_id,
                    invited_by=rng.choice(source.consultants),
                    created_at=sent,
                    response=response,
                    responded_at=responded_at,
                )
            )
            if response == InvitationResponse.ACCEPTED and responded_at is not None:
                accepted.append((responded_at, member_id))
        return accepted

    def register(
        self, plan: _Plan, *, fill: float, waitlist: int = 0, cancellation_share: float = 0.1
    ) -> None:
        """Arrivals until ``fill`` of the seats are taken (plus ``waitlist`` people past capacity)."""
        rng = self.rng
        rencontre = plan.rencontre
        context = self.by_delegation[rencontre.delegation_id]
        capacity = rencontre.capacity_max
        # Registration opens five weeks ahead, or on publication for the far ones (two weeks ago).
        opened = min(rencontre.starts_at - timedelta(days=35), self.now - timedelta(days=14))
        last_moment = min(rencontre.starts_at - timedelta(hours=2), self.now - timedelta(minutes=30))
        if last_moment <= opened:
            return
        span = (last_moment - opened).total_seconds()
        wanted = round(capacity * fill) + (waitlist if fill >= 1 else 0)
        invited = rng.randint(0, 3)
        if rencontre.visibility == Visibility.INVITATION:
            invited = round(wanted * 1.8)
        arrivals = self.invite(plan, count=invited, exclude=set())
        taken = {member_id for _, member_id in arrivals}
        if rencontre.visibility != Visibility.INVITATION:
            pool = [m for m in context.members if m not in taken]
            extra = max(0, wanted - len(arrivals))
            for member_id in rng.sample(pool, min(extra, len(pool))):
                arrivals.append((opened + timedelta(seconds=rng.random() * span), member_id))
        # Some people withdraw later; the first waiting takes their seat.
        cancellations = {
            member_id: when + timedelta(seconds=rng.random() * max(0.0, (last_moment - when).total_seconds()))
            for when, member_id in arrivals
            if rng.random() < cancellation_share
        }
        # Replace the withdrawn so the fill stays near what was asked.
        pool = [m for m in context.members if m not in {mid for _, mid in arrivals}]
        for member_id in rng.sample(pool, min(len(cancellations), len(pool))):
            arrivals.append((opened + timedelta(seconds=rng.random() * span), member_id))
        seats, taken_count = _simulate(capacity=capacity, arrivals=arrivals, cancellations=cancellations)
        plan.seats = seats
        rencontre.registered_count = taken_count
        rencontre.last_position = len(seats)

    def check_in(self, plan: _Plan) -> None:
        """The day: ~80 % present, the rest recorded absent when the desk closed; a few walk-ins."""
        rng = self.rng
        rencontre = plan.rencontre
        for seat in plan.seats:
            if seat.status != RegistrationStatus.REGISTERED:
                continue
            if rng.random() < ATTENDANCE_RATE:
                seat.attendance = Attendance.PRESENT
                seat.checked_in_at = rencontre.starts_at + timedelta(minutes=rng.randint(-10, 20))
            else:
                seat.attendance = Attendance.ABSENT
                seat.checked_in_at = rencontre.ends_at
        if rng.random() < 0.35:
            context = self.by_delegation[rencontre.delegation_id]
            pool = [m for m in context.members if m not in plan.members]
            for member_id in rng.sample(pool, min(len(pool), rng.randint(1, 2))):
                rencontre.last_position += 1
                when = rencontre.starts_at + timedelta(minutes=rng.randint(0, 15))
                plan.seats.append(
                    _Seat(
                        member_id=member_id,
                        position=rencontre.last_position,
                        requested_at=when,
                        registered_at=when,
                        attendance=Attendance.PRESENT,
                        checked_in_at=when,
                        walk_in=True,
                        added_by_id=rencontre.organiser.user_id,
                    )
                )

    def add_member(self, plan: _Plan, member_id: int, *, attended: bool | None = None) -> None:
        """Put one member at the end of the line (a seat if there is one, else the waitlist)."""
        rencontre = plan.rencontre
        if member_id in plan.members:
            return
        rencontre.last_position += 1
        when = min(rencontre.starts_at - timedelta(days=3), self.now - timedelta(hours=1))
        seat = _Seat(member_id=member_id, position=rencontre.last_position, requested_at=when)
        if rencontre.registered_count < rencontre.capacity_max:
            seat.registered_at = when
            rencontre.registered_count += 1
            if attended is not None:
                seat.attendance = Attendance.PRESENT if attended else Attendance.ABSENT
                seat.checked_in_at = rencontre.starts_at
        else:
            seat.status = RegistrationStatus.WAITLISTED
        plan.seats.append(seat)

    # Writing -------------------------------------------------------------------------------------

    def write(self) -> tuple[int, int, int]:
        rencontres = [plan.rencontre for plan in self.plans]
        Rencontre.objects.bulk_create(rencontres, batch_size=500)
        registrations = [
            Registration(
                rencontre_id=plan.rencontre.pk,
                member_id=seat.member_id,
                status=seat.status,
                position=seat.position,
                requested_at=seat.requested_at,
                registered_at=seat.registered_at,
                promoted_at=seat.promoted_at,
                cancelled_at=seat.cancelled_at,
                attendance=seat.attendance,
                checked_in_at=seat.checked_in_at,
                walk_in=seat.walk_in,
                added_by_id=seat.added_by_id,
            )
            for plan in self.plans
            for seat in plan.seats
        ]
        Registration.objects.bulk_create(registrations, batch_size=2000)
        invitations = []
        for plan in self.plans:
            for invitation in plan.invitations:
                invitation.rencontre_id = plan.rencontre.pk
                invitations.append(invitation)
        Invitation.objects.bulk_create(invitations, batch_size=2000)
        topic_through = Rencontre.topics.through
        topic_through.objects.bulk_create(
            [
                topic_through(rencontre_id=p.rencontre.pk, topic_id=slug)
                for p in self.plans
                for slug in p.topics
            ],
            batch_size=2000,
        )
        co_through = Rencontre.co_organisers.through
        co_through.objects.bulk_create(
            [
                co_through(rencontre_id=p.rencontre.pk, consultant_id=cid)
                for p in self.plans
                for cid in p.co_organiser_ids
            ],
            batch_size=2000,
        )
        return len(rencontres), len(registrations), len(invitations)


def _series(builder: _Builder, context: _DelegationContext, organiser: Consultant) -> Series | None:
    """A monthly cercle de pairs through the service (which validates it), half a year long."""
    place = next((p for p in context.places if p.kind == PlaceKind.APEC_CENTRE), None) or (
        context.places[0] if context.places else None
    )
    if place is None:
        return None
    floor = max(builder.now, timezone.now())
    first_day = _weekday(timezone.localtime(floor, PARIS).date() + timedelta(days=14))
    starts_at = _paris(first_day, 18, 0)
    topics = list(Topic.objects.filter(slug__in=list(builder.topics)[:2]))
    data = RencontreData(
        title="Cercle de pairs mensuel des cadres en transition",
        description=(
            "Chaque mois, un petit groupe fidèle de cadres en transition fait le point ensemble : "
            "avancées, obstacles, contacts. Inscription à chaque séance."
        ),
        format=Format.PEER_CIRCLE,
        mode=Mode.IN_PERSON,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity_max=12,
        capacity_min=4,
        visibility=Visibility.DELEGATION,
        place=place,
        topics=topics,
    )
    return series_create(
        organiser=organiser,
        data=data,
        frequency=Series.Frequency.MONTHLY,
        occurrences=SERIES_OCCURRENCES,
        publish=True,
    )


def _series_registrations(builder: _Builder, series: Series) -> int:
    """The first two séances already have people; rows rebuilt as a plan, written in bulk."""
    occurrences = list(series.rencontres.order_by("starts_at")[:2])
    context = builder.by_delegation[occurrences[0].delegation_id]
    registrations = []
    for index, rencontre in enumerate(occurrences):
        pool = builder.rng.sample(context.members, min(len(context.members), 8 if index == 0 else 4))
        arrivals = [
            (
                min(builder.now, timezone.now()) - timedelta(days=builder.rng.randint(1, 10), minutes=i),
                member_id,
            )
            for i, member_id in enumerate(pool)
        ]
        seats, taken = _simulate(capacity=rencontre.capacity_max, arrivals=arrivals, cancellations={})
        registrations += [
            Registration(
                rencontre=rencontre,
                member_id=seat.member_id,
                status=seat.status,
                position=seat.position,
                requested_at=seat.requested_at,
                registered_at=seat.registered_at,
            )
            for seat in seats
        ]
        Rencontre.objects.filter(pk=rencontre.pk).update(registered_count=taken, last_position=len(seats))
    Registration.objects.bulk_create(registrations)
    return len(registrations)


@transaction.atomic
def demo_rencontres_seed(*, rng: random.Random, now: datetime, scale: float = 1.0) -> dict[str, int]:
    """Add the rencontres history to an already-seeded demo; return what was created."""
    # Imported here: pairs.core.demo imports this module to call this function.
    from pairs.core.demo import DEMO_DOMAIN, DEMO_MEMBER_EMAIL

    created = {"rencontres": 0, "registrations": 0, "invitations": 0, "series": 0}
    if Rencontre.objects.filter(organiser__user__email__endswith=f"@{DEMO_DOMAIN}").exists():
        return created
    demo_member = Member.objects.filter(email=DEMO_MEMBER_EMAIL).first()
    contexts = [
        c
        for c in _contexts(exclude_member_ids={demo_member.pk} if demo_member else set())
        if c.consultants and c.members
    ]
    if not contexts:
        return created
    builder = _Builder(rng=rng, now=now, contexts=contexts)
    today = timezone.localtime(now, PARIS).date()
    formats = list(Format.values)
    past_count = max(1, round(PAST_PER_DELEGATION * scale))
    upcoming_count = max(2, round(UPCOMING_PER_DELEGATION * scale))
    full_count = max(1, round(FULL_WITH_WAITLIST_PER_DELEGATION * scale))
    firsts: dict[int, dict[str, list[_Plan]]] = {}

    for offset, context in enumerate(contexts):
        kinds: dict[str, list[_Plan]] = {"past": [], "upcoming": [], "full": []}
        for index in range(past_count):
            day = _weekday(today - timedelta(days=rng.randint(3, HISTORY_DAYS)))
            if day >= today:
                day = today - timedelta(days=3 + (day.weekday() >= 5) * 2)
            plan = builder.rencontre(context, format=formats[(index + offset) % len(formats)], day=day)
            full = rng.random() < 0.25
            builder.register(plan, fill=1.0 if full else rng.uniform(0.45, 0.95), waitlist=rng.randint(1, 4))
            builder.check_in(plan)
            kinds["past"].append(plan)
        for index in range(upcoming_count):
            full = index < full_count
            day = _weekday(today + timedelta(days=rng.randint(2, 30 if full else HORIZON_DAYS)))
            plan = builder.rencontre(context, format=formats[(index + offset + 3) % len(formats)], day=day)
            if full and plan.rencontre.visibility == Visibility.INVITATION:
                plan.rencontre.visibility = Visibility.DELEGATION  # a full one fills from the delegation
            builder.register(plan, fill=1.0 if full else rng.uniform(0.15, 0.85), waitlist=rng.randint(2, 6))
            kinds["full" if full else "upcoming"].append(plan)
        builder.rencontre(
            context, format=formats[(offset + 5) % len(formats)], day=_weekday(today + timedelta(days=40)),
            status=Status.DRAFT,
        )  # fmt: skip
        firsts[context.delegation.pk] = kinds

    # One upcoming rencontre is cancelled after people registered (the service keeps their rows).
    cancelled = next((p for k in firsts.values() for p in k["upcoming"] if p.seats), None)
    if cancelled is not None:
        cancelled.rencontre.status = Status.CANCELLED
        cancelled.rencontre.cancel_reason = _CANCEL_REASON
        cancelled.rencontre.cancelled_at = now - timedelta(days=1)
        cancelled.rencontre.sequence = 1

    # The demo member's own history: attended, coming, waiting, and an invitation from elsewhere.
    home = firsts.get(demo_member.delegation_id) if demo_member and demo_member.delegation_id else None
    if demo_member is not None and home is not None:
        attended = next(
            (p for p in home["past"] if p.rencontre.registered_count < p.rencontre.capacity_max), None
        )
        if attended is not None:
            builder.add_member(attended, demo_member.pk, attended=True)
        coming = [
            p for p in home["upcoming"] if p is not cancelled and p.rencontre.status == Status.PUBLISHED
        ]
        if coming:
            builder.add_member(coming[0], demo_member.pk)
        if home["full"]:
            builder.add_member(home["full"][0], demo_member.pk)
        elsewhere = [
            p
            for d, kinds in firsts.items()
            if d != demo_member.delegation_id
            for p in kinds["upcoming"]
            if p is not cancelled and demo_member.pk not in p.members
        ]
        inviter = next((c for c in builder.by_delegation[demo_member.delegation_id].consultants), None)
        if elsewhere and inviter is not None:
            elsewhere[0].invitations.append(
                Invitation(member_id=demo_member.pk, invited_by=inviter, created_at=now - timedelta(days=2))
            )

    rencontres, registrations, invitations = builder.write()
    created.update(rencontres=rencontres, registrations=registrations, invitations=invitations)

    # The series belongs to the demo consultant's delegation when it takes part.
    demo_consultant = f"consultant@{DEMO_DOMAIN}"
    first = next(
        (c for c in contexts if any(x.user.email == demo_consultant for x in c.consultants)), contexts[0]
    )
    organiser = next((c for c in first.consultants if c.user.email == demo_consultant), first.consultants[0])
    series = _series(builder, first, organiser)
    if series is not None:
        created["registrations"] += _series_registrations(builder, series)
        created["series"] = 1
        created["rencontres"] += SERIES_OCCURRENCES
    return created
