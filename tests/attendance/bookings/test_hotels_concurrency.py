"""No night and no tour is ever oversold: twenty people book the last room of a night, and the
last place on a tour, at the same moment (PostgreSQL, a connection per thread).

The window between reading what is free and taking it is widened a little so that the race
shows every time; the row locks of ``attendance.services.hotels`` and ``tours`` queue the
bookings, so exactly one gets the room (the seat) and the others are told it is full.
"""

import threading
import time

import pytest
from django.db import connections

from attendance.booking_enums import TourBookingState
from attendance.booking_exceptions import NoRoomLeft, TourFull
from attendance.models import HotelBooking, RoomNight, TourBooking
from attendance.services import hotels, tours
from commerce.models import Order
from tests.attendance.bookings.helpers import day, make_room_type

PEOPLE = 20


def race(people, book):
    barrier = threading.Barrier(len(people))
    outcomes, errors = [], []

    def attempt(registration):
        try:
            barrier.wait(timeout=30)
            book(registration)
            outcomes.append("booked")
        except (NoRoomLeft, TourFull):
            outcomes.append("full")
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(registration,)) for registration in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors


@pytest.fixture
def widened(monkeypatch):
    take, count = hotels._take, tours.seats_taken

    def take_slowly(*args, **kwargs):
        time.sleep(0.02)
        return take(*args, **kwargs)

    def count_slowly(*args, **kwargs):
        taken = count(*args, **kwargs)
        time.sleep(0.02)
        return taken

    monkeypatch.setattr(hotels, "_take", take_slowly)
    monkeypatch.setattr(tours, "seats_taken", count_slowly)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_people_booking_the_last_room_of_a_night_get_exactly_one(
    postgres_only, conference, hotel, make_registration, widened
):
    room_type = make_room_type(hotel, rooms=3)
    night = day(conference, 0)
    for _ in range(2):
        hotels.book_room(
            registration=make_registration(), room_type=room_type, check_in=night, check_out=day(conference, 1)
        )
    people = [make_registration() for _ in range(PEOPLE)]

    outcomes, errors = race(
        people,
        lambda registration: hotels.book_room(
            registration=registration,
            room_type=room_type.pk,
            check_in=day(conference, -1),
            check_out=day(conference, 2),
        ),
    )

    assert errors == []
    assert sorted(outcomes) == ["booked"] + ["full"] * (PEOPLE - 1)
    row = RoomNight.objects.get(room_type=room_type, night=night)
    assert (row.taken, row.total) == (3, 3)
    assert HotelBooking.objects.filter(room_type=room_type).count() == 3
    assert Order.objects.count() == 3
    # The loser held nothing on the other nights either.
    assert RoomNight.objects.get(room_type=room_type, night=day(conference, -1)).taken == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_people_booking_the_last_tour_place_get_exactly_one(
    postgres_only, conference, make_tour, make_registration, widened
):
    tour = make_tour(capacity=4)
    for _ in range(3):
        tours.book_tour(registration=make_registration(), tour=tour)
    people = [make_registration() for _ in range(PEOPLE)]

    outcomes, errors = race(people, lambda registration: tours.book_tour(registration=registration, tour=tour.pk))

    assert errors == []
    assert sorted(outcomes) == ["booked"] + ["full"] * (PEOPLE - 1)
    assert TourBooking.objects.filter(tour=tour, state=TourBookingState.BOOKED).count() == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_the_night_locks_the_database_still_refuses_to_oversell(
    postgres_only, conference, hotel, make_registration, widened, monkeypatch
):
    """The check constraint ``taken <= total`` is the last guard: without the locks, the losers
    fail on it instead of being told politely, but the night is still not oversold."""
    room_type = make_room_type(hotel, rooms=1)
    monkeypatch.setattr(
        hotels,
        "_lock_nights",
        lambda stays: {(r.room_type_id, r.night): r for r in RoomNight.objects.filter(room_type=room_type)},
    )
    people = [make_registration() for _ in range(6)]

    outcomes, errors = race(
        people,
        lambda registration: hotels.book_room(
            registration=registration, room_type=room_type.pk, check_in=day(conference, 0), check_out=day(conference, 1)
        ),
    )

    assert RoomNight.objects.get(room_type=room_type, night=day(conference, 0)).taken == 1
    assert outcomes.count("booked") == 1
    assert len(errors) + outcomes.count("full") == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_booking_that_waits_too_long_for_a_lock_is_told_to_try_again(
    postgres_only, conference, hotel, make_registration, monkeypatch
):
    from django.db import transaction
    from django.utils import translation

    from attendance.booking_exceptions import Busy
    from attendance.services import bookings

    room_type = make_room_type(hotel, rooms=2)
    registration = make_registration()
    monkeypatch.setattr(bookings, "LOCK_WAIT", "200ms")
    locked, release = threading.Event(), threading.Event()

    def hold_the_night():
        try:
            with transaction.atomic():
                list(RoomNight.objects.select_for_update().filter(room_type=room_type, night=day(conference, 0)))
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_night)
    holder.start()
    locked.wait(timeout=10)
    try:
        with translation.override("en"), pytest.raises(Busy) as error:
            hotels.book_room(
                registration=registration,
                room_type=room_type,
                check_in=day(conference, 0),
                check_out=day(conference, 1),
            )
    finally:
        release.set()
        holder.join()

    with translation.override("en"):
        assert str(error.value.message) == "Many people are booking at this moment; please try again in a few seconds."
    assert HotelBooking.objects.count() == 0
    assert RoomNight.objects.get(room_type=room_type, night=day(conference, 0)).taken == 0
