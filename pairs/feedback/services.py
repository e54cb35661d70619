"""Writes after the rencontre: feedback, wishes to stay in touch, connections, outcome surveys.

Rules kept here, whatever page or task calls:
- only checked-in attendees (status registered, attendance present) give
  feedback or tick people, and only people who were present can be ticked;
- one feedback per registration, editable for ``FEEDBACK_EDIT_DAYS`` after the
  first answer;
- a ``Connection`` is created only when both members ticked each other and
  both hold consent (b) at that moment; never anything one-sided;
- an outcome survey is answered once; a reported change touches the profile
  only when the member confirms it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairs.accounts.models import User
from pairs.core.models import OutgoingEmail
from pairs.meetings.models import Attendance, Registration, RegistrationStatus, Status
from pairs.members.models import Member, Phase, Situation
from pairs.members.services import member_update_profile
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import consent_state, members_with_consent
from pairs.recommendations.models import WeightSet
from pairs.recommendations.services import weight_set_create

from . import notifications
from .models import Connection, ContactWish, Feedback, OutcomeResult, OutcomeSurvey, SharedDetails
from .selectors import connected_ids, present_registrations, registration_attended

FEEDBACK_EDIT_DAYS = 7
# A first answer is accepted until this long after the rencontre ended (the link's life too).
FEEDBACK_OPEN_DAYS = 30
# The request goes to rencontres that ended within this window (also when check-in is recorded late).
FEEDBACK_REQUEST_WINDOW = timedelta(days=14)
OUTCOME_WAVES = (OutcomeSurvey.Wave.THREE_MONTHS, OutcomeSurvey.Wave.SIX_MONTHS)
# A survey not sent within this long after its due date is not sent at all (worker down for weeks,
# feature deployed on an old history): a "3 months" question asked at 5 months would mislead.
OUTCOME_SEND_GRACE = timedelta(days=30)


class FeedbackRefusedError(ValidationError):
    """A feedback or tick that cannot be recorded; the message is French and says why."""


# --- Feedback -----------------------------------------------------------------------------------


class FeedbackState:
    NOT_PRESENT = "not_present"
    CANCELLED = "cancelled"
    NOT_ENDED = "not_ended"
    OPEN = "open"  # no answer yet, may answer
    TOO_LATE = "too_late"  # no answer, and the rencontre ended too long ago
    EDITABLE = "editable"  # answered, still within the editing window
    LOCKED = "locked"  # answered, editing window over


def feedback_state(*, registration: Registration, feedback: Feedback | None, now: datetime) -> str:
    rencontre = registration.rencontre
    if not registration_attended(registration=registration):
        return FeedbackState.NOT_PRESENT
    if rencontre.status == Status.CANCELLED:
        return FeedbackState.CANCELLED
    if rencontre.ends_at > now:
        return FeedbackState.NOT_ENDED
    if feedback is not None:
        if now <= feedback.submitted_at + timedelta(days=FEEDBACK_EDIT_DAYS):
            return FeedbackState.EDITABLE
        return FeedbackState.LOCKED
    if now > rencontre.ends_at + timedelta(days=FEEDBACK_OPEN_DAYS):
        return FeedbackState.TOO_LATE
    return FeedbackState.OPEN


def feedback_refusal(*, state: str, feedback: Feedback | None = None) -> str:
    """The French sentence shown when the state does not allow recording."""
    if state == FeedbackState.NOT_PRESENT:
        return _(
            "Ce questionnaire est réservé aux personnes venues à la rencontre, et votre présence n'a pas été "
            "enregistrée. Si vous étiez là, signalez-le à l'équipe organisatrice."
        )
    if state == FeedbackState.CANCELLED:
        return _("Cette rencontre a été annulée : il n'y a pas d'avis à donner.")
    if state == FeedbackState.NOT_ENDED:
        return _("La rencontre n'est pas encore terminée : vous pourrez donner votre avis à la fin.")
    if state == FeedbackState.TOO_LATE:
        return _(
            "Les avis se donnent dans les %(days)d jours qui suivent la rencontre : ce délai est passé."
        ) % {"days": FEEDBACK_OPEN_DAYS}
    if state == FeedbackState.LOCKED and feedback is not None:
        return _(
            "Votre avis a été enregistré le %(date)s. Il pouvait être modifié pendant %(days)d jours : ce "
            "délai est passé. Merci pour votre réponse !"
        ) % {
            "date": timezone.localtime(feedback.submitted_at).strftime("%d/%m/%Y"),
            "days": FEEDBACK_EDIT_DAYS,
        }
    return ""


@transaction.atomic
def feedback_submit(
    *,
    registration: Registration,
    satisfaction: int,
    usefulness: int,
    nps: int,
    format_suited: bool | None,
    takeaway: str,
    would_come_again: bool | None,
    now: datetime | None = None,
) -> Feedback:
    """Record the attendee's answer, or update it within the editing window; never a second row."""
    now = now or timezone.now()
    # The registration's row lock serialises two submissions of the same link (double click, two tabs).
    current = Registration.objects.select_for_update().select_related("rencontre").get(pk=registration.pk)
    existing = Feedback.objects.filter(registration=current).first()
    state = feedback_state(registration=current, feedback=existing, now=now)
    if state not in (FeedbackState.OPEN, FeedbackState.EDITABLE):
        raise FeedbackRefusedError(feedback_refusal(state=state, feedback=existing), code=state)
    feedback = existing or Feedback(registration=current, submitted_at=now)
    feedback.satisfaction = satisfaction
    feedback.usefulness = usefulness
    feedback.nps = nps
    feedback.format_suited = format_suited
    feedback.takeaway = (takeaway or "").strip()
    feedback.would_come_again = would_come_again
    feedback.updated_at = now
    feedback.full_clean()
    feedback.save()
    return feedback


