import pytest
from django.core.cache import cache
from django.utils import translation

from cms.enums import ConferenceStatus
from cms.services.conferences import create_conference, set_conference_status
from conference_pages.services import ensure_portal
from tests.factories import ConferenceFactory, UserFactory


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


@pytest.fixture
def portal(db):
    return ensure_portal()


@pytest.fixture
def make_conference(portal):
    """Create a conference through the service, so its website is built in both locales."""

    def make(status=ConferenceStatus.PUBLISHED, **fields):
        conference = create_conference(conference=ConferenceFactory.build(**fields))
        if status != ConferenceStatus.DRAFT:
            set_conference_status(conference=conference, status=ConferenceStatus.PUBLISHED)
        if status == ConferenceStatus.ARCHIVED:
            set_conference_status(conference=conference, status=ConferenceStatus.ARCHIVED)
        conference.refresh_from_db()
        return conference

    return make


@pytest.fixture
def conference(make_conference):
    return make_conference(
        slug="ncic2027",
        acronym="NCIC 2027",
        name_zh="第十届全国智能计算学术会议",
        name_en="The 10th National Conference on Intelligent Computing",
    )


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True, email="root@example.org")
