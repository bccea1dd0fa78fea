"""Finance learns of every refund to make: an order paid for a hotel room, a tour place or a
registration that is then cancelled is flagged "a refund is due" (with an audit entry), and the
full refund clears the flag. A pending order is cancelled instead, and an order flagged for
another reason keeps it."""

import uuid

import pytest
from wagtail.models import ModelLogEntry

from attendance.enums import RegistrationState
from attendance.services.hotels import book_room, cancel_booking
from attendance.services.registrations import cancel_registration, withdraw_registration
from attendance.services.tours import book_tour, cancel_tour_booking
from commerce.enums import Attention, OrderState
from commerce.models import Order
from commerce.services.orders import create_order
from commerce.services.payments import flag_order, pay_on_site
from commerce.services.refunds import refund_payment
from tests.attendance.bookings.helpers import day
from tests.commerce.conftest import item

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_room(conference, registration, double, user_factory):
    room = book_room(
        registration=registration, room_type=double, check_in=day(conference, -1), check_out=day(conference, 1)
    )
    pay_on_site(order=room.order, by=user_factory())
    return room


def flags(order):
    order.refresh_from_db()
    entries = ModelLogEntry.objects.filter(object_id=str(order.pk), action="flock.order.flag")
    return order.attention, [entry.data["attention"] for entry in entries]


def test_a_paid_room_cancelled_by_the_attendee_asks_finance_for_a_refund(registration, paid_room):
    cancel_booking(booking=paid_room, by=registration.user)

    assert flags(paid_room.order) == (Attention.REFUND_DUE, [Attention.REFUND_DUE])
    assert paid_room.order.state == OrderState.PAID  # the money is finance's to give back


def test_the_full_refund_clears_the_flag_and_a_partial_one_does_not(registration, paid_room, user_factory):
    cancel_booking(booking=paid_room, by=registration.user, staff=True)
    order, finance = paid_room.order, user_factory()
    payment = order.payments.get()

    refund_payment(payment=payment, amount="500.00", user=finance, request_key=uuid.uuid4())
    assert flags(order)[0] == Attention.REFUND_DUE and order.state == OrderState.PARTIALLY_REFUNDED
    refund_payment(payment=payment, amount="860.00", user=finance, request_key=uuid.uuid4())
    assert flags(order)[0] == "" and order.state == OrderState.REFUNDED


def test_a_paid_tour_place_cancelled_by_staff_is_flagged_and_a_pending_one_is_cancelled(
    make_registration, tour, user_factory
):
    paid, pending = make_registration(), make_registration()
    paid_place, pending_place = book_tour(registration=paid, tour=tour), book_tour(registration=pending, tour=tour)
    pay_on_site(order=paid_place.order, by=user_factory())

    cancel_tour_booking(booking=paid_place, staff=True)
    cancel_tour_booking(booking=pending_place, by=pending.user)

    assert flags(paid_place.order)[0] == Attention.REFUND_DUE
    assert flags(pending_place.order) == ("", []) and pending_place.order.state == OrderState.CANCELLED


def test_a_withdrawn_paid_registration_flags_its_own_order_and_its_rooms(
    conference, registration, paid_room, user_factory
):
    fee = create_order(conference=conference, purchaser=registration.user, items=[item("1200.00")])
    pay_on_site(order=fee, by=user_factory())
    registration.order = fee
    registration.save(update_fields=["order"])

    withdraw_registration(registration=registration)

    registration.refresh_from_db()
    assert registration.state == RegistrationState.WITHDRAWN
    assert flags(fee) == (Attention.REFUND_DUE, [Attention.REFUND_DUE])
    assert flags(paid_room.order)[0] == Attention.REFUND_DUE


def test_an_order_flagged_for_another_reason_keeps_it_through_a_full_refund(
    conference, make_registration, user_factory
):
    registration = make_registration()
    fee = create_order(conference=conference, purchaser=registration.user, items=[item("1200.00")])
    pay_on_site(order=fee, by=user_factory())
    fee = Order.objects.select_for_update().get(pk=fee.pk)
    flag_order(order=fee, attention=Attention.DOUBLE_PAYMENT)
    registration.order = fee
    registration.save(update_fields=["order"])

    cancel_registration(registration=registration, user=user_factory(), reason="duplicate")

    assert flags(fee) == (Attention.DOUBLE_PAYMENT, [Attention.DOUBLE_PAYMENT])
    noted = ModelLogEntry.objects.get(object_id=str(fee.pk), action="flock.order.refund_due")
    assert noted.data == {"kept": "double_payment", "registration": registration.code}
    refund_payment(payment=fee.payments.get(), amount="1200.00", user=user_factory(), request_key=uuid.uuid4())
    assert flags(fee)[0] == Attention.DOUBLE_PAYMENT and fee.state == OrderState.REFUNDED
