"""The receipt of a paid order: a bilingual PDF for the purchaser and the conference's staff."""

import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cms.enums import Role
from cms.models import ConferenceRole
from commerce.enums import Provider
from commerce.models import Receipt
from commerce.pdf import render_receipt_pdf
from commerce.services.payments import confirm_payment, start_payment
from commerce.services.refunds import refund_payment
from tests.commerce.conftest import item

pytestmark = pytest.mark.django_db


def receipt_url(order, language="en"):
    with translation.override(language):
        return reverse("commerce:receipt", kwargs={"conference_slug": order.conference.slug, "code": order.code})


def pdf_text(data):
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \t]+", " ", text)


@pytest.fixture
def buyer(user_factory):
    return user_factory(
        email="li.lei@example.edu.cn", name_zh="李雷", first_name="Lei", last_name="Li", preferred_language="zh-hans"
    )


@pytest.fixture
def paid_order(make_order):
    order = make_order(items=[item(), item(price="150.50", quantity=2, object_id="2")])
    payment, _result = start_payment(order=order, provider_key=Provider.BANK_TRANSFER)
    confirm_payment(payment=payment, amount=payment.amount)
    order.refresh_from_db()
    return order


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def test_receipt_pdf_names_the_receipt_order_payer_lines_and_total_in_both_languages(buyer_client, paid_order):
    payment = paid_order.payments.get()

    response = buyer_client.get(receipt_url(paid_order))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="NCIC2027-R00001.pdf"'
    text = pdf_text(response.content)
    confirmed = payment.confirmed_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    for expected in [
        "Receipt 收据",
        "The 10th National Conference on Intelligent Computing",
        "第十届全国智能计算学术会议",
        "Receipt No. 收据编号 NCIC 2027-R00001",
        f"Order 订单号 {paid_order.code}",
        "Payer 付款人 Lei Li / 李雷",
        "Email 电子邮箱 li.lei@example.edu.cn",
        "Regular registration",
        "正式代表注册",
        "¥150.50 CNY 2 ¥301.00 CNY",
        "Total 合计 ¥1,501.00 CNY",
        f"Bank transfer 银行转账 {payment.number} {confirmed} (Asia/Shanghai) ¥1,501.00 CNY",
    ]:
        assert expected in text, expected
    assert "Refunds" not in text


def test_receipt_in_chinese_puts_chinese_first(buyer_client, paid_order):
    text = pdf_text(buyer_client.get(receipt_url(paid_order, "zh-hans")).content)

    assert "收据 Receipt" in text
    assert "付款人 Payer 李雷 / Lei Li" in text
    assert "合计 Total ¥1,501.00 CNY" in text
    assert "银行转账 Bank transfer" in text


def test_receipt_lists_refunds_and_the_net_amount(buyer_client, paid_order):
    refund = refund_payment(
        payment=paid_order.payments.get(), amount="301.00", reason="Tour cancelled", request_key="1"
    )

    response = buyer_client.get(receipt_url(paid_order))

    text = pdf_text(response.content)
    completed = refund.completed_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert f"{paid_order.code} {completed} (Asia/Shanghai) −¥301.00 CNY" in text
    assert "Net amount received 实收金额 ¥1,200.00 CNY" in text


def test_receipt_of_a_fully_refunded_order_is_still_available(buyer_client, paid_order):
    refund_payment(payment=paid_order.payments.get(), amount="1501.00", request_key="all")

    response = buyer_client.get(receipt_url(paid_order))

    assert response.status_code == 200
    assert "Net amount received 实收金额 ¥0.00 CNY" in pdf_text(response.content)


def test_unpaid_order_has_no_receipt(buyer_client, make_order):
    order = make_order()

    assert buyer_client.get(receipt_url(order)).status_code == 404


def test_another_users_receipt_is_not_found(user_factory, paid_order):
    client = Client()
    client.force_login(user_factory(email="someone.else@example.org"))

    assert client.get(receipt_url(paid_order)).status_code == 404


@pytest.mark.parametrize(("role", "status"), [(Role.FINANCE, 200), (Role.ORGANIZER, 200), (Role.CHECKIN, 404)])
def test_receipt_is_available_to_finance_and_organizers(user_factory, conference, paid_order, role, status):
    staff = user_factory(email="finance@example.org")
    ConferenceRole.objects.create(user=staff, conference=conference, role=role)
    client = Client()
    client.force_login(staff)

    assert client.get(receipt_url(paid_order)).status_code == status


def test_receipt_numbers_follow_the_conference_counter(paid_order, make_order):
    second = make_order()
    payment, _result = start_payment(order=second, provider_key=Provider.BANK_TRANSFER)
    confirm_payment(payment=payment, amount=payment.amount)

    receipt = Receipt.objects.get(order=second)
    text = pdf_text(render_receipt_pdf(receipt=receipt, language="en"))

    assert "NCIC 2027-R00002" in text
    assert second.code in text


def test_receipt_uses_the_chinese_font_in_the_page_margins(paid_order):
    from pypdf import PdfReader

    data = render_receipt_pdf(receipt=paid_order.receipt, language="zh-hans")

    reader = PdfReader(io.BytesIO(data))

    fonts = {
        str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("WenQuanYi" in font for font in fonts)
    assert "页 Page 1 / 1" in pdf_text(data)
