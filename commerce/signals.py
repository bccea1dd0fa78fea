"""Documented extension points of ``commerce``. All are sent inside the transaction that made
the change, so a receiver's writes commit or roll back with it.

``order_paid(sender=Order, order)``
    The order's money has arrived (first confirmed payment of a pending order, or finance
    re-activated an expired order that was paid late). Selling apps confirm what they sold.

``order_expired(sender=Order, order)`` / ``order_cancelled(sender=Order, order)``
    A pending order was given up; selling apps release what it held (rooms, seats, places).

``order_refunded(sender=Order, order, refund)``
    A refund completed; ``order.state`` says whether it was partial or full.

``payment_state_changed(sender=Payment, payment, old_state, new_state)``
    Any change of a payment's state.
"""

from django.dispatch import Signal

order_paid = Signal()
order_expired = Signal()
order_cancelled = Signal()
order_refunded = Signal()
payment_state_changed = Signal()
