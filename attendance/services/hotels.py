"""Hotel rooms: the conference's hotel window, allotments per night, and booking, changing and
cancelling a room.

Every function that changes how many rooms are taken locks the ``RoomNight`` rows it touches with
``select_for_update`` in ``(room type, night)`` order, inside one transaction, so that no night is
ever oversold (the database's check ``taken <= total`` is the last guard). A booking holds one
room on each of its nights while it is booked; cancelling it, its order lapsing or being fully
refunded, or its registration ending, give the rooms back. Services do not check who acts: views
and admin screens do.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from attendance.booking_enums import BookingCancelCause, HotelBookingState
from attendance.booking_exceptions import BookingClosed, IllegalTransition, NoRoomLeft, RoomNotOffered
from attendance.models import HotelBooking, LodgingSettings, RoomNight, RoomType
from attendance.services.bookings import (
    booking_action,
    days,
    give_up_order,
    lock_order_of,
    locked_registration,
    open_until,
    sell,
)
from commerce.enums import OrderState, ProofState
from commerce.models import TransferProof


def lodging_settings_for(conference):
    """The conference's hotel window (made on first use: from the night before the first day to
    the night of the last day); kept on the conference instance."""
    try:
        return conference.lodging_settings
    except LodgingSettings.DoesNotExist:
        row, _created = LodgingSettings.objects.get_or_create(
            conference=conference,
            defaults={
                "first_night": conference.start_date - datetime.timedelta(days=1),
                "last_night": conference.end_date,
            },
        )
        conference.lodging_settings = row
        return row


def _night(day):
    return date_format(day, "Y-m-d")


# Set-up ------------------------------------------------------------------------------------------


@transaction.atomic
def set_allotment(*, room_type, first_night, last_night, rooms, user=None):
    """``rooms`` rooms of ``room_type`` on every night from ``first_night`` to ``last_night``
    (inclusive), inside the conference's hotel window. A night with more rooms booked than
    ``rooms`` is refused, naming the nights; nothing is changed then.

    Side effects: the ``RoomNight`` rows (made or updated, locked), an audit entry. Returns how
    many nights were set. Raises ``ValidationError``.
    """
    conference = room_type.hotel.conference
    window = lodging_settings_for(conference)
    errors = {}
    if rooms is None or rooms < 0:
        errors["rooms"] = _("Enter 0 or more rooms.")
    if first_night and last_night and last_night < first_night:
        errors["last_night"] = _("The last night cannot be before the first night.")
    elif first_night < window.first_night or last_night > window.last_night:
        errors["first_night"] = _("Rooms can only be set for the nights from %(first)s to %(last)s.") % {
            "first": _night(window.first_night),
            "last": _night(window.last_night),
        }
    if errors:
        raise ValidationError(errors)
    nights = days(first_night, last_night)
    existing = {
        row.night: row
        for row in RoomNight.objects.select_for_update()
        .filter(room_type=room_type, night__in=nights)
        .order_by("room_type_id", "night")
    }
    over = [night for night, row in sorted(existing.items()) if row.taken > rooms]
    if over:
        raise ValidationError(
            {
                "rooms": _("More rooms are already booked on these nights: %(nights)s.")
                % {"nights": ", ".join(f"{_night(night)} ({existing[night].taken})" for night in over)}
            }
        )
    RoomNight.objects.filter(pk__in=[row.pk for row in existing.values()]).update(total=rooms)
    RoomNight.objects.bulk_create(
        RoomNight(room_type=room_type, night=night, total=rooms) for night in nights if night not in existing
    )
    log(
        instance=room_type,
        action="flock.hotel.allotment",
        user=user,
        data={"first": first_night.isoformat(), "last": last_night.isoformat(), "rooms": rooms},
    )
    return len(nights)


# Checks ------------------------------------------------------------------------------------------


def check_stay(*, conference, check_in, check_out):
    """The dates of a stay, checked against each other and the conference's hotel window.
    Raises ``ValidationError`` keyed by form field."""
    if check_in is None or check_out is None:
        raise ValidationError({"check_in": _("Choose the check-in and check-out dates.")})
    if check_out < check_in:
        raise ValidationError({"check_out": _("Check-out cannot be before check-in.")})
    if check_out == check_in:
        raise ValidationError({"check_out": _("Book at least one night: check-out is after check-in.")})
    window = lodging_settings_for(conference)
    if check_in < window.first_night or check_out > window.last_check_out:
        raise ValidationError(
            {
                "check_in": _(
                    "Rooms can be booked from check-in on %(first)s to check-out on %(last)s; please choose "
                    "dates in between."
                )
                % {"first": _night(window.first_night), "last": _night(window.last_check_out)}
            }
        )


def _offered_room_type(room_type, conference):
    """The room type (by instance or pk), if it is offered for ``conference``."""
    pk = getattr(room_type, "pk", room_type)
    found = RoomType.objects.select_related("hotel").filter(pk=pk).first() if pk is not None else None
    if (
        found is None
        or found.hotel.conference_id != conference.pk
        or not (found.active and found.hotel.active)
        or not conference.hotels_enabled
    ):
        raise RoomNotOffered()
    found.hotel.conference = conference
    return found


def _check_open(hotel, conference):
    if not open_until(hotel.cutoff_date, conference):
        raise BookingClosed(
            _("Bookings at %(hotel)s closed on %(date)s; please write to the organizers.")
            % {"hotel": hotel.name, "date": _night(hotel.cutoff_date)}
        )


def _rate(room_type, registration):
    """The nightly rate and currency for the registration: its currency when the room has a
    price in it, else the conference's."""
    conference = registration.conference
    price = room_type.price_in(registration.currency, conference)
    if price is not None:
        return price, registration.currency
    return room_type.price, conference.currency


