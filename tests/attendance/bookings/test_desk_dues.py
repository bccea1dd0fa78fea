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


def desk_client(user):
    client = Client()
    client.force_login(user)
    return client


def pay_request(desk, conference, registration, owed):
    return desk.post(
        reverse("desk:pay", args=[conference.pk]),
        json.dumps({"registration": registration.pk, "owed": owed}),
        content_type="application/json",
    )


def listed(desk, conference, registration):
    listing = desk.get(reverse("desk:people", args=[conference.pk])).json()
    [row] = [person for person in listing["people"] if person["id"] == registration.pk]
    return row


def test_the_desk_takes_only_what_it_showed(
    conference, make_registration, double, tour, desk_staff, django_capture_on_commit_callbacks
):
    """A room booked after the desk downloaded its list: the payment is refused with the new
    amounts, nothing is paid; asked again with them, everything is paid."""
    unpaid = make_registration(state=RegistrationState.AWAITING_PAYMENT, price=Decimal("1200.00"))
    desk = desk_client(desk_staff)
    shown = listed(desk, conference, unpaid)
    assert (shown["owed_fee"], shown["owed"]) == ("registration:1200.00 CNY", [])
    room = book_room(registration=unpaid, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1))

    refused = pay_request(desk, conference, unpaid, [shown["owed_fee"], *shown["owed"]])

    assert refused.status_code == 409 and refused.json()["status"] == "owed_changed"
    fresh = refused.json()["person"]
    assert fresh["due"] == ["西湖国宾馆 · 680.00 CNY"] and fresh["owed"] == [f"{room.order.code}:680.00 CNY"]
    assert not Payment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        paid = pay_request(desk, conference, unpaid, [fresh["owed_fee"], *fresh["owed"]])
    assert paid.status_code == 200 and paid.json()["person"]["due"] == []
    assert on_site_payments() == [Decimal("680.00"), Decimal("1200.00")]


def test_a_malformed_list_of_what_was_shown_is_refused(conference, registration, booked, desk_staff):
    desk = desk_client(desk_staff)
    for bad in ("registration:1200.00 CNY", [1, 2], [{"a": 1}], ["x"] * 51):
        answer = pay_request(desk, conference, registration, bad)
        assert answer.status_code == 400 and answer.json()["error"], bad
    assert not Payment.objects.exists()


def test_an_order_whose_transfer_finance_is_checking_is_not_taken_at_the_desk(
    conference, registration, booked, desk_staff
):
    from commerce.enums import ProofState
    from commerce.models import TransferProof

    room, place = booked
    transfer = Payment.objects.create(order=room.order, provider=Provider.BANK_TRANSFER, amount=room.order.total)
    TransferProof.objects.create(
        payment=transfer,
        state=ProofState.PENDING,
        file="proofs/x.png",
        original_name="x.png",
        content_type="image/png",
        size=1,
    )
    desk = desk_client(desk_staff)
    assert listed(desk, conference, registration)["due"] == ["西溪湿地半日游 · 150.00 CNY"]

    pay_at_desk(registration=registration, by=desk_staff, expected=[f"{place.order.code}:150.00 CNY"])

    room.order.refresh_from_db(), place.order.refresh_from_db()
    assert (room.order.state, place.order.state) == (OrderState.PENDING, OrderState.PAID)


def test_the_desk_list_costs_the_same_queries_for_one_or_many_people(
    conference, make_registration, double, make_tour, desk_staff
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk = desk_client(desk_staff)
    tour = make_tour(capacity=10)

    def book_for_one():
        person = make_registration()
        book_room(registration=person, room_type=double, check_in=day(conference, 0), check_out=day(conference, 1))
        book_tour(registration=person, tour=tour)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(reverse("desk:people", args=[conference.pk])).status_code == 200
        return len(queries)

    book_for_one()
    one = count()
    for _ in range(4):
        book_for_one()
    assert count() == one


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_desk_payment_waits_for_a_withdrawal_without_holding_any_booking_order(
    postgres_only, registration, booked, desk_staff
):
    """Locks in one order (the registration, then its bookings' orders), as a withdrawal takes
    them: the desk waits for the withdrawal holding no order, then finds nothing left to pay."""
    import threading
    import time

    from django.db import DatabaseError, connection, connections, transaction

    from attendance.models import Registration
    from attendance.services.registrations import lock, withdraw_registration
    from commerce.models import Order

    room, place = booked
    holding, release, outcome = threading.Event(), threading.Event(), {}

    def withdraw():
        try:
            with transaction.atomic():
                lock(registration)
                holding.set()
                release.wait(timeout=10)
                withdraw_registration(registration=registration)
        finally:
            connections.close_all()

    def pay():
        try:
            pay_at_desk(registration=Registration(pk=registration.pk), by=desk_staff)
        except Exception as error:  # noqa: BLE001  (asserted below)
            outcome["error"] = error
        finally:
            connections.close_all()

    withdrawal, desk = threading.Thread(target=withdraw), threading.Thread(target=pay)
    withdrawal.start()
    assert holding.wait(timeout=10)
    desk.start()
    for _attempt in range(200):  # until the desk's connection waits for a lock
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                break
        time.sleep(0.05)
    else:
        pytest.fail("the desk never waited for the withdrawal")
    try:
        with transaction.atomic():
            orders = Order.objects.select_for_update(nowait=True).filter(pk__in=[room.order_id, place.order_id])
            assert len(orders) == 2  # not locked by the waiting desk
    except DatabaseError as error:
        pytest.fail(f"the waiting desk holds a booking's order: {error}")
    finally:
        release.set()
        withdrawal.join(timeout=20)
        desk.join(timeout=20)

    assert isinstance(outcome.get("error"), IllegalTransition)
    assert not Payment.objects.exists()
    assert set(Order.objects.filter(pk__in=[room.order_id, place.order_id]).values_list("state", flat=True)) == {
        OrderState.CANCELLED
    }
