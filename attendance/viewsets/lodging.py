"""Hotels and tours in the admin: hotels (with photos), room types, tours, and the screens of one
conference's bookings: the hotel window and the rooms per night in bulk ("20 rooms every night
from … to …"), occupancy per hotel and night, the rooming list per hotel (XLSX for the hotel),
and each tour's participants and waiting list (XLSX).

Every listing and screen is narrowed to the conferences the user organizes; another conference's
hotel or tour answers 404. The screens write through ``attendance.services.hotels`` / ``tours``.
"""

from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import log

from attendance.booking_admin_forms import AllotmentForm, HotelAdminForm, RoomTypeAdminForm, TourAdminForm, WindowForm
from attendance.booking_enums import SEAT_STATES, TourBookingState
from attendance.booking_exports import XLSX, participants_xlsx, rooming_list_xlsx
from attendance.booking_selectors import occupancy, participants, rooming_list
from attendance.models import Hotel, HotelBooking, RoomType, Tour, TourBooking
from attendance.services.hotels import cancel_booking, lodging_settings_for, set_allotment
from attendance.services.tours import cancel_tour_booking, offer_free_seats
from attendance.viewsets.common import (
    ChooseConferenceView,
    ConferenceScreen,
    InUseDeleteView,
    RegistrationScreen,
    SetUpMenuItem,
    organized_conferences,
)
from attendance.viewsets.setup import set_up_filterset
from cms.admin_scoping import ScopedEditView, ScopedIndexView, ScopedModelViewSet
from cms.exceptions import FlockError
from commerce.templatetags.money import money
from commerce.viewsets.common import LinkColumn

CONFERENCE = pgettext_lazy("admin", "Conference")


# --- Hotels and room types -----------------------------------------------------------------------


class HotelIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("conference").annotate(room_type_count=Count("room_types"))


class HotelViewSet(ScopedModelViewSet):
    model = Hotel
    icon = "home"
    menu_label = gettext_lazy("Hotels")
    url_prefix = "bookings/hotels"
    name = "hotels"
    index_view_class = HotelIndexView
    delete_view_class = InUseDeleteView
    filterset_class = set_up_filterset(Hotel)
    search_fields = ["name_zh", "name_en"]
    export_formats = []
    list_display = [
        "name_zh",
        "name_en",
        Column("conference", label=CONFERENCE, accessor="conference.acronym"),
        "stars",
        Column("room_types", label=gettext_lazy("Room types"), accessor="room_type_count"),
        "cutoff_date",
        BooleanColumn("active", label=gettext_lazy("Offered")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("conference"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
                    FieldRowPanel([FieldPanel("address_zh"), FieldPanel("address_en")]),
                    FieldPanel("description_zh"),
                    FieldPanel("description_en"),
                ],
                heading=gettext_lazy("Name, address and description"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("stars"), FieldPanel("distance_km")]),
                    FieldPanel("map_url"),
                    FieldRowPanel([FieldPanel("cutoff_date"), FieldPanel("active"), FieldPanel("sort_order")]),
                ],
                heading=gettext_lazy("Details"),
            ),
            InlinePanel("photos", heading=gettext_lazy("Photos"), label=gettext_lazy("Photo")),
        ],
        base_form_class=HotelAdminForm,
    )


def room_price(room_type):
    conference = room_type.hotel.conference
    text = money(room_type.price, conference.currency)
    if room_type.price_second is not None and conference.second_currency:
        text = f"{text} / {money(room_type.price_second, conference.second_currency)}"
    return text


class RoomTypeIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("hotel__conference")


class RoomTypeViewSet(ScopedModelViewSet):
    model = RoomType
    icon = "table"
    menu_label = gettext_lazy("Room types")
    url_prefix = "bookings/room-types"
    name = "room_types"
    index_view_class = RoomTypeIndexView
    delete_view_class = InUseDeleteView
    search_fields = ["name_zh", "name_en"]
    export_formats = []
    list_display = [
        "name_zh",
        "name_en",
        Column("hotel", label=gettext_lazy("Hotel"), accessor="hotel.name"),
        Column("conference", label=CONFERENCE, accessor="hotel.conference.acronym"),
        "kind",
        Column("price", label=gettext_lazy("Price per night"), accessor=room_price),
        BooleanColumn("breakfast", label=gettext_lazy("Breakfast")),
        BooleanColumn("active", label=gettext_lazy("Offered")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("hotel"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("breakfast")]),
            FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
            FieldRowPanel([FieldPanel("price"), FieldPanel("price_second")]),
            FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order")]),
        ],
        base_form_class=RoomTypeAdminForm,
    )


# --- Tours ---------------------------------------------------------------------------------------


def tour_places(tour):
    return f"{tour.seats_held} / {tour.capacity}"


class TourIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("conference")
            .annotate(
                seats_held=Count("bookings", filter=Q(bookings__state__in=SEAT_STATES)),
                waiting=Count("bookings", filter=Q(bookings__state=TourBookingState.WAITING)),
            )
        )