def _roommate(room_type, roommate):
    roommate = (roommate or "").strip()
    if roommate and not room_type.is_shared:
        raise ValidationError({"roommate": _("A single room has no roommate.")})
    return roommate[:150]


# Inventory ---------------------------------------------------------------------------------------


def _lock_nights(stays):
    """Lock the inventory of ``stays`` (``(room type pk, [nights])``) in ``(room type, night)``
    order; returns ``{(room type pk, night): RoomNight}``."""
    condition = Q(pk__in=[])
    for room_type_id, nights in stays:
        condition |= Q(room_type_id=room_type_id, night__in=nights)
    rows = RoomNight.objects.select_for_update().filter(condition).order_by("room_type_id", "night")
    return {(row.room_type_id, row.night): row for row in rows}


def _take(rows, room_type, nights):
    """Take one room of ``room_type`` on each night (locked ``rows``); ``NoRoomLeft`` names the
    first night without one."""
    for night in nights:
        row = rows.get((room_type.pk, night))
        if row is None or row.taken >= row.total:
            raise NoRoomLeft(
                _("No %(room)s rooms are left at %(hotel)s for the night of %(night)s.")
                % {"room": room_type.name, "hotel": room_type.hotel.name, "night": _night(night)}
            )
    taken = [rows[(room_type.pk, night)] for night in nights]
    RoomNight.objects.filter(pk__in=[row.pk for row in taken]).update(taken=F("taken") + 1)
    for row in taken:
        row.taken += 1


def _give_back(rows, room_type_id, nights):
    held = [rows[(room_type_id, night)] for night in nights if (room_type_id, night) in rows]
    RoomNight.objects.filter(pk__in=[row.pk for row in held], taken__gt=0).update(taken=F("taken") - 1)
    for row in held:
        row.taken = max(row.taken - 1, 0)


# Booking -----------------------------------------------------------------------------------------


@booking_action
def book_room(*, registration, room_type, check_in, check_out, roommate="", requests="", by=None):
    """Book one room of ``room_type`` from ``check_in`` to ``check_out`` for a live
    ``registration``, at nights × the nightly rate (in the registration's currency when the room
    has a price in it, else the conference's).

    Raises ``NotRegistered``, ``RoomNotOffered``, ``BookingClosed`` (after the hotel's cutoff),
    ``ValidationError`` (dates, roommate) or ``NoRoomLeft`` (naming the night); nothing is held
    then. Side effects: one room taken on each night, the booking, its pending order (unless
    free), audit entries.
    """
    registration = locked_registration(registration)
    conference = registration.conference
    room_type = _offered_room_type(room_type, conference)
    check_stay(conference=conference, check_in=check_in, check_out=check_out)
    _check_open(room_type.hotel, conference)
    roommate = _roommate(room_type, roommate)
    rate, currency = _rate(room_type, registration)
    booking = HotelBooking(
        conference=conference,
        registration=registration,
        room_type=room_type,
        check_in=check_in,
        check_out=check_out,
        roommate=roommate,
        requests=(requests or "").strip()[:2000],
        rate=rate,
        currency=currency,
        created_by=by,
    )
    booking.amount = rate * booking.nights
    rows = _lock_nights([(room_type.pk, booking.night_dates)])
    _take(rows, room_type, booking.night_dates)
    booking.save()
    booking.order = sell(booking, registration)
    booking.save(update_fields=["order"])
    log(instance=booking, action="flock.hotel_booking.book", user=by, data=_summary(booking))
    return booking


def _summary(booking):
    return {
        "registration": booking.registration.code,
        "room_type": booking.room_type_id,
        "check_in": booking.check_in.isoformat(),
        "check_out": booking.check_out.isoformat(),
        "amount": str(booking.amount),
        "currency": booking.currency,
        "order": booking.order.code if booking.order_id else None,
    }


def lock_booking(booking):
    """Re-read ``booking`` locked, its order locked first."""
    lock_order_of(HotelBooking, booking.pk)
    return (
        HotelBooking.objects.select_for_update(of=("self",))
        .select_related("conference", "registration__user", "room_type__hotel", "order")
        .get(pk=booking.pk)
    )


