"""Hotel rooms: booking takes one room per night and sells nights × rate in an order; every bad
input is refused with its message and holds nothing; changing and cancelling until the cutoff;
an order that lapses or is refunded, or a registration that ends, gives the nights back; the
bulk allotment."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from attendance.booking_enums import BookingCancelCause, HotelBookingState
from attendance.booking_exceptions import BookingClosed, NoRoomLeft, NotRegistered, RoomNotOffered
from attendance.enums import RegistrationState
from attendance.models import Hotel, HotelBooking, RoomNight
from attendance.services.hotels import book_room, cancel_booking, change_booking, set_allotment
from attendance.services.registrations import withdraw_registration
from commerce.enums import OrderState
from commerce.models import Order, OrderLine, Payment
from commerce.services.orders import expire_order
from commerce.services.payments import confirm_payment
from commerce.services.refunds import refund_payment
from tests.attendance.bookings.helpers import ROOMS, day, make_room_type, nights_taken
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


def message(error):
    """The error's message in English (messages are lazy: read them in the language to compare)."""
    with translation.override("en"):
        return str(getattr(error, "message", error))


def pay(order):
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency=order.currency)
    confirm_payment(payment=payment, amount=order.total, currency=order.currency)
    return payment


def assert_nothing_held(*room_types):
    assert HotelBooking.objects.count() == 0
    assert Order.objects.count() == 0
    for room_type in room_types:
        assert set(nights_taken(room_type).values()) == {0}


# Booking -------------------------------------------------------------------------------------------


def test_booking_takes_a_room_on_each_night_and_sells_nights_times_rate(conference, registration, double):
    check_in, check_out = day(conference, -1), day(conference, 2)

    booking = book_room(
        registration=registration, room_type=double, check_in=check_in, check_out=check_out,
        roommate="韩梅梅", requests="无烟房", by=registration.user,
    )  # fmt: skip

    booking.refresh_from_db()
    assert (booking.state, booking.nights, booking.rate, booking.amount) == (
        HotelBookingState.BOOKED, 3, Decimal("680.00"), Decimal("2040.00"),
    )  # fmt: skip
    assert nights_taken(double) == {
        day(conference, -1): 1, day(conference, 0): 1, day(conference, 1): 1, day(conference, 2): 0,
    }  # fmt: skip
    order = booking.order
    assert (order.state, order.purchaser, order.currency, order.total) == (
        OrderState.PENDING, registration.user, "CNY", Decimal("2040.00"),
    )  # fmt: skip
    line = order.lines.get()
    assert (line.kind, line.object_id, line.unit_price, line.quantity, line.amount) == (
        "attendance.hotel", str(booking.pk), Decimal("680.00"), 3, Decimal("2040.00"),
    )  # fmt: skip
    assert line.description_zh == (
        f"住宿 西湖国宾馆 · 豪华大床房 · {check_in:%Y-%m-%d} 至 {check_out:%Y-%m-%d}（3 晚）"
    )
    assert line.description_en == (
        f"Hotel West Lake State Guesthouse · Deluxe double · {check_in:%Y-%m-%d} to {check_out:%Y-%m-%d} (3 nights)"
    )


def test_a_registration_priced_in_the_second_currency_books_in_it(conference, make_registration, double, single):
    registration = make_registration(currency="USD", price=Decimal("400.00"))

    in_dollars = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 2)
    )
    no_dollar_price = book_room(
        registration=registration, room_type=single, check_in=day(conference, 0), check_out=day(conference, 1)
    )

    assert (in_dollars.order.currency, in_dollars.order.total) == ("USD", Decimal("196.00"))
    assert (no_dollar_price.order.currency, no_dollar_price.order.total) == ("CNY", Decimal("520.00"))


