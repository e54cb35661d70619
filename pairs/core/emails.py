"""Outgoing email: rendered in the request, sent by a background task."""

from __future__ import annotations

from django.core.mail import EmailMessage, EmailMultiAlternatives

from .tasks import email_send


def email_enqueue(*, message: EmailMessage) -> None:
    """Queue a rendered message for sending by a worker.

    With the database backend the task row is written in the caller's
    transaction: if the caller's work is rolled back, no email goes out.
    """
    html = None
    if isinstance(message, EmailMultiAlternatives):
        html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), None)
    email_send.enqueue(
        subject=str(message.subject),
        body=str(message.body),
        to=[str(address) for address in message.to],
        from_email=message.from_email,
        html=str(html) if html is not None else None,
        headers={str(k): str(v) for k, v in message.extra_headers.items()} or None,
    )
