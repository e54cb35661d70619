"""Reads after the rencontre: who met whom, what organisers may see, a member's network.

Two privacy rules live here because every page goes through these reads:
- the feedback of a rencontre is shown only in aggregate, and not at all below
  ``MIN_ANSWERS`` answers; free texts come without names, in a random order;
- a member's contact details reach another member only through a
  ``Connection`` *and* while that member's consent (b) is granted, checked at
  read time (a consent withdrawn after the connection hides them at once).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from pairs.meetings.models import Attendance, Registration, RegistrationStatus, Rencontre
from pairs.members.models import Member
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import consent_state, members_with_consent

from .models import Connection, ContactWish, Feedback, OutcomeSurvey, SharedDetails

# Below this many answers a rencontre's feedback is not broken down at all.
MIN_ANSWERS = 5


def present_registrations(*, rencontre: Rencontre | int) -> QuerySet[Registration]:
    """Checked-in attendees (never no-shows, never people who left)."""
    return Registration.objects.filter(
        rencontre=rencontre, status=RegistrationStatus.REGISTERED, attendance=Attendance.PRESENT
    )


def registration_attended(*, registration: Registration) -> bool:
    return (
        registration.status == RegistrationStatus.REGISTERED and registration.attendance == Attendance.PRESENT
    )


def member_attended_registration(*, member: Member, rencontre_id: int) -> Registration | None:
    return (
        present_registrations(rencontre=rencontre_id)
        .filter(member=member)
        .select_related("rencontre", "rencontre__place", "member")
        .first()
    )


def attendees_met(*, registration: Registration) -> list[Member]:
    """The other checked-in attendees of the registration's rencontre, by name."""
    return list(
        Member.objects.filter(
            pk__in=present_registrations(rencontre=registration.rencontre_id).values("member_id")
        )
        .exclude(pk=registration.member_id)
        .filter(erasure__isnull=True)
        .order_by("first_name", "last_name", "pk")
    )


def connected_ids(*, member: Member | int) -> set[int]:
    member_id = member if isinstance(member, int) else member.pk
    rows = Connection.objects.filter(Q(member_a_id=member_id) | Q(member_b_id=member_id)).values_list(
        "member_a_id", "member_b_id"
    )
    return {b if a == member_id else a for a, b in rows}


@dataclass(frozen=True)
class ContactPage:
    """What one attendee sees on "Rester en contact": only their own ticks and their mutual connections."""

    attendees: list[Member]
    ticked: set[int]
    connected: set[int]
    contact_consent: bool


def contact_page(*, registration: Registration) -> ContactPage:
    attendees = attendees_met(registration=registration)
    ticked = set(
        ContactWish.objects.filter(
            rencontre_id=registration.rencontre_id, from_member_id=registration.member_id
        ).values_list("to_member_id", flat=True)
    )
    mine = connected_ids(member=registration.member_id)
    return ContactPage(
        attendees=attendees,
        ticked=ticked,
        connected={m.pk for m in attendees} & mine,
        contact_consent=consent_state(member=registration.member)[ConsentKind.CONTACT_SHARING],
    )


def feedback_of(*, registration: Registration) -> Feedback | None:
    return Feedback.objects.filter(registration=registration).first()


# --- Organisers: aggregates with small numbers suppressed ---------------------------------------


@dataclass
class FeedbackSummary:
    present: int
    answers: int
    suppressed: bool
    satisfaction_mean: float | None = None
    usefulness_mean: float | None = None
    satisfaction_counts: list[tuple[int, int]] = field(default_factory=list)
    usefulness_counts: list[tuple[int, int]] = field(default_factory=list)
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    nps: int | None = None
    format_suited: tuple[int, int, int] = (0, 0, 0)  # yes, no, not said
    would_come_again: tuple[int, int, int] = (0, 0, 0)
    takeaways: list[str] = field(default_factory=list)

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.answers / self.present) if self.present else None


def _yes_no(values: list[bool | None]) -> tuple[int, int, int]:
    return (
        sum(1 for v in values if v is True),
        sum(1 for v in values if v is False),
        sum(1 for v in values if v is None),
    )


