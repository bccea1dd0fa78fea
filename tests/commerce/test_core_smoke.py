from decimal import Decimal

from commerce.enums import OrderState, PaymentState
from commerce.models import Payment
from commerce.services.payments import Outcome, confirm_payment
from tests.commerce.conftest import item


def test_order_is_paid_once(make_order, mailoutbox):
    order = make_order(items=[item("1200.00"), item("300.00", quantity=2)])
    assert order.total == Decimal("1800.00")
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency="CNY")
    assert confirm_payment(payment=payment, amount=Decimal("1800.00")) == Outcome.CONFIRMED
    assert confirm_payment(payment=payment, amount=Decimal("1800.00")) == Outcome.DUPLICATE
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.state, payment.state, order.receipt.number) == (OrderState.PAID, PaymentState.CONFIRMED, 1)
    assert [m.subject for m in mailoutbox] == ["[NCIC 2027] 订单 %s 已收到付款" % order.code] or len(mailoutbox) == 1
