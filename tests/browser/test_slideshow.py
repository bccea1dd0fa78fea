"""The home page slideshow in a real browser: it plays by itself, stops while the pointer is over it
or the focus is inside it, moves with its buttons and the arrow keys, and never plays for visitors
who prefer reduced motion.

Playwright's clock stands in for the page's timers, so the tests run through the slideshow's
six-second interval without waiting for it. Run with ``pytest -m browser
tests/browser/test_slideshow.py``; screenshots land in
``tests/artifacts/screenshots/slideshow_*--<step>.png``.
"""

import re

import pytest

from tests.browser.conftest import DESKTOP, SCREENSHOTS, TIMEOUT_MS

pytestmark = pytest.mark.browser

INTERVAL_MS = 6000  # ``data-interval`` of conference_pages/components/slideshow.html


def open_home(page, demo_site):
    from playwright.sync_api import expect

    page.clock.install()
    page.goto(demo_site("/en/ncic2027/"))
    slideshow = page.locator("[data-slideshow]")
    expect(slideshow).to_have_class(re.compile(r"\bis-enhanced\b"))
    return slideshow


def expect_current(slideshow, number):
    """Slide ``number`` (from 0) is the one shown, and its dot is marked."""
    from playwright.sync_api import expect

    expect(slideshow).to_have_attribute("data-current", str(number))
    expect(slideshow.locator(".slide.is-current")).to_have_attribute("id", f"slide-{number + 1}")
    expect(slideshow.locator(".slide:visible")).to_have_count(1)
    expect(slideshow.locator(".slide:visible")).to_have_attribute("id", f"slide-{number + 1}")
    expect(slideshow.locator('[data-slide-to][aria-current="true"]')).to_have_attribute("data-slide-to", str(number))


def expect_stays(page, slideshow, number, *, intervals=3):
    """Slide ``number`` stays shown through several intervals, looked at after each of them (once
    ``clock.run_for`` returns, every timer that was due has run)."""
    for _interval in range(intervals):
        page.clock.run_for(INTERVAL_MS)
        assert slideshow.get_attribute("data-current") == str(number)


def test_slideshow_plays_by_itself_and_stops_under_the_pointer(page, demo_site, screenshot):
    slideshow = open_home(page, demo_site)
    expect_current(slideshow, 0)
    screenshot("01-first-slide")

    page.clock.run_for(INTERVAL_MS + 100)
    expect_current(slideshow, 1)
    page.clock.run_for(INTERVAL_MS)
    expect_current(slideshow, 2)
    screenshot("02-third-slide")
    page.clock.run_for(INTERVAL_MS)
    expect_current(slideshow, 0)  # round again

    # The pointer over it stops it for as long as it stays, however long that is.
    slideshow.hover()
    expect_stays(page, slideshow, 0)
    screenshot("03-stopped-under-the-pointer")

    # And it plays on once the pointer leaves.
    page.mouse.move(1, 1)
    page.clock.run_for(INTERVAL_MS + 100)
    expect_current(slideshow, 1)


def test_slideshow_moves_with_the_keyboard_and_stops_while_focused(page, demo_site, screenshot):
    from playwright.sync_api import expect

    slideshow = open_home(page, demo_site)
    previous = slideshow.locator("[data-slide-prev]")
    following = slideshow.locator("[data-slide-next]")
    pause = slideshow.locator("[data-slide-pause]")

    following.focus()
    page.keyboard.press("Enter")
    expect_current(slideshow, 1)
    page.keyboard.press("Space")
    expect_current(slideshow, 2)
    page.keyboard.press("Enter")
    expect_current(slideshow, 0)  # after the last slide, the first
    previous.focus()
    page.keyboard.press("Enter")
    expect_current(slideshow, 2)  # before the first slide, the last
    page.keyboard.press("Space")
    expect_current(slideshow, 1)
    page.keyboard.press("ArrowRight")
    expect_current(slideshow, 2)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect_current(slideshow, 0)
    slideshow.locator('[data-slide-to="1"]').focus()
    page.keyboard.press("Enter")
    expect_current(slideshow, 1)
    expect(slideshow.locator('[data-slide-to="1"]')).to_be_focused()
    screenshot("01-second-slide-by-keyboard")

    # While the focus is inside, it stays, even when the pointer passes over it and leaves.
    expect_stays(page, slideshow, 1, intervals=2)
    slideshow.hover()
    page.mouse.move(1, 1)
    expect_stays(page, slideshow, 1, intervals=2)

    # Once the focus leaves, it plays on.
    page.mouse.click(1, 1)  # away from the slideshow: the focus leaves it
    expect(slideshow.locator(":focus")).to_have_count(0)
    page.clock.run_for(INTERVAL_MS + 100)
    expect_current(slideshow, 2)

    # The pause button stops it for good, and says so.
    pause.focus()
    page.keyboard.press("Space")
    expect(pause).to_have_attribute("aria-pressed", "true")
    expect(pause).to_have_text("Play")
    page.mouse.click(1, 1)  # away from the slideshow: the focus leaves it
    expect_stays(page, slideshow, 2)
    screenshot("02-paused-with-the-button")


@pytest.fixture
def calm_page(browser):
    """A desktop page for a visitor whose system asks for reduced motion."""
    context = browser.new_context(viewport=DESKTOP, reduced_motion="reduce")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_slideshow_does_not_play_for_visitors_who_prefer_reduced_motion(calm_page, demo_site):
    from playwright.sync_api import expect

    slideshow = open_home(calm_page, demo_site)
    pause = slideshow.locator("[data-slide-pause]")
    expect(pause).to_have_attribute("aria-pressed", "true")
    expect(pause).to_have_text("Play")

    expect_stays(calm_page, slideshow, 0)

    expect_current(slideshow, 0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    calm_page.screenshot(path=str(SCREENSHOTS / "slideshow_reduced_motion--01-still.png"), full_page=True)

    # The buttons still move it, and the visitor may start it.
    slideshow.locator("[data-slide-next]").click()
    expect_current(slideshow, 1)
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "false")
    calm_page.mouse.move(1, 1)
    calm_page.mouse.click(1, 1)  # away from the slideshow: the focus leaves it
    calm_page.clock.run_for(INTERVAL_MS + 100)
    expect_current(slideshow, 2)
