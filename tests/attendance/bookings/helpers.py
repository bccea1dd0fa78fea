"""Helpers of the hotel and tour tests (the fixtures are in ``conftest.py``)."""

import datetime
from decimal import Decimal

from attendance.booking_enums import RoomKind
from attendance.models import RoomType
from attendance.services.hotels import lodging_settings_for, set_allotment

ROOMS = 5


def make_room_type(hotel, *, rooms=ROOMS, **fields):
    """A room type of ``hotel`` (a deluxe double by default) with ``rooms`` rooms on every night
    of the hotel window (``None``: no rooms set)."""
    values = {
        "kind": RoomKind.DOUBLE,
        "name_zh": "豪华大床房",
        "name_en": "Deluxe double",
        "price": Decimal("680.00"),
        "price_second": Decimal("98.00"),
        "breakfast": True,
        **fields,
    }
    room_type = RoomType.objects.create(hotel=hotel, **values)
    window = lodging_settings_for(hotel.conference)
    if rooms is not None:
        set_allotment(room_type=room_type, first_night=window.first_night, last_night=window.last_night, rooms=rooms)
    return room_type


def nights_taken(room_type):
    """``{night: taken}`` of a room type's inventory."""
    return dict(room_type.nights.order_by("night").values_list("night", "taken"))


def day(conference, offset):
    """The conference's first day plus ``offset`` days."""
    return conference.start_date + datetime.timedelta(days=offset)
