"""Who may see and handle money in the admin: finance staff and organizers of the conference.

Finance staff do the work (accept proofs, refund, issue invoices); organizers may look. Nobody
adds or deletes orders, payments or refunds in the admin: they come from the services only.
"""

from wagtail.permissions import register_permission_policy

from cms.enums import Role
from cms.permissions import ConferenceScopedPermissionPolicy
from commerce.models import InvoiceRequest, Order, Payment, PaymentSettings, ProviderEvent, Refund, TransferProof

FINANCE = (Role.FINANCE,)
FINANCE_AND_ORGANIZERS = (Role.FINANCE, Role.ORGANIZER)
READ_ONLY = ("add", "delete")


def _policy(model, conference_field, *, change=FINANCE, denied=READ_ONLY):
    return ConferenceScopedPermissionPolicy(
        model,
        conference_field=conference_field,
        roles={"view": FINANCE_AND_ORGANIZERS, "change": change, "export": FINANCE_AND_ORGANIZERS},
        denied_actions=denied,
    )


def register_policies():
    register_permission_policy(Order, _policy(Order, "conference"))
    register_permission_policy(Payment, _policy(Payment, "order__conference"))
    register_permission_policy(TransferProof, _policy(TransferProof, "payment__order__conference"))
    register_permission_policy(Refund, _policy(Refund, "order__conference"))
    register_permission_policy(InvoiceRequest, _policy(InvoiceRequest, "order__conference"))
    register_permission_policy(ProviderEvent, _policy(ProviderEvent, "conference", change=()))
    register_permission_policy(
        PaymentSettings, _policy(PaymentSettings, "conference", change=FINANCE_AND_ORGANIZERS, denied=("delete",))
    )
