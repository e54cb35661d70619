"""Background tasks of the imports app."""

from __future__ import annotations

from django_tasks import task

from .services import import_job_run


@task()
def import_job_run_task(*, job_id: int) -> None:
    import_job_run(job_id=job_id)
