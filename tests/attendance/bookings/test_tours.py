"""Tours: booking sells the place in an order; a full tour has a waiting list that offers freed
places in order of joining, each for 48 hours, by mail in the person's language; an offer not
taken in time passes to the next person; the order lapsing frees the place; bad input."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from attendance.booking_enums import OFFER_HOURS, BookingCancelCause, TourBookingState
from attendance.booking_exceptions import (
    BookingClosed,
    BookingError,
    NotRegistered,
    OfferExpired,
    TourFull,
    TourNotOffered,
)
from attendance.models import Tour, TourBooking
from attendance.services.tours import (
    accept_tour_offer,
    book_tour,
    cancel_tour_booking,
    expire_tour_offers,
    join_waiting_list,
    waiting_position,
)
from cms.models import EmailLog
from commerce.enums import OrderState
from commerce.services.orders import expire_order
from tests.factories import ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db
S = TourBookingState


def message(error):
    """The error's message in English (messages are lazy: read them in the language to compare)."""
    with translation.override("en"):
        return str(getattr(error, "message", error))


@pytest.fixture
def full_tour(tour, make_registration):
    """A tour of two places, both booked; three people waiting, in this order."""
    booked = [book_tour(registration=make_registration(), tour=tour) for _ in range(2)]
    waiting = []
    for language in ("zh-hans", "en", "zh-hans"):
        person = UserFactory(preferred_language=language)
        waiting.append(join_waiting_list(registration=make_registration(user=person, language=language), tour=tour))
    return tour, booked, waiting


def states(bookings):
    return [TourBooking.objects.get(pk=booking.pk).state for booking in bookings]


def test_booking_a_place_sells_it_in_an_order(conference, registration, tour):
    booking = book_tour(registration=registration, tour=tour, by=registration.user)

    assert (booking.state, booking.amount, booking.currency) == (S.BOOKED, Decimal("150.00"), "CNY")
    line = booking.order.lines.get()
    assert (line.kind, line.object_id, line.amount) == ("attendance.tour", str(booking.pk), Decimal("150.00"))
    assert line.description_en.startswith("Tour Xixi Wetland half-day tour · ")
    assert line.description_zh.startswith("活动 西溪湿地半日游 · ")
    assert (booking.order.state, booking.order.total) == (OrderState.PENDING, Decimal("150.00"))


def test_a_full_tour_refuses_booking_and_keeps_a_waiting_list_in_order(full_tour, make_registration):
    tour, booked, waiting = full_tour

    with pytest.raises(TourFull):
        book_tour(registration=make_registration(), tour=tour)

    assert states(waiting) == [S.WAITING] * 3
    assert [waiting_position(booking) for booking in waiting] == [1, 2, 3]
    assert all(booking.order is None for booking in waiting)


def test_a_freed_place_is_offered_to_the_first_person_waiting_by_mail_in_their_language(full_tour):
    tour, booked, waiting = full_tour
    before = timezone.now()

    cancel_tour_booking(booking=booked[0])

    assert states(booked) == [S.CANCELLED, S.BOOKED]
    assert states(waiting) == [S.OFFERED, S.WAITING, S.WAITING]
    offer = TourBooking.objects.get(pk=waiting[0].pk)
    hours = (offer.offer_expires_at - before).total_seconds() / 3600
    assert OFFER_HOURS - 0.01 < hours < OFFER_HOURS + 0.01
    mail = EmailLog.objects.get(template_key="attendance.tour_offer")
    assert (mail.recipient, mail.language) == (waiting[0].registration.user.email, "zh-hans")
    assert "西溪湿地半日游" in mail.subject
    assert booked[0].order.__class__.objects.get(pk=booked[0].order.pk).state == OrderState.CANCELLED


def test_accepting_the_offer_books_the_place_with_an_order(full_tour):
    tour, booked, waiting = full_tour
    cancel_tour_booking(booking=booked[0])

    accepted = accept_tour_offer(booking=waiting[0])

    assert (accepted.state, accepted.order.total, accepted.order.state) == (
        S.BOOKED,
        Decimal("150.00"),
        OrderState.PENDING,
    )
    assert TourBooking.objects.filter(tour=tour, state__in=[S.BOOKED, S.OFFERED]).count() == 2


