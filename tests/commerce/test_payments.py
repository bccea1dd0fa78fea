"""Payments: starting, confirming once, amounts that differ, refunds, receipts, secrets."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from wagtail.models import ModelLogEntry

from commerce.enums import OrderState, PaymentState, RefundState
from commerce.exceptions import IllegalTransition, ProviderNotAvailable, RefundError
from commerce.models import Order, Payment, PaymentSettings, Receipt, Refund
from commerce.providers.base import providers_for
from commerce.services.orders import create_order
from commerce.services.payments import Outcome, confirm_payment, fail_payment, set_payment_state, start_payment
from commerce.services.refunds import refund_payment
from tests.commerce.conftest import item


def paid(order, provider="bank_transfer"):
    payment = Payment.objects.create(order=order, provider=provider, amount=order.total, currency=order.currency)
    assert confirm_payment(payment=payment, amount=order.total, currency=order.currency) == Outcome.CONFIRMED
    return payment


def test_confirming_pays_the_order_once_with_a_receipt_and_one_mail(
    order, mailoutbox, django_capture_on_commit_callbacks
):
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency="CNY")

    with django_capture_on_commit_callbacks(execute=True):
        assert confirm_payment(payment=payment, amount=Decimal("1200.00"), reference="T1") == Outcome.CONFIRMED
        assert confirm_payment(payment=payment, amount=Decimal("1200.00")) == Outcome.DUPLICATE

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.state, payment.state, payment.reference) == (OrderState.PAID, PaymentState.CONFIRMED, "T1")
    assert order.receipt.code == "NCIC 2027-R00001"
    assert [message.subject for message in mailoutbox] == [f"[NCIC 2027] 订单 {order.code} 已收到付款"]
    assert "¥1,200.00 CNY" in mailoutbox[0].body


def test_a_different_amount_is_refused_and_flagged(order):
    payment = Payment.objects.create(order=order, provider="alipay", amount=order.total, currency="CNY")

    assert confirm_payment(payment=payment, amount=Decimal("1.00")) == Outcome.AMOUNT_MISMATCH
    assert confirm_payment(payment=payment, amount=order.total, currency="USD") == Outcome.AMOUNT_MISMATCH

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.state, order.attention, payment.state) == (OrderState.PENDING, "amount_mismatch", "created")
    assert ModelLogEntry.objects.filter(object_id=str(order.pk), action="flock.order.flag").count() == 2


def test_a_second_payment_of_a_paid_order_is_recorded_and_flagged(order):
    paid(order)
    second = Payment.objects.create(order=order, provider="stripe", amount=order.total, currency="CNY")

    assert confirm_payment(payment=second, amount=order.total) == Outcome.DOUBLE

    order.refresh_from_db()
    second.refresh_from_db()
    assert (order.state, order.attention, second.state) == (OrderState.PAID, "double_payment", "confirmed")
    assert Receipt.objects.filter(order=order).count() == 1


def test_a_failed_payment_that_later_succeeds_is_confirmed(order):
    payment = Payment.objects.create(order=order, provider="stripe", amount=order.total, currency="CNY")
    fail_payment(payment=payment, reason="card declined")

    assert confirm_payment(payment=payment, amount=order.total) == Outcome.CONFIRMED
    assert Order.objects.get(pk=order.pk).state == OrderState.PAID


def test_payment_transitions_follow_the_table(order):
    payment = paid(order)

    with pytest.raises(IllegalTransition):
        set_payment_state(payment=payment, new_state=PaymentState.PENDING)
    assert fail_payment(payment=payment).state == PaymentState.CONFIRMED


def test_start_payment_reuses_the_open_payment_on_a_double_click(order):
    first, result = start_payment(order=order, provider_key="bank_transfer")
    second, _ = start_payment(order=order, provider_key="bank_transfer")

    assert first.pk == second.pk
    assert Payment.objects.filter(order=order).count() == 1
    assert result.template == "commerce/pay_bank_transfer.html"
    assert result.context["bank"].bank_account_number == "0200 0045 0908 8123 456"


def test_start_payment_refuses_providers_the_conference_has_not_enabled(order, payment_settings):
    with pytest.raises(ProviderNotAvailable):
        start_payment(order=order, provider_key="stripe")
    payment_settings.bank_transfer_enabled = False
    payment_settings.save()
    assert providers_for(payment_settings) == []
    with pytest.raises(ProviderNotAvailable):
        start_payment(order=order, provider_key="bank_transfer")
    assert not Payment.objects.exists()


def test_partial_then_full_bank_refund(order, superuser, mailoutbox, django_capture_on_commit_callbacks):
    payment = paid(order)

    with django_capture_on_commit_callbacks(execute=True):
        refund_payment(payment=payment, amount="200", reason="student rate", user=superuser, request_key="a")
    order.refresh_from_db()
    assert (order.state, order.refunded_total) == (OrderState.PARTIALLY_REFUNDED, Decimal("200.00"))

    refund_payment(payment=payment, amount="1000.00", user=superuser, request_key="b")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.state, order.refunded_total, payment.state) == (
        OrderState.REFUNDED,
        Decimal("1200.00"),
        PaymentState.REFUNDED,
    )
    assert list(Refund.objects.values_list("amount", "state", "reference").order_by("pk")) == [
        (Decimal("200.00"), RefundState.DONE, "manual"),
        (Decimal("1000.00"), RefundState.DONE, "manual"),
    ]
    assert mailoutbox[-1].subject == f"[NCIC 2027] 订单 {order.code} 退款"


def test_the_same_refund_request_twice_makes_one_refund(order, superuser):
    payment = paid(order)

    first = refund_payment(payment=payment, amount="100", user=superuser, request_key="form-1")
    second = refund_payment(payment=payment, amount="100", user=superuser, request_key="form-1")

    assert first.pk == second.pk
    assert Refund.objects.count() == 1
    assert Order.objects.get(pk=order.pk).refunded_total == Decimal("100.00")


@pytest.mark.parametrize("amount", ["0", "-5", "1200.01"])
def test_a_refund_must_be_positive_and_at_most_what_was_paid(order, superuser, amount):
    payment = paid(order)

    with pytest.raises(RefundError):
        refund_payment(payment=payment, amount=amount, user=superuser, request_key="x")
    assert not Refund.objects.exists()


def test_receipt_numbers_run_without_gaps_per_conference(make_order, make_conference, buyer, payment_settings):
    orders = [make_order() for _ in range(3)]
    other = make_conference(slug="icml2027", acronym="ICML 2027")
    other_order = create_order(conference=other, purchaser=buyer, items=[item()])
    unpaid = make_order()

    for each in [orders[1], other_order, orders[0], orders[2]]:
        paid(each)

    assert [Receipt.objects.get(order=each).number for each in orders] == [2, 1, 3]
    assert Receipt.objects.get(order=other_order).number == 1
    assert not Receipt.objects.filter(order=unpaid).exists()


def test_secrets_are_stored_encrypted_and_the_environment_is_the_fallback(payment_settings, settings):
    payment_settings.stripe_secret_key = "sk_test_51secret"
    payment_settings.save()

    with connection.cursor() as cursor:
        cursor.execute("select stripe_secret_key from commerce_paymentsettings where id = %s", [payment_settings.pk])
        stored = cursor.fetchone()[0]
    assert "sk_test" not in stored and stored
    assert PaymentSettings.objects.get(pk=payment_settings.pk).stripe_secret_key == "sk_test_51secret"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_from_env"
    assert payment_settings.secret("stripe_webhook_secret") == "whsec_from_env"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_confirmations_pay_once_and_receipts_stay_gapless(postgres_only, make_order):
    orders = [make_order() for _ in range(4)]
    payments = [
        Payment.objects.create(order=o, provider="bank_transfer", amount=o.total, currency="CNY") for o in orders
    ]
    outcomes = []
    barrier = threading.Barrier(8)

    def deliver(payment):
        try:
            barrier.wait()
            outcomes.append(confirm_payment(payment=payment, amount=payment.amount))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(p,)) for p in payments + payments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["confirmed"] * 4 + ["duplicate"] * 4
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert set(Order.objects.values_list("state", flat=True)) == {OrderState.PAID}
