"""Registration and ``commerce`` end to end: paying confirms, an order that lapses puts the
registration back to awaiting payment or cancels it (as the organizer chose), refunds cancel."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry

from attendance.enums import CancelCause, OrderLapsePolicy, RegistrationState
from attendance.exceptions import IllegalTransition, RegistrationLocked
from attendance.services.changes import adjust_registration_price
from attendance.services.orders import renew_order
from attendance.services.registrations import withdraw_registration
from cms.models import EmailLog
from commerce.enums import Attention, OrderState
from commerce.models import Order, Payment
from commerce.sellables import OrderItem
from commerce.services.orders import cancel_order, create_order, expire_order, reactivate_order
from commerce.services.payments import Outcome, confirm_payment
from commerce.services.proofs import upload_proof
from commerce.services.refunds import refund_payment

S = RegistrationState


def pay(order):
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency=order.currency)
    return confirm_payment(payment=payment, amount=order.total, currency=order.currency), payment


def set_lapse_policy(conference, policy):
    conference.registration_settings.on_order_lapse = policy
    conference.registration_settings.save()


def test_paying_the_order_confirms_the_registration(
    register_as, regular, mailoutbox, django_capture_on_commit_callbacks
):
    registration = register_as(regular, currency="USD", language="en")
    order = registration.order
    assert (order.total, order.currency) == (Decimal("340.00"), "USD")

    with django_capture_on_commit_callbacks(execute=True):
        outcome, _payment = pay(order)

    assert outcome == Outcome.CONFIRMED
    registration.refresh_from_db()
    assert (registration.state, registration.order_id) == (S.CONFIRMED, order.pk)
    assert registration.confirmed_at is not None
    keys = list(EmailLog.objects.order_by("id").values_list("template_key", "language"))
    assert keys == [
        ("attendance.submitted", "en"),
        ("attendance.confirmed", "en"),
        ("commerce.order_paid", "en"),
    ]
    confirmed = next(message for message in mailoutbox if message.subject.endswith("confirmed"))
    assert (confirmed.to, confirmed.subject) == (
        ["li.lei@example.edu.cn"],
        f"[NCIC 2027] Registration {registration.code} confirmed",
    )
    assert "US$340.00 USD" in confirmed.body


def test_paying_by_bank_transfer_confirms_once_finance_accepts_the_proof(register_as, regular, organizer):
    from commerce.services.proofs import accept_proof

    registration = register_as(regular)
    proof = upload_proof(
        order=registration.order,
        uploaded=SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        user=registration.user,
    )
    registration.refresh_from_db()
    assert registration.state == S.AWAITING_PAYMENT

    accept_proof(proof=proof, user=organizer)

    registration.refresh_from_db()
    assert registration.state == S.CONFIRMED


def test_an_expired_order_puts_the_registration_back_to_awaiting_payment(register_as, regular, conference):
    set_lapse_policy(conference, OrderLapsePolicy.REOPEN)
    registration = register_as(regular)
    first = registration.order

    expire_order(order=first)

    registration.refresh_from_db()
    assert (registration.state, registration.order) == (S.AWAITING_PAYMENT, None)
    assert ModelLogEntry.objects.filter(
        object_id=str(registration.pk), action="flock.registration.order_lapsed"
    ).exists()

    second = renew_order(registration=registration)
    assert renew_order(registration=registration) == second  # a double click makes one order
    assert (second.state, second.total, second.currency) == (OrderState.PENDING, Decimal("2400.00"), "CNY")
    assert second.pk != first.pk

    pay(second)
    registration.refresh_from_db()
    assert (registration.state, registration.order_id) == (S.CONFIRMED, second.pk)


def test_an_order_cancelled_by_finance_is_handled_like_an_expired_one(register_as, regular, conference):
    set_lapse_policy(conference, OrderLapsePolicy.CANCEL)
    registration = register_as(regular)

    cancel_order(order=registration.order)

    registration.refresh_from_db()
    assert (registration.state, registration.cancel_cause) == (S.CANCELLED, CancelCause.ORDER_LAPSED)


def test_an_expired_order_cancels_the_registration_when_the_organizer_says_so(
    register_as, make_type, conference, user_factory, django_capture_on_commit_callbacks, mailoutbox
):
    set_lapse_policy(conference, OrderLapsePolicy.CANCEL)
    capped = make_type(capacity=1)
    registration = register_as(capped, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        expire_order(order=registration.order)

    registration.refresh_from_db()
    assert (registration.state, registration.cancel_cause) == (S.CANCELLED, CancelCause.ORDER_LAPSED)
    cancelled = next(message for message in mailoutbox if "cancelled" in message.subject)
    assert cancelled.subject == f"[NCIC 2027] Registration {registration.code} cancelled"
    assert "The fee was not paid in time." in cancelled.body
    # The place is free again.
    assert register_as(capped, user=user_factory()).state == S.AWAITING_PAYMENT


def test_a_late_payment_reinstates_a_registration_its_lapse_cancelled(register_as, regular, conference, organizer):
    set_lapse_policy(conference, OrderLapsePolicy.CANCEL)
    registration = register_as(regular)
    order = registration.order
    expire_order(order=order)
    outcome, _payment = pay(order)  # the transfer arrives after expiry
    assert outcome == Outcome.LATE

    reactivate_order(order=order, user=organizer)

    registration.refresh_from_db()
    assert (registration.state, registration.cancel_cause, registration.order_id) == (S.CONFIRMED, "", order.pk)


def test_a_late_payment_without_a_free_place_is_flagged_for_finance(
    register_as, make_type, conference, organizer, user_factory
):
    set_lapse_policy(conference, OrderLapsePolicy.CANCEL)
    capped = make_type(capacity=1)
    registration = register_as(capped)
    order = registration.order
    expire_order(order=order)
    register_as(capped, user=user_factory())  # someone else took the place
    pay(order)

    reactivate_order(order=order, user=organizer)

    registration.refresh_from_db()
    order.refresh_from_db()
    assert registration.state == S.CANCELLED
    assert (order.state, order.attention) == (OrderState.PAID, Attention.LATE_PAYMENT)
    assert ModelLogEntry.objects.filter(
        object_id=str(registration.pk), action="flock.registration.payment_unplaced"
    ).exists()


def test_a_late_payment_of_the_first_order_replaces_the_second(register_as, regular, conference, organizer):
    set_lapse_policy(conference, OrderLapsePolicy.REOPEN)
    registration = register_as(regular)
    first = registration.order
    expire_order(order=first)
    second = renew_order(registration=registration)
    pay(first)

    reactivate_order(order=first, user=organizer)

    registration.refresh_from_db()
    second.refresh_from_db()
    assert (registration.state, registration.order_id) == (S.CONFIRMED, first.pk)
    assert second.state == OrderState.CANCELLED


def test_a_full_refund_cancels_the_registration_a_partial_one_does_not(register_as, regular, make_type, user_factory):
    registration = register_as(regular)
    _outcome, payment = pay(registration.order)
    other = register_as(make_type(), user=user_factory())
    _outcome, other_payment = pay(other.order)

    refund_payment(payment=other_payment, amount=Decimal("400.00"), reason="部分退款", request_key="a")
    refund_payment(payment=payment, amount=registration.price, reason="全额退款", request_key="b")

    registration.refresh_from_db()
    other.refresh_from_db()
    assert (registration.state, registration.cancel_cause) == (S.CANCELLED, CancelCause.REFUNDED)
    assert other.state == S.CONFIRMED
    assert ModelLogEntry.objects.filter(object_id=str(other.pk), action="flock.registration.partial_refund").exists()


def test_paying_after_withdrawing_is_flagged_and_does_not_confirm(register_as, regular):
    registration = register_as(regular)
    order = registration.order
    withdraw_registration(registration=registration)

    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED
    outcome, _payment = pay(order)

    assert outcome == Outcome.LATE  # commerce records the money; finance refunds it
    registration.refresh_from_db()
    assert registration.state == S.WITHDRAWN


def test_orders_that_sell_no_known_registration_are_ignored(conference, attendee, register_as, regular):
    registration = register_as(regular, user=attendee)
    # A line that names the registration, in an order of someone else, and a line of an unknown id.
    from tests.factories import UserFactory

    stranger = UserFactory()
    items = [
        OrderItem("attendance.registration", str(registration.pk), "注册", "Registration", Decimal("1.00")),
        OrderItem("attendance.registration", "999999", "注册", "Registration", Decimal("1.00")),
        OrderItem("attendance.registration", "not-a-number", "注册", "Registration", Decimal("1.00")),
    ]
    order = create_order(conference=conference, purchaser=stranger, items=items)

    pay(order)

    registration.refresh_from_db()
    assert registration.state == S.AWAITING_PAYMENT


def test_renewing_is_only_for_registrations_awaiting_payment(register_as, free_type):
    registration = register_as(free_type)

    with pytest.raises(IllegalTransition):
        renew_order(registration=registration)
    assert not Order.objects.exists()


def test_a_price_change_waits_while_finance_checks_a_proof(register_as, regular, organizer):
    registration = register_as(regular)
    upload_proof(
        order=registration.order,
        uploaded=SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        user=registration.user,
    )

    with pytest.raises(RegistrationLocked):
        adjust_registration_price(registration=registration, price="100.00", user=organizer)

    registration.refresh_from_db()
    assert registration.price == Decimal("2400.00")
    assert registration.order.state == OrderState.PENDING
