"""A person's registration for a conference and their answers to its questions.

Nothing here changes a state: the services in ``attendance.services.registrations`` do, one
function per transition (see ``attendance.enums.REGISTRATION_TRANSITIONS``).
"""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries
from django_countries.fields import CountryField

from attendance.enums import LIVE_STATES, CancelCause, FeeTierKind, QuestionKind, RegistrationState
from cms.enums import Language
from cms.models.conferences import currency_validator

MONEY = {"max_digits": 13, "decimal_places": 2}


def private_storage():
    return storages["private"]


def _generated_name(kind, filename):
    """Files are stored under generated names; the name the person gave is kept in a field."""
    extension = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"registrations/{kind}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def upload_document(instance, filename):
    return _generated_name("documents", filename)


def upload_answer_file(instance, filename):
    return _generated_name("answers", filename)


def new_token_nonce():
    """A fresh random value behind a registration's QR code (``attendance.services.tokens``)."""
    return secrets.token_urlsafe(16)


class RegistrationQuerySet(models.QuerySet):
    def live(self):
        """Registrations that hold a place (awaiting approval or payment, or confirmed)."""
        return self.filter(state__in=LIVE_STATES)


class Registration(models.Model):
    """One person's registration for one conference, with a snapshot of their details.

    ``price`` and ``currency`` were fixed when the registration was submitted (from the fee tier in
    force, recomputed on the server) and are what every order for it charges; staff may change
    them (``change_registration_type``, ``adjust_registration_price``). ``order`` is the current
    order (``None`` while awaiting approval, for a free registration, or until a new order is
    made after one lapsed); earlier orders are found by their lines (kind
    ``attendance.registration``, object id this registration's pk).
    """

    ORDER_KIND = "attendance.registration"

    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations")
    registration_type = models.ForeignKey(
        "attendance.RegistrationType",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("registration type"),
    )
    code = models.CharField(_("registration code"), max_length=20)
    state = models.CharField(
        _("state"), max_length=20, choices=RegistrationState.choices, default=RegistrationState.AWAITING_APPROVAL
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.CHINESE)

    # The person's details when they registered (their profile may change later).
    first_name = models.CharField(_("given name (Latin letters)"), max_length=150, blank=True)
    last_name = models.CharField(_("family name (Latin letters)"), max_length=150, blank=True)
    name_zh = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    title = models.CharField(_("academic title"), max_length=100, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    country = CountryField(_("country"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email address"))

    fee_kind = models.CharField(_("fee"), max_length=20, choices=FeeTierKind.choices, blank=True)
    price = models.DecimalField(_("price"), **MONEY, default=Decimal("0.00"))
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    price_adjusted = models.BooleanField(_("price set by staff"), default=False)
    order = models.ForeignKey(
        "commerce.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )

    document = models.FileField(
        _("document"), upload_to=upload_document, storage=private_storage, blank=True, max_length=255
    )
    document_name = models.CharField(_("document file name"), max_length=255, blank=True)
    document_content_type = models.CharField(max_length=100, blank=True)

    walk_in = models.BooleanField(_("registered on site"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by staff"),
    )
    # Signed into the token of the QR code; a new value (or none: revoked) kills the old code.
    token_nonce = models.CharField(max_length=32, blank=True, default=new_token_nonce, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cancelled or withdrawn"), null=True, blank=True)
    cancel_cause = models.CharField(_("why cancelled"), max_length=20, choices=CancelCause.choices, blank=True)
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why it was rejected or cancelled; the attendee reads it.")
    )

    objects = RegistrationQuerySet.as_manager()

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["conference", "state"]),
            models.Index(fields=["registration_type", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="unique_registration_code"),
            models.UniqueConstraint(
                fields=["conference", "user"],
                condition=models.Q(state__in=sorted(LIVE_STATES)),
                name="one_live_registration_per_person",
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="registration_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.code} · {self.display_name}"

    @property
    def is_live(self):
        return self.state in LIVE_STATES

    @property
    def is_free(self):
        return self.price == 0

    @property
    def display_name(self):
        latin = f"{self.first_name} {self.last_name}".strip()
        if self.language.startswith("zh"):
            return self.name_zh or latin or self.email
        return latin or self.name_zh or self.email

    def order_item(self, *, currency=None, quantity=1):
        """What an order for this registration sells (``commerce.sellables.Sellable``): its
        stored price, described in both languages."""
        from django.utils import translation

        from commerce.sellables import OrderItem

        if currency is not None and currency != self.currency:
            raise ValueError("A registration is sold in the currency it was priced in.")
        registration_type = self.registration_type
        with translation.override("zh-hans"):
            fee_zh = f" ({FeeTierKind(self.fee_kind).label})" if self.fee_kind else ""
        with translation.override("en"):
            fee_en = f" ({FeeTierKind(self.fee_kind).label})" if self.fee_kind else ""
        return OrderItem(
            kind=self.ORDER_KIND,
            object_id=str(self.pk),
            description_zh=f"会议注册 {self.code} · {registration_type.name_zh}{fee_zh}"[:255],
            description_en=f"Registration {self.code} · {registration_type.localized('name', 'en')}{fee_en}"[:255],
            unit_price=self.price,
            quantity=quantity,
        )


class Answer(models.Model):
    """An answer to one question: ``value`` holds text, a choice's value, a list of choice values,
    ``true``/``false``, an ISO date or a country code; a file question keeps its file here."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("attendance.Question", on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(_("answer"), null=True, blank=True)
    file = models.FileField(
        _("file"), upload_to=upload_answer_file, storage=private_storage, blank=True, max_length=255
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["registration", "question__sort_order", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["registration", "question"], name="one_answer_per_question")]

    def __str__(self):
        return self.display()

    def display(self, language=None):
        """The answer as a person reads it, in ``language`` (the active one by default): choice
        labels, a country's name, yes or no, the file's name. The question's choices should be
        prefetched when many answers are shown."""
        from django.utils import translation

        question, value = self.question, self.value
        with translation.override(language or translation.get_language()):
            if question.kind == QuestionKind.FILE:
                return self.file_name
            if question.kind == QuestionKind.CHECKBOX:
                return str(pgettext_lazy("answer", "Yes") if value else pgettext_lazy("answer", "No"))
            if question.kind == QuestionKind.COUNTRY:
                return str(countries.name(value)) if value else ""
            if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
                labels = {choice.value: choice.localized("label", language) for choice in question.choices.all()}
                values = value if isinstance(value, list) else [value] if value else []
                return ", ".join(labels.get(item, item) for item in values)
            return "" if value is None else str(value)
