"""Reusable reads of hotels, tours and their bookings: what an attendee sees, and the organizers'
occupancy, rooming lists and participant lists. Each is a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from attendance.booking_enums import OPEN_TOUR_STATES, SEAT_STATES, HotelBookingState, TourBookingState
from attendance.models import Hotel, HotelBooking, RoomNight, RoomType, Tour, TourBooking
from attendance.services.bookings import days
from attendance.services.hotels import lodging_settings_for


def window_nights(conference):
    window = lodging_settings_for(conference)
    return days(window.first_night, window.last_night)


@dataclass
class RoomOffer:
    """A room type with the rooms left on each night of the window (``None``: none set)."""

    room_type: RoomType
    left: list = field(default_factory=list)

    @property
    def available(self):
        return any(self.left)


def hotels_on_offer(conference):
    """The conference's offered hotels with their offered room types (``hotel.offers``: a
    ``RoomOffer`` each) and photos: five queries for any number of hotels."""
    nights = window_nights(conference)
    room_types = RoomType.objects.filter(active=True).prefetch_related(
        Prefetch("nights", queryset=RoomNight.objects.filter(night__in=nights), to_attr="window_nights")
    )
    hotels = list(
        Hotel.objects.filter(conference=conference, active=True)
        .prefetch_related(Prefetch("room_types", queryset=room_types), "photos__image")
        .order_by("sort_order", "id")
    )
    for hotel in hotels:
        hotel.conference = conference
        hotel.offers = []
        for room_type in hotel.room_types.all():
            by_night = {row.night: row.left for row in room_type.window_nights}
            hotel.offers.append(RoomOffer(room_type=room_type, left=[by_night.get(night) for night in nights]))
    return hotels


def hotel_bookings_of(registration):
    """The registration's hotel bookings, booked first, with room type, hotel and order."""
    return list(
        HotelBooking.objects.filter(registration=registration)
        .select_related("room_type__hotel", "order")
        .order_by("state", "check_in", "id")
    )


def tours_on_offer(conference):
    """The conference's offered tours, each with ``seats_taken`` and ``waiting`` counts."""
    return list(
        Tour.objects.filter(conference=conference, active=True)
        .annotate(
            seats_taken=Count("bookings", filter=Q(bookings__state__in=SEAT_STATES)),
            waiting=Count("bookings", filter=Q(bookings__state=TourBookingState.WAITING)),
        )
        .order_by("starts_at", "sort_order", "id")
    )


def tour_bookings_of(registration):
    """The registration's tour bookings (open and closed), newest first, with tour and order."""
    return list(
        TourBooking.objects.filter(registration=registration).select_related("tour", "order").order_by("-joined_at")
    )


# Organizers ----------------------------------------------------------------------------------------


def occupancy(hotel):
    """``(nights, rows)``: every night of the window and, per room type of ``hotel``, the
    ``(taken, total)`` of each night (``None`` where no rooms are set). Two queries."""
    nights = window_nights(hotel.conference)
    room_types = list(
        RoomType.objects.filter(hotel=hotel)
        .prefetch_related(
            Prefetch("nights", queryset=RoomNight.objects.filter(night__in=nights), to_attr="window_nights")
        )
        .order_by("sort_order", "id")
    )
    rows = []
    for room_type in room_types:
        by_night = {row.night: (row.taken, row.total) for row in room_type.window_nights}
        rows.append((room_type, [by_night.get(night) for night in nights]))
    return nights, rows


def rooming_list(hotel):
    """The booked rooms of ``hotel`` for the hotel's own list: by check-in, then guest."""
    return (
        HotelBooking.objects.filter(room_type__hotel=hotel, state=HotelBookingState.BOOKED)
        .select_related("registration", "room_type", "order")
        .order_by("check_in", "registration__last_name", "id")
    )


def participants(tour):
    """The open bookings of ``tour``: places (booked, offered) then the waiting list in order."""
    bookings = (
        TourBooking.objects.filter(tour=tour, state__in=OPEN_TOUR_STATES)
        .select_related("registration", "order")
        .order_by("joined_at", "id")
    )
    seats = [booking for booking in bookings if booking.state in SEAT_STATES]
    waiting = [booking for booking in bookings if booking.state == TourBookingState.WAITING]
    return seats, waiting


