"""Invoice (发票) requests: the payer asks, finance staff issue the electronic invoice."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from commerce.enums import ORDER_PAID_STATES, InvoiceKind, InvoiceState, OrderState
from commerce.exceptions import IllegalTransition
from commerce.models import InvoiceRequest, Order

# Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters with a check character.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LEGACY_TAX_NUMBER = re.compile(r"^[0-9A-Z]{15}$|^[0-9A-Z]{17}$|^[0-9A-Z]{20}$")
SPECIAL_FIELDS = ("address", "phone", "bank_name", "bank_account")


def uscc_check_character(first17):
    total = sum(USCC_CHARS.index(ch) * weight for ch, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def validate_tax_number(value):
    """A taxpayer number: the 18-character unified social credit code with a correct check
    character, or an older 15-, 17- or 20-character number. Returns it normalised (upper case)."""
    value = re.sub(r"\s", "", value).upper()
    if len(value) == 18:
        if all(ch in USCC_CHARS for ch in value) and uscc_check_character(value[:17]) == value[17]:
            return value
        raise ValidationError(
            _("This taxpayer number is not valid: please check the 18 characters of the unified social credit code.")
        )
    if LEGACY_TAX_NUMBER.match(value):
        return value
    raise ValidationError(_("A taxpayer number has 15, 17, 18 or 20 letters and digits."))


def clean_invoice_details(details):
    """Validate a payer's invoice details (a dict of ``InvoiceRequest`` fields); raises
    ``ValidationError`` with a message per field, or returns the cleaned dict."""
    details = {key: (value.strip() if isinstance(value, str) else value) for key, value in details.items()}
    errors = {}
    if not details.get("title"):
        errors["title"] = _("Please give the invoice title (the name of the organisation or person).")
    if details.get("tax_number"):
        try:
            details["tax_number"] = validate_tax_number(details["tax_number"])
        except ValidationError as error:
            errors["tax_number"] = error.messages
    if details.get("kind") == InvoiceKind.SPECIAL:
        if not details.get("tax_number") and "tax_number" not in errors:
            errors["tax_number"] = _("A special VAT invoice needs the taxpayer number.")
        for name in SPECIAL_FIELDS:
            if not details.get(name):
                errors[name] = _("A special VAT invoice needs this.")
    if errors:
        raise ValidationError(errors)
    return details


@transaction.atomic
def request_invoice(*, order, details, user):
    """Record (or, until it is issued, change) the invoice request of a paid order.

    Side effects: an audit entry. Raises ``ValidationError`` or ``IllegalTransition``.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state not in ORDER_PAID_STATES or order.state == OrderState.REFUNDED:
        raise IllegalTransition(_("An invoice can be requested once the order is paid."))
    details = clean_invoice_details(details)
    invoice = InvoiceRequest.objects.filter(order=order).first() or InvoiceRequest(order=order)
    if invoice.state == InvoiceState.ISSUED:
        raise IllegalTransition(_("The invoice has been issued already; please contact the organizers to change it."))
    for name, value in details.items():
        setattr(invoice, name, value)
    invoice.save()
    log(instance=order, action="flock.invoice.request", user=user, data={"invoice": invoice.pk})
    return invoice


@transaction.atomic
def issue_invoice(*, invoice, invoice_number, file, user):
    """Finance staff attach the electronic invoice (a PDF) and its number; the payer is told.

    Side effects: state issued, an audit entry, a mail to the payer in the order's language.
    """
    from commerce.services.notifications import notify_invoice_issued
    from commerce.services.proofs import sniff_proof_type

    invoice = InvoiceRequest.objects.select_for_update().select_related("order").get(pk=invoice.pk)
    if invoice.state == InvoiceState.ISSUED:
        raise IllegalTransition(_("This invoice has been issued already."))
    if sniff_proof_type(file) != "application/pdf":
        raise ValidationError({"file": _("Please attach the electronic invoice as a PDF.")})
    invoice.invoice_number = invoice_number.strip()
    file.name = "invoice.pdf"
    invoice.file = file
    invoice.state = InvoiceState.ISSUED
    invoice.issued_at = timezone.now()
    invoice.issued_by = user
    invoice.save()
    log(instance=invoice.order, action="flock.invoice.issue", user=user, data={"invoice": invoice.pk})
    notify_invoice_issued(invoice=invoice)
    return invoice
