"""Paid on site: money taken at the registration desk (cash, a card terminal, a transfer shown on
a phone), recorded by staff (``commerce.services.payments.pay_on_site``). Never offered to payers."""

from django.utils.translation import gettext_lazy as _

from commerce.enums import Provider
from commerce.providers.base import PaymentProvider, register


@register
class OnSite(PaymentProvider):
    key = Provider.ON_SITE
    label = _("Paid on site")

    def is_enabled(self, payment_settings):
        return False  # staff record it; a payer cannot choose it

    def start(self, *, payment, request):
        raise NotImplementedError("On-site payments are recorded by staff, never started by a payer.")

    def handle_callback(self, *, request, conference):
        raise NotImplementedError("On-site payments have no callback.")

    def refund(self, *, refund):
        """Money paid at the desk goes back at the desk (or by transfer): Flock records it."""
        refund.reference = refund.reference or "manual"
        return True
