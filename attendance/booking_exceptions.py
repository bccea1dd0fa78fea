"""Domain errors of hotel and tour bookings, with messages safe to show to the person who caused
them. Problems with the dates a person typed are ``ValidationError`` keyed by form field instead."""

from django.utils.translation import gettext_lazy as _

from cms.exceptions import FlockError, IllegalTransition

__all__ = [
    "BookingClosed",
    "Busy",
    "BookingError",
    "IllegalTransition",
    "NoRoomLeft",
    "NotRegistered",
    "OfferExpired",
    "RoomNotOffered",
    "TourFull",
    "TourNotOffered",
]


class BookingError(FlockError):
    default_message = _("The booking could not be made.")


class NotRegistered(BookingError):
    default_message = _("Please register for the conference first: only registered attendees can book.")


class RoomNotOffered(BookingError):
    default_message = _("This room type is not offered for this conference.")


class NoRoomLeft(BookingError):
    default_message = _("There are no rooms of this type left for these nights.")


class BookingClosed(BookingError):
    default_message = _(
        "This booking can no longer be made, changed or cancelled online; please write to the organizers."
    )


class TourNotOffered(BookingError):
    default_message = _("This tour is not offered for this conference.")


class TourFull(BookingError):
    default_message = _("This tour is full; you can join its waiting list.")


class OfferExpired(BookingError):
    default_message = _("The time to accept this place has passed.")


class Busy(BookingError):
    default_message = _("Many people are booking at this moment; please try again in a few seconds.")
