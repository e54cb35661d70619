"""Background tasks shared by every app (django-tasks API, run by `db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def email_deliver(*, email_id: int) -> str:
    """Send one email of the outbox; runs in a worker so a slow SMTP server never slows a page."""
    from .emails import outgoing_email_deliver

    return outgoing_email_deliver(email_id=email_id)


@task()
def outbox_retry_due() -> int:
    """Queue the emails whose retry time has come (run periodically)."""
    from .emails import outgoing_email_retry_due

    return outgoing_email_retry_due()
