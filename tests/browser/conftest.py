"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API.

Playwright's sync API runs an asyncio event loop in the main thread, which makes Django refuse
database access from that thread unless it is told that this is safe here.
"""

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def viewport():
    """The window size of ``page``; a test parametrizes it to use another one."""
    return DESKTOP


@pytest.fixture
def page(browser, viewport):
    phone = viewport["width"] < 860  # the theme's breakpoint for the phone layout
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def screenshot(page, request):
    """``screenshot("step")`` saves a full-page PNG named after the test and the step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = request.node.name.removeprefix("test_").replace("[", "-").replace("]", "")

    def take(step):
        path = SCREENSHOTS / f"{prefix}--{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo_site(transactional_db, django_db_serialized_rollback, live_server):
    """The seeded demo behind a live server; returns a function that makes absolute URLs.

    The serialized rollback restores the rows that migrations create (root page, locales,
    collections), which flushing the database after a transactional test removes.
    """
    from cms.demo import seed_demo

    from wagtail.models import Page, Locale, Collection; from django.db import connection as _c; print("DEBUG before seed", len(getattr(_c, "_test_serialized_contents", "MISSING")), Page.objects.count(), Locale.objects.count(), Collection.objects.count(), list(Page.objects.values_list("depth", "title")))
    seed_demo()
    return lambda path: f"{live_server.url}{path}"
