from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from commerce.viewsets import FinanceViewSetGroup

LOG_ACTIONS = {
    "flock.order.create": (_("Create order"), _("Order created")),
    "flock.order.change": (_("Change order"), _("Order changed")),
    "flock.order.paid": (_("Mark order paid"), _("Order paid")),
    "flock.order.cancel": (_("Cancel order"), _("Order cancelled")),
    "flock.order.expire": (_("Expire order"), _("Order expired")),
    "flock.order.refund": (_("Refund order"), _("Order refunded")),
    "flock.order.flag": (_("Flag order"), _("Order flagged for finance")),
    "flock.order.refund_due": (_("Note a refund due"), _("What the order paid for was cancelled: a refund is due")),
    "flock.order.settled": (_("Clear the order's flag"), _("Finance dealt with what the order was flagged for")),
    "flock.payment.start": (_("Start payment"), _("Payment started")),
    "flock.payment.state": (_("Change payment state"), _("Payment state changed")),
    "flock.proof.upload": (_("Upload proof of transfer"), _("Proof of transfer uploaded")),
    "flock.proof.accept": (_("Accept proof of transfer"), _("Proof of transfer accepted")),
    "flock.proof.reject": (_("Reject proof of transfer"), _("Proof of transfer rejected")),
    "flock.refund.start": (_("Start refund"), _("Refund started")),
    "flock.refund.wait": (_("Wait for the provider's refund"), _("Refund in progress at the provider")),
    "flock.refund.finish": (_("Finish refund"), _("Refund finished")),
    "flock.invoice.request": (_("Request invoice"), _("Invoice requested")),
    "flock.invoice.issue": (_("Issue invoice"), _("Invoice issued")),
    "flock.payment_settings.change": (_("Change payment settings"), _("Payment settings changed")),
}


@hooks.register("register_admin_viewset")
def register_finance_viewsets():
    return FinanceViewSetGroup()


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
