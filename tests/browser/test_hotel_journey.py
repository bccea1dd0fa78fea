"""A registered attendee of the demo books a hotel room and joins a tour's waiting list in a real
browser, in Chinese on a phone: the hotel page with the rooms left per night, the booking form,
the order it leads to, My conference listing the room, cancelling it, and the waiting list.

Run with ``pytest -m browser tests/browser/test_hotel_journey.py``; screenshots land in
``tests/artifacts/screenshots/``.
"""

import re

import pytest

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


def url_is(path):
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(#.*)?$")


@pytest.fixture
def attendee(demo_site):
    """A confirmed, Chinese-speaking attendee of the demo without bookings yet."""
    from attendance.models import Registration

    registration = (
        Registration.objects.filter(conference__slug="ncic2027", state="confirmed", language="zh-hans", walk_in=False)
        .filter(hotel_bookings__isnull=True, tour_bookings__isnull=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    registration.user.set_password("attendee-pass-2027")
    registration.user.save(update_fields=["password"])
    return registration


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_attendee_books_a_room_cancels_it_and_joins_a_waiting_list(page, viewport, demo_site, attendee, screenshot):
    from playwright.sync_api import expect

    from attendance.models import HotelBooking, RoomNight, TourBooking

    hotels = "/zh-hans/_my/ncic2027/hotels/"
    page.goto(demo_site(hotels))
    page.fill("input[name=email]", attendee.email)
    page.fill("input[name=password]", "attendee-pass-2027")
    page.locator(".account-form button[type=submit]").click()
    expect(page).to_have_url(url_is(hotels))
    expect(page.locator("h1.page-title")).to_have_text("酒店住宿")
    expect(page.locator("#book")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("陆家嘴枫林酒店"))).to_be_visible()
    screenshot("01-hotels")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.select_option("select[name=room_type]", label="陆家嘴枫林酒店 · 高级大床房")
    page.fill("input[name=check_in]", "2027-04-15")
    page.fill("input[name=check_out]", "2027-04-18")
    page.fill("input[name=roommate]", "韩梅梅")
    page.get_by_role("button", name="预订", exact=True).click()

    booking = HotelBooking.objects.get(registration=attendee)
    expect(page).to_have_url(url_is(f"/zh-hans/_orders/ncic2027/{booking.order.code}/"))
    expect(page.locator(".order-lines")).to_contain_text("高级大床房")
    expect(page.locator(".order-lines tfoot")).to_contain_text("¥1,560.00 CNY")
    screenshot("02-order")

    page.goto(demo_site("/zh-hans/_my/ncic2027/"))
    expect(page.locator(".my-bookings")).to_contain_text("陆家嘴枫林酒店 · 高级大床房 · 2027-04-15 – 2027-04-18")
    screenshot("03-my-conference")

    page.goto(demo_site(hotels))
    taken = RoomNight.objects.get(room_type=booking.room_type, night="2027-04-16").taken
    page.get_by_role("button", name="取消此预订").click()
    expect(page.locator(".attendance-messages")).to_contain_text("您的住宿预订已取消。")
    booking.refresh_from_db()
    assert booking.state == "cancelled"
    assert RoomNight.objects.get(room_type=booking.room_type, night="2027-04-16").taken == taken - 1

    page.goto(demo_site("/zh-hans/_my/ncic2027/tours/"))
    tour = page.locator(".tour", has_text="朱家角古镇半日游")
    tour.get_by_role("button", name="加入候补名单").click()
    expect(page.locator(".attendance-messages")).to_contain_text("您已加入候补名单")
    expect(page.locator(".tour", has_text="朱家角古镇半日游")).to_contain_text("您在候补名单中排第 4 位。")
    screenshot("04-waiting-list")
    assert TourBooking.objects.get(registration=attendee).state == "waiting"
