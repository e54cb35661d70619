"""Removing a member from one's contacts, in a browser: the confirmation page passes axe-core
and the removal works without JavaScript tricks (a link, then a form)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from pairs.contacts.models import Contact
from pairs.contacts.services import contact_add
from tests.browser_fixtures import LoginAs
from tests.fixtures import World

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def _blocking(page: Page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in BLOCKING_IMPACTS]


def test_remove_from_my_contacts_after_an_accessible_confirmation(
    page: Page, browser_world: World, login_as: LoginAs
) -> None:
    member = browser_world.member_profile
    consultant = browser_world.consultant_same
    contact_add(consultant=consultant.consultant, member=member, added_by=consultant, basis="event")
    login_as(consultant)
    page.goto(f"/contacts/membres/{member.pk}/")
    page.get_by_role("link", name="Retirer de mes contacts").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Retirer .* de mes contacts \?$"))
    assert _blocking(page) == []
    assert Contact.objects.filter(consultant=consultant.consultant, member=member).exists()
    page.get_by_role("button", name="Confirmer le retrait de mes contacts").click()
    expect(page.locator(".messages")).to_contain_text("retiré·e de vos contacts")
    expect(page.get_by_role("button", name="Ajouter à mes contacts")).to_be_visible()
    assert not Contact.objects.filter(consultant=consultant.consultant, member=member).exists()
