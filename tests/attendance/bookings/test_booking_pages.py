"""The attendee's hotel and tour pages: in both languages, inside the conference's layout, login
required; booking, bad input shown on the form with nothing held, change and cancel; the tour
waiting list and accepting an offer; another person's booking answers 404; My conference lists
the bookings."""

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from attendance.booking_enums import HotelBookingState, TourBookingState
from attendance.models import HotelBooking, TourBooking
from attendance.services.hotels import book_room
from attendance.services.tours import book_tour, cancel_tour_booking, join_waiting_list
from commerce.models import Order
from tests.attendance.bookings.helpers import day, nights_taken

pytestmark = pytest.mark.django_db


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"attendance:{name}", kwargs={"conference_slug": "ncic2027", **kwargs})


def text(response):
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@pytest.fixture
def attendee_client(client, attendee, registration):
    client.force_login(attendee)
    return client


@pytest.fixture
def stranger(make_registration):
    other = make_registration()
    client = Client()
    client.force_login(other.user)
    return client, other


def test_the_pages_need_a_log_in(client, double, tour):
    for name in ("hotels", "tours"):
        response = client.get(url(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "zh-hans",
            [
                "酒店住宿",
                "西湖国宾馆",
                "豪华大床房",
                "杭州市西湖区杨公堤18号",
                "¥680.00 CNY",
                "每晚剩余房间",
                "预订房间",
            ],
        ),
        (
            "en",
            [
                "Hotel",
                "West Lake State Guesthouse",
                "Deluxe double",
                "18 Yanggong Causeway",
                "¥680.00 CNY",
                "Book a room",
            ],
        ),
    ],
)
def test_the_hotel_page_in_both_languages(attendee_client, conference, double, language, expected):
    response = attendee_client.get(url("hotels", language))

    assert response.status_code == 200
    page = text(response)
    for words in expected:
        assert words in page, words
    assert "US$98.00 USD" in page
    assert response["X-Robots-Tag"] == "noindex"


def test_rooms_left_per_night_are_shown(attendee_client, conference, double, make_registration):
    book_room(
        registration=make_registration(), room_type=double, check_in=day(conference, 0), check_out=day(conference, 1)
    )

    page = text(attendee_client.get(url("hotels")))

    assert f"{day(conference, 0):%m-%d}" in page
    assert "Deluxe double · Double · breakfast included ¥680.00 CNY US$98.00 USD 5 4 5 5" in page


def test_booking_a_room_leads_to_its_order(attendee_client, conference, registration, double):
    response = attendee_client.post(
        url("hotels"),
        {
            "room_type": double.pk,
            "check_in": day(conference, 0),
            "check_out": day(conference, 2),
            "roommate": "Han Meimei",
        },
    )

    booking = HotelBooking.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("commerce:order", kwargs={"conference_slug": "ncic2027", "code": booking.order.code}) + "#pay"
    )
    assert (booking.registration, booking.roommate, booking.order.total) == (
        registration,
        "Han Meimei",
        Decimal("1360.00"),
    )


@pytest.mark.parametrize(
    ("check_in", "check_out", "error"),
    [
        (2, 0, "Check-out cannot be before check-in."),
        (1, 1, "Book at least one night: check-out is after check-in."),
        (-3, 0, "Rooms can be booked from check-in on"),
    ],
)
def test_bad_dates_are_shown_on_the_form_and_nothing_is_held(
    attendee_client, conference, double, check_in, check_out, error
):
    response = attendee_client.post(
        url("hotels"),
        {"room_type": double.pk, "check_in": day(conference, check_in), "check_out": day(conference, check_out)},
    )

    assert response.status_code == 200
    assert error in text(response)
    assert HotelBooking.objects.count() == 0 and Order.objects.count() == 0
    assert set(nights_taken(double).values()) == {0}


def test_without_a_registration_the_page_says_so_and_booking_is_refused(client, user_factory, conference, double):
    client.force_login(user_factory())

    page = text(client.get(url("hotels")))
    response = client.post(
        url("hotels"), {"room_type": double.pk, "check_in": day(conference, 0), "check_out": day(conference, 1)}
    )

    assert "Please register for the conference first: only registered attendees can book." in page
    assert "Please register for the conference first" in text(response)
    assert HotelBooking.objects.count() == 0


def test_changing_and_cancelling_ones_booking(attendee_client, conference, registration, double):
    booking = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1)
    )

    form = attendee_client.get(url("hotel_change", pk=booking.pk))
    changed = attendee_client.post(
        url("hotel_change", pk=booking.pk),
        {"room_type": double.pk, "check_in": day(conference, 0), "check_out": day(conference, 2), "requests": "高楼层"},
    )
    booking.refresh_from_db()
    assert form.status_code == 200 and changed.status_code == 302
    assert (booking.check_out, booking.requests, booking.amount) == (day(conference, 2), "高楼层", Decimal("1360.00"))

    cancelled = attendee_client.post(url("hotel_cancel", pk=booking.pk))
    booking.refresh_from_db()
    assert cancelled.status_code == 302 and booking.state == HotelBookingState.CANCELLED
    assert set(nights_taken(double).values()) == {0}


