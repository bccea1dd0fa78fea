"""The columns of the finance exports (orders, payments, invoice requests) for the finance office.

Each export is a mapping ``name -> (heading, value(row))`` that the admin listings turn into an
XLSX or CSV file (``commerce.viewsets.common.ExportColumnsMixin``). Values are plain: numbers stay
``Decimal`` (numeric cells in Excel), times are shown in the conference's own time zone, and the
querysets of ``*_for_export`` fetch everything a row needs in a fixed number of queries.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from commerce.enums import PaymentState
from commerce.models import Payment

MONEY_STATES = (PaymentState.CONFIRMED, PaymentState.REFUNDED)


def local_time(value, conference):
    """A naive datetime in the conference's time zone, as a spreadsheet cell shows it."""
    return timezone.localtime(value, conference.tz).replace(tzinfo=None) if value else None


def person(user):
    return user.display_name_in(get_language() or "zh-hans") or user.email


def invoice_of(order):
    return getattr(order, "invoice_request", None)


def lines_text(order):
    return "; ".join(
        f"{line.description} × {line.quantity}" if line.quantity > 1 else line.description for line in order.lines.all()
    )


def providers_text(order):
    """How the money of an order arrived: the providers of its confirmed (or since refunded) payments."""
    labels = []
    for payment in order.money_payments:
        if payment.get_provider_display() not in labels:
            labels.append(payment.get_provider_display())
    return ", ".join(labels)


def orders_for_export(queryset):
    money = Payment.objects.filter(state__in=MONEY_STATES).order_by("created_at", "pk")
    return queryset.select_related("conference", "purchaser", "invoice_request").prefetch_related(
        "lines", Prefetch("payments", queryset=money, to_attr="money_payments")
    )


ORDER_COLUMNS = {
    "code": (_("Order code"), lambda order: order.code),
    "conference": (_("Conference"), lambda order: order.conference.acronym),
    "purchaser": (_("Purchaser"), lambda order: person(order.purchaser)),
    "email": (_("Email"), lambda order: order.purchaser.email),
    "lines": (_("What was bought"), lines_text),
    "total": (_("Total"), lambda order: order.total),
    "refunded": (_("Refunded"), lambda order: order.refunded_total),
    "currency": (_("Currency"), lambda order: order.currency),
    "state": (_("State"), lambda order: order.get_state_display()),
    "created_at": (_("Created"), lambda order: local_time(order.created_at, order.conference)),
    "paid_at": (_("Paid at"), lambda order: local_time(order.paid_at, order.conference)),
    "providers": (_("Paid with"), providers_text),
    "invoice_title": (_("Invoice title"), lambda order: invoice_of(order).title if invoice_of(order) else ""),
    "tax_number": (
        _("Taxpayer number"),
        lambda order: invoice_of(order).tax_number if invoice_of(order) else "",
    ),
}


def payments_for_export(queryset):
    return queryset.select_related("order__conference", "order__purchaser", "order__invoice_request")


PAYMENT_COLUMNS = {
    "number": (_("Payment"), lambda payment: payment.number),
    "order": (_("Order code"), lambda payment: payment.order.code),
    "conference": (_("Conference"), lambda payment: payment.order.conference.acronym),
    "purchaser": (_("Purchaser"), lambda payment: person(payment.order.purchaser)),
    "email": (_("Email"), lambda payment: payment.order.purchaser.email),
    "provider": (_("Provider"), lambda payment: payment.get_provider_display()),
    "method": (_("Method"), lambda payment: payment.method),
    "amount": (_("Amount"), lambda payment: payment.amount),
    "currency": (_("Currency"), lambda payment: payment.currency),
    "state": (_("State"), lambda payment: payment.get_state_display()),
    "late": (_("Arrived after expiry"), lambda payment: _("yes") if payment.late else ""),
    "reference": (_("Provider reference"), lambda payment: payment.reference),
    "created_at": (_("Created"), lambda payment: local_time(payment.created_at, payment.order.conference)),
    "confirmed_at": (_("Confirmed"), lambda payment: local_time(payment.confirmed_at, payment.order.conference)),
    "invoice_title": (
        _("Invoice title"),
        lambda payment: invoice_of(payment.order).title if invoice_of(payment.order) else "",
    ),
    "tax_number": (
        _("Taxpayer number"),
        lambda payment: invoice_of(payment.order).tax_number if invoice_of(payment.order) else "",
    ),
}


def invoices_for_export(queryset):
    return queryset.select_related("order__conference", "order__purchaser")


def _paid_date(invoice):
    paid_at = local_time(invoice.order.paid_at, invoice.order.conference)
    return paid_at.date() if paid_at else None


INVOICE_COLUMNS = {
    "order": (_("Order code"), lambda invoice: invoice.order.code),
    "title": (_("Invoice title"), lambda invoice: invoice.title),
    "tax_number": (_("Taxpayer number"), lambda invoice: invoice.tax_number),
    "kind": (_("Invoice type"), lambda invoice: invoice.get_kind_display()),
    "address": (_("Registered address"), lambda invoice: invoice.address),
    "phone": (_("Registered phone"), lambda invoice: invoice.phone),
    "bank_name": (_("Bank"), lambda invoice: invoice.bank_name),
    "bank_account": (_("Bank account"), lambda invoice: invoice.bank_account),
    "email": (_("Send the invoice to"), lambda invoice: invoice.email or invoice.order.purchaser.email),
    "amount": (_("Amount"), lambda invoice: invoice.order.total - invoice.order.refunded_total),
    "currency": (_("Currency"), lambda invoice: invoice.order.currency),
    "paid_on": (_("Paid on"), _paid_date),
    "state": (_("State"), lambda invoice: invoice.get_state_display()),
    "invoice_number": (_("Invoice number"), lambda invoice: invoice.invoice_number),
    "conference": (_("Conference"), lambda invoice: invoice.order.conference.acronym),
    "requested_at": (_("Requested"), lambda invoice: local_time(invoice.requested_at, invoice.order.conference)),
}
