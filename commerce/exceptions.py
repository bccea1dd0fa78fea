from django.utils.translation import gettext_lazy as _

from cms.exceptions import FlockError, IllegalTransition

__all__ = ["IllegalTransition", "OrderLocked", "PaymentError", "ProviderNotAvailable", "RefundError"]


class PaymentError(FlockError):
    default_message = _("The payment could not be made. Please try again or choose another way to pay.")


class ProviderNotAvailable(PaymentError):
    default_message = _("This way of paying is not available for this conference.")


class RefundError(FlockError):
    default_message = _("The refund could not be made.")


class OrderLocked(FlockError):
    default_message = _("This order can no longer be changed.")