def feedback_summary(*, rencontre: Rencontre, rng: random.Random | None = None) -> FeedbackSummary:
    """Aggregates of a rencontre's feedback; nothing but the count below ``MIN_ANSWERS`` answers.

    Free texts are returned without any link to a person and shuffled, so that
    their order cannot be matched with the list of registrations.
    """
    present = present_registrations(rencontre=rencontre).count()
    rows = list(
        Feedback.objects.filter(registration__rencontre=rencontre).values(
            "satisfaction", "usefulness", "nps", "format_suited", "would_come_again", "takeaway"
        )
    )
    summary = FeedbackSummary(present=present, answers=len(rows), suppressed=len(rows) < MIN_ANSWERS)
    if summary.suppressed:
        return summary
    n = len(rows)
    summary.satisfaction_mean = round(sum(r["satisfaction"] for r in rows) / n, 1)
    summary.usefulness_mean = round(sum(r["usefulness"] for r in rows) / n, 1)
    summary.satisfaction_counts = [
        (v, sum(1 for r in rows if r["satisfaction"] == v)) for v in range(5, 0, -1)
    ]
    summary.usefulness_counts = [(v, sum(1 for r in rows if r["usefulness"] == v)) for v in range(5, 0, -1)]
    summary.promoters = sum(1 for r in rows if r["nps"] >= 9)
    summary.detractors = sum(1 for r in rows if r["nps"] <= 6)
    summary.passives = n - summary.promoters - summary.detractors
    summary.nps = round(100 * (summary.promoters - summary.detractors) / n)
    summary.format_suited = _yes_no([r["format_suited"] for r in rows])
    summary.would_come_again = _yes_no([r["would_come_again"] for r in rows])
    texts = [r["takeaway"].strip() for r in rows if r["takeaway"].strip()]
    (rng or random.SystemRandom()).shuffle(texts)
    summary.takeaways = texts
    return summary


# --- Members: "Mon réseau" ----------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkEntry:
    other: Member
    rencontre: Rencontre | None
    since: datetime
    # False when the other person's consent (b) is withdrawn now: nothing of theirs is shown.
    details_visible: bool
    email: str = ""
    phone: str = ""
    linkedin: str = ""


def shared_details_of(*, member: Member) -> SharedDetails:
    """The member's choice, or the default (email only) when they never chose."""
    found = SharedDetails.objects.filter(member=member).first()
    return found if found is not None else SharedDetails(member=member)


def network_of(*, member: Member) -> list[NetworkEntry]:
    """My mutual connections, newest first, with the details each one shares today."""
    connections = list(
        Connection.objects.filter(Q(member_a=member) | Q(member_b=member))
        .select_related("member_a", "member_b", "rencontre")
        .order_by("-created_at", "-pk")
    )
    others = [c.member_b if c.member_a_id == member.pk else c.member_a for c in connections]
    other_ids = [o.pk for o in others]
    # Consent (b) is read now, not when the connection was made.
    sharing = set(
        members_with_consent(kind=ConsentKind.CONTACT_SHARING)
        .filter(pk__in=other_ids)
        .values_list("pk", flat=True)
    )
    choices = {d.member_id: d for d in SharedDetails.objects.filter(member_id__in=other_ids)}
    entries = []
    for connection, other in zip(connections, others, strict=True):
        visible = other.pk in sharing
        details = choices.get(other.pk) or SharedDetails(member=other)
        entries.append(
            NetworkEntry(
                other=other,
                rencontre=connection.rencontre,
                since=connection.created_at,
                details_visible=visible,
                email=other.email if visible and details.email else "",
                phone=other.phone if visible and details.phone else "",
                linkedin=other.linkedin_url if visible and details.linkedin else "",
            )
        )
    return entries


def outcome_surveys_pending_for(*, member: Member) -> QuerySet[OutcomeSurvey]:
    return OutcomeSurvey.objects.filter(member=member, sent_at__isnull=False, answered_at__isnull=True)
