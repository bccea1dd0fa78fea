"""Bank transfer: the payer sees the account and the order code to quote, then uploads a proof
that finance staff accept or reject (``commerce.services.proofs``)."""

from django.utils.translation import gettext_lazy as _

from commerce.enums import Provider
from commerce.providers.base import PaymentProvider, StartResult, register


@register
class BankTransfer(PaymentProvider):
    key = Provider.BANK_TRANSFER
    label = _("Bank transfer")
    enabled_field = "bank_transfer_enabled"
    settings_fields = (
        "bank_transfer_enabled",
        "bank_account_name",
        "bank_name",
        "bank_account_number",
        "bank_swift",
        "bank_notes_zh",
        "bank_notes_en",
    )

    def is_configured(self, payment_settings):
        return bool(payment_settings.bank_account_name and payment_settings.bank_account_number)

    def start(self, *, payment, request):
        from commerce.services.orders import payment_settings_for

        return StartResult(
            template="commerce/pay_bank_transfer.html",
            context={"payment": payment, "bank": payment_settings_for(payment.order.conference)},
        )

    def handle_callback(self, *, request, conference):
        raise NotImplementedError("Bank transfers have no callback; finance staff review proofs.")

    def refund(self, *, refund):
        """Bank refunds are made by finance staff at the bank; Flock records them."""
        refund.reference = refund.reference or "manual"
        return True
