"""A registered attendee pays an order by bank transfer in a real browser, on a phone and on a
desktop, and the payer pages sit inside every site layout.

Run with ``pytest -m browser tests/browser/test_payer_journey.py``; screenshots land in
``tests/artifacts/screenshots/``.
"""

import io
import re
from decimal import Decimal
from itertools import cycle

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from themes.registry import COLOUR_STYLES, THEMES

pytestmark = pytest.mark.browser

EMAIL = "wang.fang@example.edu.cn"
PASSWORD = "attendee-pass-2027"
ACCOUNT_NUMBER = "0200 0045 0908 8123 456"
COLOURS = dict(zip(THEMES, cycle(reversed(list(COLOUR_STYLES))), strict=False))


def url_is(path):
    return re.compile(rf"^https?://[^/]+{re.escape(path)}$")


def assert_fits_the_window(page, viewport):
    """Nothing sticks out sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.fixture
def attendee_order(demo_site):
    """An attendee of the demo conference with an order awaiting payment by bank transfer."""
    from cms.models import Conference, User
    from commerce.sellables import OrderItem
    from commerce.services.orders import create_order, payment_settings_for

    conference = Conference.objects.get(slug="ncic2027")
    payment_settings = payment_settings_for(conference)
    payment_settings.bank_transfer_enabled = True
    payment_settings.bank_account_name = "中国智能计算学会"
    payment_settings.bank_name = "中国工商银行北京海淀支行"
    payment_settings.bank_account_number = ACCOUNT_NUMBER
    payment_settings.bank_swift = "ICBKCNBJBJM"
    payment_settings.bank_notes_en = "Transfers from abroad: please add USD 20 for bank charges."
    payment_settings.save()
    attendee = User.objects.create_user(
        email=EMAIL, password=PASSWORD, name_zh="王芳", first_name="Fang", last_name="Wang", preferred_language="en"
    )
    items = [
        OrderItem("attendance.registration", "1", "正式代表注册", "Regular registration", Decimal("2800.00")),
        OrderItem("attendance.tour", "7", "颐和园半日游", "Summer Palace half-day tour", Decimal("180.00"), 2),
    ]
    return create_order(conference=conference, purchaser=attendee, items=items, language="en")


def png_file(tmp_path):
    from PIL import Image

    path = tmp_path / "transfer slip.png"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (240, 240, 230)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_attendee_pays_by_bank_transfer_and_uploads_the_proof(
    page, viewport, demo_site, attendee_order, screenshot, tmp_path
):
    from playwright.sync_api import expect

    from commerce.enums import PaymentState, ProofState
    from commerce.models import TransferProof

    order = attendee_order
    my_orders = "/en/_orders/ncic2027/"

    # Signing in leads back to My orders.
    page.goto(demo_site(my_orders))
    expect(page).to_have_url(re.compile(r"/en/_account/login/\?next="))
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator(".account-form button[type=submit]").click()
    expect(page).to_have_url(url_is(my_orders))

    row = page.locator("tr.order-row")
    expect(row).to_have_count(1)
    expect(row.locator(".order-row-code")).to_have_text(order.code)
    expect(row).to_contain_text("Summer Palace half-day tour × 2")
    expect(row).to_contain_text("¥3,160.00 CNY")
    expect(row).to_contain_text("Awaiting payment")
    screenshot("01-my-orders")
    assert_fits_the_window(page, viewport)

    # The order: what was bought, until when it is reserved, the ways to pay.
    row.get_by_role("link", name=order.code).click()
    expect(page).to_have_url(url_is(f"/en/_orders/ncic2027/{order.code}/"))
    expect(page.locator("h1.page-title")).to_have_text(order.code)
    expect(page.locator(".order-lines tfoot")).to_contain_text("Total ¥3,160.00 CNY")
    expect(page.locator(".order-expiry")).to_contain_text("(Asia/Shanghai)")
    screenshot("02-order")
    assert_fits_the_window(page, viewport)

    # Bank transfer: the account and the code to quote.
    page.locator("#pay").get_by_role("button", name="Bank transfer").click()
    expect(page.locator(".pay-amount")).to_have_text(re.compile(r"Amount to transfer\s+¥3,160.00 CNY"))
    expect(page.locator(".bank-account-number")).to_have_text(ACCOUNT_NUMBER)
    expect(page.locator(".order-code-quote")).to_have_text(order.code)
    expect(page.get_by_text(f"Please quote the order code {order.code} in the transfer remark")).to_be_visible()
    screenshot("03-bank-transfer")
    assert_fits_the_window(page, viewport)
    assert list(order.payments.values_list("provider", "state")) == [("bank_transfer", PaymentState.CREATED)]

    # The proof of transfer: uploaded, then waiting for review.
    page.set_input_files("input[type=file][name=file]", str(png_file(tmp_path)))
    page.get_by_role("button", name="Upload the proof").click()
    expect(page).to_have_url(url_is(f"/en/_orders/ncic2027/{order.code}/"))
    expect(page.locator(".order-messages")).to_contain_text("your proof of transfer was received")
    expect(page.locator(".proof-status")).to_contain_text("is waiting for review")
    expect(page.locator(".proof-list")).to_contain_text("transfer slip.png")
    screenshot("04-proof-waiting")
    assert_fits_the_window(page, viewport)
    proof = TransferProof.objects.get(payment__order=order)
    assert (proof.payment.order_id, proof.state, proof.original_name) == (
        order.pk,
        ProofState.PENDING,
        "transfer slip.png",
    )

    page.goto(demo_site(my_orders))
    expect(page.locator("tr.order-row")).to_contain_text("Your proof of transfer is waiting for review.")
    screenshot("05-my-orders-waiting")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_payer_pages_fit_every_layout(page, viewport, live_server, demo_site, attendee_order, screenshot):
    from django.core.cache import cache
    from django.test import Client
    from playwright.sync_api import expect

    from cms.models import Conference

    order = attendee_order
    client = Client()
    client.force_login(order.purchaser)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    for layout in THEMES:
        Conference.objects.filter(slug="ncic2027").update(theme=layout, colour_style=COLOURS[layout])
        cache.clear()
        page.goto(demo_site("/zh-hans/_orders/ncic2027/"))
        expect(page.locator("body")).to_have_class(re.compile(rf"\btheme-{layout}\b"))
        expect(page.locator(".order-row-code")).to_have_text(order.code)
        expect(page.locator(".order-row-lines")).to_contain_text("颐和园半日游 × 2")
        screenshot(f"{layout}-01-my-orders")
        assert_fits_the_window(page, viewport)

        page.goto(demo_site(f"/zh-hans/_orders/ncic2027/{order.code}/"))
        expect(page.locator("h1.page-title")).to_have_text(order.code)
        expect(page.locator(".bank-account-number")).to_have_text(ACCOUNT_NUMBER)
        screenshot(f"{layout}-02-order")
        assert_fits_the_window(page, viewport)
