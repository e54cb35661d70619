"""Writes about rencontres: create, change, publish, cancel; register, wait, promote; invite; check in.

Concurrency: every change to a rencontre's registrations first takes the
rencontre's row lock (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite runs every
transaction as ``BEGIN IMMEDIATE``, one writer at a time). Under that lock the
service reads the seat count, hands out the next arrival number and writes:
so two requests for the last seat cannot both get it, and the waitlist order is
the order in which requests were served. The seat count is also guarded by a
CHECK constraint (``meetings_no_overbooking``): a bug here would fail loudly
instead of overbooking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pairs.accounts.models import User
from pairs.members.models import Member, Phase, Situation, Topic
from pairs.network.models import Consultant, Place
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import consent_state, members_with_consent
from pairs.reference.models import RomeDomaine

from . import notifications
from .models import (
    Attendance,
    Invitation,
    InvitationResponse,
    Mode,
    ParentEvent,
    Registration,
    RegistrationStatus,
    Rencontre,
    Series,
    Status,
)

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class RegistrationError(Exception):
    """A registration change that cannot be made; the message is for the user (French)."""


# --- Validation -------------------------------------------------------------------------------


@dataclass
class RencontreData:
    """What a consultant fills in; shared by creation and editing."""

    title: str
    description: str
    format: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    capacity_max: int
    visibility: str
    capacity_min: int = 2
    place: Place | None = None
    video_url: str = ""
    topics: Sequence[Topic] = ()
    target_situations: Sequence[str] = ()
    target_phases: Sequence[str] = ()
    target_domains: Sequence[RomeDomaine] = ()
    co_organisers: Sequence[Consultant] = ()
    parent_event: ParentEvent | None = None


SCALAR_FIELDS = (
    "title",
    "description",
    "format",
    "mode",
    "starts_at",
    "ends_at",
    "capacity_min",
    "capacity_max",
    "visibility",
    "place",
    "video_url",
    "parent_event",
)


def rencontre_validate(
    *,
    data: RencontreData,
    organiser: Consultant,
    rencontre: Rencontre | None = None,
    now: datetime | None = None,
) -> None:
    """Raise a ValidationError naming each field at fault, in French."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if data.ends_at <= data.starts_at:
        add("ends_at", _("La fin doit être après le début."))
    date_changed = rencontre is None or rencontre.starts_at != data.starts_at
    if date_changed and data.starts_at <= now:
        add("starts_at", _("La date de début est passée : choisissez une date à venir."))
    if data.capacity_max < 1:
        add("capacity_max", _("Le nombre maximum de participants doit être d'au moins 1."))
    if data.capacity_min > data.capacity_max:
        add("capacity_min", _("Le minimum ne peut pas dépasser le maximum."))
    if rencontre is not None and data.capacity_max < rencontre.registered_count:
        add(
            "capacity_max",
            _("%(count)d personnes sont déjà inscrites : le maximum ne peut pas descendre en dessous.")
            % {"count": rencontre.registered_count},
        )
    if data.mode in (Mode.IN_PERSON, Mode.HYBRID) and data.place is None:
        add("place", _("Une rencontre en présentiel ou hybride a besoin d'un lieu."))
    if data.mode in (Mode.VIDEO, Mode.HYBRID) and not data.video_url:
        add("video_url", _("Une rencontre en visio ou hybride a besoin d'un lien de visio."))
    if data.video_url and not data.video_url.lower().startswith("https://"):
        add("video_url", _("Le lien de visio doit commencer par https:// (connexion chiffrée)."))
    if data.place is not None and data.mode != Mode.VIDEO:
        delegations = {organiser.delegation_id, *(c.delegation_id for c in data.co_organisers)}
        if data.place.delegation_id not in delegations:
            add(
                "place",
                _(
                    "Ce lieu appartient à la délégation %(delegation)s : ajoutez un·e co-organisateur·rice "
                    "de cette délégation ou choisissez un lieu de la vôtre."
                )
                % {"delegation": data.place.delegation.name},
            )
    unknown_situations = set(data.target_situations) - set(Situation.values)
    if unknown_situations:
        add(
            "target_situations",
            _("Situation inconnue : %(codes)s.") % {"codes": ", ".join(sorted(unknown_situations))},
        )
    unknown_phases = set(data.target_phases) - set(Phase.values)
    if unknown_phases:
        add("target_phases", _("Étape inconnue : %(codes)s.") % {"codes": ", ".join(sorted(unknown_phases))})
    if organiser in data.co_organisers:
        add("co_organisers", _("L'organisateur·rice ne peut pas être aussi co-organisateur·rice."))
    if errors:
        raise ValidationError(errors)


