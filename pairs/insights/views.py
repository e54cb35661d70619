"""The experiment dashboard: national, delegation and own-rencontres pages, waves, exports.

Pages read the pre-aggregated facts (``selectors``) and show them through
``tables`` (small-number suppression, charts, summaries). A delegation page
names its delegation in the URL and is scoped by ``DELEGATION_STAFF``: a
consultant or lead of another delegation gets a 403 before the view runs.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pairs.accounts.models import DELEGATION_ROLES
from pairs.core.access import DELEGATION_STAFF, NATIONAL, STAFF, access
from pairs.core.spreadsheets import cell_neutralise
from pairs.network.models import Delegation

from .forms import DashboardFilterForm, ExperimentWaveForm, PeriodForm
from .models import ExperimentWave
from .selectors import (
    StatFilters,
    WaveSummary,
    fill_state_latest,
    own_rencontres_stats,
    wave_summaries,
    waves_list,
)
from .services import experiment_wave_save
from .tables import Cell, Table, count_cell, dashboard_tables, mean_cell, side_by_side_table

PARTIAL = "results"


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The whole page, or only the results for htmx (live filters)."""
    response = render(request, f"{template}#{PARTIAL}" if _is_htmx(request) else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@access(STAFF)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard for the viewer's role: national, or their own delegation."""
    user: Any = request.user
    if user.role in DELEGATION_ROLES:
        consultant = getattr(user, "consultant", None)
        if consultant is None:
            raise Http404
        return redirect("insights:delegation", delegation_code=consultant.delegation.code)
    return redirect("insights:national")


def _context(request: HttpRequest, *, filters: StatFilters, national: bool, form: Any) -> dict[str, Any]:
    tables = dashboard_tables(filters=filters, national=national)
    return {
        "form": form,
        "filters": filters,
        "tables": tables,
        "query": request.GET.urlencode(),
        "fill_state": fill_state_latest(),
        "any_suppressed": any(table.has_suppressed for table in tables),
    }


@access(NATIONAL)
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None, national=True)
    filters = form.stat_filters(delegation_ids=None)
    context = _context(request, filters=filters, national=True, form=form)
    context |= {"title": _("Tableau de bord national"), "export_url": reverse("insights:national_export")}
    return _render(request, "insights/dashboard.html", context)


def _delegation(delegation_code: str) -> Delegation:
    return get_object_or_404(Delegation, code=delegation_code)


@access(DELEGATION_STAFF)
@require_GET
def delegation(request: HttpRequest, delegation_code: str) -> HttpResponse:
    found = _delegation(delegation_code)
    form = DashboardFilterForm(request.GET or None, national=False)
    filters = form.stat_filters(delegation_ids=(found.pk,))
    context = _context(request, filters=filters, national=False, form=form)
    context |= {
        "title": _("Tableau de bord : %(name)s") % {"name": found.name},
        "delegation": found,
        "export_url": reverse("insights:delegation_export", kwargs={"delegation_code": found.code}),
    }
    return _render(request, "insights/dashboard.html", context)


# --- Exports ---------------------------------------------------------------------------------------


def _export_rows(table: Table) -> list[list[Any]]:
    """Header then rows; numbers stay numbers, every text is neutralised against formula injection."""
    rows: list[list[Any]] = [[cell_neutralise(str(title)) for title in table.columns]]
    for label, cells in table.rows:
        rows.append([cell_neutralise(str(label)), *[_export_value(cell) for cell in cells]])
    return rows


def _export_value(cell: Cell) -> Any:
    if cell.value is not None and not cell.suppressed:
        return cell.value
    return cell_neutralise(cell.text)


def _xlsx(table: Table, rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.key[:31]
    sheet.append([cell_neutralise(table.title)])
    sheet.append([])
    for row in rows:
        sheet.append(row)
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    sheet["A1"].font = Font(bold=True)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _wanted(request: HttpRequest) -> str:
    """The table asked for; the page's first one (the funnel) when none is named."""
    return request.GET.get("tableau", "") or "parcours"


def export_response(request: HttpRequest, tables: list[Table], *, prefix: str) -> HttpResponse:
    """One table of the page (``?tableau=key``, default: the first) as CSV (default) or XLSX (``?format=xlsx``)."""
    wanted = request.GET.get("tableau", "")
    table = next((t for t in tables if t.key == wanted), None) if wanted else (tables[0] if tables else None)
    if table is None:
        raise Http404
    rows = _export_rows(table)
    stamp = timezone.localdate().isoformat()
    name = f"{prefix}-{table.key}-{stamp}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            _xlsx(table, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            [str(value).replace(".", ",") if isinstance(value, float) else value for value in row]
        )
    # UTF-8 with BOM and ";" so that Excel opens it right.
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@access(NATIONAL)
@require_GET
def national_export(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None, national=True)
    tables = dashboard_tables(
        filters=form.stat_filters(delegation_ids=None), national=True, only=_wanted(request)
    )
    return export_response(request, tables, prefix="tableau-de-bord-national")


@access(DELEGATION_STAFF)
@require_GET
def delegation_export(request: HttpRequest, delegation_code: str) -> HttpResponse:
    found = _delegation(delegation_code)
    form = DashboardFilterForm(request.GET or None, national=False)
    tables = dashboard_tables(
        filters=form.stat_filters(delegation_ids=(found.pk,)), national=False, only=_wanted(request)
    )
    return export_response(request, tables, prefix=f"tableau-de-bord-{found.code}")


