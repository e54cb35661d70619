"""axe-core on the public forms in their error state (the GET pages are in tests/browser)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.fixtures import World

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def _blocking(page: Page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in BLOCKING_IMPACTS]


@pytest.mark.parametrize(
    ("route", "button"),
    [("outreach:signup", "Envoyer"), ("outreach:accessibility", "Envoyer le signalement")],
)
def test_form_errors_are_accessible(page: Page, browser_world: World, route: str, button: str) -> None:
    page.goto(reverse(route))
    assert _blocking(page) == []
    page.get_by_role("button", name=button, exact=True).click()
    summary = page.locator("#erreurs")
    expect(summary).to_be_visible()
    assert _blocking(page) == []
    # Each field in error names its message.
    first_invalid = page.locator("[aria-invalid=true]").first
    described = first_invalid.get_attribute("aria-describedby") or ""
    assert described.endswith("_errors") or "_errors" in described
    expect(page.locator(f"#{described.split()[0]}")).to_be_visible()
