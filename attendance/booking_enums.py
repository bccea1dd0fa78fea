"""States and kinds of hotel and tour bookings, with the tour booking's transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoomKind(models.TextChoices):
    SINGLE = "single", pgettext_lazy("room", "Single")
    DOUBLE = "double", pgettext_lazy("room", "Double")
    TWIN = "twin", pgettext_lazy("room", "Twin")


# Kinds of room that two people share (a roommate's name may be given).
SHARED_ROOM_KINDS = frozenset({RoomKind.DOUBLE, RoomKind.TWIN})


class HotelBookingState(models.TextChoices):
    """A hotel booking holds one room on each of its nights while it is booked."""

    BOOKED = "booked", pgettext_lazy("hotel booking", "Booked")
    CANCELLED = "cancelled", pgettext_lazy("hotel booking", "Cancelled")


class BookingCancelCause(models.TextChoices):
    """Why a hotel or tour booking ended (kept on the row)."""

    ATTENDEE = "attendee", _("Cancelled by the attendee")
    STAFF = "staff", _("Cancelled by the organizer")
    ORDER_LAPSED = "order_lapsed", _("Not paid in time")
    REFUNDED = "refunded", _("Refunded")
    REGISTRATION_CLOSED = "registration_closed", _("The registration was cancelled or withdrawn")
    OFFER_LAPSED = "offer_lapsed", _("The offered place was not taken in time")


class TourBookingState(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("tour booking", "On the waiting list")
    OFFERED = "offered", pgettext_lazy("tour booking", "Place offered")
    BOOKED = "booked", pgettext_lazy("tour booking", "Booked")
    CANCELLED = "cancelled", pgettext_lazy("tour booking", "Cancelled")


# Tour bookings that hold a seat (a booked seat, or one offered to a person on the waiting list),
# and those that are still open (holding a seat or waiting for one).
SEAT_STATES = frozenset({TourBookingState.OFFERED, TourBookingState.BOOKED})
OPEN_TOUR_STATES = frozenset({TourBookingState.WAITING, TourBookingState.OFFERED, TourBookingState.BOOKED})

# Which state may follow which (one service function per arrow, see attendance.services.tours):
#   waiting -> offered      a seat freed up and this person is first in line (offer_free_seats)
#   waiting -> booked       never directly: a place is always offered first
#   offered -> booked       the person accepts in time (accept_tour_offer)
#   any open state -> cancelled   the person leaves or cancels, the offer lapses, the order
#                                 lapses or is refunded, the registration ends
TOUR_TRANSITIONS = {
    TourBookingState.WAITING: {TourBookingState.OFFERED, TourBookingState.CANCELLED},
    TourBookingState.OFFERED: {TourBookingState.BOOKED, TourBookingState.CANCELLED},
    TourBookingState.BOOKED: {TourBookingState.CANCELLED},
    TourBookingState.CANCELLED: set(),
}

# How long a person offered a freed tour seat has to accept it.
OFFER_HOURS = 48
