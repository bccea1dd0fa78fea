"""The registration admin, grouped in the "Registration" menu: registrations (listing, export,
import, the registration's screen and its actions), registering someone by hand, and the set-up
of each conference (types with their fees, questions, settings).

Every screen is narrowed to the conferences where the user is an organizer (platform
administrators see all); another conference's row answers 404, as if it did not exist. Check-in
staff see only "Register someone". Nothing here writes a registration itself: each action calls
one service of ``attendance.services`` (see ``attendance.policies`` for who may do what).
"""

from django.utils.translation import pgettext_lazy
from wagtail.admin.viewsets.base import ViewSetGroup

from attendance.viewsets.registrations import RegistrationViewSet
from attendance.viewsets.setup import QuestionViewSet, RegistrationSettingsViewSet, RegistrationTypeViewSet
from attendance.viewsets.walk_ins import WalkInViewSet


class RegistrationViewSetGroup(ViewSetGroup):
    menu_label = pgettext_lazy("admin menu", "Registration")
    menu_icon = "group"
    menu_order = 150
    items = (
        RegistrationViewSet,
        WalkInViewSet,
        RegistrationTypeViewSet,
        QuestionViewSet,
        RegistrationSettingsViewSet,
    )


class BookingViewSetGroup(ViewSetGroup):
    """Hotels, room types, tours and the screens of their bookings (``attendance.viewsets.lodging``)."""

    menu_label = pgettext_lazy("admin menu", "Hotels and tours")
    menu_icon = "home"
    menu_order = 155

    def __init__(self):
        from attendance.viewsets.lodging import BookingScreensViewSet, HotelViewSet, RoomTypeViewSet, TourViewSet

        self.items = (BookingScreensViewSet, HotelViewSet, RoomTypeViewSet, TourViewSet)
        super().__init__()
