"""Who may do what with hotels and tours in the admin, by conference role, and the labels of their
audit entries (both registered by ``attendance.wagtail_hooks``).

Organizers set up hotels, room types, allotments and tours and see the bookings (occupancy,
rooming lists, participants); platform administrators may do everything everywhere.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy

from attendance.models import Hotel, RoomType, Tour
from attendance.permissions import REGISTRATION_STAFF
from cms.permissions import ConferenceScopedPermissionPolicy

ACTIONS = ("add", "change", "delete", "view")


def register_booking_policies():
    roles = {action: REGISTRATION_STAFF for action in ACTIONS}
    register_permission_policy(Hotel, ConferenceScopedPermissionPolicy(Hotel, roles=roles))
    register_permission_policy(
        RoomType, ConferenceScopedPermissionPolicy(RoomType, conference_field="hotel__conference", roles=roles)
    )
    register_permission_policy(Tour, ConferenceScopedPermissionPolicy(Tour, roles=roles))


BOOKING_LOG_ACTIONS = {
    "flock.hotel.allotment": (_("Set rooms per night"), _("Rooms per night set")),
    "flock.hotel.window": (_("Set the hotel window"), _("Hotel window set")),
    "flock.hotel_booking.book": (_("Book a room"), _("Room booked")),
    "flock.hotel_booking.change": (_("Change a room booking"), _("Room booking changed")),
    "flock.hotel_booking.cancel": (_("Cancel a room booking"), _("Room booking cancelled")),
    "flock.tour_booking.book": (_("Book a tour"), _("Tour place booked")),
    "flock.tour_booking.wait": (_("Join a waiting list"), _("Joined the tour's waiting list")),
    "flock.tour_booking.offer": (_("Offer a tour place"), _("Tour place offered to the next person waiting")),
    "flock.tour_booking.accept": (_("Accept a tour place"), _("Offered tour place accepted")),
    "flock.tour_booking.cancel": (_("Cancel a tour booking"), _("Tour booking cancelled")),
    "flock.booking.partial_refund": (_("Record partial refund"), _("Part of the booking refunded")),
    "flock.booking.payment_unplaced": (
        _("Record unplaced payment"),
        _("Payment for a booking that was already released"),
    ),
}
