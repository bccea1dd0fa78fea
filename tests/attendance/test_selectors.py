"""Reads: a person's registration and status, someone else's registration is a 404, the offer of types."""

from decimal import Decimal

import pytest
from django.http import Http404

from attendance.enums import AttendeeStatus, FeeTierKind, QuestionKind, RegistrationState
from attendance.models import Answer
from attendance.selectors import (
    attendee_status,
    live_registrations,
    offered_types,
    registration_for,
    registration_of,
    registrations_with_answers,
)
from attendance.services.registrations import withdraw_registration
from cms.enums import Role
from cms.services.conferences import grant_role
from tests.attendance.conftest import RegistrationFactory, add_question

S = RegistrationState


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (None, None),
        (S.AWAITING_APPROVAL, AttendeeStatus.REGISTERED),
        (S.AWAITING_PAYMENT, AttendeeStatus.REGISTERED),
        (S.CONFIRMED, AttendeeStatus.CONFIRMED),
        (S.CANCELLED, None),
        (S.WITHDRAWN, None),
    ],
)
def test_attendee_status(conference, regular, attendee, django_assert_num_queries, state, status):
    if state:
        RegistrationFactory(conference=conference, registration_type=regular, user=attendee, state=state)

    with django_assert_num_queries(1):
        assert attendee_status(attendee, conference) == status


def test_anonymous_visitors_have_no_status(conference, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert attendee_status(AnonymousUser(), conference) is None
        assert registration_for(AnonymousUser(), conference) is None


def test_registration_for_prefers_the_live_one_then_the_latest(register_as, regular, attendee, conference):
    assert registration_for(attendee, conference) is None
    first = register_as(regular)
    withdraw_registration(registration=first)
    assert registration_for(attendee, conference) == first
    second = register_as(regular)
    assert registration_for(attendee, conference) == second


def test_someone_elses_registration_is_not_found(register_as, regular, conference, attendee, user_factory):
    registration = register_as(regular)
    stranger = user_factory()
    organizer = user_factory()
    grant_role(conference=conference, user=organizer, role=Role.ORGANIZER, notify=False)

    assert registration_of(user=attendee, conference=conference, code=registration.code.lower()) == registration
    assert registration_of(user=organizer, conference=conference, code=registration.code, staff=True) == registration
    for user, staff in ((stranger, False), (stranger, True), (organizer, False)):
        with pytest.raises(Http404):
            registration_of(user=user, conference=conference, code=registration.code, staff=staff)
    with pytest.raises(Http404):
        registration_of(user=attendee, conference=conference, code="REG-NONE")


def test_offered_types_show_prices_and_places_in_few_queries(
    conference, make_type, register_as, user_factory, django_assert_num_queries
):
    regular = make_type()
    capped = make_type(capacity=2, tiers=[(FeeTierKind.REGULAR, None, "1500.00", None)])
    make_type(active=False)
    register_as(capped, user=user_factory())

    with django_assert_num_queries(3):
        offers = offered_types(conference)

    assert [offer.registration_type for offer in offers] == [regular, capped]
    assert {currency: quote.amount for currency, quote in offers[0].quotes.items()} == {
        "CNY": Decimal("2400.00"),
        "USD": Decimal("340.00"),
    }
    assert offers[1].quotes["USD"] is None
    assert (offers[0].places_left, offers[1].places_left) == (None, 1)
    assert all(offer.available for offer in offers)


@pytest.mark.parametrize("count", [2, 8])
def test_registration_lists_need_the_same_queries_whatever_their_size(
    conference, regular, user_factory, django_assert_num_queries, count
):
    diet = add_question(conference, QuestionKind.SINGLE_CHOICE, choices=[("halal", "清真", "Halal")])
    for _ in range(count):
        registration = RegistrationFactory(conference=conference, registration_type=regular, user=user_factory())
        Answer.objects.create(registration=registration, question=diet, value="halal")

    with django_assert_num_queries(1):
        rows = [(r.user.email, r.registration_type.name, r.order) for r in live_registrations(conference)]
    with django_assert_num_queries(3):
        listing = [(r.code, [a.display() for a in r.answers.all()]) for r in registrations_with_answers(conference)]

    assert len(rows) == len(listing) == count
    assert listing[0][1] == ["清真"]
