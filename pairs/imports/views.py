from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs.core.access import STAFF, access

from .files import template_csv, template_xlsx
from .forms import MappingForm, UploadForm
from .models import ImportJob, ImportStatus
from .selectors import import_job_list_visible_to, import_preview
from .services import ERROR_FILE_KEPT_FOR, import_job_create, import_job_map, import_job_start
from .validation import FIELDS

_BEFORE_START = (ImportStatus.UPLOADED, ImportStatus.MAPPED)


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    # Another consultant's import is not found rather than forbidden: its existence is private.
    return get_object_or_404(import_job_list_visible_to(viewer=request.user), pk=job_id)  # type: ignore[arg-type]


@access(STAFF)
@require_http_methods(["GET", "POST"])
def import_home(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(user=request.user, file_name=upload.name, content=upload.read())  # type: ignore[arg-type]
        except ValidationError as error:
            for message in error.message_dict.get("file", error.messages):
                form.add_error("file", message)
        else:
            return redirect("imports:mapping", job_id=job.pk)
    jobs = import_job_list_visible_to(viewer=request.user)[:20]  # type: ignore[arg-type]
    has_consultant = getattr(request.user, "consultant", None) is not None
    return render(
        request,
        "imports/import_home.html",
        {"form": form, "jobs": jobs, "fields": FIELDS, "has_consultant": has_consultant},
    )


@access(STAFF)
@require_GET
def template_csv_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-import-contacts.csv"'
    return response


@access(STAFF)
@require_GET
def template_xlsx_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="modele-import-contacts.xlsx"'
    return response


@access(STAFF)
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if job.status not in _BEFORE_START:
        return redirect("imports:progress", job_id=job.pk)
    initial = {key: index for key, index in job.mapping.items() if index is not None}
    form = MappingForm(request.POST or None, headers=job.headers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            import_job_map(job=job, mapping=form.mapping())
        except ValidationError as error:
            for key, messages_ in error.message_dict.items():
                for message in messages_:
                    form.add_error(key, message)
        else:
            return redirect("imports:preview", job_id=job.pk)
    return render(request, "imports/import_mapping.html", {"job": job, "form": form})


@access(STAFF)
@require_http_methods(["GET", "POST"])
def import_preview_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if job.status == ImportStatus.UPLOADED:
        return redirect("imports:mapping", job_id=job.pk)
    if job.status != ImportStatus.MAPPED:
        return redirect("imports:progress", job_id=job.pk)
    if request.method == "POST":
        try:
            import_job_start(job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("imports:progress", job_id=job.pk)
    preview = import_preview(job=job)
    labels = {spec.key: spec.label for spec in FIELDS}
    columns = [(labels[key], index) for key, index in job.mapping.items() if index is not None]
    rows = [
        {"line": row.line, "cells": [row.cells[index] for _label, index in columns], "errors": row.errors}
        for row in preview.rows
    ]
    return render(
        request,
        "imports/import_preview.html",
        {"job": job, "preview": preview, "columns": [label for label, _index in columns], "rows": rows},
    )


@access(STAFF)
@require_GET
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if job.status in _BEFORE_START:
        return redirect("imports:mapping", job_id=job.pk)
    context = {"job": job}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "imports/import_progress.html#progress", context)
    return render(request, "imports/import_progress.html", context)


@access(STAFF)
@require_POST
def import_resume(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    try:
        import_job_start(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("L'import reprend à la ligne de données n° %(n)d.") % {"n": job.last_committed_row + 1}
        )
    return redirect("imports:progress", job_id=job.pk)


@access(STAFF)
@require_GET
def import_errors_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if not job.invalid:
        raise Http404
    if job.error_file_purged_at is not None:
        messages.info(
            request,
            _("Les lignes refusées ont été supprimées %(days)d jours après la fin de l'import.")
            % {"days": ERROR_FILE_KEPT_FOR.days},
        )
        return redirect("imports:progress", job_id=job.pk)
    response = HttpResponse(
        ("\ufeff" + job.error_file).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="erreurs-import-{job.pk}.csv"'
    return response
