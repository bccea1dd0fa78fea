"""Orders, their lines and payments, refunds, proofs of transfer, provider events, invoices, receipts.

Money is ``Decimal`` with the ISO currency of its order. Nothing here changes a state: the
services in ``commerce.services`` do, one function per transition.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.i18n import BilingualMixin, bilingual
from cms.models.conferences import currency_validator
from commerce.enums import (
    Attention,
    InvoiceKind,
    InvoiceState,
    OrderState,
    PaymentState,
    ProofState,
    Provider,
    RefundState,
)
from commerce.fields import EncryptedTextField

MONEY = {"max_digits": 13, "decimal_places": 2}


def private_storage():
    return storages["private"]


def _generated_name(kind, filename):
    """Files are stored under generated names; the name the person gave is kept in a field."""
    extension = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"{kind}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def upload_proof(instance, filename):
    return _generated_name("proofs", filename)


def upload_invoice(instance, filename):
    return _generated_name("invoices", filename)


class PaymentSettings(BilingualMixin, models.Model):
    """How one conference takes money: providers, bank account, secrets, expiry."""

    conference = models.OneToOneField("cms.Conference", on_delete=models.CASCADE, related_name="payment_settings")
    order_expiry_hours = models.PositiveIntegerField(
        _("unpaid orders expire after (hours)"), default=72, validators=[MinValueValidator(1)]
    )
    reminder_hours = models.PositiveIntegerField(
        _("remind the payer this many hours before expiry"), default=24, help_text=_("0 sends no reminder.")
    )
    bank_transfer_enabled = models.BooleanField(_("bank transfer"), default=True)
    bank_account_name = models.CharField(_("account holder"), max_length=200, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=64, blank=True)
    bank_swift = models.CharField(_("SWIFT / BIC"), max_length=20, blank=True)
    bank_notes_zh = models.TextField(_("notes for payers (Chinese)"), blank=True)
    bank_notes_en = models.TextField(_("notes for payers (English)"), blank=True)
    stripe_enabled = models.BooleanField(_("Stripe"), default=False)
    stripe_secret_key = EncryptedTextField(_("Stripe secret key"), blank=True)
    stripe_webhook_secret = EncryptedTextField(_("Stripe webhook signing secret"), blank=True)
    stripe_payment_methods = models.CharField(
        _("Stripe payment methods"),
        max_length=100,
        default="card",
        help_text=_("Comma-separated, for example: card, alipay, wechat_pay."),
    )
    alipay_enabled = models.BooleanField(_("Alipay"), default=False)
    alipay_app_id = models.CharField(_("Alipay app id"), max_length=32, blank=True)
    alipay_app_private_key = EncryptedTextField(_("Alipay app private key"), blank=True)
    alipay_public_key = models.TextField(_("Alipay public key"), blank=True)
    alipay_sandbox = models.BooleanField(_("Alipay sandbox"), default=False)
    last_receipt_number = models.PositiveIntegerField(default=0, editable=False)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        verbose_name = _("payment settings")
        verbose_name_plural = _("payment settings")

    def __str__(self):
        return str(self.conference)

    bank_notes = bilingual("bank_notes")

    def secret(self, name):
        """A secret of this conference, or the platform-wide one from the environment."""
        return getattr(self, name) or getattr(settings, name.upper(), "")


class Order(models.Model):
    code = models.CharField(_("order code"), max_length=20, unique=True)
    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="orders")
    purchaser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    total = models.DecimalField(_("total"), **MONEY, default=Decimal("0.00"))
    refunded_total = models.DecimalField(_("refunded"), **MONEY, default=Decimal("0.00"))
    state = models.CharField(_("state"), max_length=20, choices=OrderState.choices, default=OrderState.PENDING)
    attention = models.CharField(_("needs attention"), max_length=20, choices=Attention.choices, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cancelled or expired"), null=True, blank=True)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["conference", "state"]), models.Index(fields=["state", "expires_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(condition=models.Q(refunded_total__gte=0), name="order_refunded_not_negative"),
        ]

    def __str__(self):
        return self.code

    @property
    def is_pending(self):
        return self.state == OrderState.PENDING

    @property
    def balance_refundable(self):
        return self.total - self.refunded_total


class OrderLine(BilingualMixin, models.Model):
    """One thing sold. ``kind`` and ``object_id`` name it for the app that sells it (see
    ``commerce.sellables``); the description and price are copied at the time of ordering."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=64)
    object_id = models.CharField(max_length=64)
    description_zh = models.CharField(_("description (Chinese)"), max_length=255)
    description_en = models.CharField(_("description (English)"), max_length=255)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    amount = models.DecimalField(_("amount"), **MONEY)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        indexes = [models.Index(fields=["kind", "object_id"])]
        constraints = [models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="line_price_not_negative")]

    def __str__(self):
        return self.description

    description = bilingual("description")


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    method = models.CharField(_("method"), max_length=20, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    state = models.CharField(_("state"), max_length=20, choices=PaymentState.choices, default=PaymentState.CREATED)
    reference = models.CharField(_("provider reference"), max_length=255, blank=True, db_index=True)
    late = models.BooleanField(_("arrived after expiry"), default=False)
    failure_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["provider", "state"])]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="payment_amount_not_negative")]

    def __str__(self):
        return f"{self.order.code} · {self.get_provider_display()} · {self.amount} {self.currency}"

    @property
    def number(self):
        """A stable reference sent to providers: the order code and this payment's id."""
        return f"{self.order.code}-P{self.pk}"


