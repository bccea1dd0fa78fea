"""The interface every payment provider implements, and the registry of providers.

A provider is a stateless object. ``commerce.services.payments`` creates the ``Payment`` row and
calls ``start``; the provider's webhook view calls ``handle_callback``, which verifies the message
and hands the outcome to ``commerce.services.payments.confirm_payment`` / ``fail_payment`` (the only
code that changes payment and order states); ``commerce.services.refunds`` calls ``refund``.
"""

from dataclasses import dataclass, field

_REGISTRY = {}


@dataclass
class StartResult:
    """What the payer's browser does next: go to ``redirect_url``, or see ``template`` with
    ``context`` on Flock (bank details, a QR code to scan)."""

    redirect_url: str = ""
    template: str = ""
    context: dict = field(default_factory=dict)


class PaymentProvider:
    key = ""
    label = ""
    # ``PaymentSettings`` fields this provider's settings form edits; ``secret_fields`` are shown
    # only as "set" or "not set" and are kept when left empty.
    settings_fields = ()
    secret_fields = ()
    enabled_field = ""
    # Payment methods a payer can choose (e.g. Alipay: desktop page, phone, QR code).
    methods = (("", ""),)

    def is_enabled(self, payment_settings):
        return bool(getattr(payment_settings, self.enabled_field, False)) and self.is_configured(payment_settings)

    def is_configured(self, payment_settings):
        return all(payment_settings.secret(name) for name in self.secret_fields)

    def start(self, *, payment, request):
        """Begin ``payment`` (state created) and return a ``StartResult``. May raise ``PaymentError``."""
        raise NotImplementedError

    def handle_callback(self, *, request, conference):
        """Verify and apply a notification from the provider; return the HTTP response it expects."""
        raise NotImplementedError

    def refund(self, *, refund):
        """Give ``refund.amount`` back through the provider; set ``refund.reference``. Return True
        when the money has gone back, False when the provider is still working on it (it reports
        the end later: ``commerce.services.refunds.settle_refund``). Raise ``RefundError`` when the
        provider refuses. Must be idempotent on ``refund.idempotency_key``."""
        raise NotImplementedError

    def settings_form_class(self):
        from commerce.admin_forms import provider_settings_form

        return provider_settings_form(self)


def register(provider_class):
    _REGISTRY[provider_class.key] = provider_class()
    return provider_class


def get_provider(key):
    from commerce.providers import alipay, bank_transfer, on_site, stripe  # noqa: F401  (registration)

    return _REGISTRY[key]


def all_providers():
    """Every provider, in the order of ``Provider`` (not the order their modules were imported in)."""
    from commerce.enums import Provider

    get_provider("bank_transfer")
    order = list(Provider.values)
    return sorted(_REGISTRY.values(), key=lambda provider: order.index(provider.key) if provider.key in order else 99)


def providers_for(payment_settings):
    """The providers a payer of this conference may choose, in display order."""
    return [provider for provider in all_providers() if provider.is_enabled(payment_settings)]


def secret_status(payment_settings, provider):
    """For the admin: which secrets are set, never their values."""
    return {name: bool(payment_settings.secret(name)) for name in provider.secret_fields}
