"""Refunds, full or partial, through the provider that took the money."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from commerce.enums import ORDER_PAID_STATES, Attention, OrderState, PaymentState, RefundState
from commerce.exceptions import RefundError
from commerce.models import Order, Payment, Refund
from commerce.providers.base import get_provider
from commerce.services.orders import _transition
from commerce.services.payments import set_payment_state
from commerce.signals import order_refunded


def refundable_amount(payment):
    done = sum((r.amount for r in payment.refunds.exclude(state=RefundState.FAILED)), start=Decimal("0.00"))
    return payment.amount - done


def refund_payment(*, payment, amount, reason="", user=None, request_key):
    """Give back ``amount`` of a confirmed ``payment``, through its provider's API (Stripe, Alipay)
    or recorded by hand (bank transfer).

    ``request_key`` identifies the person's request (the refund form carries one): the same key
    makes one refund however often it is submitted, and it is the provider's idempotency key.
    Side effects: a ``Refund`` row, audit entries, the order becomes partially or fully refunded,
    ``order_refunded``, a mail to the payer. Raises ``RefundError``.
    """
    amount = Decimal(amount).quantize(Decimal("0.01"))
    refund, created = _create_refund(payment=payment, amount=amount, reason=reason, user=user, request_key=request_key)
    if not created or refund.state != RefundState.PENDING:
        return refund
    try:
        completed = get_provider(payment.provider).refund(refund=refund)
    except RefundError as error:
        _finish(refund, RefundState.FAILED, failure=str(error.message), user=user)
        raise
    if not completed:
        return _await_provider(refund, user=user)
    return _finish(refund, RefundState.DONE, user=user)


def _await_provider(refund, *, user):
    """The provider accepted the refund but has not made it yet: it stays in progress (and
    counts against what may still be refunded) until ``settle_refund``."""
    Refund.objects.filter(pk=refund.pk).update(reference=refund.reference)
    log(instance=refund.order, action="flock.refund.wait", user=user, data={"refund": refund.pk})
    return refund


def settle_refund(*, refund, succeeded, failure=""):
    """The provider's later word on a refund it was still making: done (with the same side effects
    as a refund done at once) or failed, with ``failure`` as the reason. A refund that is no
    longer in progress is left as it is, so a repeated or late report changes nothing."""
    return _finish(refund, RefundState.DONE if succeeded else RefundState.FAILED, failure=failure)


@transaction.atomic
def _create_refund(*, payment, amount, reason, user, request_key):
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    key = f"refund-{payment.pk}-{request_key}"[:100]
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing:
        return existing, False
    if payment.state != PaymentState.CONFIRMED:
        raise RefundError(_("Only a confirmed payment can be refunded."))
    if amount <= 0 or amount > refundable_amount(payment):
        raise RefundError(
            _("A refund must be more than zero and at most %(amount)s %(currency)s.")
            % {"amount": refundable_amount(payment), "currency": payment.currency}
        )
    refund = Refund.objects.create(
        order=order,
        payment=payment,
        amount=amount,
        currency=payment.currency,
        reason=reason,
        idempotency_key=key,
        created_by=user,
    )
    log(instance=order, action="flock.refund.start", user=user, data={"refund": refund.pk, "amount": str(amount)})
    return refund, True


@transaction.atomic
def _finish(refund, state, *, failure="", user=None):
    from commerce.services.notifications import notify_refund_done

    reference = refund.reference  # set by the provider on the caller's copy
    order = Order.objects.select_for_update().get(pk=refund.order_id)
    payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.state != RefundState.PENDING:
        return refund
    refund.reference = reference or refund.reference
    refund.state = state
    refund.failure_reason = failure
    refund.completed_at = timezone.now()
    refund.save(update_fields=["state", "failure_reason", "completed_at", "reference"])
    log(instance=order, action="flock.refund.finish", user=user, data={"refund": refund.pk, "state": state})
    if state != RefundState.DONE:
        return refund
    if refundable_amount(payment) == 0:
        set_payment_state(payment=payment, new_state=PaymentState.REFUNDED, user=user)
    order.refunded_total += refund.amount
    order.save(update_fields=["refunded_total"])
    if order.state in ORDER_PAID_STATES:
        full = order.refunded_total >= order.total
        _transition(
            order,
            OrderState.REFUNDED if full else OrderState.PARTIALLY_REFUNDED,
            user=user,
            action="flock.order.refund",
        )
        if full and order.attention == Attention.REFUND_DUE:  # the refund that was due is made
            order.attention = ""
        order.save(update_fields=["state", "attention"])
    order_refunded.send(sender=Order, order=order, refund=refund)
    notify_refund_done(refund=refund)
    return refund
