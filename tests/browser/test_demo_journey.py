"""A visitor's journey through the bilingual demo conference site, in a real browser.

Run with ``pytest -m browser``; screenshots of each step land in ``tests/artifacts/screenshots/``.
"""

import re

import pytest

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

NAME_ZH = "第十届全国智能计算学术会议"
NAME_EN = "The 10th National Conference on Intelligent Computing"


def url_is(path):
    """A pattern for ``expect(page).to_have_url`` matching exactly ``path`` on the live server."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}$")


def menu_item(page, title):
    """The top-level entry of the main menu whose link reads ``title``."""
    link = page.locator("a.menu-link").filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
    return page.locator("#site-menu > li.menu-item").filter(has=link)


def test_desktop_visitor_switches_language_and_uses_the_drop_down_menu(page, demo_site, screenshot):
    from playwright.sync_api import expect

    title = page.locator("h1.page-title")
    switcher = page.locator("nav.language-switcher")

    # The Chinese home page of the conference.
    page.goto(demo_site("/zh-hans/ncic2027/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(title).to_have_text(NAME_ZH)
    expect(page.locator(".masthead .brand-name")).to_have_text(NAME_ZH)
    expect(switcher.locator('a[hreflang="zh-hans"]')).to_have_attribute("aria-current", "true")
    expect(menu_item(page, "会议简介")).to_be_visible()
    expect(page.locator("nav.site-nav button.nav-toggle")).to_be_hidden()
    screenshot("01-home-zh")

    # The language switcher leads to the same page in English.
    switcher.locator('a[hreflang="en"]').click()
    expect(page).to_have_url(url_is("/en/ncic2027/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(title).to_have_text(NAME_EN)
    expect(switcher.locator('a[hreflang="en"]')).to_have_attribute("aria-current", "true")
    expect(page.locator("p.notice")).to_have_count(0)
    screenshot("02-home-en")

    about = menu_item(page, "About")
    submenu = about.locator("ul.submenu")
    toggle = about.locator("button.submenu-toggle[data-submenu-toggle]")
    committees = submenu.get_by_role("link", name="Committees", exact=True)

    # The drop-down opens while the pointer rests on the entry and closes when it leaves.
    page.mouse.move(1, 1)
    expect(submenu).to_be_hidden()
    about.locator("a.menu-link").hover()
    expect(submenu).to_be_visible()
    expect(committees).to_be_visible()
    expect(submenu.get_by_role("link", name="Past Conferences", exact=True)).to_be_visible()
    screenshot("03-about-submenu-hover")
    page.mouse.move(1, 1)
    expect(submenu).to_be_hidden()

    # With the keyboard: the toggle button opens it and says so.
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(submenu).to_have_class(re.compile(r"\bis-open\b"))
    expect(submenu).to_be_visible()
    # Tabbing from the toggle reaches the entries of the open drop-down.
    page.keyboard.press("Tab")
    expect(committees).to_be_focused()
    screenshot("04-about-submenu-keyboard")

    committees.click()
    expect(page).to_have_url(url_is("/en/ncic2027/about/committees/"))
    expect(title).to_have_text("Committees")
    expect(page.locator("main")).to_contain_text("General chairs")
    expect(menu_item(page, "About")).to_have_class(re.compile(r"\bis-active\b"))
    expect(page.locator("p.notice")).to_have_count(0)
    screenshot("05-committees-en")

    # Back to Chinese: the switcher keeps the visitor on the same page.
    switcher.locator('a[hreflang="zh-hans"]').click()
    expect(page).to_have_url(url_is("/zh-hans/ncic2027/about/committees/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(title).to_have_text("组织机构")
    expect(page.locator("main")).to_contain_text("大会主席")
    expect(menu_item(page, "会议简介")).to_have_class(re.compile(r"\bis-active\b"))
    expect(page.locator("p.notice")).to_have_count(0)
    screenshot("06-committees-zh")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_phone_visitor_opens_the_menu_and_a_submenu(page, demo_site, screenshot):
    from playwright.sync_api import expect

    page.goto(demo_site("/en/ncic2027/"))
    expect(page.locator("h1.page-title")).to_have_text(NAME_EN)
    menu = page.locator("ul#site-menu")
    nav_toggle = page.locator("nav.site-nav button.nav-toggle[data-nav-toggle]")
    expect(menu).to_be_hidden()
    expect(nav_toggle).to_be_visible()
    expect(nav_toggle).to_have_text(re.compile(r"Menu"))
    expect(nav_toggle).to_have_attribute("aria-expanded", "false")
    # Nothing sticks out sideways on a narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("01-home-menu-closed")

    nav_toggle.tap()
    expect(nav_toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_have_class(re.compile(r"\bis-open\b"))
    expect(menu).to_be_visible()
    about = menu_item(page, "About")
    expect(about).to_be_visible()
    submenu = about.locator("ul.submenu")
    expect(submenu).to_be_hidden()
    screenshot("02-menu-open")

    toggle = about.locator("button.submenu-toggle[data-submenu-toggle]")
    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(submenu).to_be_visible()
    committees = submenu.get_by_role("link", name="Committees", exact=True)
    expect(committees).to_be_visible()
    screenshot("03-about-submenu-open")

    committees.tap()
    expect(page).to_have_url(url_is("/en/ncic2027/about/committees/"))
    expect(page.locator("h1.page-title")).to_have_text("Committees")
    expect(menu).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("04-committees")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_phone_keyboard_user_opens_a_submenu(page, demo_site, screenshot):
    """Below the breakpoint, focus inside a menu entry must not hide the drop-down it opened."""
    from playwright.sync_api import expect

    page.goto(demo_site("/en/ncic2027/"))
    page.locator("nav.site-nav button.nav-toggle").focus()
    page.keyboard.press("Enter")
    expect(page.locator("ul#site-menu")).to_be_visible()
    about = menu_item(page, "About")
    submenu = about.locator("ul.submenu")
    toggle = about.locator("button.submenu-toggle")
    toggle.focus()
    expect(submenu).to_be_hidden()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(submenu).to_be_visible()
    page.keyboard.press("Tab")
    committees = submenu.get_by_role("link", name="Committees", exact=True)
    expect(committees).to_be_focused()
    screenshot("01-about-submenu-keyboard")

    page.keyboard.press("Enter")
    expect(page).to_have_url(url_is("/en/ncic2027/about/committees/"))
    expect(page.locator("h1.page-title")).to_have_text("Committees")
