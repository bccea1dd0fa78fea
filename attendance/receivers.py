"""Reactions to ``commerce``'s signals: its orders that sell registrations (line kind
``attendance.registration``). Each receiver calls one service in ``attendance.services.orders``."""

from django.dispatch import receiver

from attendance.services.orders import handle_order_lapsed, handle_order_paid, handle_order_refunded
from commerce.signals import order_cancelled, order_expired, order_paid, order_refunded


@receiver(order_paid, dispatch_uid="attendance.order_paid")
def on_order_paid(sender, order, **kwargs):
    handle_order_paid(order=order)


@receiver(order_expired, dispatch_uid="attendance.order_expired")
def on_order_expired(sender, order, **kwargs):
    handle_order_lapsed(order=order)


@receiver(order_cancelled, dispatch_uid="attendance.order_cancelled")
def on_order_cancelled(sender, order, **kwargs):
    handle_order_lapsed(order=order)


@receiver(order_refunded, dispatch_uid="attendance.order_refunded")
def on_order_refunded(sender, order, refund=None, **kwargs):
    handle_order_refunded(order=order, refund=refund)