def test_a_full_night_is_refused_naming_it_and_nothing_is_held(conference, make_registration, hotel):
    small = make_room_type(hotel, rooms=1)
    book_room(
        registration=make_registration(), room_type=small, check_in=day(conference, 1), check_out=day(conference, 2)
    )
    before = nights_taken(small)

    with translation.override("en"), pytest.raises(NoRoomLeft) as error:
        book_room(
            registration=make_registration(),
            room_type=small,
            check_in=day(conference, -1),
            check_out=day(conference, 3),
        )

    assert message(error.value) == (
        f"No Deluxe double rooms are left at West Lake State Guesthouse for the night of {day(conference, 1):%Y-%m-%d}."
    )
    assert nights_taken(small) == before
    assert HotelBooking.objects.count() == 1 and Order.objects.count() == 1


# Bad input: each gets its message and holds nothing ------------------------------------------------------


@pytest.mark.parametrize(
    ("check_in", "check_out", "field", "text"),
    [
        (1, 0, "check_out", "Check-out cannot be before check-in."),
        (1, 1, "check_out", "Book at least one night: check-out is after check-in."),
        (
            -2,
            0,
            "check_in",
            "Rooms can be booked from check-in on {first} to check-out on {last}; please choose dates in between.",
        ),
        (
            1,
            4,
            "check_in",
            "Rooms can be booked from check-in on {first} to check-out on {last}; please choose dates in between.",
        ),
    ],
    ids=["check-out before check-in", "zero nights", "before the window", "after the window"],
)
def test_bad_dates_are_refused_with_their_message(conference, registration, double, check_in, check_out, field, text):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        book_room(
            registration=registration,
            room_type=double,
            check_in=day(conference, check_in),
            check_out=day(conference, check_out),
        )

    expected = text.format(first=f"{day(conference, -1):%Y-%m-%d}", last=f"{day(conference, 3):%Y-%m-%d}")
    assert error.value.message_dict == {field: [expected]}
    assert_nothing_held(double)


def test_negative_nights_are_refused(conference, registration, double):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        book_room(
            registration=registration, room_type=double, check_in=day(conference, 2), check_out=day(conference, -1)
        )

    assert error.value.message_dict == {"check_out": ["Check-out cannot be before check-in."]}
    assert_nothing_held(double)


def test_a_room_type_of_another_conference_is_refused(conference, registration, double):
    other = ConferenceFactory(slug="other2027", hotels_enabled=True)
    foreign = make_room_type(Hotel.objects.create(conference=other, name_zh="别处酒店"), rooms=None)

    with translation.override("en"), pytest.raises(RoomNotOffered) as error:
        book_room(
            registration=registration, room_type=foreign, check_in=day(conference, 0), check_out=day(conference, 1)
        )

    assert message(error.value) == "This room type is not offered for this conference."
    assert_nothing_held(double)


def test_booking_without_a_registration_is_refused(conference, double):
    with translation.override("en"), pytest.raises(NotRegistered) as error:
        book_room(registration=None, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1))

    assert message(error.value) == "Please register for the conference first: only registered attendees can book."
    assert_nothing_held(double)


@pytest.mark.parametrize("state", [RegistrationState.CANCELLED, RegistrationState.WITHDRAWN])
def test_a_cancelled_or_withdrawn_registration_cannot_book(conference, make_registration, double, state):
    registration = make_registration(state=state)

    with translation.override("en"), pytest.raises(NotRegistered) as error:
        book_room(
            registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1)
        )

    assert message(error.value) == "Your registration is cancelled or withdrawn, so you cannot book."
    assert_nothing_held(double)


def test_a_roommate_in_a_single_room_is_refused(conference, registration, single):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        book_room(
            registration=registration,
            room_type=single,
            check_in=day(conference, 0),
            check_out=day(conference, 1),
            roommate="某人",
        )

    assert error.value.message_dict == {"roommate": ["A single room has no roommate."]}
    assert_nothing_held(single)


def test_booking_after_the_hotels_cutoff_is_refused(conference, registration, hotel, double):
    hotel.cutoff_date = datetime.date.today() - datetime.timedelta(days=2)
    hotel.save()

    with translation.override("en"), pytest.raises(BookingClosed) as error:
        book_room(
            registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1)
        )

    assert message(error.value) == (
        f"Bookings at West Lake State Guesthouse closed on {hotel.cutoff_date:%Y-%m-%d}; please write to the organizers."
    )
    assert_nothing_held(double)


