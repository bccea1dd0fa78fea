"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API.

Playwright's sync API runs an asyncio event loop in the main thread for as long as it is started.
Django then refuses database access from that thread unless DJANGO_ALLOW_ASYNC_UNSAFE says that it
is safe here, and its connection handler hands out a connection object of the event loop's context
instead of the thread's one (see ``browser``). So the browser tests run last, after every other
test, and the variable is only set while the browser runs.
"""

import copy
import os
from pathlib import Path

import pytest

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
LOAD_LAZY_IMAGES = """async () => {
    const lazy = [...document.images].filter((image) => image.loading === "lazy");
    lazy.forEach((image) => { image.loading = "eager"; });
    await Promise.all(lazy.map((image) => image.complete ? null : new Promise((done) => {
        image.addEventListener("load", done, { once: true });
        image.addEventListener("error", done, { once: true });
    })));
}"""


def admin_login(page, url, email, password):
    """Log in to the Wagtail admin as ``email`` and land on its dashboard."""
    import re

    from playwright.sync_api import expect

    page.goto(url("/admin/login/"))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests after all others (and after pytest-django's own ordering), so that
    Playwright's event loop, which lives until the end of the session, cannot affect them."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def playwright(django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: run `make test`, which installs it"
    # Once the event loop runs, ``connections[alias]`` is a new object of the loop's context.
    # Hand it the copy of the migrated database that the test database setup took, or the
    # serialized rollback of the transactional tests has nothing to restore.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            for alias, contents in serialized.items():
                if not hasattr(connections[alias], "_test_serialized_contents"):
                    connections[alias]._test_serialized_contents = contents
            yield playwright
        finally:
            playwright.stop()


def launch(playwright, *extra_args):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra_args])


@pytest.fixture(scope="session")
def browser(playwright):
    browser = launch(playwright)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def camera_page(playwright, tmp_path):
    """``camera_page(frames)``: a page of a Chromium whose camera films ``frames`` (grey images of
    one even size, as PIL images) over and over, and that lets the page use it without asking."""
    opened = []

    def open_page(frames):
        video = tmp_path / "camera.y4m"
        width, height = frames[0].size
        with video.open("wb") as out:
            out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
            for frame in frames:
                out.write(b"FRAME\n" + frame.convert("L").tobytes() + bytes([128]) * (width * height // 2))
        browser = launch(
            playwright,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        )
        opened.append(browser)
        context = browser.new_context(viewport=DESKTOP, permissions=["camera"])
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context.new_page()

    try:
        yield open_page
    finally:
        for browser in opened:
            browser.close()


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
        page.evaluate(LOAD_LAZY_IMAGES)  # a full-page picture shows what a visitor sees on scrolling
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


class DemoSnapshot:
    """A copy of every table right after the demo was seeded, in a schema of the worker's
    PostgreSQL database, so that the demo is seeded once per worker instead of once per test.

    Restoring it empties every table that flushing empties and fills it again from the copy, in
    one transaction, and gives the mailbox the mail that seeding sent: each test starts from the
    same rows as right after ``seed_demo()``. Sequences go on counting, as they do after flushing.
    The files that seeding wrote stay where they are: a test must not change or delete them.
    """

    SCHEMA = "flock_demo_snapshot"

    def __init__(self):
        self.columns = None  # the columns to copy back (not generated ones) of each table
        self.outbox = []

    def take(self, connection):
        from django.core import mail

        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {self.SCHEMA}")
            for table in tables:
                cursor.execute(f"CREATE TABLE {self.SCHEMA}.{quote(table)} AS TABLE {quote(table)}")
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND is_generated = 'NEVER' ORDER BY ordinal_position"
            )
            rows = cursor.fetchall()
        self.columns = {table: ", ".join(quote(column) for name, column in rows if name == table) for table in tables}
        self.outbox = copy.deepcopy(mail.outbox)

    def restore(self, connection):
        from django.core import mail
        from django.db import transaction

        quote = connection.ops.quote_name
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in self.columns)}")
            for table, columns in self.columns.items():
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({columns}) SELECT {columns} FROM {self.SCHEMA}.{quote(table)}"
                )
        mail.outbox.extend(copy.deepcopy(self.outbox))


@pytest.fixture(scope="session")
def _demo_snapshot():
    return DemoSnapshot()


@pytest.fixture
def demo_site(transactional_db, django_db_serialized_rollback, live_server, _demo_snapshot, demo_clock):
    """The seeded demo behind a live server, on the demo's clock (``demo_clock``, which the live
    server's thread reads too); returns a function that makes absolute URLs.

    The serialized rollback restores the rows that migrations create (root page, locales,
    collections), which flushing the database after a transactional test removes. On PostgreSQL
    the demo is seeded by the first test of a worker and restored from its snapshot for the others.
    """
    from django.db import connection

    from cms.demo import seed_demo

    if connection.vendor != "postgresql":
        seed_demo()
    elif _demo_snapshot.columns is None:
        seed_demo()
        _demo_snapshot.take(connection)
    else:
        _demo_snapshot.restore(connection)
    return lambda path: f"{live_server.url}{path}"
