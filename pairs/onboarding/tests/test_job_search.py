"""Job-title autocomplete: the selector, the resolver behind the forms, and the endpoint."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pairs.reference.models import RomeAppellation
from pairs.reference.selectors import appellation_search, metier_resolve
from tests.factories import RomeMetierFactory
from tests.factories_onboarding import RomeAppellationFactory
from tests.fixtures import World


@pytest.fixture
def titles(db: None) -> dict[str, RomeAppellation]:
    engineering = RomeMetierFactory(
        code="H1206", label="Management et ingénierie études, recherche et développement"
    )
    software = RomeMetierFactory(code="M1805", label="Études et développement informatique")
    consulting = RomeMetierFactory(code="M1402", label="Conseil en organisation et management d'entreprise")
    clerk = RomeMetierFactory(code="M1602", label="Opérations administratives", emploi_cadre=False)
    return {
        "ingenieur_rd": RomeAppellationFactory(
            label="Ingénieur / Ingénieure de recherche et développement",
            metier=engineering,
            is_principal=True,
        ),
        "ingenieur_etudes": RomeAppellationFactory(
            label="Ingénieur / Ingénieure d'études", metier=engineering
        ),
        "ingenieur_logiciel": RomeAppellationFactory(
            label="Ingénieur / Ingénieure logiciel", metier=software, is_principal=True
        ),
        "developpeur": RomeAppellationFactory(label="Développeur / Développeuse web", metier=software),
        "consultant": RomeAppellationFactory(
            label="Consultant / Consultante en stratégie", metier=consulting, is_principal=True
        ),
        "reingenierie": RomeAppellationFactory(label="Chargé / Chargée de réingénierie", metier=consulting),
        "agent": RomeAppellationFactory(
            label="Agent / Agente administratif d'ingénierie", metier=clerk, emploi_cadre=None
        ),
    }


def _labels(query: str, **kwargs: object) -> list[str]:
    return [title.label for title in appellation_search(query=query, **kwargs)]


def test_search_ignores_accents_and_case(titles: dict[str, RomeAppellation]) -> None:
    assert _labels("INGENIEUR logiciel") == [titles["ingenieur_logiciel"].label]
    assert _labels("développeuse") == [titles["developpeur"].label]
    assert _labels("DEVELOPPEUSE") == [titles["developpeur"].label]


def test_every_token_must_start_a_word(titles: dict[str, RomeAppellation]) -> None:
    # "genieur" is inside "ingénieur" but starts no word: nothing matches.
    assert _labels("genieur") == []
    # "ingenierie" starts a word of the clerk title, not "réingénierie".
    assert _labels("ingenierie") == [titles["agent"].label]
    assert set(_labels("ing etudes")) == {titles["ingenieur_etudes"].label}


def test_rome_code_matches_the_titles_of_its_job(titles: dict[str, RomeAppellation]) -> None:
    assert set(_labels("m1402")) == {titles["consultant"].label, titles["reingenierie"].label}
    results = list(appellation_search(query="M1805"))
    assert {title.metier_id for title in results} == {"M1805"}
    assert results[0].metier.label == "Études et développement informatique"


def test_principal_titles_first_then_shorter_labels(titles: dict[str, RomeAppellation]) -> None:
    assert _labels("ingenieur") == [
        titles["ingenieur_logiciel"].label,  # principal, shorter
        titles["ingenieur_rd"].label,  # principal, longer
        titles["ingenieur_etudes"].label,  # not principal
    ]
    assert _labels("ingenieur", limit=2) == [titles["ingenieur_logiciel"].label, titles["ingenieur_rd"].label]


def test_cadre_filter_uses_the_job_flag_when_the_title_has_none(titles: dict[str, RomeAppellation]) -> None:
    assert _labels("agent") == [titles["agent"].label]
    assert _labels("agent", cadre_only=True) == []
    assert _labels("consultant", cadre_only=True) == [titles["consultant"].label]


def test_empty_query_finds_nothing(titles: dict[str, RomeAppellation]) -> None:
    assert _labels("") == []
    assert _labels(" -/ ") == []


def test_resolve_what_people_type(titles: dict[str, RomeAppellation]) -> None:
    assert metier_resolve(text="m1402")[0].code == "M1402"
    assert metier_resolve(text="Consultant / Consultante en stratégie (M1402)")[0].code == "M1402"
    assert metier_resolve(text="consultant / consultante en strategie")[0].code == "M1402"
    assert metier_resolve(text="developpeur web")[0].code == "M1805"
    metier, candidates = metier_resolve(text="ingenieur")
    assert metier is None
    assert len(candidates) == 3
    assert metier_resolve(text="Z9999") == (None, [])
    assert metier_resolve(text="astronaute") == (None, [])


def test_endpoint_returns_listbox_options_to_htmx(world: World, titles: dict[str, RomeAppellation]) -> None:
    client = Client()
    client.force_login(world.member)
    response = client.get(
        reverse("onboarding:job_search"),
        {"q": "Ingé", "listbox": "id_current_job_listbox"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('role="option"') == 4  # three « ingénieur », one « ingénierie »
    assert 'id="id_current_job_listbox-option-1"' in html
    assert 'data-value="Ingénieur / Ingénieure logiciel (M1805)"' in html
    assert "Études et développement informatique" in html


def test_endpoint_is_a_plain_page_without_javascript(
    world: World, titles: dict[str, RomeAppellation]
) -> None:
    client = Client()
    client.force_login(world.consultant_same)
    html = client.get(reverse("onboarding:job_search"), {"q": "consultant"}).content.decode()
    assert "<h1>" in html
    assert "<caption>" in html
    assert "Consultant / Consultante en stratégie" in html
    assert "M1402" in html
    # The listbox id is echoed into element ids: anything but a plain identifier is refused.
    partial = client.get(
        reverse("onboarding:job_search"), {"q": "consultant", "listbox": '"><script>'}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<script>" not in partial
    assert 'id="metiers-option-1"' in partial


def test_endpoint_needs_a_signed_in_user(titles: dict[str, RomeAppellation]) -> None:
    response = Client().get(reverse("onboarding:job_search"), {"q": "consultant"})
    assert response.status_code == 302
