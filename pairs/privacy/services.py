"""Writes on consents and on the profile-access audit trail.

Consents and the audit trail are append-only: these services add rows, nothing
here updates or deletes one. The erasure (``member_erase``) and the retention
job (``retention_sweep_run``) are the only writes that remove personal data.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pairs.accounts.models import User
from pairs.core.emails import email_enqueue, outgoing_email_purge
from pairs.core.models import OutgoingEmail
from pairs.members.models import Member

from .discovery import personal_relations
from .models import (
    MEMBER_ONLY_GRANT_KINDS,
    ConsentKind,
    ConsentRecord,
    ConsentSource,
    Erasure,
    ProfileAccess,
    ProfileAction,
    RetentionNotice,
)
from .selectors import email_fingerprint, last_activity_expression, member_is_erased
from .texts import consent_wording_current


@transaction.atomic
def consent_record(
    *,
    member: Member,
    kind: ConsentKind | str,
    granted: bool,
    source: ConsentSource | str,
    recorded_by: User | None = None,
) -> ConsentRecord:
    """Record a grant or a revocation, with the text shown today.

    When the state would not change, nothing is written and the latest row is
    returned. ``recorded_by`` is who did it: the member's own account, or a
    consultant on the member's behalf. Only the member may grant the kinds in
    ``MEMBER_ONLY_GRANT_KINDS`` (anyone entitled to act for the member may revoke).
    """
    kind = ConsentKind(kind)
    source = ConsentSource(source)
    if (
        granted
        and kind in MEMBER_ONLY_GRANT_KINDS
        and (recorded_by is None or member.user_id is None or recorded_by.pk != member.user_id)
    ):
        raise PermissionDenied(f"Only the member may grant the consent {kind.value!r}.")
    # Lock the member row so that two concurrent requests for the same member
    # are serialised: the second one sees the first one's row and does nothing.
    Member.objects.select_for_update().only("pk").get(pk=member.pk)
    latest = ConsentRecord.objects.filter(member=member, kind=kind).order_by("-recorded_at", "-id").first()
    if latest is not None and latest.granted == granted:
        return latest
    # A first answer of "no" is written too: it records that the person was
    # asked and refused, with the text they saw.
    record = ConsentRecord(
        member=member,
        kind=kind,
        granted=granted,
        wording=consent_wording_current(kind=kind),
        recorded_by=recorded_by,
        source=source,
    )
    record.full_clean()
    record.save()
    return record


def consent_grant(
    *, member: Member, kind: ConsentKind | str, source: ConsentSource | str, recorded_by: User | None = None
) -> ConsentRecord:
    return consent_record(member=member, kind=kind, granted=True, source=source, recorded_by=recorded_by)


def consent_revoke(
    *, member: Member, kind: ConsentKind | str, source: ConsentSource | str, recorded_by: User | None = None
) -> ConsentRecord:
    return consent_record(member=member, kind=kind, granted=False, source=source, recorded_by=recorded_by)


@transaction.atomic
def profile_access_record(
    *, actor: User, member: Member, action: ProfileAction | str, detail: str = ""
) -> ProfileAccess:
    access = ProfileAccess(actor=actor, member=member, action=ProfileAction(action), detail=detail)
    access.full_clean()
    access.save()
    return access


# --- Erasure (RGPD art. 17) ---

ERASED_FIRST_NAME = "Membre"
ERASED_LAST_NAME = "effacé"

# Rows related to the member that survive the erasure, and why. Every other row
# with a ForeignKey/OneToOne/ManyToMany to the member, and every row that
# belongs to their account (CASCADE to the user), is deleted.
ERASURE_KEPT_MODELS: dict[str, str] = {
    # Proof of what was agreed and when; holds kind, answer, date, wording: no personal text.
    "privacy.ConsentRecord": "preuve du consentement",
    # The audit trail, with the erasure itself recorded.
    "privacy.ProfileAccess": "journal des accès",
    "privacy.Erasure": "trace de l'effacement (empreinte de l'email, jamais l'email)",
}


def _erased_email() -> str:
    # A reserved, undeliverable domain (RFC 2606); unique thanks to the random part.
    return f"efface-{secrets.token_hex(12)}@efface.invalid"


def _related_rows_delete(*, member: Member) -> None:
    """Delete every row about the member or belonging to their account, except ERASURE_KEPT_MODELS.

    Rows that merely point to the account (SET_NULL, e.g. "recorded by") stay:
    the account is anonymised, so they no longer name anyone. A ManyToMany
    from a shared row (e.g. a meeting's attendees) loses the link, the row stays.
    A row protected by another table makes the whole erasure fail and roll
    back: better refused than half done.
    """
    for relation in personal_relations():
        if relation.model._meta.label in ERASURE_KEPT_MODELS:
            continue
        manager = relation.model._default_manager
        if relation.to_member:
            target: Any = member
        elif member.user_id is not None and relation.cascades:
            target = member.user_id
        else:
            continue
        if relation.field.many_to_many:
            # A link from a shared row (a meeting's attendees): remove the link, not the row.
            through = relation.field.remote_field.through  # type: ignore[attr-defined]
            through._default_manager.filter(**{relation.field.m2m_reverse_field_name(): target}).delete()  # type: ignore[attr-defined]
        else:
            manager.filter(**{relation.field.name: target}).delete()


@transaction.atomic
def member_erase(*, member: Member, actor: User | None, now: datetime | None = None) -> Erasure:
    """Erase the member's personal data, irreversibly, in one transaction.

    Kept (not identifying alone, needed for aggregate statistics): situation,
    phase, delegation, département, sector, created_at. Everything else about
    the person is emptied or deleted: names, email, phone, LinkedIn, free
    texts, current and target jobs, target sector, experience, preferences,
    availability, topic and target-job links; contacts, consultant notes and
    any other row about the member (``_related_rows_delete``); the account is
    deactivated and anonymised, its email addresses deleted. Consent records
    and the audit trail stay (see ``ERASURE_KEPT_MODELS``). Erasing twice does
    nothing the second time.
    """
    now = now or timezone.now()
    member = Member.objects.select_for_update().get(pk=member.pk)
    existing = Erasure.objects.filter(member=member).first()
    if existing is not None:
        return existing
    erasure = Erasure.objects.create(
        member=member,
        erased_at=now,
        erased_by=actor,
        email_fingerprint=email_fingerprint(email=member.email),
    )
    _related_rows_delete(member=member)
    # The outbox holds copies of what was sent to them (their address, their name).
    OutgoingEmail.objects.filter(to__icontains=member.email).delete()
    member.target_jobs.clear()
    member.topics_sought.clear()
    member.topics_offered.clear()
    member.first_name = ERASED_FIRST_NAME
    member.last_name = ERASED_LAST_NAME
    member.email = _erased_email()
    member.current_job = None
    member.target_sector = None
    member.experience_band = ""
    member.seeking_text = ""
    member.offering_text = ""
    member.prefers_in_person = False
    member.prefers_video = False
    member.availability = []
    member.phone = ""
    member.linkedin_url = ""
    member.save()
    user = member.user
    if user is not None:
        EmailAddress.objects.filter(user=user).delete()
        user.email = member.email
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.last_login = None
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    # Written directly: the actor may be nobody (the retention job).
    ProfileAccess.objects.create(actor=actor, member=member, action=ProfileAction.ERASE, at=now)
    return erasure


# --- Retention (members inactive for 24 months) ---

INACTIVITY_BEFORE_WARNING = timedelta(days=730)  # 24 months
GRACE_AFTER_WARNING = timedelta(days=30)


@dataclass
class RetentionSweepResult:
    cancelled: int = 0
    erased: int = 0
    warned: int = 0
    emails_purged: int = 0


# Sent emails are kept a month (to answer "did I get the email?"), then deleted.
OUTBOX_RETENTION = timedelta(days=30)


def _retention_warning_message(*, member: Member, erase_on: datetime) -> EmailMultiAlternatives:
    context = {
        "member": member,
        "erase_on": timezone.localtime(erase_on),
        "site_url": getattr(settings, "SITE_URL", ""),
    }
    with translation.override("fr"):
        subject = render_to_string("privacy/email/retention_warning_subject.txt", context).strip()
        text = render_to_string("privacy/email/retention_warning_message.txt", context)
        html = render_to_string("privacy/email/retention_warning_message.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[member.email])
    message.attach_alternative(html, "text/html")
    return message


@transaction.atomic
def _retention_warn(*, member_id: int, now: datetime) -> bool:
    member = Member.objects.select_for_update().get(pk=member_id)
    notice = RetentionNotice.objects.filter(member=member).first()
    if notice is not None and notice.cancelled_at is None:
        return False  # already warned (another worker got here first)
    if notice is None:
        notice = RetentionNotice(member=member, warned_at=now)
    notice.warned_at, notice.cancelled_at = now, None
    notice.save()
    # Same transaction as the notice: with the database task backend, either both happen or neither.
    email_enqueue(message=_retention_warning_message(member=member, erase_on=now + GRACE_AFTER_WARNING))
    return True


def retention_sweep_run(*, now: datetime | None = None) -> RetentionSweepResult:
    """Warn members inactive for 24 months, erase those still inactive 30 days after the warning.

    Idempotent and resumable: each member is handled in its own transaction,
    and every step reads the state the previous run left. A login (or, for a
    member without an account, a change of the profile) after the warning
    cancels it.
    """
    now = now or timezone.now()
    result = RetentionSweepResult()
    pending = RetentionNotice.objects.filter(cancelled_at__isnull=True, member__erasure__isnull=True).alias(
        last_active=last_activity_expression(prefix="member__")
    )
    # 1. A sign of life since the warning cancels it.
    result.cancelled = pending.filter(last_active__gt=F("warned_at")).update(cancelled_at=now)
    # 2. Still silent 30 days after the warning: erase, one member per transaction.
    due = pending.filter(warned_at__lte=now - GRACE_AFTER_WARNING, last_active__lte=F("warned_at"))
    for member_id in list(due.values_list("member_id", flat=True)):
        member = Member.objects.get(pk=member_id)
        if not member_is_erased(member=member):
            member_erase(member=member, actor=None, now=now)
            result.erased += 1
    # 3. Inactive for 24 months and not yet warned in this period: warn once.
    inactive = (
        Member.objects.filter(erasure__isnull=True)
        .exclude(pk__in=RetentionNotice.objects.filter(cancelled_at__isnull=True).values("member_id"))
        .alias(last_active=last_activity_expression())
        .filter(last_active__lte=now - INACTIVITY_BEFORE_WARNING)
    )
    for member_id in list(inactive.values_list("pk", flat=True)):
        if _retention_warn(member_id=member_id, now=now):
            result.warned += 1
    # 4. Copies of sent emails older than a month.
    result.emails_purged = outgoing_email_purge(before=now - OUTBOX_RETENTION)
    return result
