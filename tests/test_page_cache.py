import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from conference_pages.models import ColumnPage, ConferenceHomePage
from conference_pages.services import add_page, translate_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


def home(conference, language="zh-hans"):
    return ConferenceHomePage.objects.get(conference=conference, locale__language_code=language)


@pytest.mark.smoke
def test_cached_page_runs_no_sql(client, conference):
    first = client.get("/zh-hans/ncic2027/")

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/zh-hans/ncic2027/")

    assert first["X-Flock-Cache"] == "miss"
    assert second["X-Flock-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content


def test_publishing_shows_at_once_in_both_languages(client, conference):
    client.get("/zh-hans/ncic2027/")
    client.get("/en/ncic2027/")
    zh_home = home(conference)
    column = add_page(zh_home, ColumnPage(title="最新栏目", slug="latest", locale=zh_home.locale))
    translate_page(column, Locale.objects.get(language_code="en"), title="Latest column")

    assert "最新栏目" in client.get("/zh-hans/ncic2027/").content.decode()
    assert "Latest column" in client.get("/en/ncic2027/").content.decode()


@pytest.mark.parametrize("change", ["unpublish", "delete", "move"])
def test_unpublish_delete_and_move_show_at_once(client, conference, change):
    zh_home = home(conference)
    contact = ColumnPage.objects.child_of(zh_home).get(slug="contact")
    assert client.get("/zh-hans/ncic2027/contact/").status_code == 200
    assert "联系我们" in client.get("/zh-hans/ncic2027/").content.decode()

    if change == "unpublish":
        contact.unpublish()
    elif change == "delete":
        contact.delete()
    else:
        contact.move(ColumnPage.objects.child_of(zh_home).get(slug="about"), pos="last-child")

    response = client.get("/zh-hans/ncic2027/contact/")
    if change == "move":  # Wagtail leaves a redirect from the old address
        assert (response.status_code, response["Location"]) == (301, "/zh-hans/ncic2027/about/contact/")
    else:
        assert response.status_code == 404


def test_signed_in_visitors_are_not_served_cached_pages(client, conference, user_factory):
    client.get("/zh-hans/ncic2027/")
    client.force_login(user_factory())

    response = client.get("/zh-hans/ncic2027/")

    assert "X-Flock-Cache" not in response


def test_not_found_pages_are_not_cached(client, conference):
    client.get("/zh-hans/ncic2027/missing/")

    response = client.get("/zh-hans/ncic2027/missing/")

    assert response.status_code == 404
    assert "X-Flock-Cache" not in response


def test_conference_change_shows_at_once(client, conference):
    client.get("/en/ncic2027/")
    conference.name_en = "Renamed Conference"
    conference.save()

    assert "Renamed Conference" in client.get("/en/ncic2027/").content.decode()
