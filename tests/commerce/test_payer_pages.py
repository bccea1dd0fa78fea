"""The payer pages: My orders, an order, paying, proofs of transfer, the return from a provider."""

import html as html_lib
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cms.enums import Role
from cms.models import ConferenceRole
from commerce.enums import OrderState, PaymentState, ProofState, Provider
from commerce.models import Order, Payment, TransferProof
from commerce.services.orders import cancel_order, create_order
from commerce.services.payments import confirm_payment, start_payment
from commerce.services.proofs import reject_proof
from commerce.services.proofs import upload_proof as store_proof
from tests.commerce.conftest import item
from themes.registry import THEMES

pytestmark = pytest.mark.django_db


def url(name, order=None, *, language="en", slug="ncic2027", **kwargs):
    if order is not None:
        kwargs["code"] = order.code
    with translation.override(language):
        return reverse(f"commerce:{name}", kwargs={"conference_slug": slug, **kwargs})


def text(response):
    """The visible text of a page, whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def listed_codes(response):
    return re.findall(r'<th scope="row" class="order-row-code"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def stranger(user_factory):
    return user_factory(email="zhang.san@example.org")


@pytest.fixture
def stranger_client(stranger):
    client = Client()
    client.force_login(stranger)
    return client


@pytest.fixture
def other_conference(make_conference):
    return make_conference(slug="aicon2026", acronym="AICON 2026", name_zh="人工智能大会", name_en="AI Conference")


def pay_by_bank_transfer(order):
    payment, _result = start_payment(order=order, provider_key=Provider.BANK_TRANSFER)
    return payment


def paid(order):
    payment = pay_by_bank_transfer(order)
    confirm_payment(payment=payment, amount=payment.amount)
    order.refresh_from_db()
    return order


# My orders


def test_my_orders_lists_only_the_users_orders_of_that_conference(
    buyer_client, buyer, make_order, stranger, other_conference
):
    first = make_order()
    second = make_order(items=[item(price="300.00", quantity=2, object_id="2")])
    make_order(purchaser=stranger)
    create_order(conference=other_conference, purchaser=buyer, items=[item()])

    response = buyer_client.get(url("my_orders"))

    assert response.status_code == 200
    assert listed_codes(response) == [second.code, first.code]
    page = text(response)
    assert "Regular registration × 2 ¥600.00 CNY Awaiting payment" in page
    assert "Regular registration ¥1,200.00 CNY Awaiting payment" in page
    assert page.count("Pay now") == 2


def test_my_orders_describe_lines_in_the_active_language_and_link_both_languages(buyer_client, order):
    response = buyer_client.get(url("my_orders", language="zh-hans"))

    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "正式代表注册" in text(response)
    assert "Regular registration" not in text(response)
    switcher = html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]+)"', switcher) == ["/zh-hans/_orders/ncic2027/", "/en/_orders/ncic2027/"]


def test_my_orders_say_what_to_do_next_in_each_state(buyer_client, make_order, order):
    proof_waiting = make_order()
    store_proof(order=proof_waiting, uploaded=SimpleUploadedFile("slip.png", png_bytes()), user=None)
    rejected = make_order()
    proof = store_proof(order=rejected, uploaded=SimpleUploadedFile("slip.png", png_bytes()), user=None)
    reject_proof(proof=proof, reason="The amount is not readable.", user=None)
    cancelled = cancel_order(order=make_order())
    paid_order = paid(make_order())

    page = text(buyer_client.get(url("my_orders")))

    expires = order.expires_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert f"{order.code} Regular registration ¥1,200.00 CNY Awaiting payment Please pay by {expires}. Pay now" in page
    assert (
        f"{proof_waiting.code} Regular registration ¥1,200.00 CNY Awaiting payment Your proof of transfer is waiting for review."
        in page
    )
    assert (
        f"{rejected.code} Regular registration ¥1,200.00 CNY Awaiting payment Your proof of transfer was rejected: please upload a new one. Open the order"
        in page
    )
    assert (
        f"{cancelled.code} Regular registration ¥1,200.00 CNY Cancelled Nothing to pay: the order was cancelled."
        in page
    )
    assert f"{paid_order.code} Regular registration ¥1,200.00 CNY Paid Download the receipt" in page


@pytest.mark.parametrize("orders", [2, 12])
def test_my_orders_run_a_fixed_number_of_queries(buyer_client, make_order, orders, django_assert_num_queries):
    for number in range(orders):
        order = make_order(items=[item(object_id=str(number)), item(price="80.00", object_id=f"tour-{number}")])
        if number % 3 == 0:
            store_proof(order=order, uploaded=SimpleUploadedFile("slip.png", png_bytes()), user=None)
    buyer_client.get(url("my_orders"))  # fills the caches of the site chrome

    # Session, user, conference, the orders (with their latest proof), their lines (the site and
    # the home page come from caches kept until they change).
    with django_assert_num_queries(5):
        response = buyer_client.get(url("my_orders"))

    assert len(listed_codes(response)) == orders


def test_my_orders_without_orders_say_so(buyer_client, payment_settings):
    response = buyer_client.get(url("my_orders"))

    assert "You have no orders for this conference yet." in text(response)


def test_payer_pages_are_inside_the_conference_website(buyer_client, order):
    response = buyer_client.get(url("order", order))

    html = response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert 'class="site-header"' in html
    assert ">About</a>" in html.split('id="site-menu"', 1)[1]
    assert '<link rel="stylesheet" href="/static/commerce/orders.css">' in html
    assert "<style" not in html and "<script>" not in html
    assert f"<title>Order {order.code} · NCIC 2027</title>" in html


@pytest.mark.parametrize("layout", list(THEMES))
def test_order_page_renders_in_every_layout(buyer_client, conference, order, layout):
    conference.theme = layout
    conference.save(update_fields=["theme"])

    response = buyer_client.get(url("order", order))

    assert f'class="theme-{layout} ' in response.content.decode()
    assert f"Order {order.code} Awaiting payment" in text(response)


# Who may see what


PAGES = ["order", "proof_file", "invoice_request", "invoice_file", "receipt", "payment_return"]


@pytest.mark.parametrize("name", ["my_orders", *PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(client, order, name):
    kwargs = {"proof_id": 1} if name == "proof_file" else {}
    address = url(name, None if name == "my_orders" else order, **kwargs)

    response = client.get(address)

    assert response.status_code == 302
    assert response["Location"] == f"/en/_account/login/?next={address}"


@pytest.mark.parametrize("name", PAGES)
def test_another_users_order_is_not_found(stranger_client, order, name):
    proof = store_proof(order=order, uploaded=SimpleUploadedFile("slip.png", png_bytes()), user=None)
    kwargs = {"proof_id": proof.pk} if name == "proof_file" else {}

    response = stranger_client.get(url(name, order, **kwargs))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["pay", "upload_proof"])
def test_another_user_cannot_pay_or_upload_for_an_order(stranger_client, order, name):
    response = stranger_client.post(
        url(name, order), {"provider": "bank_transfer", "method": "", "file": SimpleUploadedFile("a.png", png_bytes())}
    )

    assert response.status_code == 404
    assert list(Payment.objects.all()) == []
    assert list(TransferProof.objects.all()) == []


def test_order_of_another_conference_is_not_found_under_this_one(buyer_client, buyer, other_conference):
    elsewhere = create_order(conference=other_conference, purchaser=buyer, items=[item()])

    assert buyer_client.get(url("order", elsewhere)).status_code == 404
    assert buyer_client.get(url("order", elsewhere, slug="aicon2026")).status_code == 200


def test_order_codes_are_case_insensitive(buyer_client, order):
    response = buyer_client.get(url("order", code=order.code.lower()))

    assert response.status_code == 200
    assert f"Order {order.code} Awaiting payment" in text(response)


# The order page


def test_pending_order_shows_lines_expiry_ways_to_pay_and_bank_details(buyer_client, payment_settings, order):
    payment_settings.bank_swift = "ICBKCNBJBJM"
    payment_settings.bank_notes_zh = "请在汇款附言中注明订单号。"
    payment_settings.bank_notes_en = "Transfers from abroad: add USD 20 for bank charges."
    payment_settings.save()

    response = buyer_client.get(url("order", order))

    page = text(response)
    expires = order.expires_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert f"Pay by {expires} (Asia/Shanghai)" in page
    assert "Regular registration ¥1,200.00 CNY 1 ¥1,200.00 CNY Total ¥1,200.00 CNY" in page
    assert re.findall(r'name="provider" value="([^"]*)"', response.content.decode()) == ["bank_transfer"]
    assert (
        "Please transfer ¥1,200.00 CNY to this account: Account holder 中国智能计算学会 Bank 中国工商银行北京海淀支行 "
        f"Account number 0200 0045 0908 8123 456 SWIFT / BIC ICBKCNBJBJM Transfer remark {order.code}"
    ) in page
    assert f"Please quote the order code {order.code} in the transfer remark" in page
    assert "Transfers from abroad: add USD 20 for bank charges." in page
    assert "请在汇款附言中注明订单号。" not in page
    assert "请在汇款附言中注明订单号。" in text(buyer_client.get(url("order", order, language="zh-hans")))


def test_order_without_any_way_to_pay_says_to_contact_the_organizers(buyer_client, payment_settings, order):
    payment_settings.bank_transfer_enabled = False
    payment_settings.save()

    page = text(buyer_client.get(url("order", order)))

    assert "Payment is not open yet. Please contact the organizers." in page
    assert "Account holder" not in page


def test_paid_order_offers_receipt_and_invoice_and_lists_the_payment(buyer_client, order):
    paid(order)
    payment = order.payments.get()

    response = buyer_client.get(url("order", order))

    page = text(response)
    assert f"Order {order.code} Paid" in page
    assert "How to pay" not in page
    assert "Download the receipt (PDF) Receipt NCIC 2027-R00001, in Chinese and English." in page
    assert "Request an invoice (发票)" in page
    assert f"Bank transfer ¥1,200.00 CNY Confirmed {payment.number}, started on" in page
    assert f'href="{url("receipt", order)}"' in response.content.decode()


# Paying


def test_paying_by_bank_transfer_shows_the_account_and_the_code(buyer_client, order):
    response = buyer_client.post(url("pay", order), {"provider": "bank_transfer", "method": ""})

    assert response.status_code == 200
    assert [template.name for template in response.templates][0] == "commerce/pay_bank_transfer.html"
    page = text(response)
    assert "Amount to transfer ¥1,200.00 CNY" in page
    assert "Account number 0200 0045 0908 8123 456" in page
    assert f"Please quote the order code {order.code} in the transfer remark" in page
    payment = Payment.objects.get()
    assert (payment.order, payment.provider, payment.method, payment.amount, payment.currency, payment.state) == (
        order,
        Provider.BANK_TRANSFER,
        "",
        Decimal("1200.00"),
        "CNY",
        PaymentState.CREATED,
    )


def test_paying_twice_makes_one_payment(buyer_client, order):
    buyer_client.post(url("pay", order), {"provider": "bank_transfer", "method": ""})
    buyer_client.post(url("pay", order), {"provider": "bank_transfer", "method": ""})

    assert Payment.objects.count() == 1


def test_paying_with_a_provider_the_conference_does_not_offer_is_refused(buyer_client, order):
    response = buyer_client.post(url("pay", order), {"provider": "stripe", "method": "card"}, follow=True)

    assert response.redirect_chain == [(url("order", order), 302)]
    assert "This way of paying is not available for this conference." in text(response)
    assert list(Payment.objects.all()) == []


def test_paying_an_order_that_is_paid_already_shows_why_not(buyer_client, order):
    paid(order)

    response = buyer_client.post(url("pay", order), {"provider": "bank_transfer", "method": ""}, follow=True)

    assert "Only an order awaiting payment can be paid." in text(response)
    assert Payment.objects.count() == 1


def test_pay_takes_only_post(buyer_client, order):
    assert buyer_client.get(url("pay", order)).status_code == 405


# Proofs of transfer


def test_uploading_a_png_proof_keeps_it_for_review_under_a_generated_name(buyer_client, order):
    upload = SimpleUploadedFile("工行回单 bank slip.png", png_bytes(), content_type="image/png")

    response = buyer_client.post(url("upload_proof", order), {"file": upload}, follow=True)

    proof = TransferProof.objects.get()
    assert (proof.payment.order, proof.payment.provider, proof.payment.state) == (
        order,
        Provider.BANK_TRANSFER,
        PaymentState.PENDING,
    )
    assert (proof.state, proof.original_name, proof.content_type, proof.size) == (
        ProofState.PENDING,
        "工行回单 bank slip.png",
        "image/png",
        len(png_bytes()),
    )
    assert re.fullmatch(r"proofs/\d{4}/\d{2}/[0-9a-f]{32}\.png", proof.file.name)
    with proof.file.open("rb") as stored:
        assert stored.read() == png_bytes()
    page = text(response)
    assert response.redirect_chain == [(url("order", order), 302)]
    assert "Thank you: your proof of transfer was received. The organizers will review it shortly." in page
    assert "Your proof of transfer is waiting for review by the organizers." in page
    assert "工行回单 bank slip.png" in page and "Waiting for review" in page


def test_uploading_a_pdf_proof(buyer_client, order):
    buyer_client.post(url("upload_proof", order), {"file": SimpleUploadedFile("slip.pdf", PDF_BYTES)})

    proof = TransferProof.objects.get()
    assert (proof.content_type, proof.state) == ("application/pdf", ProofState.PENDING)
    assert re.fullmatch(r"proofs/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", proof.file.name)


def test_a_text_file_named_png_is_refused(buyer_client, order):
    upload = SimpleUploadedFile("slip.png", b"this is only text, not a picture", content_type="image/png")

    response = buyer_client.post(url("upload_proof", order), {"file": upload}, follow=True)

    assert "Please upload a photo or scan of the transfer as a JPEG, PNG or WebP image or a PDF." in text(response)
    assert list(TransferProof.objects.all()) == []
    assert list(Payment.objects.all()) == []


def test_an_11_mb_file_is_refused(buyer_client, order):
    upload = SimpleUploadedFile("huge.png", png_bytes() + b"\0" * (11 * 1024 * 1024))

    response = buyer_client.post(url("upload_proof", order), {"file": upload}, follow=True)

    assert "The file is too large: at most 10 MB." in text(response)
    assert list(TransferProof.objects.all()) == []


def test_a_file_just_over_the_limit_is_refused_by_its_size(buyer_client, order, settings):
    settings.MAX_PROOF_UPLOAD_SIZE = 1024 * 1024
    upload = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (1024 * 1024))  # within the multipart allowance

    response = buyer_client.post(url("upload_proof", order), {"file": upload}, follow=True)

    assert "The file is too large: at most 1 MB." in text(response)
    assert list(TransferProof.objects.all()) == []


def test_a_body_declared_far_too_large_is_refused_before_it_is_read(buyer_client, order):
    response = buyer_client.generic(
        "POST",
        url("upload_proof", order),
        data=b"never parsed",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
    )

    assert response.status_code == 302
    assert "The file is too large: at most 10 MB." in text(buyer_client.get(response["Location"]))
    assert list(TransferProof.objects.all()) == []


def test_uploading_needs_the_csrf_token(buyer, order):
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)

    response = client.post(url("upload_proof", order), {"file": SimpleUploadedFile("slip.png", png_bytes())})

    assert response.status_code == 403
    assert list(TransferProof.objects.all()) == []


def test_a_rejected_proof_shows_the_reason_and_asks_for_a_new_one(buyer_client, order):
    proof = store_proof(order=order, uploaded=SimpleUploadedFile("slip.png", png_bytes()), user=None)
    reject_proof(proof=proof, reason="The amount is not readable.", user=None)

    page = text(buyer_client.get(url("order", order)))

    assert "Your proof of transfer was rejected: The amount is not readable. Please upload a new one." in page
    assert "Upload the proof" in page


def test_proof_is_served_to_the_purchaser_with_its_type_and_no_sniffing(buyer_client, order):
    proof = store_proof(order=order, uploaded=SimpleUploadedFile("slip.png", png_bytes()), user=None)

    response = buyer_client.get(url("proof_file", order, proof_id=proof.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="{order.code}-proof-{proof.pk}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pdf_proof_is_downloaded_not_shown(buyer_client, order):
    proof = store_proof(order=order, uploaded=SimpleUploadedFile("slip.pdf", PDF_BYTES), user=None)

    response = buyer_client.get(url("proof_file", order, proof_id=proof.pk))

    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{order.code}-proof-{proof.pk}.pdf"'


@pytest.mark.parametrize(("role", "status"), [(Role.FINANCE, 200), (Role.ORGANIZER, 200), (Role.EDITOR, 404)])
def test_proof_is_served_to_finance_and_organizers_of_the_conference(stranger, order, conference, role, status):
    proof = store_proof(order=order, uploaded=SimpleUploadedFile("slip.png", png_bytes()), user=None)
    ConferenceRole.objects.create(user=stranger, conference=conference, role=role)
    client = Client()
    client.force_login(stranger)

    response = client.get(url("proof_file", order, proof_id=proof.pk))

    assert response.status_code == status
    response.close()


def test_finance_of_another_conference_cannot_see_the_proof(stranger_client, stranger, order, other_conference):
    proof = store_proof(order=order, uploaded=SimpleUploadedFile("slip.png", png_bytes()), user=None)
    ConferenceRole.objects.create(user=stranger, conference=other_conference, role=Role.FINANCE)

    assert stranger_client.get(url("proof_file", order, proof_id=proof.pk)).status_code == 404


def test_proof_of_another_order_is_not_found_under_this_one(buyer_client, make_order, order):
    other = make_order()
    proof = store_proof(order=other, uploaded=SimpleUploadedFile("slip.png", png_bytes()), user=None)

    assert buyer_client.get(url("proof_file", order, proof_id=proof.pk)).status_code == 404


# Coming back from a provider


def test_return_page_leaves_a_pending_order_pending(buyer_client, order):
    payment = pay_by_bank_transfer(order)

    response = buyer_client.get(url("payment_return", order), {"out_trade_no": payment.number, "trade_status": "PAID"})

    page = text(response)
    assert "We are waiting for the confirmation from the payment provider." in page
    assert '<meta http-equiv="refresh" content="10">' in response.content.decode()
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.state, payment.state) == (OrderState.PENDING, PaymentState.CREATED)


def test_return_page_of_a_paid_order_says_so(buyer_client, order):
    paid(order)

    page = text(buyer_client.get(url("payment_return", order)))

    assert "Thank you: the order is paid" in page
    assert "We have received your payment of ¥1,200.00 CNY." in page
    assert Order.objects.get().state == OrderState.PAID


def test_a_proof_for_an_order_that_is_no_longer_pending_is_refused(buyer_client, order):
    cancel_order(order=order)

    response = buyer_client.post(
        url("upload_proof", order), {"file": SimpleUploadedFile("slip.png", png_bytes())}, follow=True
    )

    assert "Only an order awaiting payment takes a proof of transfer." in text(response)
    assert list(TransferProof.objects.all()) == []