class TransferProof(models.Model):
    """A payer's evidence of a bank transfer, reviewed by finance staff."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="proofs")
    file = models.FileField(_("file"), upload_to=upload_proof, storage=private_storage, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    state = models.CharField(_("state"), max_length=20, choices=ProofState.choices, default=ProofState.PENDING)
    reason = models.TextField(_("reason for rejection"), blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("proof of transfer")
        verbose_name_plural = _("proofs of transfer")

    def __str__(self):
        return f"{self.payment.order.code} · {self.original_name}"


class Refund(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.TextField(_("reason"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=RefundState.choices, default=RefundState.PENDING)
    reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    failure_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self):
        return f"{self.order.code} · −{self.amount} {self.currency}"


class ProviderEvent(models.Model):
    """Every notification a provider sent, once: the unique constraint makes handling idempotent."""

    provider = models.CharField(max_length=20, choices=Provider.choices)
    event_id = models.CharField(max_length=255)
    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, null=True, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    kind = models.CharField(max_length=100, blank=True)
    payload = models.JSONField(default=dict)
    outcome = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="unique_provider_event")]

    def __str__(self):
        return f"{self.provider} · {self.event_id}"


class InvoiceRequest(models.Model):
    """A payer's request for a fapiao (发票), fulfilled by finance staff with the electronic invoice."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice_request")
    kind = models.CharField(_("invoice type"), max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.ORDINARY)
    title = models.CharField(_("invoice title (抬头)"), max_length=200)
    tax_number = models.CharField(_("taxpayer number (税号)"), max_length=20, blank=True)
    email = models.EmailField(_("send the invoice to"), blank=True)
    address = models.CharField(_("registered address"), max_length=255, blank=True)
    phone = models.CharField(_("registered phone"), max_length=40, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=InvoiceState.choices, default=InvoiceState.REQUESTED)
    invoice_number = models.CharField(_("invoice number"), max_length=64, blank=True)
    file = models.FileField(
        _("electronic invoice (PDF)"), upload_to=upload_invoice, storage=private_storage, blank=True, max_length=255
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("invoice request")
        verbose_name_plural = _("invoice requests")

    def __str__(self):
        return f"{self.order.code} · {self.title}"


class Receipt(models.Model):
    """Flock's own numbered receipt for a paid order; numbers run without gaps per conference."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="receipt")
    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["conference", "number"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [models.UniqueConstraint(fields=["conference", "number"], name="unique_receipt_number")]

    def __str__(self):
        return self.code

    @property
    def code(self):
        return f"{self.conference.acronym.upper()}-R{self.number:05d}"
