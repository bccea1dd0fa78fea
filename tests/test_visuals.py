import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.images.models import Image

from conference_pages.models import ArticlePage, ColumnPage, ConferenceHomePage, HomeSlide, Partner
from conference_pages.selectors import banner_for, home_visuals
from conference_pages.services import add_page

pytestmark = pytest.mark.django_db


def png(width, height, colour=(20, 60, 120)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_image(title, width=1920, height=480):
    return Image.objects.create(title=title, file=ContentFile(png(width, height), name=f"{title}.png"))


def home(conference):
    return ConferenceHomePage.objects.get(conference=conference, locale__language_code="zh-hans")


def test_column_banner_overrides_conference_banner(conference):
    zh_home = home(conference)
    zh_home.banner = make_image("conference-banner")
    zh_home.save_revision().publish()
    about = ColumnPage.objects.child_of(zh_home).get(slug="about")
    about.banner = make_image("about-banner")
    about.save_revision().publish()
    article = add_page(about, ArticlePage(title="组织机构", slug="committees", locale=about.locale))
    program = ColumnPage.objects.child_of(zh_home).get(slug="program")

    assert banner_for(article)["alt"] == "about-banner"
    assert banner_for(about)["alt"] == "about-banner"
    assert banner_for(program)["alt"] == "conference-banner"
    assert banner_for(zh_home)["srcset"].count("w, ") == 2


def test_no_banner_when_none_is_chosen(conference):
    assert banner_for(home(conference)) is None


def test_narrow_banner_is_refused_with_a_clear_message(conference):
    zh_home = home(conference)
    zh_home.banner = make_image("narrow", width=800, height=200)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        zh_home.full_clean()

    assert error.value.message_dict["banner"] == ["This image is 800 pixels wide; use one at least 1200 pixels wide."]


def test_non_image_upload_is_refused_and_nothing_saved(client, superuser):
    client.force_login(superuser)
    fake = SimpleUploadedFile("banner.png", b"<html>not an image</html>", content_type="image/png")

    response = client.post(reverse("wagtailimages:add"), {"title": "banner", "file": fake})

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not Image.objects.exists()


def test_oversized_upload_is_refused(client, superuser, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    client.force_login(superuser)
    big = SimpleUploadedFile("big.png", png(1920, 480, (1, 2, 3)) + b"\0" * 2000, content_type="image/png")

    response = client.post(reverse("wagtailimages:add"), {"title": "big", "file": big})

    assert "file" in response.context["form"].errors
    assert not Image.objects.exists()


def add_slides(zh_home, count):
    """``count`` slides numbered in their order, as the admin's inline panel saves them (each with
    its ``sort_order``), added last first so that no order can come from the order of the rows: the
    database returns rows of equal ``sort_order`` in any order."""
    image = make_image("slide", 1600, 640)
    for number in reversed(range(count)):
        zh_home.slides.add(
            HomeSlide(
                image=image, caption=f"幻灯片{number}", link_url=f"https://example.org/{number}", sort_order=number
            )
        )
    zh_home.save_revision().publish()


def test_slides_and_partners_in_order_with_renditions(conference):
    zh_home = home(conference)
    add_slides(zh_home, 3)
    zh_home.partners.add(Partner(name="复旦大学", logo=make_image("fudan", 400, 160), url="https://www.fudan.edu.cn/"))
    zh_home.save_revision().publish()

    slides, partners = home_visuals(ConferenceHomePage.objects.get(pk=zh_home.pk))

    assert [slide["caption"] for slide in slides] == ["幻灯片0", "幻灯片1", "幻灯片2"]
    assert slides[0]["url"] == "https://example.org/0"
    assert slides[0]["picture"]["width"] == 1600
    assert [partner["name"] for partner in partners] == ["复旦大学"]
    assert partners[0]["logo"]["width"] == 240


def test_slideshow_markup_is_keyboard_operable(conference):
    zh_home = home(conference)
    add_slides(zh_home, 3)
    slides, _partners = home_visuals(ConferenceHomePage.objects.get(pk=zh_home.pk))

    html = render_to_string("conference_pages/components/slideshow.html", {"slides": slides})

    assert html.count('<button type="button" class="slideshow-dot"') == 3
    assert "data-slide-prev" in html and "data-slide-next" in html and 'aria-pressed="false"' in html
    assert html.count(" hidden>") == 2
    assert "<script" not in html and "style=" not in html


def test_slide_link_needs_page_or_address_not_both(conference):
    slide = HomeSlide(
        page=home(conference),
        image=make_image("slide", 1600, 640),
        link_page=home(conference),
        link_url="https://x.example.org",
    )

    with pytest.raises(ValidationError):
        slide.clean()


@pytest.mark.parametrize("count", [5, 50])
def test_home_query_count_does_not_grow_with_slides(client, conference, count):
    add_slides(home(conference), count)
    client.get("/zh-hans/ncic2027/")

    with CaptureQueriesContext(connection) as queries:
        client.get("/zh-hans/ncic2027/")

    assert len(queries) == 6


def test_demo_home_shows_banner_slideshow_partners_and_icon_grid(client, demo_clock):
    from cms.demo import seed_demo

    seed_demo()  # once for both languages: seeding is the slow part
    for home in ConferenceHomePage.objects.filter(slug="ncic2027"):  # shown in the order they were made
        assert list(home.slides.values_list("sort_order", flat=True)) == [0, 1, 2]
        assert list(home.partners.values_list("sort_order", flat=True)) == list(range(home.partners.count()))

    for language, venue in (
        ("zh-hans", "上海国际会议中心，2027年4月16日至18日"),
        ("en", "Shanghai International Convention Center"),
    ):
        html = client.get(f"/{language}/ncic2027/").content.decode()

        assert 'class="masthead-banner"' in html, language
        assert html.count('<figure class="slide') == 3 and "data-slideshow" in html, language
        assert html.count("partners-strip") == 2, language
        assert 'class="icon-grid icon-grid-round"' in html, language
        assert venue in html, language
        assert 'class="phone-qr"' in html, language
