"""The outbox: stored before sent, sent once, retried with backoff when SMTP is down."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from pairs.core.emails import (
    FIRST_RETRY_DELAY,
    MAX_ATTEMPTS,
    email_enqueue,
    outgoing_email_deliver,
    outgoing_email_purge,
    outgoing_email_retry_due,
)
from pairs.core.models import OutgoingEmail
from tests.smtp import SmtpServer


def _message(to: str = "lea@exemple.fr") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives("Votre rencontre", "Texte", to=[to])
    message.attach_alternative("<p>Texte</p>", "text/html")
    message.attach("rencontre.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    return message


@pytest.mark.django_db
def test_an_email_goes_through_smtp_with_its_html_and_attachment(smtp_server: SmtpServer) -> None:
    stored = email_enqueue(message=_message())
    assert stored is not None
    [received] = smtp_server.to("lea@exemple.fr")
    kinds = {part.get_content_type() for part in received.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= kinds
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == (OutgoingEmail.Status.SENT, 1)


@pytest.mark.django_db
def test_the_same_key_is_stored_and_sent_once(smtp_server: SmtpServer) -> None:
    assert email_enqueue(message=_message(), key="reminder:1:2d") is not None
    assert email_enqueue(message=_message(), key="reminder:1:2d") is None
    assert len(smtp_server.to("lea@exemple.fr")) == 1
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.django_db
def test_a_sent_email_is_not_sent_again_when_delivered_twice(smtp_server: SmtpServer) -> None:
    stored = email_enqueue(message=_message())
    assert stored is not None
    assert outgoing_email_deliver(email_id=stored.pk) == OutgoingEmail.Status.SENT
    assert len(smtp_server.messages) == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends: nothing listens


@pytest.mark.django_db
def test_smtp_down_keeps_the_email_and_retries_with_backoff(settings, smtp_server: SmtpServer) -> None:
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    stored = email_enqueue(message=_message())
    assert stored is not None
    stored.refresh_from_db()
    assert stored.status == OutgoingEmail.Status.PENDING
    assert stored.attempts == 1
    assert "ConnectionRefusedError" in stored.last_error
    first_retry = stored.next_attempt_at
    assert first_retry is not None
    assert first_retry - stored.created_at >= FIRST_RETRY_DELAY - timedelta(seconds=5)

    # Not due yet: nothing happens.
    assert outgoing_email_retry_due(now=timezone.now()) == 0
    # A second failure doubles the delay (the worker counts from the moment it ran).
    assert outgoing_email_retry_due(now=first_retry) == 1
    retried_at = timezone.now()
    stored.refresh_from_db()
    assert stored.attempts == 2
    assert stored.next_attempt_at is not None
    assert stored.next_attempt_at - retried_at >= 2 * FIRST_RETRY_DELAY - timedelta(seconds=5)

    # SMTP is back: the next retry delivers it, once.
    settings.EMAIL_PORT = working_port
    assert outgoing_email_retry_due(now=stored.next_attempt_at) == 1
    stored.refresh_from_db()
    assert stored.status == OutgoingEmail.Status.SENT
    assert len(smtp_server.to("lea@exemple.fr")) == 1


@pytest.mark.django_db
def test_an_email_is_abandoned_after_the_last_attempt(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    stored = email_enqueue(message=_message())
    assert stored is not None
    for _ in range(MAX_ATTEMPTS - 1):
        stored.refresh_from_db()
        outgoing_email_retry_due(now=stored.next_attempt_at)
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == (OutgoingEmail.Status.FAILED, MAX_ATTEMPTS)


@pytest.mark.django_db
def test_a_row_held_by_a_dead_worker_is_rescued(smtp_server: SmtpServer) -> None:
    now = timezone.now()
    stuck = OutgoingEmail.objects.create(
        to="lea@exemple.fr", subject="Perdu ?", body="x", status=OutgoingEmail.Status.SENDING, claimed_at=now
    )
    assert outgoing_email_retry_due(now=now + timedelta(minutes=1)) == 0
    assert outgoing_email_retry_due(now=now + timedelta(hours=1)) == 1
    stuck.refresh_from_db()
    assert stuck.status == OutgoingEmail.Status.SENT


@pytest.mark.django_db
def test_old_sent_emails_are_purged_pending_ones_kept() -> None:
    old = timezone.now() - timedelta(days=40)
    sent = OutgoingEmail.objects.create(to="a@exemple.fr", subject="s", body="b", status="sent")
    pending = OutgoingEmail.objects.create(to="b@exemple.fr", subject="s", body="b", status="pending")
    OutgoingEmail.objects.filter(pk__in=[sent.pk, pending.pk]).update(created_at=old)
    assert outgoing_email_purge(before=timezone.now() - timedelta(days=30)) == 1
    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [pending.pk]
