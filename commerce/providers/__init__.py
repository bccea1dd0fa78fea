"""Payment providers behind one small interface; see ``base.PaymentProvider``."""

from commerce.providers.base import PaymentProvider, StartResult, get_provider, providers_for

__all__ = ["PaymentProvider", "StartResult", "get_provider", "providers_for"]
