"""Capacity never oversells: fifty people register at once for the last place (PostgreSQL).

Every thread has its own database connection. Counting the places taken and saving the new
registration are two statements; the window between them is widened a little (the same in both
tests) so that the race shows every time. With the row lock of ``take_place`` exactly one person
gets the place; the companion test takes the lock away and the type is oversold. SQLite
serialises writers, so the race only shows on PostgreSQL.
"""

import threading
import time

import pytest
from django.db import connections

from attendance.enums import RegistrationState
from attendance.exceptions import RegistrationFull
from attendance.models import Registration, RegistrationType
from attendance.services import capacity
from attendance.services.registering import register
from cms.models import Conference
from commerce.models import Order
from tests.attendance.conftest import RegistrationFactory, details_of

PEOPLE = 50
CAPACITY = 10


@pytest.fixture
def last_place(conference, make_type, user_factory):
    """A type with one place left and fifty people who want it."""
    capped = make_type(capacity=CAPACITY)
    for _ in range(CAPACITY - 1):
        RegistrationFactory(
            conference=conference, registration_type=capped, user=user_factory(), state=RegistrationState.CONFIRMED
        )
    people = [user_factory(affiliation="复旦大学", country="CN") for _ in range(PEOPLE)]
    return capped, people


@pytest.fixture
def widened_window(monkeypatch):
    count = capacity.places_taken

    def count_then_pause(*args, **kwargs):
        taken = count(*args, **kwargs)
        time.sleep(0.05)
        return taken

    monkeypatch.setattr(capacity, "places_taken", count_then_pause)


def race(conference, registration_type, people):
    barrier = threading.Barrier(len(people))
    outcomes, errors = [], []

    def attempt(person):
        try:
            own_conference = Conference.objects.get(pk=conference.pk)
            barrier.wait(timeout=30)
            register(
                conference=own_conference,
                user=person,
                registration_type=registration_type.pk,
                details=details_of(person),
            )
            outcomes.append("registered")
        except RegistrationFull:
            outcomes.append("full")
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_registrations_for_the_last_place_make_exactly_one(
    postgres_only, conference, last_place, widened_window
):
    capped, people = last_place

    outcomes, errors = race(conference, capped, people)

    assert errors == []
    assert sorted(outcomes) == ["full"] * (PEOPLE - 1) + ["registered"]
    assert Registration.objects.live().filter(registration_type=capped).count() == CAPACITY
    assert Order.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_the_lock_the_same_race_oversells(postgres_only, conference, last_place, widened_window, monkeypatch):
    capped, people = last_place
    monkeypatch.setattr(
        capacity, "_lock", lambda registration_type: RegistrationType.objects.get(pk=registration_type.pk)
    )

    outcomes, errors = race(conference, capped, people)

    assert errors == []
    oversold = Registration.objects.live().filter(registration_type=capped).count()
    assert outcomes.count("registered") > 1
    assert oversold > CAPACITY, oversold