# --- A consultant's own rencontres (raw tables, small) --------------------------------------------


def _own_table(request: HttpRequest) -> tuple[PeriodForm, Table]:
    form = PeriodForm(request.GET or None)
    start, end = form.bounds()
    consultant = getattr(request.user, "consultant", None)
    stats = own_rencontres_stats(consultant=consultant, start=start, end=end) if consultant else []
    rows = []
    for row in stats:
        rencontre = row.rencontre
        label = f"{timezone.localtime(rencontre.starts_at):%d/%m/%Y} · {rencontre.title}"
        # Counts of the consultant's own participants are known to them already; marks are not, so
        # means need 5 answers like everywhere else.
        rows.append(
            (
                label,
                [
                    count_cell(row.invitations, people=False),
                    count_cell(row.registrations, people=False),
                    count_cell(row.attended, people=False),
                    count_cell(row.no_shows, people=False),
                    count_cell(row.feedback, people=False),
                    mean_cell(row.satisfaction_sum, row.feedback),
                    count_cell(row.connections, people=False),
                ],
            )
        )
    attended = sum(row.attended for row in stats)
    table = Table(
        key="mes-rencontres",
        title=_("Mes rencontres tenues sur la période"),
        columns=[
            _("Rencontre"),
            _("Invitations"),
            _("Inscriptions"),
            _("Présences"),
            _("Absences"),
            _("Avis"),
            _("Satisfaction moyenne (sur 5)"),
            _("Mises en relation"),
        ],
        rows=rows,
        summary=_("%(n)s rencontres tenues, %(attended)s présences au total.")
        % {"n": len(stats), "attended": attended},
        chart=None,
        note=_("Calculé directement sur vos rencontres (organisées ou co-organisées), sans délai."),
        numeric_columns=list(range(1, 8)),
    )
    return form, table


@access(STAFF)
@require_GET
def own(request: HttpRequest) -> HttpResponse:
    form, table = _own_table(request)
    context = {
        "form": form,
        "table": table,
        "query": request.GET.urlencode(),
        "has_consultant": getattr(request.user, "consultant", None) is not None,
    }
    return _render(request, "insights/own.html", context)


@access(STAFF)
@require_GET
def own_export(request: HttpRequest) -> HttpResponse:
    _form, table = _own_table(request)
    return export_response(request, [table], prefix="mes-rencontres")


# --- Experiment waves --------------------------------------------------------------------------------


def _waves_table(summaries: list[WaveSummary]) -> Table:
    sides = []
    for summary in summaries:
        sides.append((summary.wave.name, summary.participants))
    text = (
        _("%(n)s vagues côte à côte ; chaque colonne compte les délégations de la vague sur sa période.")
        % {"n": len(sides)}
        if sides
        else _("Aucune vague définie.")
    )
    return side_by_side_table(
        key="vagues", title=_("Les vagues de l'expérimentation, côte à côte"), sides=sides, summary=text
    )


@access(NATIONAL)
@require_GET
def waves(request: HttpRequest) -> HttpResponse:
    wave_list = list(waves_list())
    summaries = wave_summaries(waves=wave_list)
    comparisons = [
        side_by_side_table(
            key=f"vague-{summary.wave.pk}",
            title=_("%(name)s : délégations de la vague et autres délégations") % {"name": summary.wave.name},
            sides=[
                (_("Délégations de la vague"), summary.participants),
                (_("Autres délégations"), summary.others),
            ],
            summary=_("Du %(start)s au %(end)s, %(n)s délégations participantes.")
            % {
                "start": summary.wave.starts_on.strftime("%d/%m/%Y"),
                "end": summary.wave.ends_on.strftime("%d/%m/%Y"),
                "n": len(summary.delegations),
            },
        )
        for summary in summaries
    ]
    context = {
        "summaries": summaries,
        "table": _waves_table(summaries) if summaries else None,
        "comparisons": comparisons,
    }
    return render(request, "insights/waves.html", context)


@access(NATIONAL)
@require_GET
def waves_export(request: HttpRequest) -> HttpResponse:
    summaries = wave_summaries(waves=list(waves_list()))
    return export_response(request, [_waves_table(summaries)], prefix="vagues")


def _wave_form_view(request: HttpRequest, wave: ExperimentWave | None) -> HttpResponse:
    form = ExperimentWaveForm(request.POST or None, instance=wave)
    form.fields["delegations"].queryset = Delegation.objects.order_by("name")  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = experiment_wave_save(
            wave=wave,
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            delegations=data["delegations"],
            description=data.get("description", ""),
        )
        messages.success(request, _("La vague « %(name)s » est enregistrée.") % {"name": saved.name})
        return redirect("insights:waves")
    return render(request, "insights/wave_form.html", {"form": form, "wave": wave})


@access(NATIONAL)
@require_http_methods(["GET", "POST"])
def wave_create(request: HttpRequest) -> HttpResponse:
    return _wave_form_view(request, None)


@access(NATIONAL)
@require_http_methods(["GET", "POST"])
def wave_edit(request: HttpRequest, wave_id: int) -> HttpResponse:
    return _wave_form_view(request, get_object_or_404(ExperimentWave, pk=wave_id))
