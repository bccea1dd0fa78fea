"""A finance officer's morning in the Wagtail admin: review the proof of a bank transfer, accept it,
find the order paid among the orders, and export the orders to Excel."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.users.models import UserProfile

from cms.enums import Role
from cms.services.conferences import grant_role
from commerce.enums import OrderState
from commerce.models import Order
from commerce.services.invoices import request_invoice
from commerce.services.orders import create_order, payment_settings_for
from commerce.services.proofs import upload_proof
from tests.browser.conftest import admin_login
from tests.commerce.conftest import item

pytestmark = pytest.mark.browser

PASSWORD = "finance-pass-2027"


def transfer_receipt_png():
    """A picture of a bank receipt, as a payer would photograph it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), "#f4f1e8")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 619, 379), outline="#2b5d8a", width=6)
    draw.rectangle((20, 20, 619, 90), fill="#2b5d8a")
    for row, text in enumerate(
        ["BANK TRANSFER RECEIPT", "Amount: CNY 1,200.00", "Reference: order code", "Status: SUCCESS"]
    ):
        draw.text((48, 40 + row * 80), text, fill="#ffffff" if row == 0 else "#1d2733", font_size=28)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def finance_site(transactional_db, django_db_serialized_rollback, live_server, conference, user_factory):
    """A conference with an order whose proof of transfer waits for review, and its finance officer."""
    officer = user_factory(email="caiwu@ncic2027.example.org", first_name="Min", last_name="Zhao", name_zh="赵敏")
    officer.set_password(PASSWORD)
    officer.save()
    grant_role(conference=conference, user=officer, role=Role.FINANCE, notify=False)
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "en"
    profile.save()
    settings_row = payment_settings_for(conference)
    settings_row.bank_account_name = "中国智能计算学会"
    settings_row.bank_account_number = "0200 0045 0908 8123 456"
    settings_row.save()
    buyer = user_factory(email="li.lei@example.edu.cn", name_zh="李雷", first_name="Lei", last_name="Li")
    order = create_order(conference=conference, purchaser=buyer, items=[item("1200.00")], language="en")
    upload_proof(order=order, uploaded=SimpleUploadedFile("回单.png", transfer_receipt_png()), user=buyer)
    return {"url": lambda path: f"{live_server.url}{path}", "order": order, "officer": officer}


def test_finance_officer_accepts_a_transfer_and_exports_the_orders(page, finance_site, screenshot):
    from playwright.sync_api import expect

    url, order = finance_site["url"], finance_site["order"]
    admin_login(page, url, finance_site["officer"].email, PASSWORD)

    page.goto(url("/admin/finance/proofs/"))
    card = page.locator("article.flock-proof")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(order.code)
    expect(card.locator(".flock-proof-amount")).to_contain_text("1,200.00 CNY")
    image = card.locator(".flock-proof-image img")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 640
    screenshot("01-proof-queue")

    card.locator("form.flock-proof-accept button").click()
    expect(page.locator(".messages")).to_contain_text(f"Proof accepted: order {order.code} is paid.")
    expect(page.locator(".flock-proof-queue-empty")).to_be_visible()
    expect(page.locator(".messages li").first).to_have_css("opacity", "1")  # faded in
    screenshot("02-proof-accepted")
    order.refresh_from_db()
    assert order.state == OrderState.PAID
    request_invoice(order=order, details={"title": "上海交通大学", "tax_number": "913100004250065872"}, user=None)

    page.goto(url("/admin/finance/orders/"))
    row = page.locator("table.listing tbody tr", has_text=order.code)
    expect(row).to_contain_text("Paid")
    expect(row).to_contain_text("li.lei@example.edu.cn")
    screenshot("03-orders")

    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "orders.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["Order code"], record["State"], record["Paid with"]) == (order.code, "Paid", "Bank transfer")
    assert (record["Invoice title"], record["Taxpayer number"]) == ("上海交通大学", "913100004250065872")

    page.locator("table.listing tbody tr a", has_text=order.code).click()
    expect(page.locator(".flock-receipt-code")).to_contain_text("NCIC 2027-R00001")
    screenshot("04-order")
    assert Order.objects.get(pk=order.pk).receipt.number == 1
