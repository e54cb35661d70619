"""Periodic tasks are enqueued once per period, however many schedulers tick."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pairs.core.scheduling import periodic_tasks_enqueue_due

TASKS = {"pairs.core.tasks.outbox_retry_due": timedelta(minutes=1)}


@pytest.mark.django_db
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, PERIODIC_TASKS=TASKS)
def test_a_periodic_task_is_enqueued_once_per_period() -> None:
    now = timezone.now()
    assert periodic_tasks_enqueue_due(now=now) == ["pairs.core.tasks.outbox_retry_due"]
    # A second scheduler ticking at the same time, or the same one a bit later: nothing.
    assert periodic_tasks_enqueue_due(now=now) == []
    assert periodic_tasks_enqueue_due(now=now + timedelta(seconds=30)) == []
    assert periodic_tasks_enqueue_due(now=now + timedelta(minutes=1)) == ["pairs.core.tasks.outbox_retry_due"]
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
@override_settings(PERIODIC_TASKS=TASKS)
def test_the_scheduler_command_runs_once(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("run_scheduler", once=True)
    assert "outbox_retry_due" in capsys.readouterr().out
