"""Background tasks of the privacy app (django-tasks API)."""

from __future__ import annotations

from django_tasks import task

from pairs.imports.services import import_purge_stale

from .services import retention_sweep_run


@task()
def retention_sweep() -> dict[str, int]:
    """Warn then erase long-inactive members; safe to run as often as wanted (daily from cron)."""
    result = retention_sweep_run()
    import_purge_stale()  # abandoned import files (7 days), rejected rows of ended imports (30 days)
    return {
        "cancelled": result.cancelled,
        "erased": result.erased,
        "warned": result.warned,
        "emails_purged": result.emails_purged,
    }
