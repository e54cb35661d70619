"""Writes for contact imports: receive a file, map its columns, run the import in chunks.

Members are written in bulk for speed, with the rules of
``pairs.members.services.member_create`` (stripped names, lower-case email,
delegation derived from the département, field validation) and consents with
the rules of ``pairs.privacy.services.consent_record`` (append-only, a row only
when the state changes, only ``statistics`` and ``rencontre_emails`` may be
recorded for someone else). Each chunk is one transaction that also moves the
job's progress forward: a crash leaves whole chunks only, and a resume starts
at ``last_committed_row``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.accounts.models import User
from pairs.contacts.models import Contact, ContactBasis
from pairs.members.models import Member
from pairs.privacy.models import ConsentKind, ConsentRecord, ConsentSource, ConsentWording
from pairs.privacy.texts import consent_wording_current

from .files import error_rows_csv
from .models import ImportFormat, ImportJob, ImportStatus
from .parsing import ImportFileError, file_format_guess, table_read
from .selectors import erased_emails_among, import_job_table, import_references_load
from .validation import (
    FIELD_KEYS,
    REQUIRED_KEYS,
    References,
    RowResult,
    duplicate_lines,
    mapping_suggest,
    row_check,
)

CHUNK_SIZE = 1000

# Retention of the files consultants upload (personal data of people who are, for most,
# not members yet): an import left unfinished and untouched this long is abandoned and its
# file deleted; the rejected rows of an ended import stay downloadable this long.
ABANDONED_AFTER = timedelta(days=7)
ERROR_FILE_KEPT_FOR = timedelta(days=30)

# File column -> consent kind recorded from the file. Recommendations and
# contact sharing are absent on purpose: only the member may grant them.
IMPORTED_CONSENTS = {
    "consentement_statistiques": ConsentKind.STATISTICS,
    "consentement_emails": ConsentKind.RENCONTRE_EMAILS,
}


def import_job_create(*, user: User, file_name: str, content: bytes) -> ImportJob:
    """Check that the file can be read and holds data rows, store it and propose a column mapping.

    Raises ValidationError on the "file" field with the reason in French.
    """
    file_format = file_format_guess(name=file_name, content=content)
    try:
        table = table_read(content=content, file_format=file_format)
    except ImportFileError as error:
        raise ValidationError({"file": [str(error)]}) from error
    suggested = mapping_suggest(headers=table.headers)
    job = ImportJob(
        created_by=user,
        consultant=getattr(user, "consultant", None),
        file_name=file_name[:255],
        file_format=ImportFormat(file_format),
        file_content=content,
        headers=table.headers,
        mapping=suggested,
        total=len(table.rows),
    )
    job.full_clean(exclude=["file_content"])
    job.save()
    return job


def import_job_map(*, job: ImportJob, mapping: dict[str, int | None]) -> ImportJob:
    """Store the consultant's choice of column for each field; errors are keyed by field."""
    errors: dict[str, list[Any]] = {}
    used: dict[int, str] = {}
    clean: dict[str, int | None] = {}
    for key in FIELD_KEYS:
        index = mapping.get(key)
        if index is not None and not 0 <= index < len(job.headers):
            errors.setdefault(key, []).append(_("Cette colonne n'existe pas dans le fichier."))
            index = None
        if index is None and key in REQUIRED_KEYS:
            errors.setdefault(key, []).append(_("Choisissez la colonne qui contient ce champ obligatoire."))
        if index is not None and index in used:
            errors.setdefault(key, []).append(
                _("La colonne « %(column)s » est déjà associée à un autre champ.")
                % {"column": job.headers[index]}
            )
        if index is not None:
            used.setdefault(index, key)
        clean[key] = index
    if errors:
        raise ValidationError(errors)
    job.mapping = clean
    job.status = ImportStatus.MAPPED
    job.save(update_fields=["mapping", "status", "updated_at"])
    return job


