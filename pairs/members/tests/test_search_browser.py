"""The member list in a browser: after htmx swaps the results, the new count is announced and
the focus lands where a keyboard or screen-reader user expects it (RGAA 7.1, 7.5)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pairs.members.models import Situation
from pairs.reference.models import Departement
from tests.browser_fixtures import LoginAs
from tests.factories import MemberFactory
from tests.fixtures import World

pytestmark = pytest.mark.browser


def test_paging_moves_the_focus_to_the_results_and_filtering_keeps_it_in_the_form(
    page: Page, browser_world: World, login_as: LoginAs
) -> None:
    paris = Departement.objects.get(code="75")
    for i in range(55):
        MemberFactory(
            last_name=f"Pagine{i:02d}",
            departement=paris,
            delegation=browser_world.home,
            situation=Situation.GRADUATE,
        )
    login_as(browser_world.consultant_same)
    page.goto("/membres/")
    count = page.locator("#member-count")
    expect(count).to_have_text(re.compile(r"^\s*56 membres trouvés\s*$"))

    page.get_by_role("link", name="Page suivante").click()
    expect(page.locator("table tbody")).to_contain_text("Pagine54")
    # The clicked link is gone with the old page: the focus goes to the results heading.
    expect(page.locator("#member-results-title")).to_be_focused()
    expect(page).to_have_url(re.compile(r"page=2"))

    situation = page.get_by_label("Situation", exact=True)
    situation.focus()
    situation.select_option(Situation.JOB_SEEKER)
    # The live region stays in the page (a screen reader announces its new text) and the
    # focus stays on the filter the user is setting.
    expect(count).to_have_text(re.compile(r"^\s*1 membre trouvé\s*$"))
    expect(count).to_have_attribute("role", "status")
    expect(page.locator("#member-count")).to_have_count(1)
    expect(situation).to_be_focused()
