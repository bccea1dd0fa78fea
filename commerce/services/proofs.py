"""Bank transfers: the payer uploads a proof, finance staff accept or reject it."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from commerce.enums import OrderState, PaymentState, ProofState, Provider
from commerce.exceptions import IllegalTransition, PaymentError
from commerce.models import Order, Payment, TransferProof
from commerce.services.payments import confirm_payment, set_payment_state

PROOF_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}


def sniff_proof_type(uploaded):
    """The content type of an upload judged by its first bytes, or ``None`` if it is not an image
    or PDF that Flock accepts. The name and the browser's claimed type are ignored."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def validate_proof(uploaded):
    if uploaded.size > settings.MAX_PROOF_UPLOAD_SIZE:
        raise PaymentError(
            _("The file is too large: at most %(size)d MB.") % {"size": settings.MAX_PROOF_UPLOAD_SIZE // 1024 // 1024}
        )
    content_type = sniff_proof_type(uploaded)
    if content_type is None:
        raise PaymentError(_("Please upload a photo or scan of the transfer as a JPEG, PNG or WebP image or a PDF."))
    return content_type


@transaction.atomic
def upload_proof(*, order, uploaded, user):
    """Attach the payer's proof of transfer to the order's bank-transfer payment (started if needed).

    The file is checked by content and size first; nothing is saved when it is refused
    (``PaymentError``). Side effects: a ``TransferProof`` waiting for review, the payment pending,
    an audit entry. An order with a proof waiting for review does not expire.
    """
    content_type = validate_proof(uploaded)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.PENDING:
        raise IllegalTransition(_("Only an order awaiting payment takes a proof of transfer."))
    payment = order.payments.filter(
        provider=Provider.BANK_TRANSFER, state__in=[PaymentState.CREATED, PaymentState.PENDING]
    ).first()
    if payment is None:
        payment = Payment.objects.create(
            order=order, provider=Provider.BANK_TRANSFER, amount=order.total, currency=order.currency
        )
    if payment.state == PaymentState.CREATED:
        set_payment_state(payment=payment, new_state=PaymentState.PENDING, user=user)
    name = uploaded.name.rsplit("/", 1)[-1][:200]
    uploaded.name = f"proof.{PROOF_TYPES[content_type]}"
    proof = TransferProof.objects.create(
        payment=payment, file=uploaded, original_name=name, content_type=content_type, size=uploaded.size
    )
    log(instance=order, action="flock.proof.upload", user=user, data={"proof": proof.pk})
    return proof


@transaction.atomic
def accept_proof(*, proof, user):
    """Finance staff confirm the transfer: the payment is confirmed for the order's amount and the
    order becomes paid (see ``confirm_payment``). Accepting twice changes nothing."""
    proof = TransferProof.objects.select_for_update().select_related("payment").get(pk=proof.pk)
    if proof.state != ProofState.PENDING:
        return proof
    proof.state = ProofState.ACCEPTED
    proof.reviewed_at = timezone.now()
    proof.reviewed_by = user
    proof.save(update_fields=["state", "reviewed_at", "reviewed_by"])
    log(instance=proof.payment.order, action="flock.proof.accept", user=user, data={"proof": proof.pk})
    confirm_payment(payment=proof.payment, amount=proof.payment.amount, user=user)
    return proof


@transaction.atomic
def reject_proof(*, proof, reason, user):
    """Finance staff refuse the proof with a reason; the payer is told and can upload again.
    Side effects: an audit entry and a mail to the payer in their language."""
    from commerce.services.notifications import notify_proof_rejected

    if not reason.strip():
        raise PaymentError(_("Please tell the payer why the proof is rejected."))
    proof = TransferProof.objects.select_for_update().select_related("payment__order").get(pk=proof.pk)
    if proof.state != ProofState.PENDING:
        raise IllegalTransition(_("This proof has been reviewed already."))
    proof.state = ProofState.REJECTED
    proof.reason = reason.strip()
    proof.reviewed_at = timezone.now()
    proof.reviewed_by = user
    proof.save(update_fields=["state", "reason", "reviewed_at", "reviewed_by"])
    log(instance=proof.payment.order, action="flock.proof.reject", user=user, data={"proof": proof.pk})
    notify_proof_rejected(proof=proof)
    return proof
