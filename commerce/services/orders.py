"""Creating orders, adding what is sold, and the changes of an order's state."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from commerce.enums import OPEN_PAYMENT_STATES, ORDER_TRANSITIONS, OrderState, PaymentState, ProofState
from commerce.exceptions import IllegalTransition, OrderLocked
from commerce.models import Order, OrderLine, PaymentSettings
from commerce.signals import order_cancelled, order_expired, order_paid

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read over the phone


def payment_settings_for(conference):
    """The conference's payment settings (created with the defaults on first use); kept on the
    conference instance, so one request reads them once."""
    try:
        return conference.payment_settings
    except PaymentSettings.DoesNotExist:
        settings_row, _created = PaymentSettings.objects.get_or_create(conference=conference)
        conference.payment_settings = settings_row
        return settings_row


def _new_code(conference, length):
    return f"{conference.code_prefix}-{''.join(secrets.choice(CODE_ALPHABET) for _ in range(length))}"


@transaction.atomic
def create_order(*, conference, purchaser, items, language=None, currency=None):
    """A pending order of ``items`` (``OrderItem``) for ``purchaser``, with a fresh human code.

    Side effects: an audit entry. The order expires after the conference's configured time.
    """
    if not items:
        raise ValueError("An order sells at least one thing.")
    payment_settings = payment_settings_for(conference)
    now = timezone.now()
    for attempt in range(20):
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    code=_new_code(conference, 4 if attempt < 10 else 6),
                    conference=conference,
                    purchaser=purchaser,
                    currency=currency or conference.currency,
                    language=language or purchaser.preferred_language or conference.default_language,
                    created_at=now,
                    expires_at=now + timedelta(hours=payment_settings.order_expiry_hours),
                )
            break
        except IntegrityError:
            continue
    _add_lines(order, items)
    log(instance=order, action="flock.order.create", data={"total": str(order.total), "currency": order.currency})
    return order


@transaction.atomic
def add_items(*, order, items):
    """Add ``items`` to a pending order that nobody has started paying. Side effects: an audit entry."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.PENDING or order.payments.exclude(state=PaymentState.CANCELLED).exists():
        raise OrderLocked(_("This order is being paid and can no longer change; a new order is needed."))
    _add_lines(order, items)
    log(instance=order, action="flock.order.change", data={"total": str(order.total)})
    return order


def _add_lines(order, items):
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            kind=item.kind,
            object_id=str(item.object_id),
            description_zh=item.description_zh,
            description_en=item.description_en,
            unit_price=item.unit_price,
            quantity=item.quantity,
            amount=item.amount,
        )
        for item in items
    )
    order.total = sum((line.amount for line in order.lines.all()), start=Decimal("0.00"))
    order.save(update_fields=["total"])


def _transition(order, new_state, *, user=None, action, data=None):
    """Check the table, write the state and an audit entry. ``order`` must be locked."""
    old_state = order.state
    if new_state not in ORDER_TRANSITIONS[OrderState(old_state)]:
        raise IllegalTransition(
            _("An order that is %(old)s cannot become %(new)s.")
            % {"old": OrderState(old_state).label, "new": OrderState(new_state).label}
        )
    order.state = new_state
    log(instance=order, action=action, user=user, data={"old": old_state, "new": new_state, **(data or {})})


def lock(order):
    return Order.objects.select_for_update().get(pk=order.pk)


def mark_order_paid(*, order, user=None):
    """Called by ``confirm_payment`` (inside its transaction, with the order locked).

    Side effects: state paid, ``paid_at``, a gapless receipt number, an audit entry,
    ``order_paid``, and a confirmation mail to the purchaser in their language.
    """
    from commerce.services.notifications import notify_order_paid
    from commerce.services.receipts import issue_receipt

    _transition(order, OrderState.PAID, user=user, action="flock.order.paid")
    order.paid_at = timezone.now()
    order.attention = ""
    order.save(update_fields=["state", "paid_at", "attention"])
    order_paid.send(sender=Order, order=order)
    notify_order_paid(order=order)
    # Last: the receipt counter is one row per conference, locked until the transaction ends;
    # taking it late keeps concurrent payments of one conference from queueing behind each other.
    issue_receipt(order=order)
    return order


@transaction.atomic
def cancel_order(*, order, user=None, reason=""):
    """Give up a pending (or expired) order. Open payments are cancelled; ``order_cancelled`` is sent
    so the selling apps release what it held. Side effects: an audit entry."""
    order = lock(order)
    _transition(order, OrderState.CANCELLED, user=user, action="flock.order.cancel", data={"reason": reason})
    order.closed_at = timezone.now()
    order.save(update_fields=["state", "closed_at"])
    _cancel_open_payments(order)
    order_cancelled.send(sender=Order, order=order)
    return order


@transaction.atomic
def expire_order(*, order):
    """A pending order whose time ran out. Skips (returns ``None``) an order that is no longer
    pending or whose bank transfer proof waits for review: finance decides on those.

    Side effects: state expired, open payments cancelled, an audit entry, ``order_expired`` (the
    selling apps release rooms, seats and places), a mail to the purchaser.
    """
    from commerce.services.notifications import notify_order_expired

    order = lock(order)
    if order.state != OrderState.PENDING or _has_proof_waiting(order):
        return None
    _transition(order, OrderState.EXPIRED, action="flock.order.expire")
    order.closed_at = timezone.now()
    order.save(update_fields=["state", "closed_at"])
    _cancel_open_payments(order)
    order_expired.send(sender=Order, order=order)
    notify_order_expired(order=order)
    return order


@transaction.atomic
def reactivate_order(*, order, user):
    """Finance accepts money that arrived after the order expired: the order becomes paid again
    (``order_paid`` is sent; the selling apps take back what they can). Needs a confirmed payment."""
    order = lock(order)
    if not order.payments.filter(state=PaymentState.CONFIRMED).exists():
        raise IllegalTransition(_("Only an order with a confirmed payment can be re-activated."))
    return mark_order_paid(order=order, user=user)


def _has_proof_waiting(order):
    from commerce.models import TransferProof

    return TransferProof.objects.filter(payment__order=order, state=ProofState.PENDING).exists()


def _cancel_open_payments(order):
    from commerce.services.payments import set_payment_state

    for payment in order.payments.select_for_update().filter(state__in=OPEN_PAYMENT_STATES):
        set_payment_state(payment=payment, new_state=PaymentState.CANCELLED)


def expire_due_orders(*, now=None):
    """Expire every pending order whose time is up; returns how many expired."""
    now = now or timezone.now()
    due = Order.objects.filter(state=OrderState.PENDING, expires_at__lte=now).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if expire_order(order=Order(pk=pk)) is not None)


def remind_due_orders(*, now=None):
    """Remind purchasers of pending orders that expire within their conference's reminder window."""
    from commerce.services.notifications import notify_payment_reminder

    now = now or timezone.now()
    reminded = 0
    candidates = Order.objects.filter(state=OrderState.PENDING, reminded_at__isnull=True, expires_at__gt=now)
    for order in candidates.select_related("conference__payment_settings", "purchaser"):
        hours = order.conference.payment_settings.reminder_hours
        if hours and order.expires_at - timedelta(hours=hours) <= now:
            with transaction.atomic():
                locked = lock(order)
                if locked.reminded_at is None and locked.state == OrderState.PENDING:
                    locked.reminded_at = now
                    locked.save(update_fields=["reminded_at"])
                    notify_payment_reminder(order=locked)
                    reminded += 1
    return reminded
