import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cms.enums import ConferenceStatus, Language, Role
from cms.extension_points import colour_style_choices, theme_choices
from cms.i18n import BilingualMixin, bilingual

currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO currency code, such as CNY."))
slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$",
    _("Use 3 to 50 lower-case letters, digits and hyphens, such as ncic2027."),
)


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class ConferenceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ConferenceStatus.PUBLISHED)

    def for_user(self, user, *roles):
        """Conferences where ``user`` holds one of ``roles`` (any role when none is given)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        role_filter = {"roles__user": user}
        if roles:
            role_filter["roles__role__in"] = roles
        return self.filter(**role_filter).distinct()


class Conference(BilingualMixin, models.Model):
    """The business entity every record of a conference points to.

    Its website is a page subtree (one ``ConferenceHomePage`` per locale); business rows reference
    this model, never a page. Text that visitors read is stored in both languages.
    """

    slug = models.SlugField(_("short name in addresses"), max_length=50, unique=True, validators=[slug_validator])
    acronym = models.CharField(_("acronym"), max_length=30)
    name_zh = models.CharField(_("name (Chinese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    venue_zh = models.CharField(_("venue (Chinese)"), max_length=255, blank=True)
    venue_en = models.CharField(_("venue (English)"), max_length=255, blank=True)
    city_zh = models.CharField(_("city (Chinese)"), max_length=100, blank=True)
    city_en = models.CharField(_("city (English)"), max_length=100, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY", validators=[currency_validator])
    second_currency = models.CharField(
        _("second currency"),
        max_length=3,
        blank=True,
        validators=[currency_validator],
        help_text=_("Optional, for example USD for attendees paying from abroad."),
    )
    default_language = models.CharField(
        _("default language"), max_length=10, choices=Language.choices, default=Language.CHINESE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ConferenceStatus.choices, default=ConferenceStatus.DRAFT, editable=False
    )
    registration_open = models.BooleanField(_("registration open"), default=False)
    submissions_open = models.BooleanField(_("submissions open"), default=False)
    hotels_enabled = models.BooleanField(_("hotel booking"), default=False)
    tours_enabled = models.BooleanField(_("tours"), default=False)
    messages_enabled = models.BooleanField(_("attendee messages"), default=False)
    forum_enabled = models.BooleanField(_("discussion forum"), default=False)
    contact_email = models.EmailField(_("contact address"), blank=True)
    mail_from_name = models.CharField(_("sender name"), max_length=100, blank=True)
    mail_from_email = models.EmailField(
        _("sender address"), blank=True, help_text=_("Mail to attendees is sent from this address.")
    )
    theme = models.CharField(_("site layout"), max_length=50, default="classic", choices=theme_choices)
    colour_style = models.CharField(_("colour style"), max_length=50, default="ocean", choices=colour_style_choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="conference_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.acronym} · {self.localized('name')}"

    name = bilingual("name")

    venue = bilingual("venue")

    city = bilingual("city")

    @cached_property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def code_prefix(self):
        """The start of the conference's human codes (orders, submissions): its acronym's ASCII
        letters and digits, at most ten (``NCIC2027``)."""
        letters = "".join(ch for ch in self.acronym.upper() if ch.isascii() and ch.isalnum())
        return (letters or "FLOCK")[:10]

    @property
    def sender(self):
        """The From header for mail sent on behalf of this conference."""
        address = self.mail_from_email or settings.DEFAULT_FROM_EMAIL
        if self.mail_from_email and self.mail_from_name:
            return f"{self.mail_from_name} <{address}>"
        return address

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
        if self.second_currency and self.second_currency == self.currency:
            raise ValidationError({"second_currency": _("The second currency must differ from the first.")})


class ConferenceRole(models.Model):
    """A person's role in one conference; the admin is scoped by these rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conference_roles")
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conference", "role", "user__email"]
        verbose_name = _("conference role")
        verbose_name_plural = _("conference roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "conference", "role"], name="unique_conference_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.conference.acronym}"