def import_job_start(*, job: ImportJob) -> ImportJob:
    """Queue the import (or its resumption, from the last committed chunk)."""
    from .tasks import import_job_run_task  # the task module imports this one

    if job.status == ImportStatus.EXPIRED:
        raise ValidationError(
            _(
                "Le fichier de cet import a été supprimé après %(days)d jours sans suite : importez-le de nouveau."
            )
            % {"days": ABANDONED_AFTER.days}
        )
    if job.status not in (ImportStatus.MAPPED, ImportStatus.FAILED, ImportStatus.RUNNING):
        raise ValidationError(_("Cet import ne peut pas être lancé dans son état actuel."))
    if job.status == ImportStatus.RUNNING and not job.is_stalled:
        raise ValidationError(_("Cet import est en cours : attendez qu'il se termine."))
    updated = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportStatus.QUEUED, failure="", updated_at=timezone.now()
    )
    if not updated:  # somebody else started it meanwhile
        raise ValidationError(_("Cet import a déjà été lancé."))
    transaction.on_commit(lambda: import_job_run_task.enqueue(job_id=job.pk))
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int, chunk_size: int = CHUNK_SIZE) -> ImportJob:
    """Import the rows after ``last_committed_row``, chunk by chunk; mark the job
    failed (and re-raise) when something breaks, so that it can be resumed."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportStatus.QUEUED:
            return job  # already run, or taken by another worker
        job.status = ImportStatus.RUNNING
        job.save(update_fields=["status", "updated_at"])
    try:
        table = import_job_table(job=job)
        references = import_references_load()
        duplicates = duplicate_lines(rows=table.rows, email_column=job.mapping.get("email"))
        wordings = {kind: consent_wording_current(kind=kind) for kind in IMPORTED_CONSENTS.values()}
        job.total = len(table.rows)
        for start in range(job.last_committed_row, len(table.rows), chunk_size):
            _chunk_commit(
                job=job,
                rows=table.rows[start : start + chunk_size],
                end=min(start + chunk_size, len(table.rows)),
                headers=table.headers,
                references=references,
                duplicates=duplicates,
                wordings=wordings,
            )
    except Exception as error:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            failure=f"{type(error).__name__}: {error}"[:2000],
            updated_at=timezone.now(),
        )
        raise
    job.status = ImportStatus.DONE
    job.file_content = b""  # the personal data of the file is no longer needed
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "file_content", "finished_at", "total", "updated_at"])
    return job


@transaction.atomic
def _chunk_commit(
    *,
    job: ImportJob,
    rows: list[tuple[int, list[str]]],
    end: int,
    headers: list[str],
    references: References,
    duplicates: dict[int, list[int]],
    wordings: dict[str, ConsentWording],
) -> None:
    email_column = job.mapping.get("email")
    emails = (
        {cells[email_column].strip().lower() for _line, cells in rows} if email_column is not None else set()
    )
    erased = erased_emails_among(emails=emails)
    results = [
        row_check(
            line=line,
            cells=cells,
            mapping=job.mapping,
            references=references,
            duplicates=duplicates,
            erased_emails=erased,
        )
        for line, cells in rows
    ]
    valid = [result.values for result in results if result.values is not None]
    rejected = [result for result in results if not result.is_valid]
    member_ids, created, matched = _members_write(values=valid, references=references, rejected=rejected)
    if job.consultant_id is not None:
        Contact.objects.bulk_create(
            [
                Contact(
                    consultant_id=job.consultant_id,
                    member_id=member_id,
                    added_by_id=job.created_by_id,
                    basis=ContactBasis.FILE_IMPORT,
                    basis_detail=f"{job.file_name}"[:250],
                )
                for member_id in member_ids.values()
            ],
            ignore_conflicts=True,  # already a contact of this consultant: nothing to add
        )
    _consents_write(values=valid, member_ids=member_ids, wordings=wordings)

    job.processed = end
    job.last_committed_row = end
    job.created += created
    job.updated += matched
    job.invalid += len(rejected)
    job.error_file += error_rows_csv(headers=headers, rows=rejected, with_header=not job.error_file)
    job.save(
        update_fields=[
            "processed",
            "last_committed_row",
            "created",
            "updated",
            "invalid",
            "error_file",
            "total",
            "updated_at",
        ]
    )


def _members_write(
    *, values: list[dict[str, Any]], references: References, rejected: list[RowResult]
) -> tuple[dict[str, int], int, int]:
    """Create the new members and update those not yet activated; return email -> id,
    and the counts created / already present. A row failing the model's own field
    validation joins ``rejected``."""
    existing = {
        member.email: member
        for member in Member.objects.select_for_update().filter(email__in=[v["email"] for v in values])
    }
    new: list[Member] = []
    changed: list[Member] = []
    changed_fields: set[str] = set()
    for row in list(values):
        fields = {
            "first_name": row["prenom"],
            "last_name": row["nom"],
            "situation": row["situation"],
            "phase": row["etape"],
            "departement_id": row["departement"],
            "delegation_id": references.delegation_by_departement.get(row["departement"])
            if row["departement"]
            else None,
            "current_job_id": row["metier"],
            "sector_id": row["secteur"],
            "phone": row["telephone"],
            "linkedin_url": row["linkedin"],
        }
        member = existing.get(row["email"])
        if member is None:
            member = Member(email=row["email"], **fields)
            target = new
        elif member.user_id is None:
            # Not activated yet: the file is still the source of the profile,
            # but an empty cell does not erase what is known.
            differs = {
                name: value
                for name, value in fields.items()
                if value not in (None, "") and name != "delegation_id" and getattr(member, name) != value
            }
            if "departement_id" in differs:  # the delegation follows, even to None (overseas)
                differs["delegation_id"] = fields["delegation_id"]
            if not differs:
                continue  # found again, nothing new: still a contact, counted as present
            for name, value in differs.items():
                setattr(member, name, value)
            changed_fields.update(differs)
            target = changed
        else:
            continue  # the member owns their profile since activation
        try:
            # Foreign keys were checked against the reference lookups; the
            # email's uniqueness is what the import dedupes on.
            member.clean_fields(exclude=["departement", "delegation", "current_job", "sector", "user"])
        except ValidationError as error:
            reasons = [
                f"{name} : {message}" for name, messages in error.message_dict.items() for message in messages
            ]
            rejected.append(RowResult(line=row["_line"], cells=row["_cells"], errors=reasons))
            values.remove(row)
            continue
        target.append(member)
    Member.objects.bulk_create(new, batch_size=500)
    if changed:
        # Only the columns that differ somewhere in the chunk: each column costs a CASE per row.
        for member in changed:
            member.updated_at = timezone.now()
        Member.objects.bulk_update(changed, [*sorted(changed_fields), "updated_at"], batch_size=200)
    ids = dict(Member.objects.filter(email__in=[v["email"] for v in values]).values_list("email", "pk"))
    return ids, len(new), len(values) - len(new)


def _consents_write(
    *, values: list[dict[str, Any]], member_ids: dict[str, int], wordings: dict[str, ConsentWording]
) -> None:
    """Write a consent row where the file states an answer that differs from the
    member's current one (no row yet counts as "differs"), like consent_record."""
    wanted: dict[tuple[int, str], bool] = {}
    for row in values:
        for column, kind in IMPORTED_CONSENTS.items():
            if row[column] is not None:
                wanted[(member_ids[row["email"]], kind)] = row[column]
    if not wanted:
        return
    latest: dict[tuple[int, str], bool] = {}
    for member_id, kind, granted in (
        ConsentRecord.objects.filter(
            member_id__in={m for m, _k in wanted}, kind__in=IMPORTED_CONSENTS.values()
        )
        .order_by("member_id", "kind", "-recorded_at", "-id")
        .values_list("member_id", "kind", "granted")
    ):
        latest.setdefault((member_id, kind), granted)
    now = timezone.now()
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                member_id=member_id,
                kind=kind,
                granted=granted,
                wording=wordings[kind],
                recorded_at=now,
                recorded_by=None,  # an import: nobody in front of the text (see ConsentRecord)
                source=ConsentSource.IMPORT,
            )
            for (member_id, kind), granted in wanted.items()
            if latest.get((member_id, kind)) is not granted
        ],
        batch_size=500,
    )


