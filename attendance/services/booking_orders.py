"""Reactions of hotel and tour bookings to what happens to their orders and registrations.

The ``handle_*`` functions are called by ``attendance.receivers`` inside the transaction of
``commerce`` (the order is locked) or of the registration's change. They find the bookings by the
order's lines (kinds ``attendance.hotel`` and ``attendance.tour``), act only on bookings whose
current order this is, and ignore anything else: a repeated signal changes nothing.
"""

from wagtail.log_actions import log

from attendance.booking_enums import OPEN_TOUR_STATES, BookingCancelCause, HotelBookingState
from attendance.enums import LIVE_STATES
from attendance.models import HotelBooking, TourBooking
from attendance.services import hotels, tours
from attendance.services.bookings import give_up_order
from commerce.enums import Attention, OrderState


def _sold_by(order, model):
    """The pks of the bookings of ``model`` that ``order`` sells and whose current order it is
    (a line naming a booking that does not exist, or that moved to another order, is ignored)."""
    ids = {
        int(line.object_id) for line in order.lines.all() if line.kind == model.ORDER_KIND and line.object_id.isdigit()
    }
    if not ids:
        return []
    return sorted(model.objects.filter(pk__in=ids, order=order).values_list("pk", flat=True))


def _hotel_bookings(order):
    for pk in _sold_by(order, HotelBooking):
        booking = hotels.lock_booking(HotelBooking(pk=pk))
        if booking.order_id == order.pk:
            yield booking


def _tour_bookings(order):
    for pk in _sold_by(order, TourBooking):
        booking = tours.lock_booking(TourBooking(pk=pk))
        if booking.order_id == order.pk:
            yield booking


def handle_order_lapsed(*, order, cause=BookingCancelCause.ORDER_LAPSED):
    """``order_expired`` / ``order_cancelled``: the rooms and seats the order held are given back
    (a freed seat is offered to the next person waiting)."""
    for booking in _hotel_bookings(order):
        if booking.is_booked:
            hotels.release_booking(booking, cause=cause)
    for booking in _tour_bookings(order):
        if booking.state in OPEN_TOUR_STATES:
            tours.release_tour_booking(booking, cause=cause)


def handle_order_refunded(*, order, refund=None):
    """``order_refunded``: a full refund cancels the bookings the order sold, giving their rooms
    and seats back; a partial refund is only recorded."""
    if order.state != OrderState.REFUNDED:
        for booking in [*_hotel_bookings(order), *_tour_bookings(order)]:
            log(
                instance=booking,
                action="flock.booking.partial_refund",
                user=getattr(refund, "created_by", None),
                data={"order": order.code, "amount": str(getattr(refund, "amount", ""))},
            )
        return
    handle_order_lapsed(order=order, cause=BookingCancelCause.REFUNDED)


def handle_order_paid(*, order):
    """``order_paid``: a booked room or seat needs nothing (its payment state is its order's). An
    order paid after its booking was released (finance re-activated it) is flagged for finance,
    who refund it: the room or seat may be someone else's by now."""
    from commerce.services.payments import flag_order

    released = [booking for booking in _hotel_bookings(order) if not booking.is_booked]
    released += [booking for booking in _tour_bookings(order) if booking.state not in OPEN_TOUR_STATES]
    for booking in released:
        log(instance=booking, action="flock.booking.payment_unplaced", data={"order": order.code})
    if released:
        flag_order(order=order, attention=Attention.LATE_PAYMENT, data={"bookings": [b.pk for b in released]})


def handle_registration_ended(*, registration, old_state, new_state, user=None):
    """``registration_state_changed`` out of the live states (cancelled or withdrawn): every
    booked room and tour place of the registration is released and its pending order cancelled.
    Money already paid is refunded by finance, as for the registration itself (its orders are
    flagged for them)."""
    if old_state not in LIVE_STATES or new_state in LIVE_STATES:
        return
    cause = BookingCancelCause.REGISTRATION_CLOSED
    for pk in HotelBooking.objects.filter(registration=registration, state=HotelBookingState.BOOKED).values_list(
        "pk", flat=True
    ):
        booking = hotels.lock_booking(HotelBooking(pk=pk))
        if booking.is_booked:
            hotels.release_booking(booking, cause=cause, user=user)
            give_up_order(booking.order, user=user, reason="registration ended")
    for pk in TourBooking.objects.filter(registration=registration, state__in=OPEN_TOUR_STATES).values_list(
        "pk", flat=True
    ):
        booking = tours.lock_booking(TourBooking(pk=pk))
        if booking.state in OPEN_TOUR_STATES:
            tours.release_tour_booking(booking, cause=cause, user=user)
            give_up_order(booking.order, user=user, reason="registration ended")
