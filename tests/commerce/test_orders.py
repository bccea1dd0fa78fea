"""Orders: creation from server-side items, codes, expiry, reminders, cancellation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.models import EmailLog
from commerce.enums import OrderState, PaymentState, ProofState
from commerce.exceptions import IllegalTransition, OrderLocked
from commerce.models import Order, Payment, TransferProof
from commerce.sellables import OrderItem
from commerce.services.orders import (
    CODE_ALPHABET,
    add_items,
    cancel_order,
    expire_due_orders,
    reactivate_order,
    remind_due_orders,
)
from commerce.services.payments import Outcome, confirm_payment
from commerce.signals import order_cancelled, order_expired, order_paid
from tests.commerce.conftest import item


@pytest.fixture
def received():
    """Signals sent, as (signal name, order code)."""
    seen = []

    def recorder(name):
        def receive(sender, order, **kwargs):
            seen.append((name, order.code))

        return receive

    handlers = {
        order_paid: recorder("paid"),
        order_expired: recorder("expired"),
        order_cancelled: recorder("cancelled"),
    }
    for signal, handler in handlers.items():
        signal.connect(handler)
    yield seen
    for signal, handler in handlers.items():
        signal.disconnect(handler)


def test_order_total_comes_from_the_items_and_lines_keep_both_languages(make_order):
    order = make_order(items=[item("1200.00"), item("350.50", quantity=3, kind="test.tour", object_id="7")])

    assert order.total == Decimal("2251.50")
    assert order.currency == "CNY"
    assert [(line.kind, line.object_id, line.amount) for line in order.lines.all()] == [
        ("test.registration", "1", Decimal("1200.00")),
        ("test.tour", "7", Decimal("1051.50")),
    ]
    assert order.lines.first().description_en == "Regular registration"


def test_order_code_is_human_readable_and_unique(make_order):
    codes = {make_order().code for _ in range(30)}

    assert len(codes) == 30
    for code in codes:
        prefix, suffix = code.split("-")
        assert prefix == "NCIC2027"
        assert len(suffix) == 4 and set(suffix) <= set(CODE_ALPHABET)


def test_order_expires_after_the_configured_hours(make_order, payment_settings):
    payment_settings.order_expiry_hours = 48
    payment_settings.save()

    order = make_order()

    assert order.expires_at - order.created_at == timedelta(hours=48)
    assert ModelLogEntry.objects.filter(object_id=str(order.pk), action="flock.order.create").count() == 1


def test_items_refuse_float_prices_and_negative_quantities():
    with pytest.raises(TypeError):
        OrderItem(kind="x", object_id="1", description_zh="x", description_en="x", unit_price=12.5)
    with pytest.raises(ValueError, match="quantity"):
        item(quantity=0)


def test_items_can_be_added_until_someone_starts_paying(order):
    add_items(order=order, items=[item("80.00", kind="test.tour")])
    order.refresh_from_db()
    assert order.total == Decimal("1280.00")

    Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency="CNY")
    with pytest.raises(OrderLocked):
        add_items(order=order, items=[item("80.00")])
    order.refresh_from_db()
    assert order.total == Decimal("1280.00")


def test_expiry_releases_the_order_and_tells_the_payer(
    make_order, received, mailoutbox, django_capture_on_commit_callbacks
):
    due = make_order()
    not_due = make_order()
    Order.objects.filter(pk=due.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    payment = Payment.objects.create(order=due, provider="stripe", amount=due.total, currency="CNY")

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_due_orders() == 1

    due.refresh_from_db()
    payment.refresh_from_db()
    assert (due.state, payment.state) == (OrderState.EXPIRED, PaymentState.CANCELLED)
    assert due.closed_at is not None
    assert Order.objects.get(pk=not_due.pk).state == OrderState.PENDING
    assert received == [("expired", due.code)]
    assert [message.subject for message in mailoutbox] == [f"[NCIC 2027] 订单 {due.code} 已过期"]
    assert expire_due_orders() == 0


def test_an_order_whose_proof_waits_for_review_does_not_expire(order):
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency="CNY")
    TransferProof.objects.create(
        payment=payment, file="proofs/x.png", original_name="x.png", content_type="image/png", size=10
    )
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(hours=1))

    assert expire_due_orders() == 0
    TransferProof.objects.update(state=ProofState.REJECTED)
    assert expire_due_orders() == 1


def test_reminder_is_sent_once_inside_the_window(
    make_order, payment_settings, mailoutbox, django_capture_on_commit_callbacks
):
    payment_settings.reminder_hours = 24
    payment_settings.save()
    soon = make_order()
    later = make_order()
    now = timezone.now()
    Order.objects.filter(pk=soon.pk).update(expires_at=now + timedelta(hours=5))
    Order.objects.filter(pk=later.pk).update(expires_at=now + timedelta(hours=50))

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_due_orders() == 1
        assert remind_due_orders() == 0

    assert [message.to for message in mailoutbox] == [["li.lei@example.edu.cn"]]
    assert mailoutbox[0].subject == f"[NCIC 2027] 订单 {soon.code} 尚未付款"
    assert EmailLog.objects.filter(template_key="commerce.payment_reminder").count() == 1


def test_cancel_sends_the_signal_and_only_pending_orders_can_be_cancelled(order, received):
    cancel_order(order=order, reason="duplicate")
    order.refresh_from_db()

    assert order.state == OrderState.CANCELLED
    assert received == [("cancelled", order.code)]
    with pytest.raises(IllegalTransition):
        cancel_order(order=order)


def test_paid_order_cannot_be_cancelled(order):
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency="CNY")
    confirm_payment(payment=payment, amount=order.total)

    with pytest.raises(IllegalTransition):
        cancel_order(order=order)
    assert Order.objects.get(pk=order.pk).state == OrderState.PAID


def test_late_payment_is_kept_and_finance_can_reactivate_the_order(order, received, superuser):
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expire_due_orders()
    payment = Payment.objects.create(order=order, provider="stripe", amount=order.total, currency="CNY")

    assert confirm_payment(payment=payment, amount=order.total) == Outcome.LATE

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.state, order.attention, payment.state, payment.late) == (
        OrderState.EXPIRED,
        "late_payment",
        PaymentState.CONFIRMED,
        True,
    )
    reactivate_order(order=order, user=superuser)
    order.refresh_from_db()
    assert (order.state, order.attention) == (OrderState.PAID, "")
    assert received == [("expired", order.code), ("paid", order.code)]


def test_an_expired_order_without_money_cannot_be_reactivated(order, superuser):
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expire_due_orders()

    with pytest.raises(IllegalTransition):
        reactivate_order(order=order, user=superuser)


def test_expiry_reminders_and_alipay_queries_are_scheduled_once(db):
    from django_q.models import Schedule

    from commerce.tasks import SCHEDULES, ensure_schedules

    Schedule.objects.all().delete()
    ensure_schedules()
    Schedule.objects.filter(func="commerce.tasks.task_expire_orders").update(minutes=2)
    ensure_schedules()

    assert sorted(Schedule.objects.values_list("func", "minutes")) == sorted(
        [(func, 2 if func.endswith("expire_orders") else minutes) for func, minutes in SCHEDULES]
    )


def test_the_expiry_task_expires_due_orders(order):
    from commerce.tasks import task_expire_orders

    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert task_expire_orders() == 1
    assert Order.objects.get(pk=order.pk).state == OrderState.EXPIRED
