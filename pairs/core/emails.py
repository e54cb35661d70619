"""Outgoing email: rendered in the request, stored in the outbox, sent by a worker.

``email_enqueue`` writes an ``OutgoingEmail`` row and its ``email_deliver``
task row in the caller's transaction (django-tasks-db stores tasks in the
database): if the caller's work is rolled back, nothing is stored and nothing
is sent. Delivery claims the
row with a conditional UPDATE, so two workers never send the same row; an SMTP
failure leaves the row pending and retries with exponential backoff.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# 1, 2, 4 … 64 minutes between attempts: a bit over two hours in all.
FIRST_RETRY_DELAY = timedelta(minutes=1)
# A row claimed longer ago than this was held by a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=15)


def _attachments_of(message: EmailMessage) -> list[dict[str, str]]:
    stored = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment  # (name, content, mimetype) tuples only
        if isinstance(content, bytes):
            content = content.decode("utf-8")
        stored.append({"filename": str(filename), "content": str(content), "mimetype": str(mimetype)})
    return stored


def email_enqueue(*, message: EmailMessage, key: str | None = None) -> OutgoingEmail | None:
    """Store the message in the outbox and queue its delivery.

    With a ``key``, a message already stored under that key is not stored
    again: the function returns None and sends nothing (idempotent reminders).
    """
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((str(c) for c, mimetype in message.alternatives if mimetype == "text/html"), "")
    email = OutgoingEmail(
        key=key,
        to=", ".join(str(address) for address in message.to),
        from_email=message.from_email or "",
        subject=str(message.subject),
        body=str(message.body),
        html=html,
        headers={str(k): str(v) for k, v in message.extra_headers.items()},
        attachments=_attachments_of(message),
    )
    if key is not None:
        try:
            with transaction.atomic():
                email.save()
        except IntegrityError:
            return None
    else:
        email.save()
    _deliver_later(email_id=email.pk)
    return email


def _deliver_later(*, email_id: int, run_after: datetime | None = None) -> None:
    from .tasks import email_deliver

    task = email_deliver
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the periodic outbox_retry_due picks it up when due
        task = task.using(run_after=run_after)
    task.enqueue(email_id=email_id)


def _message_of(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        email.subject,
        email.body,
        email.from_email or None,
        [address.strip() for address in email.to.split(",") if address.strip()],
        headers=email.headers or None,
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def outgoing_email_deliver(*, email_id: int, now: datetime | None = None) -> str:
    """Send one stored email, at most once; returns the row's new status."""
    now = now or timezone.now()
    claimable = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.PENDING)
    # The conditional UPDATE is the lock: exactly one worker gets 1 row back.
    if not claimable.update(status=OutgoingEmail.Status.SENDING, claimed_at=now):
        return OutgoingEmail.objects.filter(pk=email_id).values_list("status", flat=True).first() or "missing"
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _message_of(email).send()
    except (smtplib.SMTPException, OSError) as error:
        email.attempts += 1
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= MAX_ATTEMPTS:
            email.status = OutgoingEmail.Status.FAILED
            email.next_attempt_at = None
            logger.error("Email %s abandoned after %s attempts: %s", email.pk, email.attempts, error)
        else:
            email.status = OutgoingEmail.Status.PENDING
            email.next_attempt_at = now + FIRST_RETRY_DELAY * (2 ** (email.attempts - 1))
        email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        if email.status == OutgoingEmail.Status.PENDING:
            _deliver_later(email_id=email.pk, run_after=email.next_attempt_at)
        return email.status
    email.attempts += 1
    email.status = OutgoingEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return email.status


def outgoing_email_retry_due(*, now: datetime | None = None) -> int:
    """Queue every email whose retry time has come, and rescue rows a dead worker held.

    Safe to run as often as wanted: delivery claims each row, so a row queued
    twice is still sent once.
    """
    now = now or timezone.now()
    OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=OutgoingEmail.Status.PENDING, next_attempt_at=now)
    due = list(
        OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    for email_id in due:
        _deliver_later(email_id=email_id)
    return len(due)


def outgoing_email_purge(*, before: datetime) -> int:
    """Delete sent or abandoned emails older than ``before`` (they hold personal data)."""
    deleted, _ = OutgoingEmail.objects.filter(
        status__in=[OutgoingEmail.Status.SENT, OutgoingEmail.Status.FAILED], created_at__lt=before
    ).delete()
    return deleted
