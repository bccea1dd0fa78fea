import hashlib
import importlib
import importlib.metadata
import json
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from pytest_django.fixtures import validate_django_db

from cms.enums import ConferenceStatus
from cms.models import Conference
from cms.services.conferences import create_conference, set_conference_status
from conference_pages.services import ensure_portal
from tests.factories import ConferenceFactory, UserFactory

# The conference of the ``conference`` fixture.
CONFERENCE = {
    "slug": "ncic2027",
    "acronym": "NCIC 2027",
    "name_zh": "第十届全国智能计算学术会议",
    "name_en": "The 10th National Conference on Intelligent Computing",
}


def pytest_collection_modifyitems(items):
    """The tests that start from a prebuilt site run first (they are all tests in a transaction,
    which pytest-django runs first), grouped by site, so that each worker builds it once or twice
    instead of once per module."""
    # Django's own test classes open their transactions without asking: no prebuilt sites with them.
    PrebuiltSites.enabled = not any(_is_django_test_class(item) for item in items)
    items[:] = sorted(items, key=lambda item: -PrebuiltSites.level_for(item))


def _is_django_test_class(item):
    from django.test import SimpleTestCase

    test_class = getattr(item, "cls", None)
    return bool(test_class and issubclass(test_class, SimpleTestCase))


class MigratedTemplate:
    """A PostgreSQL database left just as migrating the test database leaves it, from which later
    test databases are copied: copying takes a second where migrating takes twenty. Its name holds
    a digest of what migrating depends on (``_migrations_digest``), so that a change to any of it
    leads to a new one; the first test run after the change makes it."""

    def __init__(self, connection):
        self.connection = connection
        self.prefix = f"test_{connection.settings_dict['NAME']}_template_"[:40]
        self.name = self.prefix + _migrations_digest()

    def exists(self):
        with self.connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
            return cursor.fetchone() is not None

    def save(self):
        """Copy the freshly migrated test database, and drop the templates of older migrations.
        Another worker may have saved it meanwhile: then nothing happens."""
        quote = self.connection.ops.quote_name
        source = self.connection.settings_dict["NAME"]  # the test database by now
        self.connection.close()  # a database with sessions cannot be copied
        with self.connection._nodb_cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [self.prefix + "%"])
            for (stale,) in cursor.fetchall():
                if stale.startswith(self.prefix) and stale != self.name:
                    _ignore_errors(cursor, f"DROP DATABASE IF EXISTS {quote(stale)}")
            _ignore_errors(cursor, f"CREATE DATABASE {quote(self.name)} TEMPLATE {quote(source)}")


# Settings that migrations read (Wagtail's first locale, for one).
MIGRATED_SETTINGS = ["LANGUAGE_CODE", "LANGUAGES", "WAGTAIL_CONTENT_LANGUAGES", "AUTH_USER_MODEL", "TIME_ZONE"]


def _migrations_digest():
    """A digest of the migration files of every app, of the model files of apps without migrations,
    of the installed packages' versions and of the settings that migrations read. The files are
    read, not imported: a migration may query the database on import."""
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256()
    for distribution in sorted(f"{dist.name}=={dist.version}" for dist in importlib.metadata.distributions()):
        digest.update(distribution.encode())
    digest.update(json.dumps([getattr(settings, name, None) for name in MIGRATED_SETTINGS], default=str).encode())
    for app in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(app.label)
        try:
            folders = getattr(importlib.import_module(module_name), "__path__", [])
        except ImportError:
            folders = []
        files = sorted(path for folder in folders for path in Path(folder).glob("*.py"))
        if not files:
            files = sorted({Path(sys.modules[model.__module__].__file__) for model in app.get_models()})
        for path in files:
            digest.update(f"{app.label}/{path.name}".encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _ignore_errors(cursor, sql):
    try:
        cursor.execute(sql)
    except DatabaseError:
        pass


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """On PostgreSQL, the test database is created as a copy of the migrated template when there is
    one (migrating then finds nothing left to do); returns the template."""
    if connection.vendor != "postgresql":
        return None
    with django_db_blocker.unblock():
        template = MigratedTemplate(connection)
        if template.exists():
            connection.settings_dict["TEST"]["TEMPLATE"] = template.name
    return template


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_modify_db_settings, django_db_keepdb, django_db_blocker):
    """The test database; a freshly migrated one is saved as the template for the next ones."""
    template = django_db_modify_db_settings
    if template and not django_db_keepdb and not connection.settings_dict["TEST"].get("TEMPLATE"):
        with django_db_blocker.unblock():
            template.save()


