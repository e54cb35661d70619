"""Background tasks of the dashboard (django-tasks API, run by ``db_worker``)."""

from __future__ import annotations

from django_tasks import task

from .services import insights_fill_range


@task()
def insights_fill_due() -> dict[str, object]:
    """Fill the statistics up to yesterday, resuming from the first day not settled (run hourly).

    Idempotent: each day is rewritten (DELETE + INSERT) in its own transaction,
    so a run that overlaps another, or is interrupted, never counts twice.
    """
    result = insights_fill_range()
    return {
        "days_filled": result.days_filled,
        "rows": result.rows,
        "first_day": result.first_day.isoformat() if result.first_day else None,
        "last_day": result.last_day.isoformat() if result.last_day else None,
    }