def test_an_offer_not_taken_in_time_passes_to_the_next_person_in_their_language(full_tour):
    tour, booked, waiting = full_tour
    cancel_tour_booking(booking=booked[0])
    later = timezone.now() + datetime.timedelta(hours=OFFER_HOURS, minutes=1)

    with pytest.raises(OfferExpired):
        accept_tour_offer(booking=waiting[0], now=later)
    lapsed = expire_tour_offers(now=later)

    assert lapsed == 1
    assert states(waiting) == [S.CANCELLED, S.OFFERED, S.WAITING]
    assert TourBooking.objects.get(pk=waiting[0].pk).cancel_cause == BookingCancelCause.OFFER_LAPSED
    offers = list(
        EmailLog.objects.filter(template_key="attendance.tour_offer")
        .order_by("id")
        .values_list("recipient", "language")
    )
    assert offers == [(waiting[0].registration.user.email, "zh-hans"), (waiting[1].registration.user.email, "en")]
    english = EmailLog.objects.filter(template_key="attendance.tour_offer").order_by("id").last()
    assert "A place on Xixi Wetland half-day tour is free for you" in english.subject


def test_an_expired_order_frees_the_place_for_the_next_person(full_tour):
    tour, booked, waiting = full_tour

    expire_order(order=booked[1].order)

    booking = TourBooking.objects.get(pk=booked[1].pk)
    assert (booking.state, booking.cancel_cause) == (S.CANCELLED, BookingCancelCause.ORDER_LAPSED)
    assert states(waiting) == [S.OFFERED, S.WAITING, S.WAITING]


def test_leaving_the_waiting_list_keeps_the_others_order(full_tour):
    tour, booked, waiting = full_tour

    cancel_tour_booking(booking=waiting[0])
    cancel_tour_booking(booking=booked[0])

    assert states(waiting) == [S.CANCELLED, S.OFFERED, S.WAITING]
    assert waiting_position(TourBooking.objects.get(pk=waiting[2].pk)) == 1


def test_joining_the_waiting_list_of_a_tour_with_a_free_place_offers_it_at_once(tour, registration):
    booking = join_waiting_list(registration=registration, tour=tour)

    assert booking.state == S.OFFERED


def test_raising_the_capacity_offers_the_new_places_to_the_people_waiting(full_tour):
    tour, booked, waiting = full_tour
    Tour.objects.filter(pk=tour.pk).update(capacity=4)

    expire_tour_offers()

    assert states(waiting) == [S.OFFERED, S.OFFERED, S.WAITING]


# Bad input ---------------------------------------------------------------------------------------------


def test_a_tour_of_another_conference_is_refused(conference, registration, lodging):
    other = ConferenceFactory(slug="other2027", tours_enabled=True)
    foreign = Tour.objects.create(
        conference=other, name_zh="别处", starts_at=timezone.now(), capacity=5, price=Decimal(1)
    )

    with translation.override("en"), pytest.raises(TourNotOffered) as error:
        book_tour(registration=registration, tour=foreign)

    assert message(error.value) == "This tour is not offered for this conference."
    assert TourBooking.objects.count() == 0


def test_booking_a_tour_without_a_registration_is_refused(tour):
    with pytest.raises(NotRegistered):
        book_tour(registration=None, tour=tour)
    with pytest.raises(NotRegistered):
        join_waiting_list(registration=None, tour=tour)

    assert TourBooking.objects.count() == 0


def test_booking_the_same_tour_twice_is_refused(registration, tour):
    book_tour(registration=registration, tour=tour)

    with translation.override("en"), pytest.raises(BookingError) as error:
        join_waiting_list(registration=registration, tour=tour)

    assert message(error.value) == "You already have a place on this tour or are on its waiting list."
    assert TourBooking.objects.count() == 1


def test_after_the_cutoff_booking_and_cancelling_are_refused(conference, registration, make_tour, make_registration):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    closed = make_tour(cutoff_date=yesterday)
    booked = book_tour(registration=make_registration(), tour=make_tour())
    Tour.objects.filter(pk=booked.tour_id).update(cutoff_date=yesterday)

    with pytest.raises(BookingClosed):
        book_tour(registration=registration, tour=closed)
    with pytest.raises(BookingClosed):
        cancel_tour_booking(booking=booked)
    cancel_tour_booking(booking=booked, staff=True)

    assert TourBooking.objects.get(pk=booked.pk).state == S.CANCELLED


def test_the_scheduled_task_lapses_offers_and_is_scheduled(full_tour):
    from django_q.models import Schedule

    from attendance.booking_tasks import ensure_schedules, task_expire_tour_offers

    tour, booked, waiting = full_tour
    cancel_tour_booking(booking=booked[0])
    TourBooking.objects.filter(pk=waiting[0].pk).update(offer_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    ensure_schedules()

    assert task_expire_tour_offers() == 1
    assert states(waiting) == [S.CANCELLED, S.OFFERED, S.WAITING]
    schedule = Schedule.objects.get(func="attendance.booking_tasks.task_expire_tour_offers")
    assert schedule.minutes == 10