def my_conference_bookings(registration):
    """What "My conference" shows of the person's bookings: links to the hotel and tour pages
    when the conference offers them, and the open bookings. Two queries at most."""
    conference = registration.conference
    context = {"hotels_enabled": conference.hotels_enabled, "tours_enabled": conference.tours_enabled}
    context["hotel_bookings"] = (
        [booking for booking in hotel_bookings_of(registration) if booking.is_booked]
        if conference.hotels_enabled
        else []
    )
    context["tour_bookings"] = (
        [booking for booking in tour_bookings_of(registration) if booking.state in OPEN_TOUR_STATES]
        if conference.tours_enabled
        else []
    )
    return context


def owed_key(what, order):
    """How the check-in desk names an amount owed (``what``: "registration" or the order's code),
    so that the payment it records is the one it showed."""
    return f"{what}:{order.total} {order.currency}"


def _payable_at_desk():
    """Orders the desk may take money for: pending, with no proof of transfer waiting for
    finance (that money may be on its way already)."""
    from commerce.enums import OrderState, ProofState
    from commerce.models import TransferProof

    waiting = TransferProof.objects.filter(payment__order=OuterRef("pk"), state=ProofState.PENDING)
    return Q(state=OrderState.PENDING) & ~Exists(waiting)


def booked_summaries(registration_ids, time_zone):
    """``{registration id: {"hotel": text, "tours": [text], "due": [text], "owed": [key]}}`` of
    booked rooms and tour places in the active language; ``due`` names those whose order the desk
    may take payment for, with its total, and ``owed`` their keys (``owed_key``). Two queries:
    the check-in desk's card, the confirmation letter."""
    from zoneinfo import ZoneInfo

    from commerce.models import Order

    found = {}
    payable = Order.objects.filter(_payable_at_desk(), pk=OuterRef("order_id"))

    def entry_of(booking):
        return found.setdefault(booking.registration_id, {"hotel": "", "tours": [], "due": [], "owed": []})

    def owed(entry, booking, label):
        if booking.payable:
            order = booking.order
            entry["due"].append(f"{label} · {order.total} {order.currency}")
            entry["owed"].append(owed_key(order.code, order))

    rooms = (
        HotelBooking.objects.filter(registration_id__in=registration_ids, state=HotelBookingState.BOOKED)
        .select_related("room_type__hotel", "order")
        .annotate(payable=Exists(payable))
        .order_by("check_in")
    )
    for booking in rooms:
        entry = entry_of(booking)
        room = booking.room_type
        stay = f"{room.hotel.name} · {room.name} · {booking.check_in:%m-%d} → {booking.check_out:%m-%d}"
        entry["hotel"] = f"{entry['hotel']}; {stay}" if entry["hotel"] else stay
        owed(entry, booking, room.hotel.name)
    places = (
        TourBooking.objects.filter(registration_id__in=registration_ids, state=TourBookingState.BOOKED)
        .select_related("tour", "order")
        .annotate(payable=Exists(payable))
        .order_by("tour__starts_at")
    )
    for booking in places:
        entry = entry_of(booking)
        when = booking.tour.starts_at.astimezone(ZoneInfo(time_zone))
        entry["tours"].append(f"{booking.tour.name} · {when:%m-%d %H:%M}")
        owed(entry, booking, booking.tour.name)
    return found


def pending_booking_orders(registration):
    """The orders of ``registration``'s booked rooms and tour places that the desk may take
    payment for (``_payable_at_desk``), locked, in pk order (the check-in desk takes their
    payment with the registration's)."""
    from commerce.enums import OrderState
    from commerce.models import Order

    rooms = HotelBooking.objects.filter(registration=registration, state=HotelBookingState.BOOKED)
    places = TourBooking.objects.filter(registration=registration, state=TourBookingState.BOOKED)
    booked = Q(pk__in=rooms.values("order")) | Q(pk__in=places.values("order"))
    locked = list(Order.objects.select_for_update().filter(booked, state=OrderState.PENDING).order_by("pk"))
    payable = Order.objects.filter(_payable_at_desk(), pk__in=[order.pk for order in locked])
    payable = set(payable.values_list("pk", flat=True))
    return [order for order in locked if order.pk in payable]


def letter_bookings(registration, language):
    """The confirmation letter's "Hotel and tours" rows (``attendance.letters``)."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override(language):
        found = booked_summaries([registration.pk], registration.conference.time_zone).get(registration.pk)
        if not found:
            return []
        rows = [(gettext("Hotel"), found["hotel"])] if found["hotel"] else []
        return rows + [(gettext("Tour"), text) for text in found["tours"]]
