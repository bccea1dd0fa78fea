"""The messages ``commerce`` sends (registered with the core mail engine)."""

from django.utils.translation import gettext_lazy as _

from cms.emails import register_message

ORDER_PLACEHOLDERS = ("order.code", "order.total", "order.currency", "order_url", "conference.name")

register_message("commerce.order_paid", _("Payment received"), ORDER_PLACEHOLDERS)
register_message("commerce.payment_reminder", _("Payment reminder before an order expires"), ORDER_PLACEHOLDERS)
register_message("commerce.order_expired", _("Unpaid order expired"), ORDER_PLACEHOLDERS)
register_message("commerce.proof_rejected", _("Proof of transfer rejected"), (*ORDER_PLACEHOLDERS, "proof.reason"))
register_message("commerce.refund_done", _("Refund made"), (*ORDER_PLACEHOLDERS, "refund.amount"))
register_message("commerce.invoice_issued", _("Invoice issued"), (*ORDER_PLACEHOLDERS, "invoice.title"))