# Changing and cancelling --------------------------------------------------------------------------------


def test_changing_dates_and_type_moves_the_nights_and_replaces_the_pending_order(
    conference, registration, double, single
):
    booking = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 2)
    )
    first_order = booking.order

    booking = change_booking(
        booking=booking,
        room_type=single,
        check_in=day(conference, 1),
        check_out=day(conference, 3),
        by=registration.user,
    )

    assert set(nights_taken(double).values()) == {0}
    assert nights_taken(single) == {day(conference, n): int(n in (1, 2)) for n in range(-1, 3)}
    assert sum(nights_taken(single).values()) == 2
    first_order.refresh_from_db()
    assert first_order.state == OrderState.CANCELLED
    assert (booking.order.state, booking.order.total, booking.amount) == (
        OrderState.PENDING, Decimal("1040.00"), Decimal("1040.00"),
    )  # fmt: skip
    assert booking.roommate == ""  # a single room has none


def test_changing_to_overlapping_dates_keeps_the_shared_night_on_a_full_type(conference, registration, hotel):
    one_room = make_room_type(hotel, rooms=1)
    booking = book_room(
        registration=registration, room_type=one_room, check_in=day(conference, 0), check_out=day(conference, 2)
    )

    change_booking(booking=booking, check_in=day(conference, 1), check_out=day(conference, 3))

    assert nights_taken(one_room) == {
        day(conference, -1): 0, day(conference, 0): 0, day(conference, 1): 1, day(conference, 2): 1,
    }  # fmt: skip


def test_a_paid_booking_cannot_change_its_price(conference, registration, double):
    booking = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1)
    )
    pay(booking.order)

    with pytest.raises(BookingClosed):
        change_booking(booking=booking, check_out=day(conference, 2))

    assert nights_taken(double)[day(conference, 0)] == 1 and nights_taken(double)[day(conference, 1)] == 0
    changed = change_booking(booking=booking, requests="高楼层")  # same price: fine
    assert (changed.requests, changed.order.state) == ("高楼层", OrderState.PAID)


def test_cancelling_gives_the_nights_back_and_cancels_the_pending_order(conference, registration, double):
    booking = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 2)
    )

    cancel_booking(booking=booking, by=registration.user)

    booking.refresh_from_db()
    assert (booking.state, booking.cancel_cause) == (HotelBookingState.CANCELLED, BookingCancelCause.ATTENDEE)
    assert booking.order.state == OrderState.CANCELLED
    assert set(nights_taken(double).values()) == {0}


def test_after_the_cutoff_the_attendee_cannot_change_or_cancel_but_staff_can(conference, registration, hotel, double):
    booking = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 2)
    )
    hotel.cutoff_date = datetime.date.today() - datetime.timedelta(days=2)
    hotel.save()

    with pytest.raises(BookingClosed):
        cancel_booking(booking=booking)
    with pytest.raises(BookingClosed):
        change_booking(booking=booking, check_out=day(conference, 1))
    assert sum(nights_taken(double).values()) == 2

    cancel_booking(booking=booking, staff=True)
    assert sum(nights_taken(double).values()) == 0


# What happens to the order and the registration --------------------------------------------------------------


def test_an_expired_order_releases_its_nights(conference, registration, double):
    booking = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 3)
    )
    assert sum(nights_taken(double).values()) == 3

    expire_order(order=booking.order)

    booking.refresh_from_db()
    assert (booking.state, booking.cancel_cause) == (HotelBookingState.CANCELLED, BookingCancelCause.ORDER_LAPSED)
    assert set(nights_taken(double).values()) == {0}


def test_a_full_refund_releases_the_nights_and_a_partial_one_does_not(conference, registration, double, single):
    refunded = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 2)
    )
    partly = book_room(
        registration=registration, room_type=single, check_in=day(conference, 0), check_out=day(conference, 2)
    )
    full_payment, partial_payment = pay(refunded.order), pay(partly.order)

    refund_payment(payment=full_payment, amount=Decimal("1360.00"), request_key="a")
    refund_payment(payment=partial_payment, amount=Decimal("100.00"), request_key="b")

    refunded.refresh_from_db()
    partly.refresh_from_db()
    assert (refunded.state, refunded.cancel_cause) == (HotelBookingState.CANCELLED, BookingCancelCause.REFUNDED)
    assert partly.state == HotelBookingState.BOOKED
    assert sum(nights_taken(double).values()) == 0 and sum(nights_taken(single).values()) == 2


