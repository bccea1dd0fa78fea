"""Payments: starting one with a provider, and the only code that confirms or fails one.

Providers' callbacks, finance staff accepting a proof and the reconciliation task all end in
``confirm_payment``: it locks the order then the payment, so concurrent or repeated deliveries of
the same news make exactly one change.
"""

import contextlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from commerce.enums import PAYMENT_TRANSITIONS, Attention, OrderState, PaymentState, Provider
from commerce.exceptions import IllegalTransition, ProviderNotAvailable
from commerce.models import Order, Payment, ProviderEvent
from commerce.providers.base import get_provider, providers_for
from commerce.services.orders import mark_order_paid, payment_settings_for
from commerce.signals import payment_state_changed


@transaction.atomic
def set_payment_state(*, payment, new_state, user=None, reason=""):
    """Move a payment along the table, judged by its state in the database (the row is locked).
    Side effects: an audit entry on its order and ``payment_state_changed``."""
    old_state = Payment.objects.select_for_update().values_list("state", flat=True).get(pk=payment.pk)
    if new_state not in PAYMENT_TRANSITIONS[PaymentState(old_state)]:
        raise IllegalTransition(
            _("A payment that is %(old)s cannot become %(new)s.")
            % {"old": PaymentState(old_state).label, "new": PaymentState(new_state).label}
        )
    payment.state = new_state
    fields = ["state"]
    if reason:
        payment.failure_reason = reason
        fields.append("failure_reason")
    if new_state == PaymentState.CONFIRMED:
        payment.confirmed_at = timezone.now()
        fields.append("confirmed_at")
    payment.save(update_fields=fields)
    log(
        instance=payment.order,
        action="flock.payment.state",
        user=user,
        data={"payment": payment.pk, "provider": payment.provider, "old": old_state, "new": new_state},
    )
    payment_state_changed.send(sender=Payment, payment=payment, old_state=old_state, new_state=new_state)
    return payment


@transaction.atomic
def start_payment(*, order, provider_key, method="", request=None, user=None):
    """Begin paying a pending order with one of the conference's enabled providers.

    A payment already started with the same provider and method is reused (a double click makes
    one payment). Returns ``(payment, StartResult)``. Raises ``ProviderNotAvailable``.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.PENDING:
        raise IllegalTransition(_("Only an order awaiting payment can be paid."))
    enabled = {provider.key: provider for provider in providers_for(payment_settings_for(order.conference))}
    provider = enabled.get(provider_key)
    if provider is None or method not in {key for key, _label in provider.methods}:
        raise ProviderNotAvailable()
    payment = (
        order.payments.select_for_update()
        .filter(provider=provider_key, method=method, state__in=[PaymentState.CREATED, PaymentState.PENDING])
        .first()
    )
    if payment is None or payment.amount != order.total:
        if payment is not None:
            set_payment_state(payment=payment, new_state=PaymentState.CANCELLED, user=user)
        payment = Payment.objects.create(
            order=order, provider=provider_key, method=method, amount=order.total, currency=order.currency
        )
        log(
            instance=order,
            action="flock.payment.start",
            user=user,
            data={"payment": payment.pk, "provider": provider_key},
        )
    return payment, provider.start(payment=payment, request=request)


class Outcome:
    """What ``confirm_payment`` made of the news."""

    CONFIRMED = "confirmed"  # the order is paid now
    DUPLICATE = "duplicate"  # confirmed before; nothing changed
    LATE = "late"  # recorded; the order had expired or was cancelled: finance refunds or re-activates
    DOUBLE = "double"  # recorded; the order was paid already: finance refunds
    AMOUNT_MISMATCH = "amount_mismatch"  # refused; the order is flagged


@transaction.atomic(savepoint=False)
def confirm_payment(*, payment, amount, currency=None, reference="", user=None):
    """The provider (or finance staff) says ``amount`` of ``payment`` has arrived; returns an
    ``Outcome``.

    Idempotent: confirming a confirmed payment changes nothing. A different amount or currency is
    refused and the order is flagged for finance (the flag is kept: nothing is raised). Money for
    an order that is no longer pending is still recorded: the payment is confirmed and the order
    flagged (late, or paid twice) for a refund or re-activation. Otherwise the order becomes paid
    (see ``mark_order_paid`` for its side effects).
    """
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.state == PaymentState.CONFIRMED:
        return Outcome.DUPLICATE
    if amount != payment.amount or (currency and currency.upper() != payment.currency):
        flag_order(
            order=order,
            attention=Attention.AMOUNT_MISMATCH,
            data={"payment": payment.pk, "amount": str(amount), "currency": currency or ""},
        )
        return Outcome.AMOUNT_MISMATCH
    if reference and not payment.reference:
        payment.reference = reference
        payment.save(update_fields=["reference"])
    set_payment_state(payment=payment, new_state=PaymentState.CONFIRMED, user=user)
    if order.state == OrderState.PENDING:
        mark_order_paid(order=order, user=user)
        return Outcome.CONFIRMED
    payment.late = order.state in (OrderState.EXPIRED, OrderState.CANCELLED)
    payment.save(update_fields=["late"])
    attention = Attention.LATE_PAYMENT if payment.late else Attention.DOUBLE_PAYMENT
    flag_order(order=order, attention=attention, data={"payment": payment.pk})
    return Outcome.LATE if payment.late else Outcome.DOUBLE


@transaction.atomic(savepoint=False)
def fail_payment(*, payment, reason="", user=None):
    """The provider says the payment failed or was abandoned. A confirmed payment stays confirmed."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.state not in (PaymentState.CREATED, PaymentState.PENDING):
        return payment
    return set_payment_state(payment=payment, new_state=PaymentState.FAILED, user=user, reason=reason)


