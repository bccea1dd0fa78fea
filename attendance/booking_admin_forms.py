"""Forms of the hotel and tour admin: validation only; the screens call the services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from attendance.admin_forms import ScopedConferenceMixin, organized
from attendance.booking_enums import SEAT_STATES
from attendance.models import Hotel, RoomType


class HotelAdminForm(ScopedConferenceMixin, WagtailAdminModelForm):
    pass


class TourAdminForm(ScopedConferenceMixin, WagtailAdminModelForm):
    """A tour's places cannot drop below the places already booked or offered."""

    def clean(self):
        cleaned = super().clean()
        conference = self.chosen_conference()
        if cleaned.get("price_second") is not None and conference is not None and not conference.second_currency:
            self.add_error("price_second", _("This conference has no second currency."))
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None:
            held = self.instance.bookings.filter(state__in=SEAT_STATES).count()
            if capacity < held:
                self.add_error(
                    "capacity",
                    _("%(held)d places are booked or offered: the tour needs at least as many.") % {"held": held},
                )
        return cleaned


class RoomTypeAdminForm(WagtailAdminModelForm):
    """The hotel is one of the conferences the user organizes; once saved, a room type stays at
    its hotel."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["hotel"]
        field.queryset = (
            Hotel.objects.filter(conference__in=organized(self.for_user)).select_related("conference")
            if self.for_user is not None
            else Hotel.objects.none()
        )
        field.label_from_instance = lambda hotel: f"{hotel.conference.acronym} · {hotel.name}"
        if self.instance.pk:
            field.disabled = True

    def clean(self):
        cleaned = super().clean()
        hotel = cleaned.get("hotel") or (self.instance.hotel if self.instance.hotel_id else None)
        if cleaned.get("price_second") is not None and hotel is not None and not hotel.conference.second_currency:
            self.add_error("price_second", _("This conference has no second currency."))
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class WindowForm(forms.Form):
    first_night = forms.DateField(label=gettext_lazy("First night"), widget=DateInput())
    last_night = forms.DateField(label=gettext_lazy("Last night"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_night"), cleaned.get("last_night")
        if first and last and last < first:
            raise ValidationError({"last_night": _("The last night cannot be before the first night.")})
        return cleaned


class AllotmentForm(forms.Form):
    """ "20 rooms every night from … to …" for one room type of the conference."""

    room_type = forms.ModelChoiceField(label=gettext_lazy("Room type"), queryset=RoomType.objects.none())
    first_night = forms.DateField(label=gettext_lazy("From the night of"), widget=DateInput())
    last_night = forms.DateField(label=gettext_lazy("To the night of (inclusive)"), widget=DateInput())
    rooms = forms.IntegerField(label=gettext_lazy("Rooms every night"), min_value=0, max_value=100000)

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["room_type"]
        field.queryset = RoomType.objects.filter(hotel__conference=conference).select_related("hotel")
        field.label_from_instance = lambda room_type: f"{room_type.hotel.name} · {room_type.name}"