@pytest.fixture(autouse=True)
def _clear_cache():
    from commerce.webhooks import forget_webhook_settings

    cache.clear()
    forget_webhook_settings()  # the webhooks' per-process copy of payment settings
    yield
    cache.clear()
    forget_webhook_settings()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language, whatever the previous test activated."""
    translation.deactivate()
    yield
    translation.deactivate()


def build_conference(status=ConferenceStatus.PUBLISHED, **fields):
    """Create a conference through the service, so its website is built in both locales."""
    conference = create_conference(conference=ConferenceFactory.build(**fields))
    if status != ConferenceStatus.DRAFT:
        set_conference_status(conference=conference, status=ConferenceStatus.PUBLISHED)
    if status == ConferenceStatus.ARCHIVED:
        set_conference_status(conference=conference, status=ConferenceStatus.ARCHIVED)
    conference.refresh_from_db()
    return conference


class PrebuiltSites:
    """The portal, and the portal with the conference of the ``conference`` fixture, built once per
    worker instead of once per test: building a bilingual website takes a second or more, and most
    tests start from the same one.

    Each level is an open transaction (the second a savepoint in the first), so pytest-django's
    transaction of a test becomes a savepoint inside it: the test starts from the rows that the
    fixtures would have built, through the same services, and whatever it changes is rolled back.
    A test that wants no level, or a lower one, rolls the levels above back first.
    """

    NONE, PORTAL, CONFERENCE = 0, 1, 2
    enabled = True

    def __init__(self):
        self.atomics = []

    @property
    def level(self):
        return len(self.atomics)

    def enter(self, level):
        if connection.closed_in_transaction or connection.needs_rollback:
            while self.atomics:  # the last test closed the connection or broke a level: start afresh
                self._leave()
        while self.level > level:
            self._leave()
        while self.level < level:
            atomic = transaction.atomic()
            atomic._from_testcase = True  # as in Django's TestCase: a durable block may run inside
            atomic.__enter__()
            self.atomics.append(atomic)
            try:
                self._build(self.level)
            except BaseException:
                self._leave()
                raise

    def _leave(self):
        transaction.set_rollback(True)
        self.atomics.pop().__exit__(None, None, None)

    @staticmethod
    def _build(level):
        outbox = list(getattr(mail, "outbox", []))
        if level == PrebuiltSites.PORTAL:
            ensure_portal()
        else:
            build_conference(**CONFERENCE)
        # Building sends no mail today; a test must not see mail from a build it did not watch.
        assert getattr(mail, "outbox", []) == outbox, "building a prebuilt site sent mail"
        cache.clear()  # every test finds the cache as empty, whether it came after a build or not

    @classmethod
    def level_for(cls, item):
        """The level that ``item`` starts from: none for transactional tests (their data is
        committed), and none when a fixture set up before the portal uses ``settings`` or, among
        this project's fixtures, ``monkeypatch`` (it may change what is built). The conference level
        needs the ``conference`` fixture of this file to be set up right after the portal, so that
        nothing the test builds comes before it."""
        if not cls.enabled or _is_transactional(item):
            return cls.NONE
        order = _setup_order(item)
        if not _is_ours(item, "portal", order):
            return cls.NONE
        start = order.index("portal")
        if any(_may_change_the_build(item, name) for name in order[:start]):
            return cls.NONE
        if _is_ours(item, "conference", order) and order[start + 1 : order.index("conference")] == ["make_conference"]:
            return cls.CONFERENCE
        return cls.PORTAL


def _is_transactional(item):
    """Whether ``item`` runs as a ``TransactionTestCase`` (the way pytest-django decides it)."""
    marker = item.get_closest_marker("django_db")
    transaction_, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    transactional_fixtures = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return transaction_ or reset_sequences or bool(transactional_fixtures & set(item.fixturenames))


def _setup_order(item):
    """The fixtures of ``item`` in the order pytest sets them up: each after those it uses."""
    definitions = item._fixtureinfo.name2fixturedefs if hasattr(item, "_fixtureinfo") else {}
    order, visiting = [], set()

    def visit(name):
        if name in visiting or name in order or name not in definitions:
            return
        visiting.add(name)
        for argname in definitions[name][-1].argnames:
            visit(argname)
        order.append(name)

    for name in item.fixturenames:
        visit(name)
    return order


def _may_change_the_build(item, name):
    definition = item._fixtureinfo.name2fixturedefs[name][-1]
    ours = definition.func.__module__.startswith("tests.")
    return name == "settings" or (ours and "monkeypatch" in definition.argnames)


def _is_ours(item, name, order):
    """Whether ``item`` uses the fixture ``name`` of this file (not one of the same name)."""
    definitions = item._fixtureinfo.name2fixturedefs.get(name)
    return name in order and definitions[-1].func.__module__ == __name__


@pytest.fixture(scope="session")
def _prebuilt_sites(django_db_setup, django_db_blocker):
    sites = PrebuiltSites()
    yield sites
    with django_db_blocker.unblock():
        sites.enter(PrebuiltSites.NONE)


@pytest.fixture
def _prebuilt_level(request, _prebuilt_sites, django_db_blocker):
    with django_db_blocker.unblock():
        _prebuilt_sites.enter(PrebuiltSites.level_for(request.node))
    return _prebuilt_sites.level


@pytest.fixture
def _django_db_helper(_prebuilt_level, _django_db_helper):
    """pytest-django's transaction of a test, opened inside the prebuilt sites that it starts from."""
    return _django_db_helper


@pytest.fixture
def portal(db, _prebuilt_level):
    """The platform portal in both locales (prebuilt for most tests)."""
    return ensure_portal()


@pytest.fixture
def make_conference(portal):
    """Create a conference through the service, so its website is built in both locales."""
    return build_conference


@pytest.fixture
def conference(make_conference, _prebuilt_level):
    """NCIC 2027, published, with its website in both locales (prebuilt for most tests)."""
    if _prebuilt_level == PrebuiltSites.CONFERENCE:
        return Conference.objects.get(slug=CONFERENCE["slug"])
    return make_conference(**CONFERENCE)


@pytest.fixture
def demo_clock():
    """Every clock of the process (``time.time``, ``datetime.now``, so ``timezone.now`` and the
    models' default times too) as if the run had started at the moment the demo tells of
    (``cms.demo.SCENARIO_NOW``; the clocks keep running), for the tests that seed the demo and
    check its open calls, registration and hotels: they pass on any day, not only before the
    demo's deadlines. One offset for the whole run, so that time never goes back from one test to
    the next (the browser tests restore a demo seeded by an earlier test)."""
    import time_machine

    from cms.demo import SCENARIO_NOW

    offset = _DEMO_OFFSET.setdefault("offset", SCENARIO_NOW - timezone.now())
    with time_machine.travel(timezone.now() + offset, tick=True):
        yield SCENARIO_NOW


_DEMO_OFFSET = {}


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True, email="root@example.org")
