"""Every site layout in a real browser, at desktop and phone width: the menu opens with the
pointer (or the Menu button) and with the keyboard, the language switcher leads to the other
language and the site search finds pages.

Run with ``pytest -m browser tests/browser/test_layouts.py``; each layout's screenshots land in
``tests/artifacts/screenshots/visitor_uses_every_layout-<width>--<layout>-<step>.png``.
"""

import re
from itertools import cycle

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from themes.registry import COLOUR_STYLES, THEMES

pytestmark = pytest.mark.browser

# Each layout is shown in another colour style, so that the screenshots cover all of them.
COLOURS = dict(zip(THEMES, cycle(COLOUR_STYLES), strict=False))


def use_layout(layout):
    from django.core.cache import cache

    from cms.models import Conference

    Conference.objects.filter(slug="ncic2027").update(theme=layout, colour_style=COLOURS[layout])
    cache.clear()


def url_is(path):
    return re.compile(rf"^https?://[^/]+{re.escape(path)}$")


def assert_fits_the_window(page, viewport):
    """Nothing sticks out sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_visitor_uses_every_layout(page, viewport, demo_site, screenshot):
    # One test per width walks through the nine layouts: the demo is seeded once for all of them.
    for layout in THEMES:
        try:
            visit(page, viewport, layout, demo_site, lambda step, layout=layout: screenshot(f"{layout}-{step}"))
        except AssertionError as error:
            raise AssertionError(f"layout {layout}: {error}") from error


def visit(page, viewport, layout, demo_site, screenshot):
    from playwright.sync_api import expect

    phone = viewport is PHONE
    use_layout(layout)

    page.goto(demo_site("/en/ncic2027/"))
    expect(page.locator("body")).to_have_class(re.compile(rf"\btheme-{layout} colour-{COLOURS[layout]}\b"))
    expect(page.locator("h1.page-title")).to_have_count(1)
    assert_fits_the_window(page, viewport)
    screenshot("01-home-en")

    # The menu: behind the Menu button on a phone, in view on a desktop.
    menu = page.locator("#site-menu")
    nav_toggle = page.locator("button[data-nav-toggle]")
    toggle = menu.locator("button[data-submenu-toggle]").first
    submenu = page.locator(f"#{toggle.get_attribute('aria-controls')}")
    first_entry = submenu.get_by_role("link").first
    if phone:
        expect(menu).to_be_hidden()
        nav_toggle.tap()
        expect(nav_toggle).to_have_attribute("aria-expanded", "true")
        expect(menu).to_be_visible()
        toggle.tap()
    else:
        expect(nav_toggle).to_be_hidden()
        expect(menu).to_be_visible()
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(first_entry).to_be_visible()
    screenshot("02-submenu-open")
    toggle.click()
    page.mouse.click(1, 1)  # away from the menu, so that it loses the focus and the pointer
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(submenu).to_be_hidden()

    # With the keyboard: the toggle opens the submenu, and Tab reaches its first page.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(submenu).to_have_class(re.compile(r"\bis-open\b"))
    expect(first_entry).to_be_visible()
    page.keyboard.press("Tab")
    expect(first_entry).to_be_focused()

    # The language switcher leads to the Chinese home page.
    page.locator('nav.language-switcher a[hreflang="zh-hans"]').click()
    expect(page).to_have_url(url_is("/zh-hans/ncic2027/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator('nav.language-switcher a[hreflang="zh-hans"]')).to_have_attribute("aria-current", "true")
    assert_fits_the_window(page, viewport)
    screenshot("03-home-zh")

    # The search box finds pages.
    search = page.locator("input[name=q]").first
    search.fill("智能")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/zh-hans/_search/ncic2027/\?q="))
    expect(page.locator("h1.page-title")).to_be_visible()
    expect(page.locator(".search-result").first).to_be_visible()
    assert_fits_the_window(page, viewport)
    screenshot("04-search")

    # A page inside a section.
    page.goto(demo_site("/zh-hans/ncic2027/about/committees/"))
    expect(page.locator("h1.page-title")).to_have_text("组织机构")
    assert_fits_the_window(page, viewport)
    screenshot("05-committees")
