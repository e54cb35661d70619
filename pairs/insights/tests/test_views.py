"""The dashboard pages: who sees what, what they show, exports, waves."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pairs.insights.models import ExperimentWave, Metric
from pairs.insights.selectors import StatFilters, stats_totals
from pairs.insights.services import insights_fill_range
from pairs.insights.tables import SUPPRESSED_TEXT, count_cell, funnel_table, mean_cell, nps_cell
from pairs.meetings.models import Rencontre, Status
from pairs.members.models import Topic
from pairs.network.models import Consultant
from tests.fixtures import World

from .builders import History, history_build, local_at

pytestmark = pytest.mark.django_db
# The history sits in January-February 2026; the pages ask for the year 2026.
YEAR = {"periode": "annee-2026"}


@pytest.fixture
def filled(world: World) -> History:
    consultants = [
        Consultant.objects.get(user=world.consultant_same),
        Consultant.objects.get(user=world.consultant_other),
    ]
    made = history_build(
        seed=8, days=20, members=30, delegations=[world.home, world.other], consultants=consultants
    )
    insights_fill_range(start=made.first_day, until=made.last_day, now=local_at(date(2026, 11, 1), 12))
    return made


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_delegation_lead_cannot_see_another_delegations_breakdown(world: World, filled: History) -> None:
    lead = _client(world.lead_same)
    own = lead.get(reverse("insights:delegation", kwargs={"delegation_code": world.home.code}), YEAR)
    assert own.status_code == 200
    other_url = reverse("insights:delegation", kwargs={"delegation_code": world.other.code})
    assert lead.get(other_url, YEAR).status_code == 403
    export_other = reverse("insights:delegation_export", kwargs={"delegation_code": world.other.code})
    assert lead.get(export_other, {**YEAR, "tableau": "situations"}).status_code == 403
    assert lead.get(reverse("insights:national")).status_code == 403
    assert (
        _client(world.consultant_other)
        .get(reverse("insights:delegation", kwargs={"delegation_code": world.home.code}))
        .status_code
        == 403
    )
    # The national team sees every delegation, and the national page.
    national = _client(world.national)
    assert national.get(other_url, YEAR).status_code == 200
    assert national.get(reverse("insights:national"), YEAR).status_code == 200
    assert _client(world.member).get(reverse("insights:national")).status_code == 403


def test_home_sends_each_role_to_its_dashboard(world: World) -> None:
    assert _client(world.lead_same).get(reverse("insights:home"))["Location"] == reverse(
        "insights:delegation", kwargs={"delegation_code": world.home.code}
    )
    assert _client(world.national).get(reverse("insights:home"))["Location"] == reverse("insights:national")


def _chart_data(html: str, key: str) -> dict[str, object]:
    match = re.search(rf'<script id="chart-data-{key}" type="application/json">(.*?)</script>', html, re.S)
    assert match, key
    return json.loads(match.group(1))


def test_the_delegation_page_shows_the_delegations_numbers(world: World, filled: History) -> None:
    url = reverse("insights:delegation", kwargs={"delegation_code": world.home.code})
    response = _client(world.lead_same).get(url, YEAR)
    html = response.content.decode()
    totals = stats_totals(
        filters=StatFilters(start=date(2026, 1, 1), end=date(2026, 12, 31), delegation_ids=(world.home.pk,))
    )
    held = Rencontre.objects.filter(
        delegation=world.home, status=Status.PUBLISHED, starts_at__year=2026
    ).count()
    assert totals[Metric.RENCONTRES_HELD] == held
    funnel = _chart_data(html, "parcours")
    expected = [totals.get(m, 0) for m in (Metric.INVITATIONS, Metric.REGISTRATIONS, Metric.ATTENDED)]
    assert funnel["datasets"][0]["data"][:3] == [v if not 0 < v < 5 else None for v in expected]
    assert "experimentation" not in html  # the side-by-side is national only
    assert "One table of figures" not in html  # template comments never leak into the page
    assert 'canvas data-chart-source="chart-data-evolution" role="img"' in html
    # htmx asks for the results only.
    partial = _client(world.lead_same).get(url, {**YEAR, "format": "atelier"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b"chart-data-parcours" in partial.content


def test_the_national_page_compares_the_experiment_with_the_others(world: World, filled: History) -> None:
    world.home.in_experiment = True
    world.home.save()
    html = _client(world.national).get(reverse("insights:national"), YEAR).content.decode()
    assert "Dans l&#x27;expérimentation" in html or "Dans l'expérimentation" in html
    data = _chart_data(html, "experimentation")
    assert len(data["datasets"]) == 2
    assert "chart-data-delegations" in html


def test_small_numbers_are_suppressed_in_tables_and_charts() -> None:
    assert count_cell(3).text == SUPPRESSED_TEXT
    assert count_cell(3).value is None
    assert count_cell(0).value == 0
    assert count_cell(5).value == 5
    assert count_cell(2, people=False).value == 2  # rencontres held identify nobody
    assert mean_cell(12, 4).suppressed
    assert mean_cell(20, 5).value == 4.0
    assert nps_cell({Metric.NPS_PROMOTERS: 3}).suppressed
    table = funnel_table({Metric.INVITATIONS: 40, Metric.REGISTRATIONS: 4, Metric.ATTENDED: 12})
    assert table.chart is not None
    assert table.chart["datasets"][0]["data"][:3] == [40, None, 12]
    # A share computed from a hidden number is hidden too.
    assert table.rows[1][1][1].suppressed
    assert table.rows[2][1][1].suppressed


def test_exports_csv_and_xlsx_neutralise_formulas(world: World, filled: History) -> None:
    Topic.objects.filter(pk__in=Topic.objects.values("pk")[:1]).update(label="=HYPERLINK(1)")
    insights_fill_range(
        start=filled.first_day, until=filled.last_day, force=True, now=local_at(date(2026, 11, 1), 12)
    )
    national = _client(world.national)
    url = reverse("insights:national_export")
    response = national.get(url, {**YEAR, "tableau": "thematiques", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Thématique", "Rencontres tenues", "Présences"]
    labels = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(1)" in labels
    assert not any(label.startswith("=") for label in labels)
    response = national.get(url, {**YEAR, "tableau": "parcours", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert values[0] == ["Étape", "Nombre", "Part de l'étape précédente"]
    totals = stats_totals(filters=StatFilters(start=date(2026, 1, 1), end=date(2026, 12, 31)))
    assert values[1][1] == totals[Metric.INVITATIONS]  # a number, not text
    assert national.get(url, {**YEAR, "tableau": "inconnu"}).status_code == 404


def test_the_national_team_defines_waves_and_compares_them(world: World, filled: History) -> None:
    national = _client(world.national)
    response = national.post(
        reverse("insights:wave_create"),
        {
            "name": "Vague 1",
            "starts_on": "2026-01-01",
            "ends_on": "2026-01-31",
            "delegations": [world.home.pk],
        },
    )
    assert response.status_code == 302
    wave = ExperimentWave.objects.get(name="Vague 1")
    assert list(wave.delegations.all()) == [world.home]
    national.post(
        reverse("insights:wave_create"),
        {
            "name": "Vague 2",
            "starts_on": "2026-02-01",
            "ends_on": "2026-02-28",
            "delegations": [world.other.pk],
        },
    )
    bad = national.post(
        reverse("insights:wave_edit", kwargs={"wave_id": wave.pk}),
        {
            "name": "Vague 1",
            "starts_on": "2026-02-01",
            "ends_on": "2026-01-01",
            "delegations": [world.home.pk],
        },
    )
    assert bad.status_code == 200
    assert "La fin de la vague doit suivre son début." in bad.content.decode()
    html = national.get(reverse("insights:waves")).content.decode()
    assert "Vague 1" in html
    assert "Vague 2" in html
    data = _chart_data(html, "vagues")
    assert [d["label"] for d in data["datasets"]] == ["Vague 1", "Vague 2"]
    first = stats_totals(
        filters=StatFilters(start=date(2026, 1, 1), end=date(2026, 1, 31), delegation_ids=(world.home.pk,))
    )
    export = national.get(reverse("insights:waves_export"), {"tableau": "vagues", "format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    held = next(row for row in rows if row[0] == "Rencontres tenues")
    assert held[1] == str(first.get(Metric.RENCONTRES_HELD, 0))
    assert _client(world.lead_same).get(reverse("insights:waves")).status_code == 403


def test_a_consultant_sees_their_own_rencontres(world: World, filled: History) -> None:
    consultant = Consultant.objects.get(user=world.consultant_same)
    mine = Rencontre.objects.filter(organiser=consultant, status=Status.PUBLISHED).first()
    assert mine is not None
    html = _client(world.consultant_same).get(reverse("insights:own"), YEAR).content.decode()
    assert mine.title in html
    assert (
        html.count("<tr>") - 1
        == Rencontre.objects.filter(organiser=consultant, status=Status.PUBLISHED).count()
    )
    response = _client(world.consultant_same).get(
        reverse("insights:own_export"), {**YEAR, "tableau": "mes-rencontres", "format": "csv"}
    )
    assert response.status_code == 200
