"""Forms of the hotel and tour pages: input parsing only; ``attendance.services.hotels`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from attendance.models import RoomType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, room_type):
        return f"{room_type.hotel.name} · {room_type.name}"


class RoomBookingForm(forms.Form):
    room_type = RoomChoiceField(label=_("Room type"), queryset=RoomType.objects.none())
    check_in = forms.DateField(label=_("Check-in"), widget=DateInput())
    check_out = forms.DateField(label=_("Check-out"), widget=DateInput())
    roommate = forms.CharField(
        label=_("Roommate"),
        max_length=150,
        required=False,
        help_text=_("For a double or twin room you share: the other person's name."),
    )
    requests = forms.CharField(
        label=_("Special requests"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room_type"].queryset = (
            RoomType.objects.filter(hotel__conference=conference, active=True, hotel__active=True)
            .select_related("hotel")
            .order_by("hotel__sort_order", "hotel_id", "sort_order", "id")
        )
