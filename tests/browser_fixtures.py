"""Browser test fixtures, loaded for every test folder by the root conftest.py (one Chromium per session).

Playwright driving Debian's Chromium against pytest-django's live server.

Chromium is started once per session; every test gets a fresh context (cookies,
storage) and page. Chromium comes from the `chromium` Debian package (`make
browsers`): Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from pairs.accounts.models import User
from tests.fixtures import World

# Playwright's sync API runs an asyncio event loop in the test thread, so Django
# believes it is called from async code and refuses ORM calls. The tests are
# synchronous; the live server answers from its own thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous enough for a 2-core machine, short enough to fail fast.
TIMEOUT_MS = 15_000


def chromium_executable() -> str:
    """Debian's Chromium, or a failure that says how to install it (never a skip)."""
    found = shutil.which("chromium")
    if found:
        return found
    fallback = Path("/usr/bin/chromium")
    if fallback.exists():
        return str(fallback)
    pytest.fail(
        "Chromium introuvable (ni `chromium` dans le PATH, ni /usr/bin/chromium). "
        "Installez-le avec `make browsers` (apt-get install chromium) ; "
        "les tests navigateur ne téléchargent jamais de navigateur.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    executable = chromium_executable()
    chromium = playwright_instance.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    # A French-speaking visitor: the Accept-Language header says "fr".
    ctx = browser.new_context(base_url=live_server.url, locale="fr-FR")
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def browser_world(transactional_db: None, live_server: Any, world: World) -> World:
    """The shared test world, committed so that the live server's thread sees it.

    ``transactional_db`` is requested before ``world`` (whose ``db`` then reuses
    the transactional setup): rows are really committed, and flushed after the test.
    """
    return world


LoginAs = Callable[[User], None]


@pytest.fixture
def login_as(context: BrowserContext, live_server: Any) -> LoginAs:
    """Sign a user in by handing the browser a session made by Django's test client."""

    def sign_in(user: User) -> None:
        client = Client()
        client.force_login(user)
        session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    return sign_in
