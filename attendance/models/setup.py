"""What the organizer sets up per conference: the registration window and rules, the registration
types with their fee tiers, and the custom questions.

Text that attendees read is stored in both languages (``*_zh`` / ``*_en``, see ``cms.i18n``);
these rows are not per-locale copies.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from attendance.enums import (
    CHECKED,
    CHOICE_KINDS,
    CONDITION_KINDS,
    UNCHECKED,
    EditPolicy,
    FeeTierKind,
    OrderLapsePolicy,
    QuestionKind,
)
from cms.i18n import BilingualMixin, bilingual

MONEY = {"max_digits": 13, "decimal_places": 2}


class RegistrationSettings(models.Model):
    """When registration is open and what attendees may do; one row per conference
    (``attendance.services.setup.registration_settings_for`` creates it with the defaults).

    Registration is open when the conference's ``registration_open`` switch is on and the moment
    lies in ``[opens_at, closes_at)``; an empty bound is no bound. The bounds are aware datetimes:
    the admin enters them in the conference's time zone.
    """

    conference = models.OneToOneField("cms.Conference", on_delete=models.PROTECT, related_name="registration_settings")
    opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    edit_policy = models.CharField(
        _("attendees may edit their registration"),
        max_length=20,
        choices=EditPolicy.choices,
        default=EditPolicy.UNTIL_PAID,
    )
    on_order_lapse = models.CharField(
        _("when an order expires unpaid"),
        max_length=20,
        choices=OrderLapsePolicy.choices,
        default=OrderLapsePolicy.REOPEN,
    )
    letters_enabled = models.BooleanField(
        _("confirmation letters"),
        default=True,
        help_text=_(
            "Confirmed attendees can download a confirmation letter with their QR code, and it is attached to "
            "the confirmation email."
        ),
    )

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="registration_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return str(self.conference)

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Registration must close after it opens.")})


class RegistrationType(BilingualMixin, ClusterableModel):
    """What a person registers as (正式代表 Regular, 学生 Student, …), with its fee tiers."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="registration_types")
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sort_order = models.PositiveIntegerField(pgettext_lazy("position in a list", "order"), default=0)
    active = models.BooleanField(_("offered"), default=True, help_text=_("Attendees can choose it."))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    document_required = models.BooleanField(
        _("requires a document"), default=False, help_text=_("For example a student card.")
    )
    document_label_zh = models.CharField(_("document (Chinese)"), max_length=100, blank=True)
    document_label_en = models.CharField(_("document (English)"), max_length=100, blank=True)
    requires_approval = models.BooleanField(_("the organizer approves each registration"), default=False)
    is_free = models.BooleanField(_("free"), default=False, help_text=_("No fee tiers are needed."))

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["conference", "sort_order", "id"]
        verbose_name = _("registration type")
        verbose_name_plural = _("registration types")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=0), name="type_capacity_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    name = bilingual("name")

    description = bilingual("description")

    document_label = bilingual("document_label")

    def clean(self):
        if self.document_required and not (self.document_label_zh or self.document_label_en):
            raise ValidationError({"document_label_zh": _("Say which document attendees must upload.")})