class TourEditView(ScopedEditView):
    """Saving a tour offers any place it now has free (its capacity was raised) to the people
    waiting, in order."""

    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            offer_free_seats(tour=instance)
        return instance


class TourViewSet(ScopedModelViewSet):
    model = Tour
    icon = "site"
    menu_label = gettext_lazy("Tours")
    url_prefix = "bookings/tours"
    name = "tours"
    index_view_class = TourIndexView
    edit_view_class = TourEditView
    delete_view_class = InUseDeleteView
    filterset_class = set_up_filterset(Tour)
    search_fields = ["name_zh", "name_en"]
    export_formats = []
    list_display = [
        "name_zh",
        "name_en",
        Column("conference", label=CONFERENCE, accessor="conference.acronym"),
        "starts_at",
        Column("places", label=gettext_lazy("Booked / places"), accessor=tour_places),
        Column("waiting", label=gettext_lazy("Waiting"), accessor="waiting"),
        LinkColumn(
            "participants",
            label=gettext_lazy("Participants"),
            accessor=lambda tour: _("List"),
            get_url=lambda tour: reverse("booking_screens:participants", args=[tour.pk]),
        ),
        BooleanColumn("active", label=gettext_lazy("Offered")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("conference"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
                    FieldPanel("description_zh"),
                    FieldPanel("description_en"),
                    FieldRowPanel([FieldPanel("meeting_point_zh"), FieldPanel("meeting_point_en")]),
                ],
                heading=gettext_lazy("Name, description and meeting point"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                    FieldRowPanel([FieldPanel("capacity"), FieldPanel("price"), FieldPanel("price_second")]),
                    FieldRowPanel([FieldPanel("cutoff_date"), FieldPanel("active"), FieldPanel("sort_order")]),
                ],
                heading=gettext_lazy("Date, places and price"),
            ),
        ],
        base_form_class=TourAdminForm,
    )


# --- Screens of one conference's bookings --------------------------------------------------------


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class BookingsIndexView(ChooseConferenceView):
    url_name = "booking_screens:conference"
    title = gettext_lazy("Rooms and tours")
    header_icon = "calendar"


class ConferenceBookingsView(ConferenceScreen, TemplateView):
    """One conference: the hotel window, rooms per night in bulk, and each hotel and tour with
    links to its occupancy, rooming list and participants."""

    template_name = "attendance/admin/bookings_conference.html"
    header_icon = "calendar"

    def get_page_title(self):
        return _("Rooms and tours")

    def get_page_subtitle(self):
        return str(self.conference)

    def forms(self, data=None, which=None):
        window = lodging_settings_for(self.conference)
        window_form = WindowForm(
            data if which == "window" else None,
            initial={"first_night": window.first_night, "last_night": window.last_night},
            prefix="window",
        )
        allotment_form = AllotmentForm(
            data if which == "allotment" else None, conference=self.conference, prefix="allotment"
        )
        return window_form, allotment_form

    def get(self, request, *args, **kwargs):
        window_form, allotment_form = self.forms()
        return self.render_to_response(self.get_context_data(window_form=window_form, allotment_form=allotment_form))

    def post(self, request, *args, **kwargs):
        which = "window" if "window-first_night" in request.POST else "allotment"
        window_form, allotment_form = self.forms(request.POST, which)
        form = window_form if which == "window" else allotment_form
        if form.is_valid() and self.save(which, form):
            return redirect("booking_screens:conference", conference_pk=self.conference.pk)
        return self.render_to_response(self.get_context_data(window_form=window_form, allotment_form=allotment_form))

    def save(self, which, form):
        from django.core.exceptions import ValidationError

        data = form.cleaned_data
        if which == "window":
            window = lodging_settings_for(self.conference)
            window.first_night, window.last_night = data["first_night"], data["last_night"]
            with transaction.atomic():
                window.save(update_fields=["first_night", "last_night"])
                log(instance=window, action="flock.hotel.window", user=self.request.user, data={
                    "first": data["first_night"].isoformat(), "last": data["last_night"].isoformat(),
                })  # fmt: skip
            messages.success(self.request, _("The hotel window is saved."))
            return True
        try:
            count = set_allotment(user=self.request.user, **data)
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
            return False
        messages.success(
            self.request,
            _("%(rooms)d rooms of %(room_type)s on each of %(nights)d nights.")
            % {"rooms": data["rooms"], "room_type": data["room_type"], "nights": count},
        )
        return True

    def get_context_data(self, **kwargs):
        hotels = Hotel.objects.filter(conference=self.conference).order_by("sort_order", "id")
        tours = Tour.objects.filter(conference=self.conference).order_by("starts_at", "id")
        return super().get_context_data(
            conference=self.conference,
            window=lodging_settings_for(self.conference),
            hotels=hotels,
            tours=tours,
            **kwargs,
        )