def feedback_requests_send_due(*, now: datetime | None = None) -> int:
    """Email a signed feedback link to every checked-in attendee of a recently ended rencontre.

    Run often: the outbox key ``feedback:<registration>`` sends each link once,
    and attendees checked in late (the sheet typed in the next day) get theirs on
    the next run. Never to no-shows (attendance absent or unknown), to people
    who already answered (e.g. from "Mes rencontres"), nor without consent (d).
    """
    now = now or timezone.now()
    candidates = list(
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            attendance=Attendance.PRESENT,
            rencontre__status=Status.PUBLISHED,
            rencontre__ends_at__lte=now,
            rencontre__ends_at__gt=now - FEEDBACK_REQUEST_WINDOW,
            feedback__isnull=True,
            member__erasure__isnull=True,
            member__in=members_with_consent(kind=ConsentKind.RENCONTRE_EMAILS).values("pk"),
        )
        .select_related("member", "rencontre", "rencontre__place")
        .order_by("pk")
    )
    keys = {notifications.feedback_request_key(r.pk): r for r in candidates}
    already = set(OutgoingEmail.objects.filter(key__in=list(keys)).values_list("key", flat=True))
    sent = 0
    for key, registration in keys.items():
        if key in already:
            continue
        with transaction.atomic():
            if notifications.notify_feedback_request(registration=registration):
                sent += 1
    return sent


# --- Staying in touch ---------------------------------------------------------------------------


def _lock_members(member_ids: Iterable[int]) -> None:
    # Always in id order: two people saving their ticks of each other at the same moment
    # queue on the same two rows, so the second one sees the first one's wish.
    list(Member.objects.select_for_update().filter(pk__in=set(member_ids)).order_by("pk").values_list("pk"))


@transaction.atomic
def contact_wishes_save(
    *, registration: Registration, wanted: Iterable[int], now: datetime | None = None
) -> list[Connection]:
    """Set whom this attendee would like to stay in touch with; return the connections it completed.

    ``wanted`` is the whole set of ticked people: a person unticked loses the
    wish (unless the connection already exists: a connection stays). Every
    ticked person must have been present at the same rencontre, otherwise
    nothing is recorded.
    """
    now = now or timezone.now()
    current = Registration.objects.select_related("rencontre", "member").get(pk=registration.pk)
    if not registration_attended(registration=current):
        raise FeedbackRefusedError(feedback_refusal(state=FeedbackState.NOT_PRESENT), code="not_present")
    if current.rencontre.status == Status.CANCELLED or current.rencontre.ends_at > now:
        raise FeedbackRefusedError(
            _("Vous pourrez choisir les personnes avec qui rester en contact à la fin de la rencontre."),
            code="not_ended",
        )
    me = current.member_id
    wanted_ids = {int(pk) for pk in wanted}
    allowed = set(
        present_registrations(rencontre=current.rencontre_id)
        .exclude(member_id=me)
        .values_list("member_id", flat=True)
    )
    if wanted_ids - allowed:
        raise FeedbackRefusedError(
            _("Vous ne pouvez choisir que des personnes venues à cette rencontre."), code="not_met"
        )
    _lock_members({me} | wanted_ids)
    already = connected_ids(member=me)
    existing = set(
        ContactWish.objects.filter(rencontre_id=current.rencontre_id, from_member_id=me).values_list(
            "to_member_id", flat=True
        )
    )
    ContactWish.objects.filter(
        rencontre_id=current.rencontre_id, from_member_id=me, to_member_id__in=existing - wanted_ids - already
    ).delete()
    ContactWish.objects.bulk_create(
        [
            ContactWish(rencontre_id=current.rencontre_id, from_member_id=me, to_member_id=other)
            for other in sorted(wanted_ids - existing)
        ],
        ignore_conflicts=True,
    )
    return _connections_complete(member=current.member, candidates=wanted_ids - already)