class FeeTier(models.Model):
    """A price of a registration type for a period.

    ``valid_until`` is a calendar date: the tier is in force through the end of that day in the
    conference's time zone. Early-bird tiers need one; a regular tier without one lasts until
    registration closes. The on-site tier has no date: it is in force from the conference's first
    day (00:00 local time), and also whenever no dated tier is (after the last one ended). See
    ``attendance.services.pricing``.
    """

    registration_type = ParentalKey(RegistrationType, on_delete=models.CASCADE, related_name="fee_tiers")
    kind = models.CharField(_("kind"), max_length=20, choices=FeeTierKind.choices, default=FeeTierKind.REGULAR)
    valid_until = models.DateField(
        _("valid until (inclusive)"),
        null=True,
        blank=True,
        help_text=_("The last day, in the conference's time zone. Leave empty for the on-site fee."),
    )
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(0)])
    price_second = models.DecimalField(
        _("price in the second currency"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty if this fee cannot be paid in the conference's second currency."),
    )

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        # Plain field names: modelcluster sorts inline rows in memory by them (no expressions).
        ordering = ["registration_type", "valid_until", "id"]
        verbose_name = _("fee tier")
        verbose_name_plural = _("fee tiers")
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="tier_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(price_second__isnull=True) | models.Q(price_second__gte=0),
                name="tier_second_price_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=FeeTierKind.ON_SITE) | models.Q(valid_until__isnull=True),
                name="on_site_tier_has_no_end_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=FeeTierKind.EARLY_BIRD) | models.Q(valid_until__isnull=False),
                name="early_bird_tier_has_an_end_date",
            ),
            models.UniqueConstraint(
                fields=["registration_type"],
                condition=models.Q(kind=FeeTierKind.ON_SITE),
                name="one_on_site_tier_per_type",
            ),
        ]

    def __str__(self):
        return f"{self.registration_type} · {self.get_kind_display()}"

    def price_in(self, currency, conference):
        """The price in ``currency`` (the conference's first or second currency), or ``None``."""
        if currency == conference.currency:
            return self.price
        if conference.second_currency and currency == conference.second_currency:
            return self.price_second
        return None

    def clean(self):
        if self.kind == FeeTierKind.ON_SITE and self.valid_until:
            raise ValidationError({"valid_until": _("The on-site fee applies from the first day: leave it empty.")})
        if self.kind == FeeTierKind.EARLY_BIRD and not self.valid_until:
            raise ValidationError({"valid_until": _("Say until when the early-bird fee applies.")})


class Question(BilingualMixin, ClusterableModel):
    """A custom question of a conference's registration form.

    A question with a condition (``depends_on`` and ``depends_value``) is shown, validated and
    stored only when the answer to ``depends_on`` is ``depends_value`` (or, for a multiple choice,
    contains it; for a checkbox, ``"yes"`` or ``"no"``).
    """

    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="registration_questions")
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.SHORT_TEXT)
    label_zh = models.CharField(_("question (Chinese)"), max_length=255)
    label_en = models.CharField(_("question (English)"), max_length=255, blank=True)
    help_zh = models.CharField(_("help text (Chinese)"), max_length=500, blank=True)
    help_en = models.CharField(_("help text (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    sort_order = models.PositiveIntegerField(pgettext_lazy("position in a list", "order"), default=0)
    active = models.BooleanField(_("asked"), default=True)
    depends_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=_("show only if the answer to"),
    )
    depends_value = models.CharField(
        _("is (or contains)"),
        max_length=255,
        blank=True,
        help_text=_("A choice's value; for a checkbox, yes or no."),
    )

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["conference", "sort_order", "id"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self):
        return self.label

    label = bilingual("label")

    help = bilingual("help")

    @property
    def field_name(self):
        """The name of this question's field in ``attendance.forms.QuestionsForm``."""
        return f"q_{self.pk}"

    @property
    def has_choices(self):
        return self.kind in CHOICE_KINDS

    def clean(self):
        if self.depends_on_id is None:
            if self.depends_value:
                raise ValidationError({"depends_on": _("Choose the question this condition tests.")})
            return
        depends_on = self.depends_on
        if depends_on.pk == self.pk or depends_on.conference_id != self.conference_id:
            raise ValidationError({"depends_on": _("Choose another question of the same conference.")})
        if depends_on.kind not in CONDITION_KINDS:
            raise ValidationError(
                {"depends_on": _("A condition can test a choice, a checkbox, a country or a short text.")}
            )
        if not self.depends_value:
            raise ValidationError({"depends_value": _("Say which answer shows this question.")})
        if depends_on.has_choices and not depends_on.choices.filter(value=self.depends_value).exists():
            raise ValidationError({"depends_value": _("Use the value of one of that question's choices.")})
        if depends_on.kind == QuestionKind.CHECKBOX and self.depends_value not in (CHECKED, UNCHECKED):
            raise ValidationError({"depends_value": _("For a checkbox, use yes or no.")})
        ancestor, seen = depends_on, {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"depends_on": _("Conditions cannot go round in a circle.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.depends_on


class QuestionChoice(BilingualMixin, Orderable):
    """One option of a single- or multiple-choice question. ``value`` is what is stored and what a
    condition tests; the labels are what attendees read."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.SlugField(_("value"), max_length=64, allow_unicode=True)
    label_zh = models.CharField(_("label (Chinese)"), max_length=255)
    label_en = models.CharField(_("label (English)"), max_length=255, blank=True)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="unique_choice_value")]

    def __str__(self):
        return self.label

    label = bilingual("label")
