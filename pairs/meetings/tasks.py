"""Background tasks of the rencontres (django-tasks API, run by `db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def reminders_send() -> int:
    """Send the reminders that are due; idempotent, so running it often is safe."""
    from .services import reminders_send_due

    return reminders_send_due()


@task()
def attendance_close() -> int:
    """Rencontres that ended 12 hours ago and were checked in: the unmarked become no-shows."""
    from django.utils import timezone

    from .services_day import attendance_close_due

    return attendance_close_due(now=timezone.now())