@booking_action
def change_booking(*, booking, room_type=None, check_in=None, check_out=None, roommate=None, requests=None, by=None):
    """Change a booked room's type, dates, roommate or requests until the hotel's cutoff. The old
    nights are given back and the new ones taken in one step (a night both stays share is never
    lost). A new price replaces the pending order with a new one; a paid booking can change only
    when the price stays the same (otherwise: cancel and book again, or ask the organizers).

    Raises what ``book_room`` raises, ``IllegalTransition`` (cancelled) and ``BookingClosed``
    (cutoff passed, or paid and the price would change, or a proof of transfer is waiting).
    Side effects: the inventory, the booking, the order replaced, an audit entry.
    """
    booking = lock_booking(booking)
    if not booking.is_booked:
        raise IllegalTransition(_("Only a booked room can be changed."))
    registration = booking.registration
    if not registration.is_live:
        raise IllegalTransition(_("Your registration is cancelled or withdrawn, so you cannot book."))
    conference = registration.conference = booking.conference
    _check_open(booking.room_type.hotel, conference)
    new_type = _offered_room_type(room_type if room_type is not None else booking.room_type_id, conference)
    if new_type.hotel_id != booking.room_type.hotel_id:
        _check_open(new_type.hotel, conference)
    check_in = check_in or booking.check_in
    check_out = check_out or booking.check_out
    check_stay(conference=conference, check_in=check_in, check_out=check_out)
    old = {"room_type": booking.room_type_id, "check_in": booking.check_in, "check_out": booking.check_out}
    old_nights, old_amount = booking.night_dates, booking.amount
    if new_type.pk == booking.room_type_id:  # the same room keeps the rate it was sold at
        rate, currency = booking.rate, booking.currency
    else:
        rate, currency = _rate(new_type, registration)
    booking.room_type, booking.check_in, booking.check_out = new_type, check_in, check_out
    booking.rate, booking.currency = rate, currency
    booking.amount = rate * booking.nights
    if roommate is not None:
        booking.roommate = _roommate(new_type, roommate)
    elif not new_type.is_shared:
        booking.roommate = ""
    if requests is not None:
        booking.requests = requests.strip()[:2000]
    order = booking.order
    reprice = booking.amount != old_amount or (order is not None and order.currency != currency)
    if reprice and order is not None and order.state != OrderState.PENDING:
        raise BookingClosed(
            _(
                "This booking is paid and the change would alter its price: please cancel it and book "
                "again, or write to the organizers."
            )
        )
    if (
        reprice
        and order is not None
        and TransferProof.objects.filter(payment__order=order, state=ProofState.PENDING).exists()
    ):
        raise BookingClosed(_("A payment for this booking is being checked; please ask the finance staff first."))
    rows = _lock_nights([(old["room_type"], old_nights), (new_type.pk, booking.night_dates)])
    _give_back(rows, old["room_type"], old_nights)
    _take(rows, new_type, booking.night_dates)
    booking.updated_at = timezone.now()
    if reprice:
        booking.order = None  # detached first: cancelling it must not release the booking
    booking.save()
    if reprice:
        give_up_order(order, user=by, reason=f"hotel booking {booking.pk} changed")
        booking.order = sell(booking, registration)
        booking.save(update_fields=["order"])
    log(
        instance=booking,
        action="flock.hotel_booking.change",
        user=by,
        data={**_summary(booking), "old": {key: str(value) for key, value in old.items()}},
    )
    return booking


@booking_action
def cancel_booking(*, booking, by=None, staff=False):
    """The attendee (until the hotel's cutoff) or staff (``staff``, any time) cancel a booked
    room: its nights are given back and its pending order is cancelled. Money already paid is
    refunded by finance, not here: the paid order is flagged "a refund is due" for them.

    Raises ``BookingClosed``, ``IllegalTransition``. Side effects: the inventory, the booking's
    state, the order cancelled (if pending), an audit entry.
    """
    booking = lock_booking(booking)
    if not booking.is_booked:
        raise IllegalTransition(_("This booking is already cancelled."))
    if not staff:
        _check_open(booking.room_type.hotel, booking.conference)
    cause = BookingCancelCause.STAFF if staff else BookingCancelCause.ATTENDEE
    release_booking(booking, cause=cause, user=by)
    give_up_order(booking.order, user=by, reason=f"hotel booking {booking.pk} cancelled")
    return booking


def release_booking(booking, *, cause, user=None):
    """Cancel a locked, booked ``booking`` and give its nights back (the order is the caller's
    business). Side effects: the inventory, the booking's state, an audit entry."""
    rows = _lock_nights([(booking.room_type_id, booking.night_dates)])
    _give_back(rows, booking.room_type_id, booking.night_dates)
    booking.state = HotelBookingState.CANCELLED
    booking.cancel_cause = cause
    booking.closed_at = booking.updated_at = timezone.now()
    booking.save(update_fields=["state", "cancel_cause", "closed_at", "updated_at"])
    log(instance=booking, action="flock.hotel_booking.cancel", user=user, data={"cause": cause})
    return booking
