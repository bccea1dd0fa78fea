"""Hotels a conference offers, their room types, the rooms of each type per night, and bookings.

The inventory is one ``RoomNight`` row per room type and night: ``total`` rooms, ``taken`` by
bookings. ``attendance.services.hotels`` is the only writer of ``taken`` (under row locks taken in
``(room type, night)`` order); the database refuses ``taken > total``. A booking's night is the
night starting on that date: a stay from 10 to 12 June holds the nights of the 10th and 11th.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from attendance.booking_enums import SHARED_ROOM_KINDS, BookingCancelCause, HotelBookingState, RoomKind
from cms.i18n import BilingualMixin, bilingual
from cms.models.conferences import currency_validator

MONEY = {"max_digits": 13, "decimal_places": 2}


class LodgingSettings(models.Model):
    """The conference's hotel window: the first and the last night that can be booked (one row
    per conference; ``attendance.services.hotels.lodging_settings_for`` makes it, by default from
    the night before the first day to the night of the last day)."""

    conference = models.OneToOneField("cms.Conference", on_delete=models.PROTECT, related_name="lodging_settings")
    first_night = models.DateField(_("first night"))
    last_night = models.DateField(_("last night"))

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        verbose_name = _("hotel window")
        verbose_name_plural = _("hotel windows")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_night__gte=models.F("first_night")), name="lodging_window_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.conference} · {self.first_night} – {self.last_night}"

    @property
    def last_check_out(self):
        return self.last_night + datetime.timedelta(days=1)

    def clean(self):
        if self.first_night and self.last_night and self.last_night < self.first_night:
            raise ValidationError({"last_night": _("The last night cannot be before the first night.")})


class Hotel(BilingualMixin, ClusterableModel):
    """A hotel with rooms reserved for the conference's attendees."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="hotels")
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    address_zh = models.CharField(_("address (Chinese)"), max_length=255, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=255, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    stars = models.PositiveSmallIntegerField(
        _("stars"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    distance_km = models.DecimalField(
        _("distance to the venue (km)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    map_url = models.URLField(_("map link"), max_length=500, blank=True)
    cutoff_date = models.DateField(
        _("bookings close after"),
        null=True,
        blank=True,
        help_text=_(
            "The last day (in the conference's time zone) on which attendees may book, change or cancel "
            "rooms online. Leave empty for no limit."
        ),
    )
    sort_order = models.PositiveIntegerField(pgettext_lazy("position in a list", "order"), default=0)
    active = models.BooleanField(_("offered"), default=True, help_text=_("Attendees can book it."))

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["conference", "sort_order", "id"]
        verbose_name = _("hotel")
        verbose_name_plural = _("hotels")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stars__isnull=True) | models.Q(stars__gte=1, stars__lte=5), name="hotel_stars_1_to_5"
            ),
        ]

    def __str__(self):
        return self.name

    name = bilingual("name")

    address = bilingual("address")

    @property
    def star_marks(self):
        return "★" * (self.stars or 0)

    description = bilingual("description")


class HotelPhoto(Orderable):
    hotel = ParentalKey(Hotel, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("photo")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class RoomType(BilingualMixin, models.Model):
    """A kind of room at a hotel, priced per night in the conference's currency (and optionally
    in its second currency)."""

    hotel = models.ForeignKey(Hotel, on_delete=models.PROTECT, related_name="room_types", verbose_name=_("hotel"))
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices, default=RoomKind.DOUBLE)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    breakfast = models.BooleanField(_("breakfast included"), default=False)
    price = models.DecimalField(_("price per night"), **MONEY, validators=[MinValueValidator(0)])
    price_second = models.DecimalField(
        _("price per night in the second currency"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty if this room cannot be paid in the conference's second currency."),
    )
    sort_order = models.PositiveIntegerField(pgettext_lazy("position in a list", "order"), default=0)
    active = models.BooleanField(_("offered"), default=True)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["hotel", "sort_order", "id"]
        verbose_name = _("room type")
        verbose_name_plural = _("room types")
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="room_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(price_second__isnull=True) | models.Q(price_second__gte=0),
                name="room_second_price_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.hotel} · {self.name}"

    name = bilingual("name")

    @property
    def is_shared(self):
        return self.kind in SHARED_ROOM_KINDS

    def price_in(self, currency, conference):
        """The nightly rate in ``currency`` (the conference's first or second currency), or ``None``."""
        if currency == conference.currency:
            return self.price
        if conference.second_currency and currency == conference.second_currency:
            return self.price_second
        return None


class RoomNight(models.Model):
    """The rooms of one type for one night: ``total`` reserved, ``taken`` by bookings."""

    room_type = models.ForeignKey(RoomType, on_delete=models.PROTECT, related_name="nights")
    night = models.DateField(_("night"))
    total = models.PositiveIntegerField(_("rooms"), default=0)
    taken = models.PositiveIntegerField(_("booked"), default=0)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["room_type", "night"]
        verbose_name = _("rooms per night")
        verbose_name_plural = _("rooms per night")
        constraints = [
            models.UniqueConstraint(fields=["room_type", "night"], name="one_inventory_row_per_night"),
            models.CheckConstraint(condition=models.Q(taken__lte=models.F("total")), name="night_never_oversold"),
        ]

    def __str__(self):
        return f"{self.room_type} · {self.night} · {self.taken}/{self.total}"

    @property
    def left(self):
        return max(self.total - self.taken, 0)


class HotelBooking(models.Model):
    """One room of ``room_type`` for the nights from ``check_in`` to the night before
    ``check_out``, for a registered attendee, sold with its own order (line kind
    ``attendance.hotel``, object id this booking's pk). ``amount`` (nights × rate) and
    ``currency`` were fixed when it was booked or last changed."""

    ORDER_KIND = "attendance.hotel"

    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="hotel_bookings")
    registration = models.ForeignKey("attendance.Registration", on_delete=models.PROTECT, related_name="hotel_bookings")
    room_type = models.ForeignKey(
        RoomType, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("room type")
    )
    check_in = models.DateField(_("check-in"))
    check_out = models.DateField(_("check-out"))
    roommate = models.CharField(_("roommate"), max_length=150, blank=True)
    requests = models.TextField(_("special requests"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=HotelBookingState.choices, default=HotelBookingState.BOOKED
    )
    rate = models.DecimalField(_("price per night"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY, default=Decimal("0.00"))
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    order = models.ForeignKey(
        "commerce.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("order")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    closed_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_cause = models.CharField(_("why cancelled"), max_length=30, choices=BookingCancelCause.choices, blank=True)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["check_in", "id"]
        verbose_name = _("hotel booking")
        verbose_name_plural = _("hotel bookings")
        indexes = [models.Index(fields=["conference", "state"]), models.Index(fields=["registration", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_out__gt=models.F("check_in")), name="booking_at_least_one_night"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="booking_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.room_type} · {self.check_in} – {self.check_out}"

    @property
    def nights(self):
        return (self.check_out - self.check_in).days

    @property
    def night_dates(self):
        return [self.check_in + datetime.timedelta(days=offset) for offset in range(self.nights)]

    @property
    def is_booked(self):
        return self.state == HotelBookingState.BOOKED

    def order_item(self, *, currency=None, quantity=None):
        """What this booking's order sells: one line of nights × the nightly rate, described in
        both languages."""
        from commerce.sellables import OrderItem

        if currency is not None and currency != self.currency:
            raise ValueError("A hotel booking is sold in the currency it was priced in.")
        room_type, hotel = self.room_type, self.room_type.hotel
        return OrderItem(
            kind=self.ORDER_KIND,
            object_id=str(self.pk),
            description_zh=(
                f"住宿 {hotel.name_zh} · {room_type.name_zh} · {self.check_in:%Y-%m-%d} 至 "
                f"{self.check_out:%Y-%m-%d}（{self.nights} 晚）"
            )[:255],
            description_en=(
                f"Hotel {hotel.localized('name', 'en')} · {room_type.localized('name', 'en')} · "
                f"{self.check_in:%Y-%m-%d} to {self.check_out:%Y-%m-%d} ({self.nights} "
                f"{'night' if self.nights == 1 else 'nights'})"
            )[:255],
            unit_price=self.rate,
            quantity=self.nights,
        )
