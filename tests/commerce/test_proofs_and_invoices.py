"""Bank transfer proofs (checked by content, reviewed by finance) and invoice request rules."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from commerce.enums import InvoiceState, OrderState, PaymentState, ProofState
from commerce.exceptions import IllegalTransition, PaymentError
from commerce.models import InvoiceRequest, Order, TransferProof
from commerce.services.invoices import (
    issue_invoice,
    request_invoice,
    uscc_check_character,
    validate_tax_number,
)
from commerce.services.proofs import accept_proof, reject_proof, upload_proof
from tests.commerce.test_payments import paid


def png_upload(name="转账凭证.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#2a6").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="invoice.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", content_type="application/pdf"
    )


def test_a_proof_is_stored_under_a_generated_name_and_waits_for_review(order, buyer):
    proof = upload_proof(order=order, uploaded=png_upload(), user=buyer)

    assert proof.original_name == "转账凭证.png"
    assert proof.content_type == "image/png"
    assert proof.file.name.startswith("proofs/") and "转账" not in proof.file.name
    assert proof.payment.state == PaymentState.PENDING
    assert proof.file.storage.exists(proof.file.name)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("fake.png", b"<script>alert(1)</script>", content_type="image/png"), "JPEG、PNG"),
        (SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf"), "10 MB"),
    ],
)
def test_a_proof_that_is_not_an_image_or_pdf_or_too_big_is_refused(order, buyer, upload, message):
    with pytest.raises(PaymentError, match=message):
        upload_proof(order=order, uploaded=upload, user=buyer)

    assert not TransferProof.objects.exists()
    assert not order.payments.exists()


def test_accepting_a_proof_pays_the_order_once(order, buyer, superuser):
    proof = upload_proof(order=order, uploaded=png_upload(), user=buyer)

    accept_proof(proof=proof, user=superuser)
    accept_proof(proof=proof, user=superuser)

    proof.refresh_from_db()
    assert (proof.state, proof.reviewed_by) == (ProofState.ACCEPTED, superuser)
    assert Order.objects.get(pk=order.pk).state == OrderState.PAID
    assert order.payments.get().state == PaymentState.CONFIRMED


def test_rejecting_needs_a_reason_tells_the_payer_and_allows_a_new_upload(
    order, buyer, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    proof = upload_proof(order=order, uploaded=png_upload(), user=buyer)
    with pytest.raises(PaymentError):
        reject_proof(proof=proof, reason="  ", user=superuser)

    with django_capture_on_commit_callbacks(execute=True):
        reject_proof(proof=proof, reason="金额不符 / amount differs", user=superuser)

    assert TransferProof.objects.get(pk=proof.pk).state == ProofState.REJECTED
    assert "金额不符 / amount differs" in mailoutbox[0].body
    second = upload_proof(order=order, uploaded=png_upload("second.png"), user=buyer)
    assert second.payment_id == proof.payment_id
    with pytest.raises(IllegalTransition):
        reject_proof(proof=proof, reason="again", user=superuser)


def valid_uscc(body="91110108MA01ABCDE"):
    return body + uscc_check_character(body)


def test_taxpayer_numbers_are_checked():
    code = valid_uscc()
    assert validate_tax_number(code.lower()) == code
    assert validate_tax_number("110108123456789") == "110108123456789"
    wrong_check = code[:17] + ("0" if code[17] != "0" else "1")
    for bad in (wrong_check, "12345", "91110108MA01ABCDEI"):
        with pytest.raises(ValidationError):
            validate_tax_number(bad)


def test_invoice_request_needs_a_paid_order_and_special_invoices_need_bank_details(order, buyer):
    details = {"kind": "ordinary", "title": "北京大学", "tax_number": valid_uscc()}
    with pytest.raises(IllegalTransition):
        request_invoice(order=order, details=details, user=buyer)
    paid(order)

    with pytest.raises(ValidationError) as error:
        request_invoice(order=order, details={**details, "kind": "special"}, user=buyer)
    assert set(error.value.message_dict) == {"address", "phone", "bank_name", "bank_account"}
    assert not InvoiceRequest.objects.exists()

    invoice = request_invoice(order=order, details=details, user=buyer)
    assert (invoice.title, invoice.tax_number, invoice.state) == ("北京大学", valid_uscc(), InvoiceState.REQUESTED)


def test_issuing_an_invoice_needs_a_pdf_and_tells_the_payer(
    order, buyer, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    paid(order)
    invoice = request_invoice(order=order, details={"kind": "ordinary", "title": "李雷"}, user=buyer)

    with pytest.raises(ValidationError):
        issue_invoice(invoice=invoice, invoice_number="0001", file=png_upload(), user=superuser)
    with django_capture_on_commit_callbacks(execute=True):
        issue_invoice(invoice=invoice, invoice_number=" 24110000000012345678 ", file=pdf_upload(), user=superuser)

    invoice.refresh_from_db()
    assert (invoice.state, invoice.invoice_number) == (InvoiceState.ISSUED, "24110000000012345678")
    assert invoice.file.name.startswith("invoices/")
    assert mailoutbox[-1].subject == f"[NCIC 2027] 订单 {order.code} 的发票"
    with pytest.raises(IllegalTransition):
        request_invoice(order=order, details={"kind": "ordinary", "title": "改名"}, user=buyer)
