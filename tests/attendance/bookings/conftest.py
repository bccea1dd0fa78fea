"""Fixtures of the hotel and tour tests: the ``conference`` of ``tests/attendance/conftest.py``
with hotel booking and tours switched on, one hotel with a double and a single room type (five
rooms of each on every night of the hotel window), two tours, and registrations to book with.

The helpers (``make_room_type``, ``nights_taken``, ``day``) are in ``helpers.py``."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from attendance.booking_enums import RoomKind
from attendance.enums import RegistrationState
from attendance.models import Hotel, Tour
from attendance.services.hotels import lodging_settings_for
from tests.attendance.bookings.helpers import make_room_type
from tests.attendance.conftest import RegistrationFactory
from tests.factories import UserFactory


@pytest.fixture
def lodging(conference):
    """The conference with hotel booking and tours on; its hotel window (night before the first
    day to the night of the last day)."""
    conference.hotels_enabled = True
    conference.tours_enabled = True
    conference.save(update_fields=["hotels_enabled", "tours_enabled"])
    return lodging_settings_for(conference)


@pytest.fixture
def hotel(conference, lodging):
    return Hotel.objects.create(
        conference=conference,
        name_zh="西湖国宾馆",
        name_en="West Lake State Guesthouse",
        address_zh="杭州市西湖区杨公堤18号",
        address_en="18 Yanggong Causeway, Hangzhou",
        stars=5,
        distance_km=Decimal("1.2"),
        map_url="https://map.example.org/?q=xihu",
    )


@pytest.fixture
def double(hotel):
    return make_room_type(hotel)


@pytest.fixture
def single(hotel):
    return make_room_type(
        hotel, kind=RoomKind.SINGLE, name_zh="标准单人间", name_en="Standard single", price=Decimal("520.00"),
        price_second=None,
    )  # fmt: skip


@pytest.fixture
def make_registration(conference, regular):
    def make(*, user=None, state=RegistrationState.CONFIRMED, **fields):
        return RegistrationFactory(
            conference=conference,
            registration_type=regular,
            user=user or UserFactory(),
            state=state,
            **fields,
        )

    return make


@pytest.fixture
def registration(make_registration, attendee):
    return make_registration(user=attendee, name_zh="李雷", first_name="Lei", last_name="Li")


@pytest.fixture
def make_tour(conference, lodging):
    def make(**fields):
        values = {
            "name_zh": "西溪湿地半日游",
            "name_en": "Xixi Wetland half-day tour",
            "meeting_point_zh": "酒店大堂",
            "meeting_point_en": "Hotel lobby",
            "starts_at": timezone.make_aware(
                datetime.datetime.combine(conference.start_date + datetime.timedelta(days=1), datetime.time(14)),
                conference.tz,
            ),
            "capacity": 2,
            "price": Decimal("150.00"),
            "price_second": Decimal("22.00"),
            **fields,
        }
        return Tour.objects.create(conference=conference, **values)

    return make


@pytest.fixture
def tour(make_tour):
    return make_tour()