class HotelScreen(RegistrationScreen):
    """A screen about one hotel of a conference the user organizes; any other answers 404."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.hotel = get_object_or_404(
            Hotel.objects.select_related("conference"),
            pk=kwargs["pk"],
            conference__in=organized_conferences(request.user),
        )

    def get_breadcrumbs_items(self):
        conference = self.hotel.conference
        return [
            *self.breadcrumbs_items,
            {"url": reverse("booking_screens:conference", args=[conference.pk]), "label": conference.acronym},
            {"url": "", "label": self.get_page_title()},
        ]


class OccupancyView(HotelScreen, TemplateView):
    template_name = "attendance/admin/occupancy.html"
    header_icon = "home"

    def get_page_title(self):
        return _("Occupancy of %(hotel)s") % {"hotel": self.hotel.name}

    def get_context_data(self, **kwargs):
        kwargs["bookings"] = rooming_list(self.hotel)
        nights, rows = occupancy(self.hotel)
        totals = []
        for index in range(len(nights)):
            cells = [cells[index] for _room_type, cells in rows if cells[index] is not None]
            totals.append((sum(c[0] for c in cells), sum(c[1] for c in cells)) if cells else None)
        return super().get_context_data(hotel=self.hotel, nights=nights, rows=rows, totals=totals, **kwargs)


class RoomingListView(HotelScreen, View):
    """The rooming list as XLSX, in the language asked for (``?language=en``; the admin user's by
    default): the hotel's staff may read either."""

    def get(self, request, *args, **kwargs):
        language = request.GET.get("language") or translation.get_language()
        if language not in ("zh-hans", "en"):
            raise Http404
        content = rooming_list_xlsx(self.hotel, language=language)
        name = slugify(self.hotel.localized("name", "en")) or f"hotel-{self.hotel.pk}"
        return _xlsx(content, f"rooming-list-{name}.xlsx")


class CancelBookingView(RegistrationScreen, View):
    """Staff cancel a booked room (its nights are given back) or a tour place, or take someone off
    a waiting list, any time; a pending order is cancelled, a paid one flagged for finance's
    refund. Subclasses say which booking and where to go back to."""

    queryset = None
    cancel = None  # the service, as a staticmethod; ``back_to(booking)``: the screen to return to

    def post(self, request, pk):
        booking = get_object_or_404(self.queryset, pk=pk, conference__in=organized_conferences(request.user))
        try:
            self.cancel(booking=booking, by=request.user, staff=True)
        except FlockError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The booking of %(guest)s is cancelled.") % {"guest": booking.registration})
        return self.back_to(booking)


class CancelRoomView(CancelBookingView):
    queryset = HotelBooking.objects.select_related("room_type__hotel", "registration")
    cancel = staticmethod(cancel_booking)

    def back_to(self, booking):
        return redirect("booking_screens:occupancy", booking.room_type.hotel_id)


class CancelTourPlaceView(CancelBookingView):
    queryset = TourBooking.objects.select_related("registration")
    cancel = staticmethod(cancel_tour_booking)

    def back_to(self, booking):
        return redirect("booking_screens:participants", booking.tour_id)


class TourScreen(RegistrationScreen):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.tour = get_object_or_404(
            Tour.objects.select_related("conference"),
            pk=kwargs["pk"],
            conference__in=organized_conferences(request.user),
        )


class ParticipantsView(TourScreen, TemplateView):
    template_name = "attendance/admin/tour_participants.html"
    header_icon = "site"

    def get_page_title(self):
        return _("Participants of %(tour)s") % {"tour": self.tour.name}

    def get_context_data(self, **kwargs):
        seats, waiting = participants(self.tour)
        for position, booking in enumerate(waiting, start=1):  # the list is in order of joining
            booking.position = position
        return super().get_context_data(tour=self.tour, seats=seats, waiting=waiting, **kwargs)


class ParticipantsExportView(TourScreen, View):
    def get(self, request, *args, **kwargs):
        language = request.GET.get("language") or translation.get_language()
        if language not in ("zh-hans", "en"):
            raise Http404
        name = slugify(self.tour.localized("name", "en")) or f"tour-{self.tour.pk}"
        return _xlsx(participants_xlsx(self.tour, language=language), f"participants-{name}.xlsx")


class BookingScreensViewSet(ViewSet):
    name = "booking_screens"
    url_prefix = "bookings/screens"
    icon = "calendar"
    menu_label = gettext_lazy("Rooms and tours")
    menu_item_class = SetUpMenuItem

    def get_urlpatterns(self):
        return [
            path("", BookingsIndexView.as_view(), name="index"),
            path("<int:conference_pk>/", ConferenceBookingsView.as_view(), name="conference"),
            path("hotel/<int:pk>/occupancy/", OccupancyView.as_view(), name="occupancy"),
            path("hotel/<int:pk>/rooming-list.xlsx", RoomingListView.as_view(), name="rooming_list"),
            path("tour/<int:pk>/participants/", ParticipantsView.as_view(), name="participants"),
            path("tour/<int:pk>/participants.xlsx", ParticipantsExportView.as_view(), name="participants_export"),
            path("room/<int:pk>/cancel/", CancelRoomView.as_view(), name="cancel_room"),
            path("place/<int:pk>/cancel/", CancelTourPlaceView.as_view(), name="cancel_tour_place"),
        ]