def _connections_complete(*, member: Member, candidates: set[int]) -> list[Connection]:
    """Connections for the candidates who ticked ``member`` too, when both consent (b) now."""
    if not candidates or not consent_state(member=member)[ConsentKind.CONTACT_SHARING]:
        return []
    theirs = set(
        ContactWish.objects.filter(to_member=member, from_member_id__in=candidates).values_list(
            "from_member_id", flat=True
        )
    )
    mine: dict[int, int] = {}
    for to_id, rencontre_id in (
        ContactWish.objects.filter(from_member=member, to_member_id__in=theirs)
        .order_by("created_at", "pk")
        .values_list("to_member_id", "rencontre_id")
    ):
        mine[to_id] = rencontre_id  # the latest rencontre where I ticked them
    consenting = members_with_consent(kind=ConsentKind.CONTACT_SHARING).filter(
        pk__in=set(mine), erasure__isnull=True
    )
    created = []
    for other in consenting.order_by("pk"):
        a, b = sorted((member.pk, other.pk))
        try:
            with transaction.atomic():
                connection = Connection.objects.create(
                    member_a_id=a, member_b_id=b, rencontre_id=mine[other.pk]
                )
        except IntegrityError:
            continue  # already connected
        notifications.notify_connection(connection=connection, member=member, other=other)
        notifications.notify_connection(connection=connection, member=other, other=member)
        created.append(connection)
    return created


@transaction.atomic
def connections_create_pending(*, member: Member) -> list[Connection]:
    """Complete the connections waiting for this member's consent (b), e.g. right after they grant it.

    Mutual wishes made while one of the two did not consent create nothing at
    the time; this creates them once both consent. Harmless to call again.
    """
    candidates = set(
        ContactWish.objects.filter(from_member=member).values_list("to_member_id", flat=True)
    ) - connected_ids(member=member)
    _lock_members({member.pk} | candidates)
    return _connections_complete(member=member, candidates=candidates)


@transaction.atomic
def shared_details_update(*, member: Member, email: bool, phone: bool, linkedin: bool) -> SharedDetails:
    details, _created = SharedDetails.objects.update_or_create(
        member=member, defaults={"email": email, "phone": phone, "linkedin": linkedin}
    )
    return details


# --- Outcomes at 3 and 6 months -----------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, or the month's last day (31 January + 1 month = 28/29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def outcome_surveys_schedule(*, now: datetime | None = None) -> int:
    """Create the 3- and 6-month survey rows of every member whose first attended rencontre is over.

    The first rencontre is the earliest one where the member was checked in.
    Recruiters are left out (the questions are about one's own transition).
    Idempotent: members who already have their rows are skipped, and the
    (member, wave) constraint stops a concurrent run from doubling a row.
    """
    now = now or timezone.now()
    rows = (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            attendance=Attendance.PRESENT,
            rencontre__status=Status.PUBLISHED,
            rencontre__ends_at__lte=now,
            member__erasure__isnull=True,
        )
        .exclude(member__situation=Situation.RECRUITER)
        .exclude(member_id__in=OutcomeSurvey.objects.values("member_id"))
        .order_by("member_id", "rencontre__ends_at", "rencontre_id")
        .values_list("member_id", "rencontre_id", "rencontre__ends_at")
    )
    surveys: list[OutcomeSurvey] = []
    seen: set[int] = set()
    for member_id, rencontre_id, ends_at in rows.iterator(chunk_size=2000):
        if member_id in seen:
            continue
        seen.add(member_id)
        surveys.extend(
            OutcomeSurvey(
                member_id=member_id,
                wave=wave,
                first_rencontre_id=rencontre_id,
                due_at=add_months(ends_at, int(wave)),
            )
            for wave in OUTCOME_WAVES
        )
    OutcomeSurvey.objects.bulk_create(surveys, batch_size=2000, ignore_conflicts=True)
    return len(seen)


