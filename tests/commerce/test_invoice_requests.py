"""Invoice (发票) requests by the payer of a paid order, and the issued invoice's download."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cms.enums import Role
from cms.models import ConferenceRole
from commerce.enums import InvoiceKind, InvoiceState, Provider
from commerce.models import InvoiceRequest
from commerce.services.invoices import issue_invoice, request_invoice, uscc_check_character
from commerce.services.payments import confirm_payment, start_payment
from commerce.services.refunds import refund_payment
from tests.commerce.test_payer_pages import text

pytestmark = pytest.mark.django_db

FIRST_17 = "91110108MA01ABCD2"
VALID_USCC = FIRST_17 + uscc_check_character(FIRST_17)
WRONG_CHECK = FIRST_17 + ("0" if VALID_USCC[-1] != "0" else "1")
INVOICE_PDF = b"%PDF-1.4\n% electronic invoice\n%%EOF\n"


def page_url(name, order, language="en"):
    with translation.override(language):
        return reverse(f"commerce:{name}", kwargs={"conference_slug": order.conference.slug, "code": order.code})


def field_errors(response):
    """{field name: [messages]} as shown next to each field."""
    html = response.content.decode()
    return {
        name: re.findall(r"<li>(.*?)</li>", errors)
        for name, errors in re.findall(r'<ul class="errorlist" id="id_(\w+)_error">(.*?)</ul>', html, flags=re.S)
    }


@pytest.fixture
def paid_order(make_order):
    order = make_order()
    payment, _result = start_payment(order=order, provider_key=Provider.BANK_TRANSFER)
    confirm_payment(payment=payment, amount=payment.amount)
    order.refresh_from_db()
    return order


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


ORDINARY = {"kind": InvoiceKind.ORDINARY, "title": "北京大学", "tax_number": "", "email": "finance@pku.example.cn"}


def test_invoice_form_lists_the_fields(buyer_client, paid_order):
    response = buyer_client.get(page_url("invoice_request", paid_order))

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'name="(\w+)"', html.split('class="order-form invoice-form"', 1)[1].split("</form>", 1)[0]) == [
        "csrfmiddlewaretoken",
        "kind",
        "kind",
        "title",
        "tax_number",
        "email",
        "address",
        "phone",
        "bank_name",
        "bank_account",
    ]
    assert "For a special VAT invoice (专用发票) only" in text(response)


def test_invalid_18_character_taxpayer_number_is_shown_next_to_the_field(buyer_client, paid_order):
    response = buyer_client.post(page_url("invoice_request", paid_order), {**ORDINARY, "tax_number": WRONG_CHECK})

    assert response.status_code == 200
    assert field_errors(response) == {
        "tax_number": [
            "This taxpayer number is not valid: please check the 18 characters of the unified social credit code."
        ]
    }
    assert list(InvoiceRequest.objects.all()) == []


def test_valid_unified_social_credit_code_is_saved(buyer_client, paid_order):
    response = buyer_client.post(
        page_url("invoice_request", paid_order),
        {**ORDINARY, "tax_number": VALID_USCC.lower()[:9] + " " + VALID_USCC.lower()[9:]},
        follow=True,
    )

    invoice = InvoiceRequest.objects.get()
    assert (invoice.order, invoice.kind, invoice.title, invoice.tax_number, invoice.email, invoice.state) == (
        paid_order,
        InvoiceKind.ORDINARY,
        "北京大学",
        VALID_USCC,
        "finance@pku.example.cn",
        InvoiceState.REQUESTED,
    )
    assert response.redirect_chain == [(page_url("order", paid_order), 302)]
    page = text(response)
    assert "Your invoice request was saved. You will receive the invoice by email." in page
    assert "Invoice requested for “北京大学”: the organizers will issue it and send it by email." in page


def test_special_invoice_without_bank_details_names_each_missing_field(buyer_client, paid_order):
    response = buyer_client.post(
        page_url("invoice_request", paid_order), {**ORDINARY, "kind": InvoiceKind.SPECIAL, "tax_number": VALID_USCC}
    )

    assert field_errors(response) == {
        "address": ["A special VAT invoice needs this."],
        "phone": ["A special VAT invoice needs this."],
        "bank_name": ["A special VAT invoice needs this."],
        "bank_account": ["A special VAT invoice needs this."],
    }
    assert list(InvoiceRequest.objects.all()) == []


def test_special_invoice_with_every_detail_is_saved(buyer_client, paid_order):
    details = {
        **ORDINARY,
        "kind": InvoiceKind.SPECIAL,
        "tax_number": VALID_USCC,
        "address": "北京市海淀区颐和园路5号",
        "phone": "010-62751234",
        "bank_name": "中国工商银行北京海淀支行",
        "bank_account": "0200004509088123456",
    }

    buyer_client.post(page_url("invoice_request", paid_order), details)

    invoice = InvoiceRequest.objects.get()
    assert (invoice.kind, invoice.address, invoice.phone, invoice.bank_name, invoice.bank_account) == (
        InvoiceKind.SPECIAL,
        "北京市海淀区颐和园路5号",
        "010-62751234",
        "中国工商银行北京海淀支行",
        "0200004509088123456",
    )


def test_missing_title_is_shown_next_to_the_field(buyer_client, paid_order):
    response = buyer_client.post(page_url("invoice_request", paid_order), {**ORDINARY, "title": "  "})

    assert field_errors(response) == {"title": ["This field is required."]}
    assert list(InvoiceRequest.objects.all()) == []


def test_request_can_be_changed_until_the_invoice_is_issued(buyer_client, buyer, paid_order):
    request_invoice(order=paid_order, details={**ORDINARY}, user=buyer)

    form = buyer_client.get(page_url("invoice_request", paid_order)).content.decode()
    buyer_client.post(page_url("invoice_request", paid_order), {**ORDINARY, "title": "北京大学计算机学院"})

    assert 'value="北京大学"' in form
    assert list(InvoiceRequest.objects.values_list("title", flat=True)) == ["北京大学计算机学院"]


def test_unpaid_order_cannot_ask_for_an_invoice(buyer_client, order):
    response = buyer_client.post(page_url("invoice_request", order), ORDINARY, follow=True)

    assert response.redirect_chain == [(page_url("order", order), 302)]
    assert "An invoice can be requested once the order is paid." in text(response)
    assert list(InvoiceRequest.objects.all()) == []


def test_refunded_order_cannot_ask_for_an_invoice(buyer_client, paid_order):
    refund_payment(payment=paid_order.payments.get(), amount="1200.00", request_key="all")

    buyer_client.post(page_url("invoice_request", paid_order), ORDINARY)

    assert list(InvoiceRequest.objects.all()) == []


@pytest.fixture
def issued(buyer, superuser, paid_order):
    invoice = request_invoice(order=paid_order, details={**ORDINARY}, user=buyer)
    return issue_invoice(
        invoice=invoice,
        invoice_number="24112000000012345678",
        file=SimpleUploadedFile("x.pdf", INVOICE_PDF),
        user=superuser,
    )


def test_issued_invoice_is_offered_for_download_and_no_longer_editable(buyer_client, issued, paid_order):
    order_page = text(buyer_client.get(page_url("order", paid_order)))
    invoice_page = buyer_client.get(page_url("invoice_request", paid_order))
    posted = buyer_client.post(page_url("invoice_request", paid_order), {**ORDINARY, "title": "Changed"})

    assert "Download the invoice (PDF) Invoice 24112000000012345678, issued on" in order_page
    assert "Invoice 24112000000012345678 was issued on" in text(invoice_page)
    assert 'name="title"' not in invoice_page.content.decode()
    assert posted.status_code == 200
    assert InvoiceRequest.objects.get().title == "北京大学"


def test_issued_invoice_is_downloaded_by_its_owner(buyer_client, issued, paid_order):
    response = buyer_client.get(page_url("invoice_file", paid_order))

    assert b"".join(response.streaming_content) == INVOICE_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{paid_order.code}-invoice.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_invoice_file_before_issue_is_not_found(buyer_client, buyer, paid_order):
    request_invoice(order=paid_order, details={**ORDINARY}, user=buyer)

    assert buyer_client.get(page_url("invoice_file", paid_order)).status_code == 404


@pytest.mark.parametrize(("role", "status"), [(None, 404), (Role.EDITOR, 404), (Role.FINANCE, 200)])
def test_issued_invoice_is_private_to_the_owner_and_staff(user_factory, conference, issued, paid_order, role, status):
    person = user_factory(email="someone@example.org")
    if role:
        ConferenceRole.objects.create(user=person, conference=conference, role=role)
    client = Client()
    client.force_login(person)

    response = client.get(page_url("invoice_file", paid_order))

    assert response.status_code == status
    response.close()


def test_another_users_invoice_request_page_is_not_found(user_factory, paid_order):
    client = Client()
    client.force_login(user_factory(email="someone@example.org"))

    assert client.get(page_url("invoice_request", paid_order)).status_code == 404
    assert client.post(page_url("invoice_request", paid_order), ORDINARY).status_code == 404
    assert list(InvoiceRequest.objects.all()) == []
