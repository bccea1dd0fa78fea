"""Places on tours: booking, the waiting list and its offers, cancelling.

A tour's seats are held by its bookings that are booked or offered (``SEAT_STATES``). Every
function that takes or frees a seat locks the tour's row (``select_for_update``) and counts under
the lock, so a tour is never overbooked. When it is full, attendees join its waiting list; when a
seat frees up, the first person waiting (in order of joining) is offered it and has
``OFFER_HOURS`` hours to accept (a mail in their language says so). An offer not taken in time
lapses (``expire_tour_offers``, every few minutes) and the seat passes to the next person.

Locks: a booking's order, then the booking, then the tour.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from attendance.booking_enums import (
    OFFER_HOURS,
    OPEN_TOUR_STATES,
    SEAT_STATES,
    TOUR_TRANSITIONS,
    BookingCancelCause,
    TourBookingState,
)
from attendance.booking_exceptions import (
    BookingClosed,
    BookingError,
    IllegalTransition,
    OfferExpired,
    TourFull,
    TourNotOffered,
)
from attendance.models import Tour, TourBooking
from attendance.services.bookings import (
    booking_action,
    give_up_order,
    lock_order_of,
    locked_registration,
    open_until,
    sell,
)

S = TourBookingState


def seats_taken(tour):
    return TourBooking.objects.filter(tour=tour, state__in=SEAT_STATES).count()


def _lock_tour(tour):
    return Tour.objects.select_for_update().select_related("conference").get(pk=getattr(tour, "pk", tour))


def cutoff_of(tour):
    """The last day on which attendees may book or cancel: the tour's cutoff, else the day
    before the tour (in the conference's time zone)."""
    if tour.cutoff_date:
        return tour.cutoff_date
    return timezone.localtime(tour.starts_at, tour.conference.tz).date() - datetime.timedelta(days=1)


def _offered_tour(tour, conference):
    pk = getattr(tour, "pk", tour)
    found = Tour.objects.filter(pk=pk).first() if pk is not None else None
    if found is None or found.conference_id != conference.pk or not found.active or not conference.tours_enabled:
        raise TourNotOffered()
    found.conference = conference
    return found


def _check_open(tour):
    last_day = cutoff_of(tour)
    if not open_until(last_day, tour.conference):
        raise BookingClosed(
            _("Bookings for %(tour)s closed on %(date)s; please write to the organizers.")
            % {"tour": tour.name, "date": date_format(last_day, "Y-m-d")}
        )


def _price(tour, registration):
    conference = registration.conference
    price = tour.price_in(registration.currency, conference)
    if price is not None:
        return price, registration.currency
    return tour.price, conference.currency


def _move(booking, new_state, *, action, user=None, fields=(), data=None):
    """Move a locked booking along ``TOUR_TRANSITIONS`` and save it; an audit entry."""
    old_state = booking.state
    if new_state not in TOUR_TRANSITIONS[S(old_state)]:
        raise IllegalTransition(
            _("A tour booking that is %(old)s cannot become %(new)s.")
            % {"old": S(old_state).label, "new": S(new_state).label}
        )
    booking.state = new_state
    booking.save(update_fields=["state", *fields])
    log(instance=booking, action=action, user=user, data={"old": old_state, "new": new_state, **(data or {})})
    return booking


def _new_booking(registration, tour, by):
    if TourBooking.objects.filter(tour=tour, registration=registration, state__in=OPEN_TOUR_STATES).exists():
        raise BookingError(_("You already have a place on this tour or are on its waiting list."))
    return TourBooking(conference=registration.conference, tour=tour, registration=registration, created_by=by)


def _sell_seat(booking, registration):
    booking.amount, booking.currency = _price(booking.tour, registration)
    booking.booked_at = timezone.now()
    booking.order = sell(booking, registration)


@booking_action
def book_tour(*, registration, tour, by=None):
    """A place on ``tour`` for a live registration, at the tour's price (in the registration's
    currency when the tour has a price in it), with its own order (none when free).

    Raises ``NotRegistered``, ``TourNotOffered``, ``BookingClosed``, ``BookingError`` (already
    booked or waiting), ``TourFull`` (no seat, or people are waiting: join the waiting list).
    Side effects: the booking, its pending order, an audit entry.
    """
    registration = locked_registration(registration)
    tour = _offered_tour(tour, registration.conference)
    _check_open(tour)
    booking = _new_booking(registration, tour, by)
    tour = _lock_tour(tour)
    tour.conference = registration.conference
    booking.tour = tour
    waiting = TourBooking.objects.filter(tour=tour, state=S.WAITING).exists()
    if waiting or seats_taken(tour) >= tour.capacity:
        raise TourFull()
    booking.state = S.BOOKED
    booking.save()
    _sell_seat(booking, registration)
    booking.save(update_fields=["amount", "currency", "booked_at", "order"])
    log(instance=booking, action="flock.tour_booking.book", user=by, data=_summary(booking))
    return booking


def _summary(booking):
    return {
        "registration": booking.registration.code,
        "tour": booking.tour_id,
        "amount": str(booking.amount),
        "currency": booking.currency,
        "order": booking.order.code if booking.order_id else None,
    }


@booking_action
def join_waiting_list(*, registration, tour, by=None):
    """Put a live registration on ``tour``'s waiting list (behind everyone who joined earlier).
    If a seat is free and nobody is ahead, it is offered at once.

    Raises what ``book_tour`` raises except ``TourFull``. Side effects: the booking (waiting),
    an audit entry, possibly an offer (see ``offer_free_seats``).
    """
    registration = locked_registration(registration)
    tour = _offered_tour(tour, registration.conference)
    _check_open(tour)
    booking = _new_booking(registration, tour, by)
    tour = _lock_tour(tour)
    tour.conference = registration.conference
    booking.tour = tour
    booking.state = S.WAITING
    booking.joined_at = timezone.now()
    booking.save()
    log(instance=booking, action="flock.tour_booking.wait", user=by, data={"registration": registration.code})
    offer_free_seats(tour=tour)
    booking.refresh_from_db()
    return booking


def waiting_position(booking):
    """1 for the first person on the waiting list; ``None`` when not waiting."""
    if booking.state != S.WAITING:
        return None
    ahead = TourBooking.objects.filter(tour_id=booking.tour_id, state=S.WAITING).filter(
        joined_at__lt=booking.joined_at
    ) | TourBooking.objects.filter(
        tour_id=booking.tour_id, state=S.WAITING, joined_at=booking.joined_at, pk__lt=booking.pk
    )
    return ahead.count() + 1


def offer_free_seats(*, tour, now=None):
    """Offer each free seat of ``tour`` (locked by the caller, or locked here) to the next person
    waiting, in order of joining; each has ``OFFER_HOURS`` hours to accept.

    Side effects per offer: the booking offered, an audit entry, a mail in the registration's
    language. Returns the offered bookings.
    """
    tour = _lock_tour(tour)
    now = now or timezone.now()
    if tour.starts_at <= now or not tour.active:
        return []  # a tour that has left, or is no longer offered, sells no freed seat
    offered = []
    free = tour.capacity - seats_taken(tour)
    candidates = TourBooking.objects.filter(tour=tour, state=S.WAITING).order_by("joined_at", "id")
    for candidate in candidates.values_list("pk", flat=True)[: max(free, 0) * 2 + 5]:
        if free <= 0:
            break
        expires = now + datetime.timedelta(hours=OFFER_HOURS)
        changed = TourBooking.objects.filter(pk=candidate, state=S.WAITING).update(
            state=S.OFFERED, offered_at=now, offer_expires_at=expires
        )
        if not changed:
            continue
        booking = TourBooking.objects.select_related("registration__user", "registration__conference", "tour").get(
            pk=candidate
        )
        log(instance=booking, action="flock.tour_booking.offer", data={"expires": expires.isoformat()})
        _notify_offer(booking)
        offered.append(booking)
        free -= 1
    return offered


def _notify_offer(booking):
    from cms.services.mail import send_templated_mail

    registration = booking.registration
    conference = registration.conference
    with translation.override(registration.language):
        path = reverse("attendance:tours", kwargs={"conference_slug": conference.slug})
    from django.conf import settings

    send_templated_mail(
        key="attendance.tour_offer",
        to=registration.user,
        conference=conference,
        language=registration.language,
        context={
            "registration": registration,
            "tour": booking.tour,
            "booking": booking,
            "expires": timezone.localtime(booking.offer_expires_at, conference.tz),
            "tours_url": f"{settings.WAGTAILADMIN_BASE_URL}{path}",
        },
    )


def lock_booking(booking):
    lock_order_of(TourBooking, booking.pk)
    return (
        TourBooking.objects.select_for_update(of=("self",))
        .select_related("conference", "registration__user", "registration__conference", "tour", "order")
        .get(pk=booking.pk)
    )


@booking_action
def accept_tour_offer(*, booking, by=None, now=None):
    """The person offered a freed seat takes it in time: it is booked, with its own order.

    Raises ``OfferExpired``, ``IllegalTransition`` (no offer), ``NotRegistered``. Side effects:
    the booking, its pending order, an audit entry.
    """
    booking = lock_booking(booking)
    now = now or timezone.now()
    if booking.state != S.OFFERED:
        raise IllegalTransition(_("No place is offered to you on this tour."))
    if booking.offer_expires_at and booking.offer_expires_at <= now:
        raise OfferExpired()
    if booking.tour.starts_at <= now or not booking.tour.active:
        raise BookingClosed()
    registration = booking.registration
    if not registration.is_live:
        raise IllegalTransition(_("Your registration is cancelled or withdrawn, so you cannot book."))
    _lock_tour(booking.tour)
    _sell_seat(booking, registration)
    _move(
        booking,
        S.BOOKED,
        action="flock.tour_booking.accept",
        user=by,
        fields=["amount", "currency", "booked_at", "order"],
        data=_summary(booking),
    )
    return booking


@booking_action
def cancel_tour_booking(*, booking, by=None, staff=False):
    """Leave the waiting list (any time), decline an offer, or cancel a booked place (until the
    tour's cutoff; staff any time): a held seat passes to the next person waiting and a pending
    order is cancelled. Money already paid is refunded by finance, not here: the paid order is
    flagged "a refund is due" for them.

    Raises ``BookingClosed``, ``IllegalTransition``. Side effects: the booking, the order
    cancelled (if pending), an audit entry, possibly an offer to the next person.
    """
    booking = lock_booking(booking)
    if booking.state not in OPEN_TOUR_STATES:
        raise IllegalTransition(_("This booking is already cancelled."))
    if booking.state == S.BOOKED and not staff:
        booking.tour.conference = booking.conference
        _check_open(booking.tour)
    cause = BookingCancelCause.STAFF if staff else BookingCancelCause.ATTENDEE
    release_tour_booking(booking, cause=cause, user=by)
    give_up_order(booking.order, user=by, reason=f"tour booking {booking.pk} cancelled")
    return booking


def release_tour_booking(booking, *, cause, user=None):
    """Cancel a locked, open ``booking``; a seat it held is offered to the next person waiting
    (the order is the caller's business)."""
    held_seat = booking.state in SEAT_STATES
    if held_seat:
        _lock_tour(booking.tour)
    booking.closed_at = timezone.now()
    booking.cancel_cause = cause
    _move(
        booking,
        S.CANCELLED,
        action="flock.tour_booking.cancel",
        user=user,
        fields=["closed_at", "cancel_cause"],
        data={"cause": cause},
    )
    if held_seat:
        offer_free_seats(tour=booking.tour)
    return booking


def expire_tour_offers(*, now=None):
    """Lapse every offer not accepted in time and pass its seat on; then offer any seat that is
    free (a tour whose capacity was raised) to the people waiting. Returns how many offers lapsed."""
    now = now or timezone.now()
    lapsed = 0
    due = TourBooking.objects.filter(state=S.OFFERED, offer_expires_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            booking = lock_booking(TourBooking(pk=pk))
            if booking.state == S.OFFERED and booking.offer_expires_at <= now:
                release_tour_booking(booking, cause=BookingCancelCause.OFFER_LAPSED)
                lapsed += 1
    waiting_tours = TourBooking.objects.filter(state=S.WAITING).values_list("tour_id", flat=True).distinct()
    for tour_id in list(waiting_tours):
        with transaction.atomic():
            offer_free_seats(tour=tour_id, now=now)
    return lapsed
