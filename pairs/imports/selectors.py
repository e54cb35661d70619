"""Reads for contact imports: the jobs a viewer may see, the reference lookups, the preview."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from pairs.accounts.models import Role, User
from pairs.network.models import Delegation
from pairs.privacy.models import Erasure
from pairs.privacy.selectors import email_fingerprint
from pairs.reference.models import Departement, NafDivision, RomeAppellation, RomeMetier
from pairs_engine.text import fold

from .models import ImportJob
from .parsing import Table, table_read
from .validation import References, RowResult, duplicate_lines, row_check

PREVIEW_ROWS = 20


def import_job_list_visible_to(*, viewer: User) -> QuerySet[ImportJob]:
    """A consultant sees their own imports; a lead also those of their delegation;
    the national team and administration see all."""
    jobs = ImportJob.objects.select_related("created_by").defer("file_content", "error_file")
    if viewer.role in (Role.NATIONAL, Role.ADMIN):
        return jobs
    if viewer.role == Role.DELEGATION_LEAD and getattr(viewer, "consultant", None) is not None:
        return jobs.filter(
            Q(created_by=viewer) | Q(consultant__delegation_id=viewer.consultant.delegation_id)
        )
    return jobs.filter(created_by=viewer)


def import_references_load() -> References:
    """Every lookup the row checks need, in a handful of queries."""
    departements: dict[str, str] = {}
    delegation_by_departement: dict[str, int | None] = {}
    for code, label in Departement.objects.values_list("code", "label"):
        departements[code] = code
        departements.setdefault(fold(label), code)
        delegation_by_departement[code] = None
    # Same rule as network.selectors.delegation_for_departement: the delegation
    # covering the département's region (the first in the default order if several).
    for delegation_id, departement_code in Delegation.objects.filter(
        regions__departements__isnull=False
    ).values_list("pk", "regions__departements__code"):
        if delegation_by_departement.get(departement_code) is None:
            delegation_by_departement[departement_code] = delegation_id
    titles: dict[str, str] = {}
    labels: dict[str, str] = {}
    for code, label in RomeMetier.objects.values_list("code", "label"):
        titles[fold(label)] = code
        labels[fold(label)] = label
    for search_text, label, code in RomeAppellation.objects.values_list("search_text", "label", "metier_id"):
        folded = search_text or fold(label)
        titles.setdefault(folded, code)
        labels.setdefault(folded, label)
    return References(
        departements=departements,
        delegation_by_departement=delegation_by_departement,
        naf_divisions=set(NafDivision.objects.values_list("code", flat=True)),
        rome_codes=set(titles.values()) | set(RomeMetier.objects.values_list("code", flat=True)),
        titles=titles,
        title_labels=labels,
    )


def erased_emails_among(*, emails: Iterable[str]) -> set[str]:
    """The emails of people who asked to be erased: an import must not re-create
    them (they come back by signing up themselves, with a fresh consent).

    Same test as ``privacy.selectors.erased_email_fingerprint_exists``, batched:
    one query per 500 emails instead of one per email.
    """
    by_fingerprint = {email_fingerprint(email=email): email for email in emails if email}
    fingerprints = list(by_fingerprint)
    erased: set[str] = set()
    for start in range(0, len(fingerprints), 500):
        found = Erasure.objects.filter(email_fingerprint__in=fingerprints[start : start + 500])
        erased.update(by_fingerprint[fp] for fp in found.values_list("email_fingerprint", flat=True))
    return erased


def import_job_table(*, job: ImportJob) -> Table:
    return table_read(content=bytes(job.file_content), file_format=job.file_format)


@dataclass
class ImportPreview:
    rows: list[RowResult]
    total: int
    valid: int
    invalid: int


def import_preview(*, job: ImportJob, limit: int = PREVIEW_ROWS) -> ImportPreview:
    """The first rows with their status, and the totals of the whole file."""
    table = import_job_table(job=job)
    references = import_references_load()
    email_column = job.mapping.get("email")
    duplicates = duplicate_lines(rows=table.rows, email_column=email_column)
    erased = erased_emails_among(
        emails={cells[email_column].strip().lower() for _line, cells in table.rows}
        if email_column is not None
        else set()
    )
    shown: list[RowResult] = []
    valid = 0
    for line, cells in table.rows:
        result = row_check(
            line=line,
            cells=cells,
            mapping=job.mapping,
            references=references,
            duplicates=duplicates,
            erased_emails=erased,
        )
        valid += result.is_valid
        if len(shown) < limit:
            shown.append(result)
    return ImportPreview(rows=shown, total=len(table.rows), valid=valid, invalid=len(table.rows) - valid)
