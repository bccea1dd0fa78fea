"""The check-in desk takes whatever an attendee owes: a confirmed attendee's unpaid hotel room and
tour place are shown on the desk's card and paid on site together, an unpaid registration is paid
with them, and an attendee who owes nothing is refused without a change."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from attendance.enums import RegistrationState
from attendance.exceptions import IllegalTransition
from attendance.services.checkin import pay_at_desk
from attendance.services.hotels import book_room
from attendance.services.tokens import token_for
from attendance.services.tours import book_tour
from cms.enums import Role
from cms.services.conferences import grant_role
from commerce.enums import OrderState, PaymentState, Provider
from commerce.models import Payment
from tests.attendance.bookings.helpers import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_staff(conference, user_factory):
    user = user_factory(email="desk@example.org")
    grant_role(conference=conference, user=user, role=Role.CHECKIN, notify=False)
    return user


@pytest.fixture
def booked(conference, registration, double, tour):
    room = book_room(
        registration=registration, room_type=double, check_in=day(conference, -1), check_out=day(conference, 1)
    )
    place = book_tour(registration=registration, tour=tour)
    return room, place


def on_site_payments():
    return sorted(
        Payment.objects.filter(provider=Provider.ON_SITE, state=PaymentState.CONFIRMED).values_list(
            "order__total", flat=True
        )
    )


def test_a_confirmed_attendee_pays_their_room_and_tour_at_the_desk(
    registration, booked, desk_staff, django_capture_on_commit_callbacks
):
    room, place = booked

    with django_capture_on_commit_callbacks(execute=True):
        paid = pay_at_desk(registration=registration, by=desk_staff, reference="现金 0031")

    room.refresh_from_db(), place.refresh_from_db()
    assert paid.state == RegistrationState.CONFIRMED
    assert (room.order.state, place.order.state) == (OrderState.PAID, OrderState.PAID)
    assert on_site_payments() == [Decimal("150.00"), Decimal("1360.00")]
    with translation.override("en"), pytest.raises(IllegalTransition, match="Nothing is left to pay"):
        pay_at_desk(registration=registration, by=desk_staff)
    assert len(on_site_payments()) == 2


def test_an_unpaid_registration_is_paid_with_its_room(
    conference, make_registration, double, desk_staff, django_capture_on_commit_callbacks
):
    unpaid = make_registration(state=RegistrationState.AWAITING_PAYMENT, price=Decimal("1200.00"))
    room = book_room(registration=unpaid, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1))

    with django_capture_on_commit_callbacks(execute=True):
        paid = pay_at_desk(registration=unpaid, by=desk_staff)

    room.refresh_from_db()
    assert paid.state == RegistrationState.CONFIRMED and paid.order.state == OrderState.PAID
    assert room.order.state == OrderState.PAID
    assert on_site_payments() == [Decimal("680.00"), Decimal("1200.00")]


def test_nothing_owed_is_refused_and_nothing_changes(registration, desk_staff):
    with translation.override("en"), pytest.raises(IllegalTransition, match="Nothing is left to pay"):
        pay_at_desk(registration=registration, by=desk_staff)
    assert not Payment.objects.exists()


def test_the_desk_card_names_what_is_owed_until_it_is_paid(
    conference, registration, booked, desk_staff, django_capture_on_commit_callbacks
):
    desk = Client()
    desk.force_login(desk_staff)
    listing = desk.get(reverse("desk:people", args=[conference.pk])).json()
    [row] = [person for person in listing["people"] if person["id"] == registration.pk]
    assert row["token"] == token_for(registration)
    assert row["due"] == ["西湖国宾馆 · 1360.00 CNY", "西溪湿地半日游 · 150.00 CNY"]

    with django_capture_on_commit_callbacks(execute=True):
        answer = desk.post(
            reverse("desk:pay", args=[conference.pk]),
            json.dumps({"registration": registration.pk}),
            content_type="application/json",
        )

    assert answer.status_code == 200 and answer.json()["person"]["due"] == []
    assert answer.json()["person"]["hotel"].startswith("西湖国宾馆")
    again = desk.post(
        reverse("desk:pay", args=[conference.pk]),
        json.dumps({"registration": registration.pk}),
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["error"] == "这份注册已无待付款项。"
