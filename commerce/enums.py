"""States and kinds of orders, payments, refunds, proofs and invoices, with their transition tables."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderState(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


# An order is paid once; refunds move it on; only a pending order can be cancelled or expire.
# "Re-activation" of an expired order that was paid late is an explicit finance action.
ORDER_TRANSITIONS = {
    OrderState.PENDING: {OrderState.PAID, OrderState.CANCELLED, OrderState.EXPIRED},
    OrderState.EXPIRED: {OrderState.PAID, OrderState.CANCELLED},
    OrderState.PAID: {OrderState.PARTIALLY_REFUNDED, OrderState.REFUNDED},
    OrderState.PARTIALLY_REFUNDED: {OrderState.PARTIALLY_REFUNDED, OrderState.REFUNDED},
    OrderState.CANCELLED: set(),
    OrderState.REFUNDED: set(),
}

# States in which the order's money has been received (at least once).
ORDER_PAID_STATES = {OrderState.PAID, OrderState.PARTIALLY_REFUNDED, OrderState.REFUNDED}


class PaymentState(models.TextChoices):
    CREATED = "created", _("Created")
    PENDING = "pending", _("Waiting for the provider")
    CONFIRMED = "confirmed", _("Confirmed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


PAYMENT_TRANSITIONS = {
    PaymentState.CREATED: {PaymentState.PENDING, PaymentState.CONFIRMED, PaymentState.FAILED, PaymentState.CANCELLED},
    PaymentState.PENDING: {PaymentState.CONFIRMED, PaymentState.FAILED, PaymentState.CANCELLED},
    # A provider may report success after we gave up waiting: money is never ignored.
    PaymentState.FAILED: {PaymentState.CONFIRMED},
    PaymentState.CANCELLED: {PaymentState.CONFIRMED},
    PaymentState.CONFIRMED: {PaymentState.REFUNDED},
    PaymentState.REFUNDED: set(),
}

OPEN_PAYMENT_STATES = {PaymentState.CREATED, PaymentState.PENDING}


class Provider(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    STRIPE = "stripe", _("Card (Stripe)")
    ALIPAY = "alipay", _("Alipay")
    ON_SITE = "on_site", _("Paid on site")


class RefundState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("refund", "In progress")
    DONE = "done", _("Refunded")
    FAILED = "failed", _("Failed")


class ProofState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", pgettext_lazy("proof of transfer", "Rejected")


class InvoiceKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary VAT invoice (普通发票)")
    SPECIAL = "special", _("Special VAT invoice (专用发票)")


class InvoiceState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")


class Attention(models.TextChoices):
    """Why an order needs a person from finance to look at it."""

    NONE = "", _("Nothing")
    LATE_PAYMENT = "late_payment", _("Paid after it expired or was cancelled")
    AMOUNT_MISMATCH = "amount_mismatch", _("A provider reported a different amount")
    DOUBLE_PAYMENT = "double_payment", _("Paid more than once")
    REFUND_DUE = "refund_due", _("Paid, then what it paid for was cancelled: a refund is due")
