"""What the dashboard shows: tables built from the selectors, with small numbers suppressed.

Every chart is drawn from one of these tables, so the page, its charts and its
exports (CSV, XLSX) show the same numbers. Small-number suppression: a count
of people between 1 and 4 is shown as "< 5", left out of the charts and of
every rate or mean computed from it; a mean needs at least 5 answers.
Rencontre-level counts (rencontres held, connections as pairs) identify
nobody and are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairs.meetings.models import Format
from pairs.members.models import Phase, Situation
from pairs.network.models import Delegation

from .models import UNSPLIT, Metric
from .selectors import (
    Counts,
    StatFilters,
    TopicRow,
    stats_by,
    stats_totals,
    topics_top,
)

SMALL_NUMBER = 5
SUPPRESSED_TEXT = "< 5"


def _int_text(value: int) -> str:
    """Grouped thousands in the current language (a faster number_format for hundreds of cells)."""
    return f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


def _decimal_text(value: float) -> str:
    return f"{value:.1f}".replace(".", get_format("DECIMAL_SEPARATOR"))


@dataclass(frozen=True)
class Cell:
    value: float | int | None  # None: suppressed or not computable (left out of charts)
    text: str
    suppressed: bool = False

    @property
    def is_number(self) -> bool:
        return self.value is not None


EMPTY = Cell(None, "—")


def count_cell(value: int, *, people: bool = True) -> Cell:
    if people and 0 < value < SMALL_NUMBER:
        return Cell(None, SUPPRESSED_TEXT, suppressed=True)
    return Cell(value, _int_text(value))


def _hidden(value: int) -> bool:
    return 0 < value < SMALL_NUMBER


def mean_cell(total: int, answers: int) -> Cell:
    if answers < SMALL_NUMBER:
        return Cell(None, SUPPRESSED_TEXT if answers else "—", suppressed=bool(answers))
    mean = round(total / answers, 1)
    return Cell(mean, _decimal_text(mean))


def rate_cell(part: int, whole: int, *, part_people: bool = True, whole_people: bool = True) -> Cell:
    """A percentage; suppressed when either side is a small number of people."""
    if (part_people and _hidden(part)) or (whole_people and _hidden(whole)):
        return Cell(None, SUPPRESSED_TEXT, suppressed=True)
    if not whole:
        return EMPTY
    rate = round(100 * part / whole)
    return Cell(rate, f"{_int_text(rate)}\u00a0%")


def nps_cell(counts: Counts) -> Cell:
    promoters = counts.get(Metric.NPS_PROMOTERS, 0)
    detractors = counts.get(Metric.NPS_DETRACTORS, 0)
    answers = promoters + detractors + counts.get(Metric.NPS_PASSIVES, 0)
    if answers < SMALL_NUMBER:
        return Cell(None, SUPPRESSED_TEXT if answers else "—", suppressed=bool(answers))
    score = round(100 * (promoters - detractors) / answers)
    return Cell(score, _int_text(score))


@dataclass
class Table:
    key: str  # the export's name
    title: str  # caption
    columns: list[str]  # the first one heads the row labels
    rows: list[tuple[str, list[Cell]]]
    summary: str  # one sentence that says what the chart shows
    chart: dict[str, Any] | None = None  # Chart.js data, suppressed values as null
    note: str = ""
    numeric_columns: list[int] = field(default_factory=list)

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.key}"

    @property
    def has_suppressed(self) -> bool:
        return any(cell.suppressed for _label, cells in self.rows for cell in cells)


def _chart(
    kind: str, labels: list[str], series: list[tuple[str, list[Cell]]], **options: Any
) -> dict[str, Any]:
    return {
        "type": kind,
        "labels": labels,
        "datasets": [{"label": name, "data": [cell.value for cell in cells]} for name, cells in series],
        **options,
    }


def _n(value: int) -> str:
    return _int_text(value)


FUNNEL_STAGES: tuple[tuple[str, Any], ...] = (
    (Metric.INVITATIONS, gettext_lazy("Invitations envoyées")),
    (Metric.REGISTRATIONS, gettext_lazy("Inscriptions")),
    (Metric.ATTENDED, gettext_lazy("Présences")),
    (Metric.FEEDBACK, gettext_lazy("Avis donnés")),
    (Metric.CONNECTED_MEMBERS, gettext_lazy("Participant·es mis·es en relation")),
    (Metric.OUTCOME3_ANSWERED, gettext_lazy("Enquêtes à 3 mois répondues")),
    (Metric.OUTCOME6_ANSWERED, gettext_lazy("Enquêtes à 6 mois répondues")),
)


def funnel_table(totals: Counts) -> Table:
    rows = []
    previous: int | None = None
    for metric, label in FUNNEL_STAGES:
        value = totals.get(metric, 0)
        share = EMPTY if previous is None else rate_cell(value, previous)
        rows.append((str(label), [count_cell(value), share]))
        previous = value
    summary = _(
        "Sur la période : %(invited)s invitations, %(registered)s inscriptions, %(attended)s présences, "
        "%(feedback)s avis, %(connected)s participant·es mis·es en relation et %(outcomes)s enquêtes à 3 mois "
        "répondues, pour %(held)s rencontres tenues."
    ) % {
        "invited": rows[0][1][0].text,
        "registered": rows[1][1][0].text,
        "attended": rows[2][1][0].text,
        "feedback": rows[3][1][0].text,
        "connected": rows[4][1][0].text,
        "outcomes": rows[5][1][0].text,
        "held": _n(totals.get(Metric.RENCONTRES_HELD, 0)),
    }
    return Table(
        key="parcours",
        title=_("Le parcours, de l'invitation au résultat"),
        columns=[_("Étape"), _("Nombre"), _("Part de l'étape précédente")],
        rows=rows,
        summary=summary,
        chart=_chart(
            "bar",
            [label for label, _cells in rows],
            [(_("Nombre"), [cells[0] for _l, cells in rows])],
            horizontal=True,
        ),
        note=_(
            "Les inscriptions comptent aussi les personnes venues d'elles-mêmes, sans invitation : "
            "elles peuvent dépasser les invitations."
        ),
        numeric_columns=[1, 2],
    )


def _indicator_rows(counts: Counts) -> list[tuple[str, Cell]]:
    return [
        (_("Rencontres tenues"), count_cell(counts.get(Metric.RENCONTRES_HELD, 0), people=False)),
        (_("Invitations envoyées"), count_cell(counts.get(Metric.INVITATIONS, 0))),
        (_("Inscriptions"), count_cell(counts.get(Metric.REGISTRATIONS, 0))),
        (_("Présences"), count_cell(counts.get(Metric.ATTENDED, 0))),
        (
            _("Taux de présence des inscrit·es"),
            rate_cell(
                counts.get(Metric.ATTENDED, 0) - counts.get(Metric.WALK_INS, 0),
                counts.get(Metric.REGISTRATIONS, 0),
            ),
        ),
        (_("Absences d'inscrit·es"), count_cell(counts.get(Metric.NO_SHOWS, 0))),
        (_("Avis donnés"), count_cell(counts.get(Metric.FEEDBACK, 0))),
        (
            _("Satisfaction moyenne (sur 5)"),
            mean_cell(counts.get(Metric.SATISFACTION_SUM, 0), counts.get(Metric.FEEDBACK, 0)),
        ),
        (
            _("Utilité moyenne (sur 5)"),
            mean_cell(counts.get(Metric.USEFULNESS_SUM, 0), counts.get(Metric.FEEDBACK, 0)),
        ),
        (_("NPS (de -100 à 100)"), nps_cell(counts)),
        (_("Mises en relation (paires)"), count_cell(counts.get(Metric.CONNECTIONS, 0), people=False)),
        (_("Participant·es mis·es en relation"), count_cell(counts.get(Metric.CONNECTED_MEMBERS, 0))),
        (_("Enquêtes à 3 mois répondues"), count_cell(counts.get(Metric.OUTCOME3_ANSWERED, 0))),
        (_("Enquêtes à 6 mois répondues"), count_cell(counts.get(Metric.OUTCOME6_ANSWERED, 0))),
        (_("Sorties positives à 6 mois (poste, formation, création)"), count_cell(_positive(counts, 6))),
    ]


def _positive(counts: Counts, wave: int) -> int:
    return sum(counts.get(f"outcome{wave}_{result}", 0) for result in ("new_job", "training", "company"))


def side_by_side_table(*, key: str, title: str, sides: list[tuple[str, Counts]], summary: str) -> Table:
    """Indicators in rows, one column per group (experiment vs others, or one per wave)."""
    columns = [_("Indicateur"), *[name for name, _counts in sides]]
    per_side = [_indicator_rows(counts) for _name, counts in sides]
    rows = (
        [(label, [side[i][1] for side in per_side]) for i, (label, _cell) in enumerate(per_side[0])]
        if sides
        else []
    )
    chart_rows = [row for row in rows if row[0] in {_("Inscriptions"), _("Présences"), _("Avis donnés")}]
    return Table(
        key=key,
        title=title,
        columns=columns,
        rows=rows,
        summary=summary,
        chart=_chart(
            "bar",
            [label for label, _cells in chart_rows],
            [(name, [cells[i] for _label, cells in chart_rows]) for i, (name, _c) in enumerate(sides)],
        ),
        numeric_columns=list(range(1, len(columns))),
    )


def experiment_table(split: dict[bool, Counts]) -> Table:
    inside, outside = split.get(True, {}), split.get(False, {})
    summary = _(
        "Délégations de l'expérimentation : %(a_in)s présences pour %(h_in)s rencontres ; autres délégations : "
        "%(a_out)s présences pour %(h_out)s rencontres."
    ) % {
        "a_in": count_cell(inside.get(Metric.ATTENDED, 0)).text,
        "h_in": _n(inside.get(Metric.RENCONTRES_HELD, 0)),
        "a_out": count_cell(outside.get(Metric.ATTENDED, 0)).text,
        "h_out": _n(outside.get(Metric.RENCONTRES_HELD, 0)),
    }
    return side_by_side_table(
        key="experimentation",
        title=_("Délégations de l'expérimentation et autres délégations, côte à côte"),
        sides=[(_("Dans l'expérimentation"), inside), (_("Hors expérimentation"), outside)],
        summary=summary,
    )


def _month_label(month: date) -> str:
    return date_format(month, "F Y").capitalize()


def series_table(rows_by_month: dict[Any, Counts], *, months: list[date]) -> Table:
    rows = []
    for month in months:
        counts = rows_by_month.get(month, {})
        rows.append(
            (
                _month_label(month),
                [
                    count_cell(counts.get(Metric.RENCONTRES_HELD, 0), people=False),
                    count_cell(counts.get(Metric.REGISTRATIONS, 0)),
                    count_cell(counts.get(Metric.ATTENDED, 0)),
                    count_cell(counts.get(Metric.FEEDBACK, 0)),
                    mean_cell(counts.get(Metric.SATISFACTION_SUM, 0), counts.get(Metric.FEEDBACK, 0)),
                ],
            )
        )
    busiest = max(rows, key=lambda row: row[1][2].value or 0, default=None)
    summary = (
        _(
            "Évolution mois par mois sur %(n)s mois ; le mois le plus fréquenté est %(month)s (%(attended)s présences)."
        )
        % {"n": len(rows), "month": busiest[0], "attended": busiest[1][2].text}
        if busiest and busiest[1][2].value
        else _("Aucune présence enregistrée sur la période.")
    )
    return Table(
        key="evolution",
        title=_("Évolution par mois"),
        columns=[
            _("Mois"),
            _("Rencontres tenues"),
            _("Inscriptions"),
            _("Présences"),
            _("Avis donnés"),
            _("Satisfaction moyenne (sur 5)"),
        ],
        rows=rows,
        summary=summary,
        chart=_chart(
            "line",
            [label for label, _cells in rows],
            [
                (_("Rencontres tenues"), [cells[0] for _l, cells in rows]),
                (_("Inscriptions"), [cells[1] for _l, cells in rows]),
                (_("Présences"), [cells[2] for _l, cells in rows]),
            ],
        ),
        numeric_columns=[1, 2, 3, 4, 5],
    )


def _breakdown_rows(counts: Counts, *, with_rencontres: bool) -> list[Cell]:
    cells = []
    if with_rencontres:
        cells.append(count_cell(counts.get(Metric.RENCONTRES_HELD, 0), people=False))
    registrations = counts.get(Metric.REGISTRATIONS, 0)
    attended = counts.get(Metric.ATTENDED, 0)
    cells += [
        count_cell(registrations),
        count_cell(attended),
        rate_cell(attended - counts.get(Metric.WALK_INS, 0), registrations),
        count_cell(counts.get(Metric.FEEDBACK, 0)),
        mean_cell(counts.get(Metric.SATISFACTION_SUM, 0), counts.get(Metric.FEEDBACK, 0)),
        nps_cell(counts),
        count_cell(counts.get(Metric.CONNECTED_MEMBERS, 0)),
        count_cell(_positive(counts, 6)),
    ]
    return cells


def breakdown_table(
    *,
    key: str,
    title: str,
    dimension_label: str,
    labelled: list[tuple[str, Counts]],
    with_rencontres: bool,
    note: str = "",
) -> Table:
    columns = [dimension_label]
    if with_rencontres:
        columns.append(_("Rencontres tenues"))
    columns += [
        _("Inscriptions"),
        _("Présences"),
        _("Taux de présence des inscrit·es"),
        _("Avis donnés"),
        _("Satisfaction moyenne (sur 5)"),
        _("NPS"),
        _("Participant·es mis·es en relation"),
        _("Sorties positives à 6 mois"),
    ]
    rows = [(label, _breakdown_rows(counts, with_rencontres=with_rencontres)) for label, counts in labelled]
    attended_at = 2 if with_rencontres else 1
    shown = [(label, cells[attended_at]) for label, cells in rows]
    best = max(shown, key=lambda item: item[1].value or 0, default=None)
    summary = (
        _("Présences par %(dimension)s : la plus forte est « %(label)s » (%(value)s).")
        % {"dimension": dimension_label.lower(), "label": best[0], "value": best[1].text}
        if best and best[1].value
        else _("Aucune présence à répartir sur la période.")
    )
    return Table(
        key=key,
        title=title,
        columns=columns,
        rows=rows,
        summary=summary,
        chart=_chart(
            "bar", [label for label, _cell in shown], [(_("Présences"), [cell for _l, cell in shown])]
        ),
        note=note,
        numeric_columns=list(range(1, len(columns))),
    )


def quality_table(totals: Counts) -> Table:
    feedback = totals.get(Metric.FEEDBACK, 0)
    rows = [
        (_("Avis donnés"), [count_cell(feedback)]),
        (_("Satisfaction moyenne (sur 5)"), [mean_cell(totals.get(Metric.SATISFACTION_SUM, 0), feedback)]),
        (
            _("Utilité moyenne pour la transition (sur 5)"),
            [mean_cell(totals.get(Metric.USEFULNESS_SUM, 0), feedback)],
        ),
        (_("Promoteur·rices (9 ou 10)"), [count_cell(totals.get(Metric.NPS_PROMOTERS, 0))]),
        (_("Passif·ves (7 ou 8)"), [count_cell(totals.get(Metric.NPS_PASSIVES, 0))]),
        (_("Détracteur·rices (0 à 6)"), [count_cell(totals.get(Metric.NPS_DETRACTORS, 0))]),
        (_("NPS (de -100 à 100)"), [nps_cell(totals)]),
    ]
    summary = _("%(n)s avis : satisfaction moyenne %(s)s sur 5, NPS %(nps)s.") % {
        "n": rows[0][1][0].text,
        "s": rows[1][1][0].text,
        "nps": rows[6][1][0].text,
    }
    return Table(
        key="avis",
        title=_("Avis des participant·es"),
        columns=[_("Indicateur"), _("Valeur")],
        rows=rows,
        summary=summary,
        chart=_chart(
            "doughnut",
            [rows[3][0], rows[4][0], rows[5][0]],
            [(_("Répartition NPS"), [rows[3][1][0], rows[4][1][0], rows[5][1][0]])],
        ),
        numeric_columns=[1],
    )


OUTCOME_RESULTS = (
    ("new_job", gettext_lazy("Nouveau poste")),
    ("training", gettext_lazy("Formation")),
    ("company", gettext_lazy("Création ou reprise d'entreprise")),
    ("searching", gettext_lazy("Toujours en recherche")),
    ("other", gettext_lazy("Autre")),
)


def outcomes_table(totals: Counts) -> Table:
    rows = [
        (_("Enquêtes répondues"), [count_cell(totals.get(f"outcome{wave}_answered", 0)) for wave in (3, 6)])
    ]
    for result, label in OUTCOME_RESULTS:
        rows.append((str(label), [count_cell(totals.get(f"outcome{wave}_{result}", 0)) for wave in (3, 6)]))
    rows.append(
        (
            _("Part de sorties positives"),
            [rate_cell(_positive(totals, wave), totals.get(f"outcome{wave}_answered", 0)) for wave in (3, 6)],
        )
    )
    summary = _(
        "À 6 mois, %(n)s enquêtes répondues, dont %(share)s de sorties positives (poste, formation, création)."
    ) % {
        "n": rows[0][1][1].text,
        "share": rows[-1][1][1].text,
    }
    result_rows = rows[1:-1]
    return Table(
        key="resultats",
        title=_("Où en sont les participant·es à 3 et 6 mois"),
        columns=[_("Résultat"), _("À 3 mois"), _("À 6 mois")],
        rows=rows,
        summary=summary,
        chart=_chart(
            "bar",
            [label for label, _c in result_rows],
            [
                (_("À 3 mois"), [cells[0] for _l, cells in result_rows]),
                (_("À 6 mois"), [cells[1] for _l, cells in result_rows]),
            ],
        ),
        note=_("Rattachées à la première rencontre de chaque personne."),
        numeric_columns=[1, 2],
    )


def topics_table(topics: list[TopicRow]) -> Table:
    rows = [(t.label, [count_cell(t.rencontres, people=False), count_cell(t.attended)]) for t in topics]
    summary = (
        _("La thématique la plus suivie est « %(label)s » (%(n)s présences).")
        % {"label": rows[0][0], "n": rows[0][1][1].text}
        if rows and topics[0].attended
        else _("Aucune thématique suivie sur la période.")
    )
    return Table(
        key="thematiques",
        title=_("Thématiques les plus suivies"),
        columns=[_("Thématique"), _("Rencontres tenues"), _("Présences")],
        rows=rows,
        summary=summary,
        chart=_chart(
            "bar",
            [label for label, _c in rows],
            [(_("Présences"), [cells[1] for _l, cells in rows])],
            horizontal=True,
        ),
        numeric_columns=[1, 2],
    )


def _months(start: date, end: date) -> list[date]:
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def dashboard_tables(*, filters: StatFilters, national: bool, only: str | None = None) -> list[Table]:
    """Every table of a dashboard page, in page order; ``only``: just the one with that key (exports)."""
    from .selectors import stats_experiment_split

    unsplit = _("Sans consentement statistique (non ventilé)")
    memo: dict[str, Counts] = {}

    def totals() -> Counts:
        if "totals" not in memo:
            memo["totals"] = stats_totals(filters=filters)
        return memo["totals"]

    def by_format() -> Table:
        rows = stats_by(filters=filters, dimension="format").rows
        return breakdown_table(
            key="formats",
            title=_("Par format de rencontre"),
            dimension_label=_("Format"),
            labelled=[(str(label), rows.get(code, {})) for code, label in Format.choices if code in rows],
            with_rencontres=True,
        )

    def by_person(dimension: str, key: str, title: str, label: str, choices: list[tuple[str, Any]]) -> Table:
        rows = stats_by(filters=filters, dimension=dimension).rows
        return breakdown_table(
            key=key,
            title=title,
            dimension_label=label,
            labelled=[(str(name), rows.get(code, {})) for code, name in choices]
            + ([(unsplit, rows[UNSPLIT])] if UNSPLIT in rows else []),
            with_rencontres=False,
        )

    delegation_memo: list[Any] = []

    def delegation_breakdown() -> Any:
        if not delegation_memo:
            delegation_memo.append(stats_by(filters=filters, dimension="delegation"))
        return delegation_memo[0]

    def by_delegation() -> Table:
        rows = delegation_breakdown().rows
        names = Delegation.objects.order_by("name").values_list("pk", "name", "in_experiment")
        return breakdown_table(
            key="delegations",
            title=_("Par délégation"),
            dimension_label=_("Délégation"),
            labelled=[
                (f"{name}{' ★' if experiment else ''}", rows.get(pk, {}))
                for pk, name, experiment in names
                if filters.delegation_ids is None or pk in filters.delegation_ids
            ],
            with_rencontres=True,
            note=_("★ : délégation de l'expérimentation."),
        )

    builders: list[tuple[str, Any]] = [("parcours", lambda: funnel_table(totals()))]
    if national and filters.delegation_ids is None:
        builders.append(
            (
                "experimentation",
                lambda: experiment_table(
                    stats_experiment_split(filters=filters, by_delegation=delegation_breakdown())
                ),
            )
        )
    builders += [
        (
            "evolution",
            lambda: series_table(
                stats_by(filters=filters, dimension="month").rows, months=_months(filters.start, filters.end)
            ),
        ),
        ("formats", by_format),
        (
            "situations",
            lambda: by_person(
                "situation", "situations", _("Par situation"), _("Situation"), Situation.choices
            ),
        ),
        (
            "etapes",
            lambda: by_person("phase", "etapes", _("Par étape de la transition"), _("Étape"), Phase.choices),
        ),
    ]
    if national and (filters.delegation_ids is None or len(filters.delegation_ids) > 1):
        builders.append(("delegations", by_delegation))
    builders += [
        ("avis", lambda: quality_table(totals())),
        ("resultats", lambda: outcomes_table(totals())),
        ("thematiques", lambda: topics_table(topics_top(filters=filters))),
    ]
    return [build() for key, build in builders if only is None or key == only]
