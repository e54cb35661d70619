"""Periodic tasks: what runs when, and a tick that enqueues whatever is due.

``manage.py run_scheduler`` calls ``periodic_tasks_enqueue_due`` every few
seconds; the db_workers run the tasks. Any number of schedulers may run: the
conditional UPDATE on ``PeriodicTask`` lets one of them enqueue each run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicTask

# Task path → interval. Settings may override with PERIODIC_TASKS.
DEFAULT_PERIODIC_TASKS: dict[str, timedelta] = {
    "pairs.core.tasks.outbox_retry_due": timedelta(minutes=1),
    "pairs.meetings.tasks.reminders_send": timedelta(minutes=5),
    "pairs.meetings.tasks.attendance_close": timedelta(hours=1),
    "pairs.feedback.tasks.feedback_requests_send": timedelta(minutes=15),
    "pairs.feedback.tasks.outcome_surveys_send": timedelta(hours=6),
    "pairs.coffee.tasks.coffee_rounds_monthly": timedelta(days=1),
    "pairs.insights.tasks.insights_fill_due": timedelta(hours=1),
    "pairs.recommendations.tasks.suggestions_nightly": timedelta(days=1),
    "pairs.privacy.tasks.retention_sweep": timedelta(days=1),
    "pairs.outreach.tasks.outreach_purge": timedelta(days=1),
}


def periodic_tasks() -> dict[str, timedelta]:
    return dict(getattr(settings, "PERIODIC_TASKS", DEFAULT_PERIODIC_TASKS))


def periodic_tasks_enqueue_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue every periodic task whose time has come; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for name, interval in periodic_tasks().items():
        try:
            with transaction.atomic():
                PeriodicTask.objects.get_or_create(name=name, defaults={"next_run_at": now})
        except IntegrityError:
            pass  # another scheduler created it at the same moment
        claimed = PeriodicTask.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + interval, last_enqueued_at=now
        )
        if claimed:
            import_string(name).enqueue()
            enqueued.append(name)
    return enqueued
