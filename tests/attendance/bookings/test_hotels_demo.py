"""The demo's hotels and tours for NCIC 2027: a week of nights at two hotels, two tours (one full
with a waiting list), bookings whose rooms, seats and orders agree; added once."""

import datetime
from collections import Counter

import pytest

from attendance.booking_enums import HotelBookingState, TourBookingState
from attendance.models import Hotel, HotelBooking, RoomNight, RoomType, Tour, TourBooking
from cms.demo import SEEDERS, DemoContext, seed_core
from commerce.enums import OrderState

pytestmark = pytest.mark.django_db


def test_demo_hotels_and_tours_are_complete_consistent_and_added_once(demo_clock):
    from attendance.booking_demo import seed_bookings

    context = DemoContext()
    seed_core(context)
    for order, seeder in SEEDERS:
        if order <= 40:  # the registration demo ends with seed_bookings
            seeder(context)
    demo = context.conferences["ncic2027"]

    hotels = list(Hotel.objects.filter(conference=demo).order_by("sort_order"))
    assert [hotel.name_en for hotel in hotels] == ["Oriental Riverside Conference Hotel", "Lujiazui Maple Hotel"]
    nights = sorted(set(RoomNight.objects.filter(room_type__hotel__conference=demo).values_list("night", flat=True)))
    assert len(nights) == 7
    assert nights[0] == demo.start_date - datetime.timedelta(days=2)
    assert RoomType.objects.filter(hotel__conference=demo).count() == 5
    for room_type in RoomType.objects.filter(hotel__conference=demo):
        booked = HotelBooking.objects.filter(room_type=room_type, state=HotelBookingState.BOOKED)
        held = Counter(night for booking in booked for night in booking.night_dates)
        assert dict(room_type.nights.filter(taken__gt=0).values_list("night", "taken")) == dict(held)
    bookings = HotelBooking.objects.filter(conference=demo)
    assert bookings.filter(state=HotelBookingState.BOOKED).count() >= 10
    assert bookings.filter(state=HotelBookingState.CANCELLED).count() == 1
    assert bookings.filter(order__state=OrderState.PAID).exists()
    assert bookings.filter(order__state=OrderState.PENDING).exists()
    for booking in bookings.filter(state=HotelBookingState.BOOKED):
        assert booking.order.total == booking.rate * booking.nights

    cruise, water_town = Tour.objects.filter(conference=demo).order_by("starts_at")
    assert TourBooking.objects.filter(tour=cruise, state=TourBookingState.BOOKED).count() == 10
    assert TourBooking.objects.filter(tour=water_town, state=TourBookingState.BOOKED).count() == 6
    assert TourBooking.objects.filter(tour=water_town, state=TourBookingState.WAITING).count() == 3

    before = (HotelBooking.objects.count(), TourBooking.objects.count(), RoomNight.objects.count())
    seed_bookings(context)
    assert (HotelBooking.objects.count(), TourBooking.objects.count(), RoomNight.objects.count()) == before