@dataclass(frozen=True)
class ImportPurgeResult:
    files: int  # uploaded files of abandoned imports deleted
    error_files: int  # files of rejected rows deleted


def import_purge_stale(*, now: datetime | None = None) -> ImportPurgeResult:
    """Delete what imports keep of people's data once it is no longer needed (daily, from
    the retention sweep; idempotent):

    - the uploaded file of an import that never finished (not mapped, never started,
      interrupted and not resumed, or whose worker died) and that nobody touched for
      ABANDONED_AFTER: the job is marked EXPIRED and can no longer be resumed;
    - the rejected rows (error CSV) of an import that ended ERROR_FILE_KEPT_FOR ago.

    The rows stay, with their counts, as the history of who imported what and when.
    Each purge is one UPDATE whose conditions the database checks row by row: an import
    that a worker moves forward meanwhile no longer matches and is left alone.
    """
    now = now or timezone.now()
    files = (
        ImportJob.objects.filter(updated_at__lte=now - ABANDONED_AFTER)
        .exclude(status__in=(ImportStatus.DONE, ImportStatus.EXPIRED))
        .update(
            status=ImportStatus.EXPIRED,
            file_content=b"",
            file_purged_at=now,
            finished_at=now,
            updated_at=now,
        )
    )
    error_files = (
        ImportJob.objects.filter(
            status__in=(ImportStatus.DONE, ImportStatus.EXPIRED),
            finished_at__lte=now - ERROR_FILE_KEPT_FOR,
            error_file_purged_at__isnull=True,
        )
        .exclude(error_file="")
        .update(error_file="", error_file_purged_at=now, updated_at=now)
    )
    return ImportPurgeResult(files=files, error_files=error_files)
