"""Background tasks after the rencontre (django-tasks API, run by `db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def feedback_requests_send() -> int:
    """Email the feedback links now due; idempotent (one outbox key per registration)."""
    from .services import feedback_requests_send_due

    return feedback_requests_send_due()


@task()
def outcome_surveys_send() -> int:
    """Schedule the 3- and 6-month surveys of new attendees, then email those now due."""
    from .services import outcome_surveys_schedule, outcome_surveys_send_due

    outcome_surveys_schedule()
    return outcome_surveys_send_due()