def outcome_surveys_send_due(*, now: datetime | None = None) -> int:
    """Email the surveys whose date has come (consent (d) needed); each once (key ``outcome:<id>``)."""
    now = now or timezone.now()
    due = list(
        OutcomeSurvey.objects.filter(
            sent_at__isnull=True,
            due_at__lte=now,
            due_at__gt=now - OUTCOME_SEND_GRACE,
            member__erasure__isnull=True,
            member__in=members_with_consent(kind=ConsentKind.RENCONTRE_EMAILS).values("pk"),
        ).values_list("pk", flat=True)
    )
    sent = 0
    for survey_id in due:
        with transaction.atomic():
            survey = (
                OutcomeSurvey.objects.select_for_update()
                .select_related("member")
                .filter(pk=survey_id, sent_at__isnull=True)
                .first()
            )
            if survey is None:
                continue  # another worker sent it
            notifications.notify_outcome_survey(survey=survey)
            survey.sent_at = now
            survey.save(update_fields=["sent_at"])
            sent += 1
    return sent


_PHASE_ORDER = {phase: i for i, phase in enumerate(Phase.values)}


def outcome_proposal(*, member: Member, result: str) -> tuple[str, str]:
    """(phase, situation) a reported outcome suggests for the profile; "" where nothing changes.

    A new job or a company: "intégration", and no longer a job seeker or a young
    graduate looking for a first job ("cadre en poste"). A training started:
    at least "transition". Never a step back.
    """
    phase = situation = ""
    if result in (OutcomeResult.NEW_JOB, OutcomeResult.COMPANY):
        phase = Phase.INTEGRATION
        if member.situation in (Situation.JOB_SEEKER, Situation.GRADUATE):
            situation = Situation.EMPLOYED
    elif result == OutcomeResult.TRAINING:
        phase = Phase.TRANSITION
    if phase and _PHASE_ORDER.get(member.phase, -1) >= _PHASE_ORDER[phase]:
        phase = ""
    return str(phase), str(situation)


@transaction.atomic
def outcome_survey_answer(
    *,
    survey: OutcomeSurvey,
    result: str,
    network_helped: bool | None,
    would_help_others: bool | None,
    detail: str = "",
    now: datetime | None = None,
) -> OutcomeSurvey:
    """Record the answer, once; a change of situation is only *proposed* (see ``outcome_change_confirm``)."""
    now = now or timezone.now()
    locked = OutcomeSurvey.objects.select_for_update().select_related("member").get(pk=survey.pk)
    if locked.answered_at is not None:
        raise FeedbackRefusedError(
            _("Vous avez déjà répondu à ce questionnaire le %(date)s : merci !")
            % {"date": timezone.localtime(locked.answered_at).strftime("%d/%m/%Y")},
            code="already_answered",
        )
    if result not in OutcomeResult.values:
        raise FeedbackRefusedError(_("Réponse inconnue."), code="invalid")
    locked.result = result
    locked.network_helped = network_helped
    locked.would_help_others = would_help_others
    locked.detail = (detail or "").strip()
    locked.answered_at = now
    locked.proposed_phase, locked.proposed_situation = outcome_proposal(member=locked.member, result=result)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def outcome_change_confirm(
    *, survey: OutcomeSurvey, accept: bool, now: datetime | None = None
) -> OutcomeSurvey:
    """The member says yes (the profile takes the proposed phase/situation) or no (the proposal is dropped)."""
    now = now or timezone.now()
    locked = OutcomeSurvey.objects.select_for_update().select_related("member").get(pk=survey.pk)
    if locked.change_confirmed_at is not None or not (locked.proposed_phase or locked.proposed_situation):
        return locked  # nothing pending: confirming twice changes nothing
    if accept:
        changes: dict[str, Any] = {}
        if locked.proposed_phase:
            changes["phase"] = Phase(locked.proposed_phase)
        if locked.proposed_situation:
            changes["situation"] = Situation(locked.proposed_situation)
        member_update_profile(member=locked.member, **changes)
        locked.change_confirmed_at = now
        locked.save(update_fields=["change_confirmed_at"])
    else:
        locked.proposed_phase = locked.proposed_situation = ""
        locked.save(update_fields=["proposed_phase", "proposed_situation"])
    return locked


# --- Learning -----------------------------------------------------------------------------------


def learning_weight_set_create(*, created_by: User | None, now: datetime | None = None) -> WeightSet:
    """A new, *inactive* version of the weights with the proposal of ``learning.learning_report``."""
    from .learning import learning_report

    now = now or timezone.now()
    report = learning_report()
    label = _("Proposition issue des retours du %(date)s (sur la v%(v)d)") % {
        "date": timezone.localtime(now).strftime("%d/%m/%Y"),
        "v": report.weight_set.version,
    }
    return weight_set_create(
        weights=report.proposed_weights(), label=label, created_by=created_by, activate=False
    )