def _apply(rencontre: Rencontre, data: RencontreData) -> None:
    for name in SCALAR_FIELDS:
        setattr(rencontre, name, getattr(data, name))
    if rencontre.mode == Mode.VIDEO:
        rencontre.place = None
    if rencontre.mode == Mode.IN_PERSON:
        rencontre.video_url = ""
    rencontre.target_situations = sorted(set(data.target_situations))
    rencontre.target_phases = [p for p in Phase.values if p in set(data.target_phases)]


def _apply_relations(rencontre: Rencontre, data: RencontreData) -> None:
    rencontre.topics.set(data.topics)
    rencontre.target_domains.set(data.target_domains)
    rencontre.co_organisers.set(data.co_organisers)


# --- Rencontres -------------------------------------------------------------------------------


@transaction.atomic
def rencontre_create(
    *, organiser: Consultant, data: RencontreData, publish: bool = False, series: Series | None = None
) -> Rencontre:
    rencontre_validate(data=data, organiser=organiser)
    rencontre = Rencontre(organiser=organiser, delegation=organiser.delegation, series=series)
    _apply(rencontre, data)
    rencontre.status = Status.PUBLISHED if publish else Status.DRAFT
    rencontre.save()
    _apply_relations(rencontre, data)
    return rencontre


def _add_months(moment: datetime, months: int) -> datetime:
    local = timezone.localtime(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    # Same weekday, same week of the month: "the 2nd Tuesday", the usual rhythm of a cercle.
    week = (local.day - 1) // 7
    first = local.replace(year=year, month=month, day=1)
    offset = (local.weekday() - first.weekday()) % 7
    day = 1 + offset + 7 * week
    if day > 28:
        try:
            first.replace(day=day)
        except ValueError:
            day -= 7
    return first.replace(day=day)


@transaction.atomic
def series_create(
    *, organiser: Consultant, data: RencontreData, frequency: str, occurrences: int, publish: bool = False
) -> Series:
    """A recurring rencontre: ``occurrences`` rencontres, each with its own registrations."""
    if not 2 <= occurrences <= 24:
        raise ValidationError({"occurrences": _("Une série compte de 2 à 24 rencontres.")})
    series = Series.objects.create(title=data.title, frequency=Series.Frequency(frequency))
    duration = data.ends_at - data.starts_at
    for index in range(occurrences):
        if frequency == Series.Frequency.MONTHLY:
            starts_at = _add_months(data.starts_at, index)
        else:
            step = timedelta(weeks=1 if frequency == Series.Frequency.WEEKLY else 2)
            starts_at = timezone.localtime(data.starts_at) + step * index
        occurrence = RencontreData(
            **{**data.__dict__, "starts_at": starts_at, "ends_at": starts_at + duration}
        )
        rencontre_create(organiser=organiser, data=occurrence, publish=publish, series=series)
    return series


def _describe_changes(before: Rencontre, after: Rencontre) -> list[str]:
    changes = []
    if before.starts_at != after.starts_at or before.ends_at != after.ends_at:
        changes.append(_("Nouvelle date : %(when)s.") % {"when": notifications.rencontre_when(after)})
    if before.place_id != after.place_id or before.mode != after.mode or before.video_url != after.video_url:
        where = notifications.rencontre_where(after) or _("à préciser")
        changes.append(_("Nouveau lieu : %(where)s.") % {"where": where})
    return changes


@transaction.atomic
def rencontre_update(*, rencontre: Rencontre, data: RencontreData, now: datetime | None = None) -> Rencontre:
    """Change a rencontre; a new date or place is sent once to everyone registered or waiting."""
    locked = Rencontre.objects.select_for_update().get(pk=rencontre.pk)
    if locked.status == Status.CANCELLED:
        raise ValidationError(_("Une rencontre annulée ne se modifie plus."))
    rencontre_validate(data=data, organiser=locked.organiser, rencontre=locked, now=now)
    before = Rencontre.objects.get(pk=locked.pk)
    _apply(locked, data)
    changes = _describe_changes(before, locked)
    if changes:
        locked.sequence = F("sequence") + 1
    locked.save()
    locked.refresh_from_db()
    _apply_relations(locked, data)
    if changes and locked.status == Status.PUBLISHED:
        for registration in locked.registrations.filter(status__in=ACTIVE).select_related("member"):
            notifications.notify_changed(member=registration.member, rencontre=locked, changes=changes)
    # More seats: the people waiting get them, first come first served, and are told.
    while locked.status == Status.PUBLISHED and _promote_first(rencontre=locked, now=now or timezone.now()):
        pass
    return locked


@transaction.atomic
def rencontre_publish(*, rencontre: Rencontre, now: datetime | None = None) -> Rencontre:
    locked = Rencontre.objects.select_for_update().get(pk=rencontre.pk)
    if locked.status != Status.DRAFT:
        raise ValidationError(_("Seul un brouillon peut être publié."))
    if locked.starts_at <= (now or timezone.now()):
        raise ValidationError(_("La date de début est passée : changez-la avant de publier."))
    locked.status = Status.PUBLISHED
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def rencontre_cancel(*, rencontre: Rencontre, reason: str, now: datetime | None = None) -> Rencontre:
    """Cancel and tell everyone registered or waiting, with the reason and a METHOD:CANCEL .ics."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Indiquez le motif de l'annulation : il sera envoyé aux inscrit·es.")}
        )
    locked = Rencontre.objects.select_for_update().get(pk=rencontre.pk)
    if locked.status == Status.CANCELLED:
        return locked
    if locked.ends_at <= (now or timezone.now()):
        raise ValidationError(_("Une rencontre passée ne peut plus être annulée."))
    was_published = locked.status == Status.PUBLISHED
    locked.status = Status.CANCELLED
    locked.cancel_reason = reason
    locked.cancelled_at = now or timezone.now()
    locked.sequence = F("sequence") + 1
    locked.save()
    locked.refresh_from_db()
    if was_published:
        for registration in locked.registrations.filter(status__in=ACTIVE).select_related("member"):
            notifications.notify_cancelled(member=registration.member, rencontre=locked)
    return locked


# --- Registration and waitlist ----------------------------------------------------------------


def _next_position(rencontre: Rencontre) -> int:
    Rencontre.objects.filter(pk=rencontre.pk).update(last_position=F("last_position") + 1)
    return Rencontre.objects.values_list("last_position", flat=True).get(pk=rencontre.pk)


def _seats(rencontre: Rencontre, delta: int) -> None:
    Rencontre.objects.filter(pk=rencontre.pk).update(registered_count=F("registered_count") + delta)
    rencontre.refresh_from_db(fields=["registered_count", "last_position"])


def waitlist_rank(*, registration: Registration) -> int:
    """1 for the first in line."""
    return Registration.objects.filter(
        rencontre_id=registration.rencontre_id,
        status=RegistrationStatus.WAITLISTED,
        position__lte=registration.position,
    ).count()


@transaction.atomic
def registration_request(
    *, rencontre: Rencontre, member: Member, added_by: User | None = None, now: datetime | None = None
) -> Registration:
    """Register the member, or put them at the end of the waitlist when the rencontre is full.

    Idempotent: asking again while registered or waiting changes nothing.
    """
    now = now or timezone.now()
    locked = Rencontre.objects.select_for_update().get(pk=rencontre.pk)
    if locked.status != Status.PUBLISHED:
        raise RegistrationError(_("Cette rencontre n'est pas ouverte aux inscriptions."))
    if locked.starts_at <= now:
        raise RegistrationError(_("Cette rencontre a déjà commencé : les inscriptions sont closes."))
    registration = Registration.objects.filter(rencontre=locked, member=member).first()
    if registration is not None and registration.status in ACTIVE:
        return registration
    has_seat = locked.registered_count < locked.capacity_max
    if registration is None:
        registration = Registration(rencontre=locked, member=member)
    registration.position = _next_position(locked)
    registration.requested_at = now
    registration.added_by = added_by
    registration.cancelled_at = None
    registration.promoted_at = None
    registration.attendance = Attendance.UNKNOWN
    registration.walk_in = False
    if has_seat:
        registration.status = RegistrationStatus.REGISTERED
        registration.registered_at = now
        _seats(locked, +1)
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.registered_at = None
    registration.save()
    if has_seat:
        notifications.notify_registered(member=member, rencontre=locked)
    else:
        notifications.notify_waitlisted(
            member=member, rencontre=locked, rank=waitlist_rank(registration=registration)
        )
    return registration


def _promote_first(*, rencontre: Rencontre, now: datetime) -> Registration | None:
    """Give a freed seat to the first person waiting (caller holds the rencontre's lock)."""
    if rencontre.registered_count >= rencontre.capacity_max or rencontre.starts_at <= now:
        return None
    first = (
        Registration.objects.filter(rencontre=rencontre, status=RegistrationStatus.WAITLISTED)
        .select_related("member")
        .order_by("position")
        .first()
    )
    if first is None:
        return None
    first.status = RegistrationStatus.REGISTERED
    first.registered_at = now
    first.promoted_at = now
    first.save(update_fields=["status", "registered_at", "promoted_at"])
    _seats(rencontre, +1)
    notifications.notify_promoted(member=first.member, rencontre=rencontre)
    return first


def _leave(*, registration: Registration, status: str, now: datetime | None) -> tuple[Registration, bool]:
    now = now or timezone.now()
    rencontre = Rencontre.objects.select_for_update().get(pk=registration.rencontre_id)
    current = Registration.objects.select_related("member").get(pk=registration.pk)
    if current.status not in ACTIVE:
        return current, False  # already gone: nothing to do twice
    if rencontre.ends_at <= now:
        raise RegistrationError(_("La rencontre est passée : l'inscription ne peut plus changer."))
    had_seat = current.status == RegistrationStatus.REGISTERED and not current.walk_in
    current.status = status
    current.cancelled_at = now
    current.save(update_fields=["status", "cancelled_at"])
    if had_seat:
        _seats(rencontre, -1)
        _promote_first(rencontre=rencontre, now=now)
    return current, True


@transaction.atomic
def registration_cancel(*, registration: Registration, now: datetime | None = None) -> Registration:
    """The member withdraws (a seat or a place in line); the first person waiting takes a freed seat."""
    return _leave(registration=registration, status=RegistrationStatus.CANCELLED, now=now)[0]


@transaction.atomic
def registration_remove(*, registration: Registration, now: datetime | None = None) -> Registration:
    """The organisers remove someone by hand; they are told, and the waitlist moves up."""
    removed, changed = _leave(registration=registration, status=RegistrationStatus.REMOVED, now=now)
    if changed:
        notifications.notify_removed(member=removed.member, rencontre=removed.rencontre)
    return removed


# --- Invitations ------------------------------------------------------------------------------


def invitations_per_week() -> int:
    return int(getattr(settings, "MEETINGS_INVITATIONS_PER_WEEK", 3))


@dataclass
class InvitationOutcome:
    sent: list[Member] = field(default_factory=list)
    already_invited: list[Member] = field(default_factory=list)
    weekly_limit: list[Member] = field(default_factory=list)
    no_email_consent: list[Member] = field(default_factory=list)
    already_registered: list[Member] = field(default_factory=list)


def invitation_send(
    *, rencontre: Rencontre, members: Iterable[Member], invited_by: Consultant, now: datetime | None = None
) -> InvitationOutcome:
    """Invite members to a published rencontre, whoever organises it.

    Each member is handled in its own transaction under their row lock, so two
    consultants inviting the same person at once still respect the weekly limit.
    The caller checks that the consultant may see these members.
    """
    now = now or timezone.now()
    if rencontre.status != Status.PUBLISHED or rencontre.starts_at <= now:
        raise ValidationError(_("On ne peut inviter qu'à une rencontre publiée et à venir."))
    outcome = InvitationOutcome()
    limit = invitations_per_week()
    for member in members:
        with transaction.atomic():
            locked = Member.objects.select_for_update().get(pk=member.pk)
            if Invitation.objects.filter(rencontre=rencontre, member=locked).exists():
                outcome.already_invited.append(locked)
                continue
            if Registration.objects.filter(rencontre=rencontre, member=locked, status__in=ACTIVE).exists():
                outcome.already_registered.append(locked)
                continue
            if not consent_state(member=locked)[ConsentKind.RENCONTRE_EMAILS]:
                outcome.no_email_consent.append(locked)
                continue
            recent = Invitation.objects.filter(member=locked, created_at__gt=now - timedelta(days=7)).count()
            if recent >= limit:
                outcome.weekly_limit.append(locked)
                continue
            invitation = Invitation.objects.create(
                rencontre=rencontre, member=locked, invited_by=invited_by, created_at=now
            )
            notifications.notify_invited(invitation=invitation)
            outcome.sent.append(locked)
    return outcome


@transaction.atomic
def invitation_answer(
    *, invitation: Invitation, accept: bool, now: datetime | None = None
) -> Registration | None:
    """Record the answer; accepting registers (or waitlists) the member. Answering again is harmless."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.response = InvitationResponse.ACCEPTED if accept else InvitationResponse.DECLINED
    invitation.responded_at = now
    invitation.save(update_fields=["response", "responded_at"])
    registration = Registration.objects.filter(
        rencontre_id=invitation.rencontre_id, member_id=invitation.member_id
    ).first()
    if accept:
        return registration_request(rencontre=invitation.rencontre, member=invitation.member, now=now)
    if registration is not None and registration.status in ACTIVE:
        return registration_cancel(registration=registration, now=now)
    return registration


# --- On the day -------------------------------------------------------------------------------


@transaction.atomic
def attendance_mark(
    *, registration: Registration, attendance: str, now: datetime | None = None
) -> Registration:
    if attendance not in Attendance.values:
        raise ValidationError(_("Présence inconnue."))
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status != RegistrationStatus.REGISTERED:
        raise RegistrationError(_("Seules les personnes inscrites peuvent être pointées."))
    current.attendance = attendance
    current.checked_in_at = (now or timezone.now()) if attendance != Attendance.UNKNOWN else None
    current.save(update_fields=["attendance", "checked_in_at"])
    return current


@transaction.atomic
def walk_in_add(
    *, rencontre: Rencontre, member: Member, added_by: User, now: datetime | None = None
) -> Registration:
    """Someone who came without a seat: present, marked as a walk-in, not counted against capacity."""
    now = now or timezone.now()
    locked = Rencontre.objects.select_for_update().get(pk=rencontre.pk)
    if locked.status != Status.PUBLISHED:
        raise RegistrationError(_("Cette rencontre n'a pas lieu : impossible d'ajouter une personne."))
    registration = Registration.objects.filter(rencontre=locked, member=member).first()
    if registration is not None and registration.status == RegistrationStatus.REGISTERED:
        return attendance_mark(registration=registration, attendance=Attendance.PRESENT, now=now)
    if registration is None:
        registration = Registration(rencontre=locked, member=member)
    registration.position = _next_position(locked)
    registration.status = RegistrationStatus.REGISTERED
    registration.walk_in = True
    registration.requested_at = registration.registered_at = registration.checked_in_at = now
    registration.attendance = Attendance.PRESENT
    registration.added_by = added_by
    registration.cancelled_at = None
    registration.save()
    return registration


# --- Reminders --------------------------------------------------------------------------------


def reminder_offsets() -> list[timedelta]:
    hours = getattr(settings, "MEETINGS_REMINDER_HOURS", (48, 3))
    return sorted((timedelta(hours=h) for h in hours), reverse=True)


def reminders_send_due(*, now: datetime | None = None, window: timedelta = timedelta(hours=1)) -> int:
    """Send every reminder whose time has come and that was not sent yet.

    Run every few minutes. A reminder is due when the rencontre starts within
    its offset and not before ``offset - window`` ago… in short: a run that
    sees the rencontre less than ``offset`` away sends it, once (the outbox key
    names registration, offset and start time). A late run (worker down) still
    sends it as long as the rencontre has not started; a date change makes a new
    reminder due for the new date.
    """
    now = now or timezone.now()
    sent = 0
    for offset in reminder_offsets():
        registrations = (
            Registration.objects.filter(
                status=RegistrationStatus.REGISTERED,
                walk_in=False,
                rencontre__status=Status.PUBLISHED,
                rencontre__starts_at__gt=now,
                rencontre__starts_at__lte=now + offset,
                # Registered after the reminder time: the confirmation was the reminder.
                registered_at__lte=F("rencontre__starts_at") - offset,
                # Reminders are "emails about rencontres": consent (d).
                member__in=members_with_consent(kind=ConsentKind.RENCONTRE_EMAILS).values("pk"),
            )
            .select_related("member", "rencontre__place")
            .order_by("pk")
        )
        for registration in registrations:
            with transaction.atomic():
                if notifications.notify_reminder(
                    member=registration.member,
                    rencontre=registration.rencontre,
                    registration_id=registration.pk,
                    offset=offset,
                ):
                    sent += 1
    return sent


def rencontre_data_from(rencontre: Rencontre, **overrides: Any) -> RencontreData:
    """The editable data of a stored rencontre, e.g. to change only its date."""
    values: dict[str, Any] = {name: getattr(rencontre, name) for name in SCALAR_FIELDS}
    values.update(
        topics=list(rencontre.topics.all()),
        target_situations=list(rencontre.target_situations),
        target_phases=list(rencontre.target_phases),
        target_domains=list(rencontre.target_domains.all()),
        co_organisers=list(rencontre.co_organisers.all()),
    )
    values.update(overrides)
    return RencontreData(**values)
