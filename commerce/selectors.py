"""Reads of orders for the payer pages: what a person may see, with what each page shows.

Every function here narrows to one conference and, unless staff may look, to the purchaser;
anything else is a 404, so an order code never reveals whether it exists.
"""

from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404

from cms.enums import Role
from cms.permissions import has_role
from commerce.enums import ORDER_PAID_STATES, OrderState, ProofState
from commerce.models import Order, Payment, TransferProof

STAFF_ROLES = (Role.FINANCE, Role.ORGANIZER)


def normalise_code(code):
    """Order codes are upper case; people type them in any case."""
    return code.strip().upper()


def orders_of(*, user, conference):
    """The user's orders in ``conference``, newest first, with their lines and the state of the
    latest proof of transfer (``latest_proof_state``): two queries for any number of orders."""
    latest_proof = TransferProof.objects.filter(payment__order=OuterRef("pk")).order_by("-uploaded_at", "-id")
    return (
        Order.objects.filter(conference=conference, purchaser=user)
        .annotate(latest_proof_state=Subquery(latest_proof.values("state")[:1]))
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def order_for(*, user, conference, code, staff=False):
    """The order ``code`` of ``conference`` if ``user`` bought it, or (with ``staff``) holds a
    finance or organizer role in the conference; otherwise ``Http404``."""
    order = Order.objects.filter(conference=conference, code=normalise_code(code)).select_related("purchaser").first()
    if order is None:
        raise Http404
    if order.purchaser_id == user.pk or (staff and has_role(user, conference, *STAFF_ROLES)):
        return order
    raise Http404


def order_details(order):
    """The order with what its page shows prefetched: lines, payments with their proofs, refunds,
    the invoice request and the receipt."""
    payments = Payment.objects.prefetch_related("proofs").order_by("created_at", "id")
    return (
        Order.objects.select_related("conference", "purchaser", "invoice_request", "receipt")
        .prefetch_related("lines", Prefetch("payments", queryset=payments), "refunds")
        .get(pk=order.pk)
    )


def latest_proof(order):
    """The most recent proof of transfer of a prefetched order (``order_details``), or ``None``."""
    proofs = [proof for payment in order.payments.all() for proof in payment.proofs.all()]
    return max(proofs, key=lambda proof: (proof.uploaded_at, proof.pk), default=None)


def receipt_available(order):
    """Whether the payer can download a receipt: the money arrived and a receipt was issued."""
    return order.state in ORDER_PAID_STATES and hasattr(order, "receipt")


def invoice_available(order):
    """Whether the payer may ask for (or change) an invoice: paid, not fully refunded."""
    return order.state in ORDER_PAID_STATES and order.state != OrderState.REFUNDED


def proof_waiting(proof):
    return proof is not None and proof.state == ProofState.PENDING
