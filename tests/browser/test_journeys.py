"""Smoke journeys, one per role, in a real browser."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser_fixtures import LoginAs

from ..conftest import PASSWORD, World

pytestmark = pytest.mark.browser


def _in_english(french: str) -> str:
    """What the English catalogue says for a French source string (itself while untranslated)."""
    with translation.override("en"):
        return translation.gettext(french)


def test_anonymous_visitor_home_skip_link_sources_language_and_404(page: Page, browser_world: World) -> None:
    response = page.goto("/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Rencontrer des pairs qui vivent la même transition")
    expect(page.locator("header").get_by_role("link", name="Se connecter")).to_be_visible()

    # The skip link is the first thing the keyboard reaches, and it moves focus to the content.
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text("Aller au contenu")
    expect(skip_link).to_be_in_viewport()  # visible once focused
    page.keyboard.press("Enter")
    expect(page.locator("#contenu")).to_be_focused()
    assert page.url.endswith("/#contenu")

    # Data sources, from the footer: producers are credited as their licences require.
    page.locator("footer").get_by_role("link", name="Sources des données").click()
    expect(page).to_have_url(re.compile(r"/sources-des-donnees/$"))
    expect(page.locator("h1")).to_have_text("Sources des données")
    main = page.locator("main")
    expect(main).to_contain_text("France Travail")
    expect(main).to_contain_text("INSEE")

    # Switching to English with the footer form, staying on the same page.
    page.locator("#language-select").select_option("en")
    page.locator("form.language-switch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/sources-des-donnees/$"))
    expect(page.locator("h1")).to_have_text(_in_english("Sources des données"))
    expect(page.locator("#language-select")).to_have_value("en")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(_in_english("Rencontrer des pairs qui vivent la même transition"))

    # Our own 404 page, in our layout.
    page.locator("#language-select").select_option("fr")
    page.locator("form.language-switch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    response = page.goto("/cette-page-n-existe-pas/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page introuvable")
    expect(page.locator("main").get_by_role("link", name="Retour à l'accueil")).to_be_visible()


def _code_from_outbox(email: str) -> str:
    """The sign-in code allauth just emailed to ``email``.

    The live server runs in a thread of this process with the locmem backend, so
    the email it sent is in this process's ``mail.outbox``.
    """
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [email]
    assert message.subject.startswith("[Rencontres entre Pairs] ")
    found = re.search(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]+)*)\s*$", str(message.body), re.MULTILINE)
    assert found, message.body
    return found.group(1)


def _enter_emailed_code(page: Page, email: str) -> None:
    # Once the confirmation page shows, the live server has sent the email.
    expect(page).to_have_url(re.compile(r"/compte/login/code/confirm/$"))
    expect(page.locator("main")).to_contain_text(email)
    page.locator("main input[name=code]").fill(_code_from_outbox(email))
    page.locator("main").get_by_role("button", name="Confirmer").click()


def test_member_signs_in_with_password_and_sees_their_space(page: Page, browser_world: World) -> None:
    member = browser_world.member
    page.goto("/")
    page.locator("header").get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/compte/login/$"))
    expect(page.locator("h1")).to_have_text("Connexion")
    form = page.locator("main form[action$='/compte/login/']")
    form.locator("input[name=login]").fill(member.email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text(f"Bonjour {member.first_name}")
    expect(page.locator(".account-box")).to_contain_text("Membre")
    expect(page.locator("main")).to_contain_text("Où j'en suis")
    expect(page.locator("main")).to_contain_text(browser_world.home.name)

    page.locator("main").get_by_role("link", name="Voir mon profil").click()
    expect(page).to_have_url(re.compile(r"/membres/mon-profil/$"))
    expect(page.locator("h1")).to_have_text("Mon profil")
    facts = page.locator("main dl.facts").first
    expect(facts).to_contain_text(member.email)
    expect(facts).to_contain_text(str(browser_world.member_profile))
    expect(facts).to_contain_text(browser_world.home.name)
    expect(page.locator("nav.main-nav a[aria-current=page]")).to_have_text("Mon profil")

    # Signing out brings the "Se connecter" button back.
    page.locator(".account-box").get_by_role("button", name="Se déconnecter").click()
    expect(page.locator("header").get_by_role("link", name="Se connecter")).to_be_visible()


def test_member_signs_in_with_a_code_sent_by_email(page: Page, browser_world: World) -> None:
    member = browser_world.member
    mail.outbox.clear()
    page.goto("/compte/login/")
    page.locator("main a[href$='/compte/login/code/']").click()
    expect(page).to_have_url(re.compile(r"/compte/login/code/$"))
    page.locator("main input[name=email]").fill(member.email)
    page.locator("main form[method=post] button[type=submit]").click()
    _enter_emailed_code(page, member.email)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text(f"Bonjour {member.first_name}")
    expect(page.locator(".account-box")).to_contain_text(member.get_full_name())


def test_consultant_sees_members_and_their_delegation_but_not_another(
    page: Page, browser_world: World, login_as: LoginAs
) -> None:
    login_as(browser_world.consultant_same)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Espace consultant·e")
    expect(page.locator("#ma-delegation")).to_have_text(browser_world.home.name)

    page.locator("main").get_by_role("link", name="Voir les membres").click()
    expect(page).to_have_url(re.compile(r"/membres/$"))
    expect(page.locator("h1")).to_have_text("Membres")
    expect(page.locator("#member-count")).to_have_text(re.compile(r"^\s*1 membre trouvé\s*$"))
    expect(page.locator("table tbody")).to_contain_text(str(browser_world.member_profile))

    page.goto("/")
    page.locator("main").get_by_role("link", name="Voir la délégation").click()
    expect(page).to_have_url(re.compile(rf"/delegations/{browser_world.home.code}/$"))
    expect(page.locator("h1")).to_have_text(browser_world.home.name)
    expect(page.locator("main")).to_contain_text(browser_world.consultant_same.get_full_name())
    expect(page.locator("main")).to_contain_text("Paris")

    response = page.goto(f"/delegations/{browser_world.other.code}/")
    assert response is not None
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Accès refusé")
    expect(page.locator("main")).not_to_contain_text(browser_world.other.name)


def test_delegation_lead_sees_their_team(page: Page, browser_world: World, login_as: LoginAs) -> None:
    login_as(browser_world.lead_same)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Espace consultant·e")
    expect(page.locator(".account-box")).to_contain_text("Responsable de délégation")
    team = page.locator("section[aria-labelledby=equipe]")
    expect(team.locator("h2")).to_have_text("Mon équipe")
    expect(team).to_contain_text(browser_world.consultant_same.get_full_name())
    expect(team).to_contain_text(browser_world.lead_same.get_full_name())
    expect(team).not_to_contain_text(browser_world.consultant_other.get_full_name())


def test_national_team_sees_delegations_and_opens_the_admin(
    page: Page, browser_world: World, login_as: LoginAs
) -> None:
    login_as(browser_world.national)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Suivi national")
    table = page.locator("main table.data-table")
    expect(table.locator("caption")).to_have_text("Délégations régionales")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text(browser_world.home.name)
    expect(table).to_contain_text(browser_world.other.name)

    # Any delegation is open to the national team.
    table.get_by_role("link", name=browser_world.other.name).click()
    expect(page.locator("h1")).to_have_text(browser_world.other.name)

    page.locator("nav.main-nav").get_by_role("link", name="Administration").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_have_text("Rencontres entre Pairs — administration")
    expect(page.locator("#content-main")).to_contain_text("Délégations")


def test_admin_opens_the_admin_index(page: Page, browser_world: World, login_as: LoginAs) -> None:
    login_as(browser_world.admin)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Suivi national")
    response = page.goto("/admin/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("#site-name")).to_have_text("Rencontres entre Pairs — administration")
    # The superuser sees every app, accounts included.
    expect(page.locator("#content-main a[href$='/admin/accounts/user/']").first).to_have_text(
        "Utilisateur·rices"
    )
