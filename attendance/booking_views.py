"""The attendee's hotel and tour pages under ``/<language>/_my/<conference>/``: ``hotels/`` (the
hotels with their rooms, prices and rooms left per night, the booking form, the person's bookings
with change and cancel) and ``tours/`` (places, the waiting list, offers to accept).

Thin views: each finds the person's own booking (another person's id answers 404), calls one
service and redirects with a message, or renders inside the conference's site layout. The pages
exist only when the conference offers hotels (tours).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from attendance import booking_selectors as selectors
from attendance.booking_forms import RoomBookingForm
from attendance.models import HotelBooking, TourBooking
from attendance.selectors import live_registration_of, registration_for
from attendance.services import hotels as hotel_services
from attendance.services import tours as tour_services
from attendance.views import render_page
from cms.exceptions import FlockError
from conference_pages import chrome
from conference_pages.chrome import conference_from


def hotels_url(conference):
    return reverse("attendance:hotels", kwargs={"conference_slug": conference.slug})


def tours_url(conference):
    return reverse("attendance:tours", kwargs={"conference_slug": conference.slug})


def _back_url(conference):
    return hotels_url(conference) if conference.hotels_enabled else tours_url(conference)


_login_first = chrome.login_first(back_after_post=_back_url)


def _conference(request, conference_slug, feature):
    conference = conference_from(request, conference_slug)
    if not getattr(conference, f"{feature}_enabled"):
        raise Http404
    return conference


def _show_errors(form, error):
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


# Hotels --------------------------------------------------------------------------------------------


@never_cache
@_login_first
@require_http_methods(["GET", "POST"])
def hotels(request, conference_slug):
    """The hotels and the booking form; a POST books a room (``book_room``)."""
    conference = _conference(request, conference_slug, "hotels")
    registration = live_registration_of(conference, request.user)
    form = RoomBookingForm(request.POST if request.method == "POST" else None, conference=conference)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = hotel_services.book_room(
                registration=registration,
                room_type=data["room_type"],
                check_in=data["check_in"],
                check_out=data["check_out"],
                roommate=data["roommate"],
                requests=data["requests"],
                by=request.user,
            )
        except ValidationError as error:
            _show_errors(form, error)
        except FlockError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Your room is booked. Please pay the order to keep it."))
            return redirect(_order_or_back(booking, conference))
    return _render_hotels(request, conference, registration, form)


def _order_or_back(booking, conference):
    if booking.order is None:
        return hotels_url(conference)
    return reverse("commerce:order", kwargs={"conference_slug": conference.slug, "code": booking.order.code}) + "#pay"


def _render_hotels(request, conference, registration, form, *, status=200):
    registration = registration or registration_for(request.user, conference)
    window = hotel_services.lodging_settings_for(conference)
    context = {
        "hotels": selectors.hotels_on_offer(conference),
        "nights": selectors.window_nights(conference),
        "window": window,
        "registration": registration,
        "bookings": selectors.hotel_bookings_of(registration) if registration else [],
        "form": form,
        "may_book": registration is not None and registration.is_live,
    }
    return render_page(request, "attendance/hotels.html", context, url_name="hotels", status=status)


def _own(model, request, conference, pk):
    return get_object_or_404(
        model.objects.select_related("registration", "order"),
        pk=pk,
        conference=conference,
        registration__user=request.user,
    )


@never_cache
@_login_first
@require_http_methods(["GET", "POST"])
def hotel_change(request, conference_slug, pk):
    """Change the dates, room type, roommate or requests of one's booking (``change_booking``)."""
    conference = _conference(request, conference_slug, "hotels")
    booking = _own(HotelBooking, request, conference, pk)
    if not booking.is_booked:
        raise Http404
    initial = {
        "room_type": booking.room_type_id,
        "check_in": booking.check_in,
        "check_out": booking.check_out,
        "roommate": booking.roommate,
        "requests": booking.requests,
    }
    form = RoomBookingForm(request.POST if request.method == "POST" else None, initial=initial, conference=conference)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = hotel_services.change_booking(booking=booking, by=request.user, **data)
        except ValidationError as error:
            _show_errors(form, error)
        except FlockError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Your booking is changed."))
            return redirect(hotels_url(conference))
    context = {"booking": booking, "form": form}
    return render_page(request, "attendance/hotel_change.html", context, url_name="hotel_change", pk=booking.pk)


@never_cache
@_login_first
@require_POST
def hotel_cancel(request, conference_slug, pk):
    conference = _conference(request, conference_slug, "hotels")
    booking = _own(HotelBooking, request, conference, pk)
    try:
        hotel_services.cancel_booking(booking=booking, by=request.user)
    except FlockError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your room booking is cancelled."))
    return redirect(hotels_url(conference))


# Tours ---------------------------------------------------------------------------------------------


@never_cache
@_login_first
@require_http_methods(["GET"])
def tours(request, conference_slug):
    conference = _conference(request, conference_slug, "tours")
    registration = registration_for(request.user, conference)
    bookings = selectors.tour_bookings_of(registration) if registration else []
    open_by_tour = {
        booking.tour_id: booking for booking in bookings if booking.state in ("waiting", "offered", "booked")
    }
    offered_tours = selectors.tours_on_offer(conference)
    for tour in offered_tours:
        tour.conference = conference
        tour.mine = open_by_tour.get(tour.pk)
        tour.left = max(tour.capacity - tour.seats_taken, 0)
        if tour.mine is not None:
            tour.mine.position = tour_services.waiting_position(tour.mine)
    context = {
        "tours": offered_tours,
        "registration": registration,
        "may_book": registration is not None and registration.is_live,
    }
    return render_page(request, "attendance/tours.html", context, url_name="tours")


@never_cache
@_login_first
@require_POST
def tour_book(request, conference_slug, pk):
    """Book a place, or (``wait``) join the waiting list of a full tour."""
    conference = _conference(request, conference_slug, "tours")
    registration = live_registration_of(conference, request.user)
    service = tour_services.join_waiting_list if request.POST.get("wait") else tour_services.book_tour
    try:
        booking = service(registration=registration, tour=pk, by=request.user)
    except FlockError as error:
        messages.error(request, str(error.message))
        return redirect(tours_url(conference))
    if booking.state == "waiting":
        messages.success(request, _("You are on the waiting list. We will write to you if a place becomes free."))
    elif booking.state == "offered":
        messages.success(request, _("A place is free for you: please accept it."))
    else:
        messages.success(request, _("Your place is booked. Please pay the order to keep it."))
        if booking.order is not None:
            return redirect(_order_or_back(booking, conference))
    return redirect(tours_url(conference))


@never_cache
@_login_first
@require_POST
def tour_accept(request, conference_slug, pk):
    conference = _conference(request, conference_slug, "tours")
    booking = _own(TourBooking, request, conference, pk)
    try:
        booking = tour_services.accept_tour_offer(booking=booking, by=request.user)
    except FlockError as error:
        messages.error(request, str(error.message))
        return redirect(tours_url(conference))
    messages.success(request, _("Your place is booked. Please pay the order to keep it."))
    return redirect(_order_or_back(booking, conference) if booking.order else tours_url(conference))


@never_cache
@_login_first
@require_POST
def tour_cancel(request, conference_slug, pk):
    conference = _conference(request, conference_slug, "tours")
    booking = _own(TourBooking, request, conference, pk)
    try:
        tour_services.cancel_tour_booking(booking=booking, by=request.user)
    except FlockError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your tour booking is cancelled."))
    return redirect(tours_url(conference))