def test_another_persons_booking_answers_404(stranger, conference, registration, double, tour):
    client, _other = stranger
    room = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1)
    )
    seat = book_tour(registration=registration, tour=tour)

    assert client.get(url("hotel_change", pk=room.pk)).status_code == 404
    assert client.post(url("hotel_cancel", pk=room.pk)).status_code == 404
    assert client.post(url("tour_cancel", pk=seat.pk)).status_code == 404
    assert client.post(url("tour_accept", pk=seat.pk)).status_code == 404
    room.refresh_from_db()
    assert room.state == HotelBookingState.BOOKED


def test_a_conference_without_hotels_has_no_hotel_page(attendee_client, conference, lodging):
    conference.hotels_enabled = False
    conference.save(update_fields=["hotels_enabled"])

    assert attendee_client.get(url("hotels")).status_code == 404


# Tours ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", ["西溪湿地半日游", "酒店大堂", "¥150.00 CNY", "2 / 2", "剩余名额", "预订名额"]),
        ("en", ["Xixi Wetland half-day tour", "Hotel lobby", "Book a place"]),
    ],
)
def test_the_tours_page_in_both_languages(attendee_client, tour, language, expected):
    response = attendee_client.get(url("tours", language))

    assert response.status_code == 200
    for words in expected:
        assert words in text(response), words


def test_booking_a_place_and_joining_the_waiting_list_of_a_full_tour(
    attendee_client, registration, make_tour, make_registration
):
    open_tour, full = make_tour(), make_tour(name_en="Silk museum", capacity=1)
    book_tour(registration=make_registration(), tour=full)

    booked = attendee_client.post(url("tour_book", pk=open_tour.pk))
    page = text(attendee_client.get(url("tours")))
    waiting = attendee_client.post(url("tour_book", pk=full.pk), {"wait": "1"})

    order = TourBooking.objects.get(registration=registration, tour=open_tour).order
    assert (
        booked["Location"]
        == reverse("commerce:order", kwargs={"conference_slug": "ncic2027", "code": order.code}) + "#pay"
    )
    assert "Join the waiting list" in page
    assert waiting.status_code == 302
    mine = TourBooking.objects.filter(registration=registration).order_by("pk")
    assert [booking.state for booking in mine] == [TourBookingState.BOOKED, TourBookingState.WAITING]
    assert "You are number 1 on the waiting list." in text(attendee_client.get(url("tours")))


def test_accepting_an_offered_place_from_the_page(attendee_client, registration, tour, make_registration):
    first, second = (book_tour(registration=make_registration(), tour=tour) for _ in range(2))
    mine = join_waiting_list(registration=registration, tour=tour)
    cancel_tour_booking(booking=first)

    page = text(attendee_client.get(url("tours")))
    response = attendee_client.post(url("tour_accept", pk=mine.pk))

    assert "A place is free for you until" in page
    mine.refresh_from_db()
    assert response.status_code == 302 and mine.state == TourBookingState.BOOKED and mine.order is not None


def test_my_conference_lists_the_bookings(attendee_client, conference, registration, double, tour):
    book_room(registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 2))
    book_tour(registration=registration, tour=tour)

    page = text(attendee_client.get(url("my_conference")))

    assert (
        f"West Lake State Guesthouse · Deluxe double · {day(conference, 0):%Y-%m-%d} – {day(conference, 2):%Y-%m-%d}"
        in page
    )
    assert "Xixi Wetland half-day tour" in page
    assert "Book or change a hotel room" in page


def queries_for(client, address):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_pages_cost_the_same_queries_for_one_hotel_or_many(
    attendee_client, conference, registration, hotel, make_registration, make_tour
):
    from attendance.models import Hotel
    from tests.attendance.bookings.helpers import make_room_type

    make_room_type(hotel)
    book_room(
        registration=registration,
        room_type=hotel.room_types.get(),
        check_in=day(conference, 0),
        check_out=day(conference, 1),
    )
    book_tour(registration=registration, tour=make_tour())
    attendee_client.get(url("hotels"))  # the site's chrome and the conference are cached from now on
    small = (queries_for(attendee_client, url("hotels")), queries_for(attendee_client, url("tours")))

    for number in range(3):
        other = Hotel.objects.create(conference=conference, name_zh=f"酒店{number}")
        for _ in range(2):
            room_type = make_room_type(other)
            book_room(
                registration=make_registration(),
                room_type=room_type,
                check_in=day(conference, 0),
                check_out=day(conference, 2),
            )
        tour = make_tour(name_zh=f"活动{number}")
        book_tour(registration=make_registration(), tour=tour)
    book_room(registration=registration, room_type=room_type, check_in=day(conference, 1), check_out=day(conference, 2))
    large = (queries_for(attendee_client, url("hotels")), queries_for(attendee_client, url("tours")))

    assert large == small
