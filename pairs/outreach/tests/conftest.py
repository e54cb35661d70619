# The browser fixtures (Chromium, live server, committed test world) for test_browser.py.
from tests.browser.conftest import (  # noqa: F401
    browser,
    browser_world,
    context,
    page,
    playwright_instance,
)
