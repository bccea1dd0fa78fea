"""What hotel and tour bookings share: who may book, the conference's "today", and each booking's
own order in ``commerce``.

A booking is sold with an order of its own (one line: ``HotelBooking.order_item`` or
``TourBooking.order_item``), not added to the registration's order: ``commerce`` can neither
remove nor reprice a line, the registration's pending order is replaced whenever staff change its
type or price (which would silently drop a room with it), and a booking is changed or cancelled
on its own until the hotel's or tour's cutoff. The attendee pays each order from "My conference"
or the order's page, and an order that expires unpaid releases what it held.

Locks are taken in the same order everywhere: a booking's order, then the booking, then the
inventory (room nights in ``(room type, night)`` order, or the tour's row). What attendees do
waits at most ``LOCK_WAIT`` for a lock (on PostgreSQL), then says "please try again" (``Busy``).
"""

import datetime
import functools

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.booking_exceptions import Busy, NotRegistered
from attendance.models import Registration
from commerce.enums import OrderState
from commerce.services.orders import cancel_order, create_order

LOCK_WAIT = "5s"
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock wait that timed out


def booking_action(function):
    """Run a booking service in a transaction whose row locks wait at most ``LOCK_WAIT``
    (PostgreSQL's ``lock_timeout``, for the rest of the transaction); a longer wait is ``Busy``,
    a friendly "please try again" rather than an error page."""

    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_WAIT])
                return function(*args, **kwargs)
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise Busy() from error
            raise

    return wrapped


def local_today(conference, *, at=None):
    """The date in the conference's time zone now (or ``at``): cutoffs are judged by it."""
    return timezone.localtime(at or timezone.now(), conference.tz).date()


def open_until(cutoff_date, conference, *, at=None):
    """Whether a cutoff (a last day, inclusive; ``None``: no limit) has not passed."""
    return cutoff_date is None or local_today(conference, at=at) <= cutoff_date


def locked_registration(registration):
    """Re-read a registration locked (so that it cannot end while a booking is made for it) and
    check that it holds a place. Raises ``NotRegistered``."""
    if registration is None:
        raise NotRegistered()
    locked = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("conference", "user")
        .filter(pk=registration.pk)
        .first()
    )
    if locked is None:
        raise NotRegistered()
    if not locked.is_live:
        raise NotRegistered(_("Your registration is cancelled or withdrawn, so you cannot book."))
    return locked


def sell(booking, registration):
    """A pending order of ``booking`` for the registration's person (``None`` when it is free)."""
    item = booking.order_item()
    if item.amount == 0:
        return None
    return create_order(
        conference=registration.conference,
        purchaser=registration.user,
        items=[item],
        language=registration.language,
        currency=booking.currency,
    )


def give_up_order(order, *, user=None, reason=""):
    """Cancel a booking's order if it is still pending (``order_cancelled`` then finds the booking
    already released and changes nothing). A paid order is flagged for finance, who refund it."""
    from commerce.services.payments import flag_refund_due

    if order is None:
        return
    if order.state == OrderState.PENDING:
        cancel_order(order=order, user=user, reason=reason[:200])
    else:
        flag_refund_due(order=order, user=user, data={"reason": reason[:200]})


def lock_order_of(model, pk):
    """Lock the current order of the booking ``pk`` of ``model`` (before the booking itself)."""
    from commerce.models import Order

    order_id = model.objects.values_list("order_id", flat=True).get(pk=pk)
    if order_id is not None:
        list(Order.objects.select_for_update().filter(pk=order_id).values_list("pk", flat=True))


def days(first, last):
    """The dates from ``first`` to ``last`` inclusive."""
    return [first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1)]
