import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from conference_pages.models import ConferenceHomePage, PhoneMenu
from conference_pages.selectors import column_summaries
from conference_pages.templatetags.site_tags import qr_code_svg

pytestmark = pytest.mark.django_db


def home(conference):
    return ConferenceHomePage.objects.get(conference=conference, locale__language_code="zh-hans")


@pytest.mark.parametrize("shape", [PhoneMenu.ROUND, PhoneMenu.SQUARE])
def test_icon_grid_shows_every_column_with_its_icon(conference, shape):
    page = home(conference)
    page.phone_menu = shape

    html = render_to_string(
        "conference_pages/components/icon_grid.html", {"page": page, "column_summaries": column_summaries(page)}
    )

    assert f'class="icon-grid icon-grid-{shape}"' in html
    assert [part.split('"', 1)[0] for part in html.split("icons.svg#icon-")[1:]] == [
        "info",
        "paper",
        "registration",
        "hotel",
        "calendar",
        "contact",
    ]
    assert "会议简介" in html and "联系我们" in html


def test_organizer_can_switch_the_icon_grid_off(conference):
    page = home(conference)
    page.phone_menu = PhoneMenu.LIST

    html = render_to_string(
        "conference_pages/components/icon_grid.html", {"page": page, "column_summaries": column_summaries(page)}
    )

    assert html.strip() == ""


def test_qr_code_holds_the_page_address(conference):
    import qrcode
    import qrcode.image.svg

    request = RequestFactory().get("/zh-hans/ncic2027/about/", HTTP_HOST="testserver")

    html = render_to_string("conference_pages/components/phone_qr.html", {"page": home(conference), "request": request})

    expected = qrcode.make(
        "http://testserver/zh-hans/ncic2027/about/", image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    assert expected.to_string(encoding="unicode") in html
    assert qr_code_svg("http://testserver/zh-hans/ncic2027/about/") in html


def test_no_qr_code_in_static_export(conference):
    request = RequestFactory().get("/zh-hans/ncic2027/")
    request.static_export = True

    html = render_to_string("conference_pages/components/phone_qr.html", {"page": home(conference), "request": request})

    assert "<svg" not in html
