"""Reactions to ``commerce``'s signals: its orders that sell registrations (line kind
``attendance.registration``), hotel rooms and tour places; and of bookings to a registration that
ends. Each receiver calls one service in ``attendance.services.orders`` or ``booking_orders``."""

from django.dispatch import receiver

from attendance.services import booking_orders
from attendance.services.orders import handle_order_lapsed, handle_order_paid, handle_order_refunded
from attendance.signals import registration_state_changed
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


# Hotel rooms and tour places sold with their own orders (line kinds ``attendance.hotel`` and
# ``attendance.tour``): each receiver calls one service in ``attendance.services.booking_orders``.


@receiver(order_paid, dispatch_uid="attendance.bookings.order_paid")
def on_booking_order_paid(sender, order, **kwargs):
    booking_orders.handle_order_paid(order=order)


@receiver(order_expired, dispatch_uid="attendance.bookings.order_expired")
@receiver(order_cancelled, dispatch_uid="attendance.bookings.order_cancelled")
def on_booking_order_lapsed(sender, order, **kwargs):
    booking_orders.handle_order_lapsed(order=order)


@receiver(order_refunded, dispatch_uid="attendance.bookings.order_refunded")
def on_booking_order_refunded(sender, order, refund=None, **kwargs):
    booking_orders.handle_order_refunded(order=order, refund=refund)


@receiver(registration_state_changed, dispatch_uid="attendance.bookings.registration_ended")
def on_registration_state_changed(sender, registration, old_state, new_state, user=None, **kwargs):
    booking_orders.handle_registration_ended(
        registration=registration, old_state=old_state, new_state=new_state, user=user
    )