@transaction.atomic(savepoint=False)
def mark_payment_pending(*, payment, reference=""):
    """The provider accepted the payment request and waits for the payer."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if reference:
        payment.reference = reference
        payment.save(update_fields=["reference"])
    if payment.state == PaymentState.CREATED:
        set_payment_state(payment=payment, new_state=PaymentState.PENDING)
    return payment


def flag_order(*, order, attention, data=None, user=None):
    """Ask finance to look at ``order`` (locked by the caller). Side effects: an audit entry."""
    order.attention = attention
    order.save(update_fields=["attention"])
    log(instance=order, action="flock.order.flag", user=user, data={"attention": attention, **(data or {})})


def flag_refund_due(*, order, user=None, data=None):
    """What a paid ``order`` sold was cancelled (a booking, a registration): finance is asked to
    refund it (or to decide, for a registration). An order already flagged keeps its first reason;
    one that is not paid (pending, cancelled, fully refunded) is left alone. The full refund
    clears the flag. Side effects: the order locked and flagged, an audit entry."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state not in (OrderState.PAID, OrderState.PARTIALLY_REFUNDED):
        return order
    if order.attention:  # its first reason stays; the history still says that a refund is due
        log(instance=order, action="flock.order.refund_due", user=user, data={"kept": order.attention, **(data or {})})
        return order
    flag_order(order=order, attention=Attention.REFUND_DUE, data=data, user=user)
    return order


@transaction.atomic
def settle_attention(*, order, user, note=""):
    """Finance has dealt with what the order was flagged for (refunded part or none of it under
    the conference's terms, answered the payer): the flag is cleared. Side effects: an audit entry
    with the reason it had and finance's note. Raises ``IllegalTransition`` when it has no flag."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order.attention:
        raise IllegalTransition(_("This order does not need attention."))
    was = order.attention
    order.attention = ""
    order.save(update_fields=["attention"])
    log(instance=order, action="flock.order.settled", user=user, data={"attention": was, "note": note[:500]})
    return order


def record_event(*, provider, event_id, conference=None, kind="", payload=None, order=None, order_id=None, outcome=""):
    """Store a provider's notification once. Returns ``(event, created)``; ``created`` is false for
    a duplicate. Runs inside the caller's transaction, which also applies the event, so that an
    event that was not handled is not remembered and the provider's retry is handled; or on its
    own, for an event recorded to be applied later (``outcome="queued"``). The order is given as
    ``order`` or, when only its key is at hand, ``order_id``."""
    order_id = order.pk if order is not None else order_id
    fields = {
        "conference": conference,
        "kind": kind,
        "payload": payload or {},
        "order_id": order_id,
        "outcome": outcome,
    }
    # Outside a transaction the insert is a statement of its own, which needs neither a
    # transaction nor a savepoint around it to fail cleanly on a duplicate.
    guard = transaction.atomic() if not transaction.get_autocommit() else contextlib.nullcontext()
    try:
        with guard:
            event = ProviderEvent.objects.create(provider=provider, event_id=event_id, **fields)
    except IntegrityError:
        return ProviderEvent.objects.get(provider=provider, event_id=event_id), False
    return event, True


def provider_for_payment(payment):
    return get_provider(payment.provider)


@transaction.atomic
def pay_on_site(*, order, by, reference=""):
    """Staff took the whole of ``order``'s total at the desk: an on-site payment is recorded and
    confirmed (``confirm_payment``: the order paid, its receipt, ``order_paid``). Returns the
    payment. Raises ``IllegalTransition`` when the order is not awaiting payment.

    Side effects: the payment row, an audit entry, and those of ``confirm_payment``."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.PENDING:
        raise IllegalTransition(_("Only an order awaiting payment can be paid."))
    payment = Payment.objects.create(
        order=order, provider=Provider.ON_SITE, amount=order.total, currency=order.currency
    )
    log(instance=order, action="flock.payment.start", user=by, data={"payment": payment.pk, "provider": "on_site"})
    confirm_payment(payment=payment, amount=payment.amount, reference=reference[:100], user=by)
    payment.refresh_from_db()
    return payment
