"""Retention of what imports keep: the uploaded file of an abandoned import (7 days) and the
rejected rows of an ended one (30 days) are deleted by the daily retention sweep."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pairs.imports.models import ImportJob, ImportStatus
from pairs.imports.services import (
    ABANDONED_AFTER,
    ERROR_FILE_KEPT_FOR,
    import_job_create,
    import_job_map,
    import_job_run,
    import_job_start,
    import_purge_stale,
)
from pairs.privacy.tasks import retention_sweep
from tests.factories_imports import csv_bytes, good_row, import_references_create
from tests.fixtures import World


@pytest.fixture
def refs(world: World) -> World:
    import_references_create()
    return world


def _upload(world: World, *, rows: int = 2, bad: int = 0) -> ImportJob:
    content = [good_row(n) for n in range(rows)]
    for n in range(bad):
        broken = good_row(100 + n)
        broken[2] = "pas-un-email"
        content.append(broken)
    return import_job_create(user=world.consultant_same, file_name="contacts.csv", content=csv_bytes(content))


def _age(job: ImportJob, *, status: ImportStatus, last_activity: Any) -> None:
    # updated_at is auto_now: set it with an UPDATE, as if nothing had happened since then.
    ImportJob.objects.filter(pk=job.pk).update(status=status, updated_at=last_activity)


def _finished(world: World, *, ended: Any) -> ImportJob:
    job = _upload(world, bad=1)
    job = import_job_map(job=job, mapping=job.mapping)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    job = import_job_run(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(finished_at=ended, updated_at=ended)
    job.refresh_from_db()
    assert (job.status, job.invalid) == (ImportStatus.DONE, 1)
    assert "pas-un-email" in job.error_file
    return job


def test_abandoned_imports_lose_their_file_and_recent_ones_keep_it(refs: World) -> None:
    now = timezone.now()
    long_ago = now - ABANDONED_AFTER - timedelta(hours=1)
    stale = {}
    for status in (
        ImportStatus.UPLOADED,  # never mapped
        ImportStatus.MAPPED,  # never started
        ImportStatus.FAILED,  # interrupted, never resumed
        ImportStatus.RUNNING,  # its worker died
        ImportStatus.QUEUED,  # never picked up
    ):
        job = _upload(refs)
        _age(job, status=status, last_activity=long_ago)
        stale[status] = job
    recent = _upload(refs)
    _age(recent, status=ImportStatus.MAPPED, last_activity=now - ABANDONED_AFTER + timedelta(hours=1))
    running = _upload(refs)
    _age(running, status=ImportStatus.RUNNING, last_activity=now - timedelta(seconds=5))

    result = import_purge_stale(now=now)

    assert (result.files, result.error_files) == (5, 0)
    for job in stale.values():
        job.refresh_from_db()
        assert bytes(job.file_content) == b""
        assert job.status == ImportStatus.EXPIRED
        assert job.file_purged_at == now
        assert job.total == 2  # the history stays: who imported what, when, how many rows
    for job in (recent, running):
        old_status = job.status
        job.refresh_from_db()
        assert bytes(job.file_content).startswith(b"prenom")
        assert job.file_purged_at is None
        assert job.status != ImportStatus.EXPIRED or old_status == ImportStatus.EXPIRED
    # Idempotent: the next day's sweep finds nothing more.
    assert import_purge_stale(now=now) == type(result)(files=0, error_files=0)


def test_an_expired_import_cannot_be_resumed_and_says_why(refs: World) -> None:
    job = _upload(refs)
    _age(job, status=ImportStatus.FAILED, last_activity=timezone.now() - ABANDONED_AFTER - timedelta(days=1))
    import_purge_stale()
    job.refresh_from_db()
    with pytest.raises(ValidationError, match="supprimé après 7 jours sans suite"):
        import_job_start(job=job)
    client = Client()
    client.force_login(refs.consultant_same)
    response = client.post(reverse("imports:resume", kwargs={"job_id": job.pk}), follow=True)
    page = response.content.decode()
    assert "supprimé après 7 jours sans suite : importez-le de nouveau." in page
    assert "Abandonné, fichier supprimé" in page
    # The steps before the start no longer read a file that is gone.
    assert client.get(reverse("imports:mapping", kwargs={"job_id": job.pk})).status_code == 302


def test_rejected_rows_are_deleted_30_days_after_the_import_ended(refs: World) -> None:
    now = timezone.now()
    old = _finished(refs, ended=now - ERROR_FILE_KEPT_FOR - timedelta(hours=1))
    recent = _finished(refs, ended=now - ERROR_FILE_KEPT_FOR + timedelta(hours=1))

    result = import_purge_stale(now=now)

    assert (result.files, result.error_files) == (0, 1)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.error_file == ""
    assert old.error_file_purged_at == now
    assert (old.status, old.invalid, old.created) == (ImportStatus.DONE, 1, 2)
    assert "pas-un-email" in recent.error_file
    client = Client()
    client.force_login(refs.consultant_same)
    response = client.get(reverse("imports:errors", kwargs={"job_id": old.pk}), follow=True)
    assert "Les lignes refusées ont été supprimées 30 jours après la fin de" in response.content.decode()
    response = client.get(reverse("imports:errors", kwargs={"job_id": recent.pk}))
    assert "pas-un-email" in response.content.decode("utf-8")


def test_the_daily_retention_sweep_purges_stale_imports(refs: World) -> None:
    job = _upload(refs)
    _age(
        job, status=ImportStatus.UPLOADED, last_activity=timezone.now() - ABANDONED_AFTER - timedelta(days=1)
    )
    recent = _upload(refs)
    retention_sweep.call()
    job.refresh_from_db()
    recent.refresh_from_db()
    assert (job.status, bytes(job.file_content)) == (ImportStatus.EXPIRED, b"")
    assert recent.status == ImportStatus.UPLOADED
    assert bytes(recent.file_content)
