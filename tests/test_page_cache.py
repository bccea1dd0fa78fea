import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Locale

from conference_pages.models import ColumnPage, ConferenceHomePage
from conference_pages.services import add_page, translate_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


def home(conference, language="zh-hans"):
    return ConferenceHomePage.objects.get(conference=conference, locale__language_code=language)


def png(colour):
    buffer = io.BytesIO()
    PILImage.new("RGB", (1920, 480), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def banner(conference):
    """The conference's banner, shown on its home page."""
    image = Image.objects.create(title="banner", file=ContentFile(png((11, 36, 64)), name="banner.png"))
    zh_home = home(conference)
    zh_home.banner = image
    zh_home.save_revision().publish()
    return image


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


def test_replacing_an_image_file_in_the_admin_shows_its_new_rendition_at_once(client, banner, superuser):
    old_rendition = banner.get_rendition("fill-1920x480").url
    assert old_rendition in client.get("/zh-hans/ncic2027/").content.decode()
    assert client.get("/zh-hans/ncic2027/")["X-Flock-Cache"] == "hit"
    editor = Client()
    editor.force_login(superuser)

    response = editor.post(
        reverse("wagtailimages:edit", args=[banner.pk]),
        {
            "title": "banner",
            "collection": banner.collection_id,
            "file": SimpleUploadedFile("banner-2027.png", png((140, 28, 43)), content_type="image/png"),
        },
    )

    assert response.status_code == 302
    page = client.get("/zh-hans/ncic2027/")
    new_rendition = Image.objects.get(pk=banner.pk).get_rendition("fill-1920x480").url
    assert page["X-Flock-Cache"] == "miss"
    assert new_rendition.startswith("/media/images/banner-2027.")
    assert new_rendition in page.content.decode()
    assert old_rendition not in page.content.decode()


def test_deleting_an_image_removes_it_from_cached_pages_at_once(client, banner):
    rendition = banner.get_rendition("fill-1920x480").url
    assert rendition in client.get("/zh-hans/ncic2027/").content.decode()

    banner.delete()

    page = client.get("/zh-hans/ncic2027/")
    assert page["X-Flock-Cache"] == "miss"
    assert rendition not in page.content.decode()


@pytest.mark.parametrize("change", ["save", "delete"])
def test_changing_a_document_renders_cached_pages_afresh(client, conference, change):
    document = Document.objects.create(title="Call for papers", file=ContentFile(b"%PDF-1.4", name="cfp.pdf"))
    client.get("/zh-hans/ncic2027/")
    assert client.get("/zh-hans/ncic2027/")["X-Flock-Cache"] == "hit"

    if change == "save":
        document.file = ContentFile(b"%PDF-1.7", name="cfp-2027.pdf")
        document.save()
    else:
        document.delete()

    assert client.get("/zh-hans/ncic2027/")["X-Flock-Cache"] == "miss"