def test_a_withdrawn_registration_releases_its_rooms(conference, registration, double):
    booking = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 2)
    )

    withdraw_registration(registration=registration, user=registration.user)

    booking.refresh_from_db()
    assert (booking.state, booking.cancel_cause) == (
        HotelBookingState.CANCELLED,
        BookingCancelCause.REGISTRATION_CLOSED,
    )
    assert booking.order.state == OrderState.CANCELLED
    assert sum(nights_taken(double).values()) == 0


def test_a_repeated_cancellation_signal_changes_nothing(conference, registration, double):
    booking = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 2)
    )
    cancel_booking(booking=booking)
    from attendance.services.booking_orders import handle_order_lapsed

    handle_order_lapsed(order=booking.order)

    assert sum(nights_taken(double).values()) == 0
    assert list(RoomNight.objects.filter(room_type=double, taken__lt=0)) == []


# Allotment -------------------------------------------------------------------------------------------------


def test_bulk_allotment_sets_every_night_and_refuses_going_below_what_is_booked(conference, registration, hotel):
    room_type = make_room_type(hotel, rooms=None)

    count = set_allotment(room_type=room_type, first_night=day(conference, -1), last_night=day(conference, 2), rooms=20)
    book_room(registration=registration, room_type=room_type, check_in=day(conference, 0), check_out=day(conference, 2))

    assert count == 4
    assert dict(room_type.nights.values_list("night", "total")) == {day(conference, n): 20 for n in range(-1, 3)}
    with translation.override("en"), pytest.raises(ValidationError) as error:
        set_allotment(room_type=room_type, first_night=day(conference, -1), last_night=day(conference, 2), rooms=0)
    assert error.value.message_dict == {
        "rooms": [
            f"More rooms are already booked on these nights: {day(conference, 0):%Y-%m-%d} (1), {day(conference, 1):%Y-%m-%d} (1)."
        ]
    }
    assert set(room_type.nights.values_list("total", flat=True)) == {20}
    with pytest.raises(ValidationError):
        set_allotment(room_type=room_type, first_night=day(conference, -3), last_night=day(conference, 0), rooms=3)


def test_order_line_amount_is_nights_times_rate(conference, registration, double):
    booking = book_room(
        registration=registration, room_type=double, check_in=day(conference, -1), check_out=day(conference, 3)
    )

    line = OrderLine.objects.get(order=booking.order)

    assert line.amount == Decimal("680.00") * 4 == booking.order.total
    assert ROOMS - nights_taken(double)[day(conference, 0)] == ROOMS - 1


def test_money_for_a_released_booking_is_flagged_for_finance(conference, registration, double):
    booking = book_room(
        registration=registration, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1)
    )
    order = booking.order
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency=order.currency)
    expire_order(order=order)
    confirm_payment(payment=payment, amount=order.total, currency=order.currency)  # arrives late

    from commerce.services.orders import reactivate_order

    reactivate_order(order=order, user=None)

    order.refresh_from_db()
    booking.refresh_from_db()
    assert (order.state, order.attention) == (OrderState.PAID, "late_payment")
    assert booking.state == HotelBookingState.CANCELLED
    assert sum(nights_taken(double).values()) == 0


def test_an_order_naming_no_booking_of_ours_lapses_quietly(conference, registration, double):
    from commerce.sellables import OrderItem
    from commerce.services.orders import create_order

    item = OrderItem(
        kind="attendance.hotel", object_id="999999", description_zh="某", description_en="x", unit_price=Decimal("1.00")
    )
    order = create_order(conference=conference, purchaser=registration.user, items=[item])

    expire_order(order=order)

    order.refresh_from_db()
    assert order.state == OrderState.EXPIRED
