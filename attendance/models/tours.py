"""Tours and other social events a conference offers, and the attendees' places on them.

A ``TourBooking`` is a place on a tour (booked, or offered to the first person of the waiting
list) or a place in its waiting list; ``attendance.services.tours`` is the only writer of its
state and counts the seats under the tour's row lock.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attendance.booking_enums import OPEN_TOUR_STATES, BookingCancelCause, TourBookingState
from cms.i18n import BilingualMixin, bilingual
from cms.models.conferences import currency_validator

MONEY = {"max_digits": 13, "decimal_places": 2}


class Tour(BilingualMixin, models.Model):
    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="tours")
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    meeting_point_zh = models.CharField(_("meeting point (Chinese)"), max_length=255, blank=True)
    meeting_point_en = models.CharField(_("meeting point (English)"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(0)])
    price_second = models.DecimalField(
        _("price in the second currency"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty if this tour cannot be paid in the conference's second currency."),
    )
    cutoff_date = models.DateField(
        _("bookings close after"),
        null=True,
        blank=True,
        help_text=_(
            "The last day (in the conference's time zone) on which attendees may book or cancel online. "
            "Leave empty for the day before the tour."
        ),
    )
    sort_order = models.PositiveIntegerField(pgettext_lazy("position in a list", "order"), default=0)
    active = models.BooleanField(_("offered"), default=True)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["conference", "starts_at", "sort_order", "id"]
        verbose_name = _("tour")
        verbose_name_plural = _("tours")
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="tour_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(price_second__isnull=True) | models.Q(price_second__gte=0),
                name="tour_second_price_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
                name="tour_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.name

    name = bilingual("name")

    description = bilingual("description")

    meeting_point = bilingual("meeting_point")

    def price_in(self, currency, conference):
        if currency == conference.currency:
            return self.price
        if conference.second_currency and currency == conference.second_currency:
            return self.price_second
        return None


class TourBooking(models.Model):
    """A registered attendee's place on a tour, or in its waiting list (in order of
    ``joined_at``). A booked place is sold with its own order (line kind ``attendance.tour``,
    object id this row's pk); a free tour has no order."""

    ORDER_KIND = "attendance.tour"

    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="tour_bookings")
    tour = models.ForeignKey(Tour, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("tour"))
    registration = models.ForeignKey("attendance.Registration", on_delete=models.PROTECT, related_name="tour_bookings")
    state = models.CharField(
        _("state"), max_length=20, choices=TourBookingState.choices, default=TourBookingState.WAITING
    )
    amount = models.DecimalField(_("amount"), **MONEY, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[currency_validator])
    order = models.ForeignKey(
        "commerce.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("order")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now, db_index=True)
    offered_at = models.DateTimeField(_("place offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    booked_at = models.DateTimeField(pgettext_lazy("tour booking", "booked"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_cause = models.CharField(_("why cancelled"), max_length=30, choices=BookingCancelCause.choices, blank=True)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = _("tour booking")
        verbose_name_plural = _("tour bookings")
        indexes = [models.Index(fields=["tour", "state", "joined_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["tour", "registration"],
                condition=models.Q(state__in=sorted(OPEN_TOUR_STATES)),
                name="one_open_tour_booking_per_registration",
            ),
        ]

    def __str__(self):
        return f"{self.tour} · {self.get_state_display()}"

    def order_item(self, *, currency=None, quantity=1):
        """What this place's order sells: one line at the booked price, described in both languages."""
        from commerce.sellables import OrderItem

        tour = self.tour
        starts = f"{timezone.localtime(tour.starts_at, self.conference.tz):%Y-%m-%d %H:%M}"
        return OrderItem(
            kind=self.ORDER_KIND,
            object_id=str(self.pk),
            description_zh=f"活动 {tour.name_zh} · {starts}"[:255],
            description_en=f"Tour {tour.localized('name', 'en')} · {starts}"[:255],
            unit_price=self.amount,
            quantity=1,
        )
