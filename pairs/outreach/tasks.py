"""Background tasks of the public side (django-tasks API)."""

from __future__ import annotations

from django_tasks import task

from .services import outreach_purge_run


@task()
def outreach_purge() -> dict[str, int]:
    """Delete expired sign-ups, old accessibility reports and spam counters (daily from cron)."""
    return outreach_purge_run().as_dict()
