"""Alipay direct, offline: the real SDK signs requests with a generated app key and verifies
notifications and gateway answers signed with a key standing in for Alipay's; the gateway is a
small fake HTTP server (``tests/commerce/alipay_support.py``)."""

import json
import re
import threading
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commerce.enums import Attention, OrderState, PaymentState, RefundState
from commerce.exceptions import PaymentError, RefundError
from commerce.models import Payment, ProviderEvent, Refund
from commerce.providers.alipay import apply_queued_event, apply_stale_queued_events, qr_svg, reconcile_pending_payments
from commerce.providers.base import get_provider
from commerce.services.orders import create_order, expire_order
from commerce.services.payments import start_payment
from commerce.services.refunds import refund_payment
from tests.commerce.alipay_support import (
    APP_ID,
    FakeGateway,
    forger_key,
    keys,
    notification,
    sign_notification,
    verify_request,
)
from tests.commerce.conftest import item

BASE_URL = "https://meetings.example.org"
NOTIFY_PATH = "/payments/alipay/ncic2027/"


@pytest.fixture(scope="session")
def alipay_gateway():
    gateway = FakeGateway().start()
    yield gateway
    gateway.stop()


@pytest.fixture
def gateway(alipay_gateway, settings):
    alipay_gateway.reset()
    settings.ALIPAY_GATEWAY = alipay_gateway.url
    settings.WAGTAILADMIN_BASE_URL = BASE_URL
    return alipay_gateway


@pytest.fixture
def alipay_settings(payment_settings, gateway):
    app, alipay = keys()
    payment_settings.alipay_enabled = True
    payment_settings.alipay_app_id = APP_ID
    payment_settings.alipay_app_private_key = app.private_pem
    payment_settings.alipay_public_key = alipay.public_pem
    payment_settings.save()
    return payment_settings


@pytest.fixture
def notify(client, django_capture_on_commit_callbacks):
    """Post a notification to Flock as Alipay does (form-encoded); the fulfilment task it queues
    runs when the request's transaction commits (inline: the task queue is synchronous in tests)."""

    def post(params):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(NOTIFY_PATH, data=urlencode(params), content_type="application/x-www-form-urlencoded")

    return post


def start(order, method, request=None):
    return start_payment(order=order, provider_key="alipay", method=method, request=request)


def query_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", dict(parse_qsl(parts.query, keep_blank_values=True))


def paid_notice(payment, trade_no="2027030122001446000000000001", **changes):
    fields = {"out_trade_no": payment.number, "total_amount": str(payment.amount), "trade_no": trade_no, **changes}
    return sign_notification(notification(**fields))


def events():
    return list(ProviderEvent.objects.values_list("provider", "event_id", "kind", "outcome", "order__code"))


def reload(*rows):
    for row in rows:
        row.refresh_from_db()


# Starting a payment ---------------------------------------------------------------------------


def test_page_start_redirects_to_the_gateway_with_a_request_signed_by_the_app_key(alipay_settings, order, gateway):
    payment, result = start(order, "page")

    gateway_url, params = query_of(result.redirect_url)
    assert gateway_url == gateway.url
    assert verify_request(params)
    assert (params["app_id"], params["method"], params["sign_type"], params["charset"]) == (
        APP_ID,
        "alipay.trade.page.pay",
        "RSA2",
        "utf-8",
    )
    assert params["notify_url"] == f"{BASE_URL}/payments/alipay/ncic2027/"
    assert params["return_url"] == f"{BASE_URL}/zh-hans/_orders/ncic2027/{order.code}/return/"
    expires = timezone.localtime(order.expires_at, timezone.get_fixed_timezone(8 * 60))
    assert json.loads(params["biz_content"]) == {
        "subject": f"{order.code} NCIC 2027",
        "out_trade_no": f"{order.code}-P{payment.pk}",
        "total_amount": "1200.00",
        "product_code": "FAST_INSTANT_TRADE_PAY",
        "time_expire": expires.strftime("%Y-%m-%d %H:%M:%S"),
    }
    payment.refresh_from_db()
    assert (payment.provider, payment.method, payment.state, payment.reference) == (
        "alipay",
        "page",
        PaymentState.PENDING,
        payment.number,
    )
    assert gateway.calls == []  # the payer's browser carries the request, not Flock


def test_a_request_signed_with_another_key_does_not_verify(alipay_settings, order):
    _payment, result = start(order, "page")

    _gateway_url, params = query_of(result.redirect_url)
    assert not verify_request({**params, "biz_content": params["biz_content"].replace("1200.00", "1.00")})
    assert not verify_request(params, public_pem=forger_key().public_pem)


def test_wap_start_asks_for_the_phone_cashier_with_addresses_of_the_request_host(alipay_settings, order, gateway):
    request = RequestFactory().get("/zh-hans/_orders/ncic2027/")

    payment, result = start(order, "wap", request=request)

    _gateway_url, params = query_of(result.redirect_url)
    biz = json.loads(params["biz_content"])
    assert verify_request(params)
    assert params["method"] == "alipay.trade.wap.pay"
    assert (biz["out_trade_no"], biz["total_amount"], biz["product_code"]) == (
        payment.number,
        "1200.00",
        "QUICK_WAP_PAY",
    )
    assert params["notify_url"] == "http://testserver/payments/alipay/ncic2027/"
    assert params["return_url"] == f"http://testserver/zh-hans/_orders/ncic2027/{order.code}/return/"


def test_start_uses_the_sandbox_gateway_when_the_conference_says_so(alipay_settings, order, settings):
    settings.ALIPAY_GATEWAY = ""
    alipay_settings.alipay_sandbox = True
    alipay_settings.save()

    _payment, result = start(order, "page")

    assert result.redirect_url.startswith("https://openapi-sandbox.dl.alipaydev.com/gateway.do?")


def test_a_double_click_reuses_the_payment_and_its_trade_number(alipay_settings, order):
    first, _result = start(order, "page")
    second, result = start(order, "page")

    assert second == first
    assert json.loads(query_of(result.redirect_url)[1]["biz_content"])["out_trade_no"] == first.number
    assert Payment.objects.filter(order=order).count() == 1


def test_start_refuses_an_order_in_another_currency(alipay_settings, make_order, gateway):
    order = make_order(currency="USD")

    with pytest.raises(PaymentError) as error:
        start(order, "page")

    assert str(error.value.message) == "支付宝只支持人民币（CNY）付款，请选择其他付款方式。"
    assert Payment.objects.filter(order=order).count() == 0


def test_qr_start_asks_the_gateway_for_a_code_and_draws_it(alipay_settings, order, gateway):
    payment, result = start(order, "qr")

    [(method, biz)] = gateway.calls
    assert method == "alipay.trade.precreate"
    assert (biz["out_trade_no"], biz["total_amount"], biz["subject"]) == (
        payment.number,
        "1200.00",
        f"{order.code} NCIC 2027",
    )
    assert gateway.bad_requests == []
    assert result.redirect_url == ""
    assert result.template == "commerce/pay_alipay_qr.html"
    assert result.context["qr_code"] == "https://qr.alipay.com/bax01ncic2027"
    assert result.context["qr_svg"] == qr_svg("https://qr.alipay.com/bax01ncic2027")
    assert result.context["qr_svg"].startswith("<svg ") and "<path " in result.context["qr_svg"]
    assert set(result.context) == {"payment", "qr_code", "qr_svg"} and result.context["payment"] == payment
    payment.refresh_from_db()
    assert (payment.state, payment.reference) == (PaymentState.PENDING, payment.number)


def test_qr_code_is_the_qr_code_of_the_gateway_answer():
    import qrcode
    import qrcode.image.svg

    expected = qrcode.make(
        "https://qr.alipay.com/bax01ncic2027", image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )

    assert qr_svg("https://qr.alipay.com/bax01ncic2027") == expected.to_string(encoding="unicode")


def test_qr_start_with_a_forged_gateway_answer_is_a_payment_error(alipay_settings, order, gateway, caplog):
    gateway.forge = True

    with pytest.raises(PaymentError) as error:
        start(order, "qr")

    assert error.value.message == PaymentError.default_message
    assert Payment.objects.filter(order=order).count() == 0  # start_payment rolled back
    assert "AliPayValidationError" in caplog.text


def test_qr_start_without_the_gateway_is_a_payment_error(alipay_settings, order, settings, caplog):
    settings.ALIPAY_GATEWAY = "http://127.0.0.1:9/gateway.do"  # nothing listens on the discard port

    with pytest.raises(PaymentError):
        start(order, "qr")

    assert Payment.objects.filter(order=order).count() == 0
    assert "Alipay precreate of" in caplog.text


# Notifications --------------------------------------------------------------------------------


def test_notification_of_a_paid_trade_marks_the_order_paid(
    alipay_settings, order, notify, mailoutbox, django_capture_on_commit_callbacks
):
    payment, _result = start(order, "page")
    notice = paid_notice(payment)

    with django_capture_on_commit_callbacks(execute=True):
        response = notify(notice)

    assert (response.status_code, response.content, response["Content-Type"]) == (200, b"success", "text/plain")
    reload(order, payment)
    assert (order.state, order.attention) == (OrderState.PAID, "")
    assert (payment.state, payment.reference) == (PaymentState.CONFIRMED, "2027030122001446000000000001")
    assert order.receipt.number == 1
    assert events() == [
        ("alipay", "notify-2027030122001446000000000001-TRADE_SUCCESS", "TRADE_SUCCESS", "confirmed", order.code)
    ]
    assert ProviderEvent.objects.get().payload == notice  # the SDK's verify() popped sign_type from a copy
    assert [(mail.to, mail.subject) for mail in mailoutbox] == [
        (["li.lei@example.edu.cn"], f"[NCIC 2027] 订单 {order.code} 已收到付款")
    ]


def test_notification_is_answered_first_and_fulfilled_by_its_task(alipay_settings, order, client, mailoutbox):
    payment, _result = start(order, "page")
    notice = paid_notice(payment)

    # No commit, so the queued task does not run: the answer does not wait for the fulfilment.
    response = client.post(NOTIFY_PATH, data=urlencode(notice), content_type="application/x-www-form-urlencoded")

    assert (response.status_code, response.content) == (200, b"success")
    reload(order)
    assert order.state == OrderState.PENDING
    event = ProviderEvent.objects.get()
    assert event.outcome == "queued"
    assert apply_stale_queued_events() == []  # still in its grace period: the task will come
    assert apply_stale_queued_events(now=timezone.now() + timedelta(minutes=6)) == ["confirmed"]
    assert apply_queued_event(event_pk=event.pk) == "confirmed"  # a second run changes nothing
    reload(order, payment)
    assert (order.state, payment.state, order.receipt.number) == (OrderState.PAID, PaymentState.CONFIRMED, 1)
    assert events() == [
        ("alipay", "notify-2027030122001446000000000001-TRADE_SUCCESS", "TRADE_SUCCESS", "confirmed", order.code)
    ]


def test_same_notification_twice_changes_nothing(
    alipay_settings, order, notify, mailoutbox, django_capture_on_commit_callbacks
):
    payment, _result = start(order, "qr")
    notice = paid_notice(payment)
    with django_capture_on_commit_callbacks(execute=True):
        notify(notice)
    reload(order, payment)
    paid_at, confirmed_at = order.paid_at, payment.confirmed_at

    with django_capture_on_commit_callbacks(execute=True):
        response = notify(notice)

    assert (response.status_code, response.content) == (200, b"success")
    reload(order, payment)
    assert (order.state, order.paid_at, payment.state, payment.confirmed_at) == (
        OrderState.PAID,
        paid_at,
        PaymentState.CONFIRMED,
        confirmed_at,
    )
    assert len(events()) == 1
    assert len(mailoutbox) == 1


def test_trade_finished_after_trade_success_is_a_duplicate(alipay_settings, order, notify):
    payment, _result = start(order, "page")
    notify(paid_notice(payment))

    response = notify(paid_notice(payment, trade_status="TRADE_FINISHED"))

    assert (response.status_code, response.content) == (200, b"success")
    assert [(kind, outcome) for _p, _e, kind, outcome, _c in events()] == [
        ("TRADE_FINISHED", "duplicate"),
        ("TRADE_SUCCESS", "confirmed"),
    ]


def test_notification_with_another_amount_flags_the_order_and_is_refused(
    alipay_settings, order, notify, mailoutbox, django_capture_on_commit_callbacks
):
    payment, _result = start(order, "page")
    notice = sign_notification({**paid_notice(payment), "total_amount": "12.00"})  # genuinely signed

    with django_capture_on_commit_callbacks(execute=True):
        response = notify(notice)

    assert (response.status_code, response.content) == (400, b"fail")
    reload(order, payment)
    assert (order.state, order.attention) == (OrderState.PENDING, Attention.AMOUNT_MISMATCH)
    assert payment.state == PaymentState.PENDING
    assert events() == [
        ("alipay", "notify-2027030122001446000000000001-TRADE_SUCCESS", "TRADE_SUCCESS", "amount_mismatch", order.code)
    ]
    assert mailoutbox == []


def test_tampered_notification_is_refused_and_not_recorded(
    alipay_settings, order, notify, mailoutbox, django_capture_on_commit_callbacks
):
    payment, _result = start(order, "page")
    tampered = {**paid_notice(payment), "total_amount": "1.00"}  # not signed again

    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            notify(tampered),
            notify({**paid_notice(payment), "sign_type": "RSA"}),
            notify({**paid_notice(payment), "sign": ""}),
            notify({**paid_notice(payment), "sign": "bm90IGEgc2lnbmF0dXJl"}),
        ]

    assert [(response.status_code, response.content) for response in responses] == [(400, b"fail")] * 4
    reload(order, payment)
    assert (order.state, order.attention, payment.state) == (OrderState.PENDING, "", PaymentState.PENDING)
    assert events() == []
    assert mailoutbox == []


def test_notification_signed_by_someone_else_is_refused(alipay_settings, order, notify):
    payment, _result = start(order, "page")

    response = notify(sign_notification(paid_notice(payment), forger_key().private_pem))

    assert (response.status_code, response.content) == (400, b"fail")
    assert events() == []


def test_notification_for_another_app_is_refused(alipay_settings, order, notify):
    payment, _result = start(order, "page")

    response = notify(paid_notice(payment, app_id="2021009999999999"))

    assert (response.status_code, response.content) == (400, b"fail")
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    assert events() == []


def test_notification_for_a_payment_of_another_conference_or_none_is_refused(
    alipay_settings, order, notify, make_conference, buyer
):
    other_order = create_order(
        conference=make_conference(slug="icsp2027", acronym="ICSP 2027"), purchaser=buyer, items=[item()]
    )
    other = Payment.objects.create(
        order=other_order, provider="alipay", method="page", amount=Decimal("1200.00"), currency="CNY"
    )
    payment, _result = start(order, "page")

    responses = [
        notify(paid_notice(other)),
        notify(paid_notice(payment, out_trade_no=f"{order.code}-P{other.pk}")),
        notify(paid_notice(payment, out_trade_no=order.code)),
    ]

    assert [(response.status_code, response.content) for response in responses] == [(400, b"fail")] * 3
    assert events() == []


def test_notification_of_a_closed_trade_fails_the_payment(alipay_settings, order, notify):
    payment, _result = start(order, "page")

    response = notify(paid_notice(payment, trade_status="TRADE_CLOSED"))

    assert (response.status_code, response.content) == (200, b"success")
    reload(order, payment)
    assert (order.state, payment.state, payment.failure_reason) == (
        OrderState.PENDING,
        PaymentState.FAILED,
        "Alipay: TRADE_CLOSED",
    )
    assert [(kind, outcome) for _p, _e, kind, outcome, _c in events()] == [("TRADE_CLOSED", "failed")]


def test_notification_after_expiry_is_recorded_as_a_late_payment(
    alipay_settings, order, notify, mailoutbox, django_capture_on_commit_callbacks
):
    payment, _result = start(order, "page")
    with django_capture_on_commit_callbacks(execute=True):
        expire_order(order=order)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = notify(paid_notice(payment))

    assert (response.status_code, response.content) == (200, b"success")
    reload(order, payment)
    assert (order.state, order.attention) == (OrderState.EXPIRED, Attention.LATE_PAYMENT)
    assert (payment.state, payment.late, payment.reference) == (
        PaymentState.CONFIRMED,
        True,
        "2027030122001446000000000001",
    )
    assert [(kind, outcome) for _p, _e, kind, outcome, _c in events()] == [("TRADE_SUCCESS", "late")]
    assert mailoutbox == []


def test_notification_to_a_conference_without_alipay_is_not_found(payment_settings, order, notify, gateway):
    response = notify(
        sign_notification(notification(out_trade_no=f"{order.code}-P1", total_amount="1.00", trade_no="1"))
    )

    assert response.status_code == 404
    assert events() == []


# Reconciliation -------------------------------------------------------------------------------


def test_reconcile_confirms_a_payment_whose_notification_never_came(
    alipay_settings, order, notify, gateway, mailoutbox, django_capture_on_commit_callbacks
):
    payment, _result = start(order, "page")
    trade_no = gateway.pay(payment.number, "1200.00")

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = reconcile_pending_payments(now=timezone.now() + timedelta(minutes=10))

    assert confirmed == 1
    assert gateway.calls == [("alipay.trade.query", {"out_trade_no": payment.number})]
    reload(order, payment)
    assert (order.state, payment.state, payment.reference) == (OrderState.PAID, PaymentState.CONFIRMED, trade_no)
    assert events() == [("alipay", f"query:{trade_no}", "TRADE_SUCCESS", "confirmed", order.code)]
    assert len(mailoutbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = notify(paid_notice(payment, trade_no=trade_no))

    assert (response.status_code, response.content) == (200, b"success")
    assert [outcome for _p, _e, _k, outcome, _c in events()] == ["duplicate", "confirmed"]
    assert len(mailoutbox) == 1
    assert reconcile_pending_payments(now=timezone.now() + timedelta(minutes=20)) == 0


def test_reconcile_asks_only_about_open_payments_of_the_right_age(alipay_settings, make_order, gateway):
    now = timezone.now()
    young, _result = start(make_order(), "page")
    old, _result = start(make_order(), "qr")
    too_old, _result = start(make_order(), "wap")
    Payment.objects.filter(pk=old.pk).update(created_at=now - timedelta(hours=5))
    Payment.objects.filter(pk=too_old.pk).update(created_at=now - timedelta(days=4))
    gateway.calls.clear()

    assert reconcile_pending_payments(now=now) == 0

    assert gateway.calls == [("alipay.trade.query", {"out_trade_no": old.number})]  # not scanned yet
    assert [p.state for p in Payment.objects.order_by("pk")] == [PaymentState.PENDING] * 3


def test_reconcile_fails_a_closed_trade_and_logs_and_skips_gateway_errors(alipay_settings, make_order, gateway, caplog):
    closed, _result = start(make_order(), "page")
    forged, _result = start(make_order(), "page")
    gateway.pay(closed.number, "1200.00", status="TRADE_CLOSED")
    later = timezone.now() + timedelta(minutes=10)

    assert reconcile_pending_payments(now=later) == 0
    gateway.pay(forged.number, "1200.00")
    gateway.forge = True
    assert reconcile_pending_payments(now=later) == 0

    reload(closed, forged)
    assert (closed.state, forged.state) == (PaymentState.FAILED, PaymentState.PENDING)
    assert f"Alipay query of {forged.number} failed" in caplog.text
    assert [(kind, outcome) for _p, _e, kind, outcome, _c in events()] == [("TRADE_CLOSED", "failed")]


def test_reconcile_flags_a_paid_trade_of_another_amount(alipay_settings, order, gateway):
    payment, _result = start(order, "page")
    gateway.pay(payment.number, "1100.00")

    assert reconcile_pending_payments(now=timezone.now() + timedelta(minutes=10)) == 0

    reload(order, payment)
    assert (order.state, order.attention, payment.state) == (
        OrderState.PENDING,
        Attention.AMOUNT_MISMATCH,
        PaymentState.PENDING,
    )


def test_reconcile_skips_conferences_without_alipay(payment_settings, order, gateway):
    Payment.objects.create(order=order, provider="alipay", method="page", amount=order.total, currency="CNY")

    assert reconcile_pending_payments(now=timezone.now() + timedelta(minutes=10)) == 0

    assert gateway.calls == []


# Refunds --------------------------------------------------------------------------------------


@pytest.fixture
def paid_payment(alipay_settings, order, notify, gateway):
    payment, _result = start(order, "qr")
    trade_no = gateway.pay(payment.number, "1200.00")
    assert notify(paid_notice(payment, trade_no=trade_no)).content == b"success"
    gateway.calls.clear()
    payment.refresh_from_db()
    return payment


def test_refund_in_full_through_alipay(
    paid_payment, gateway, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_payment(
            payment=paid_payment, amount="1200.00", reason="取消参会", user=superuser, request_key="r1"
        )

    assert gateway.calls == [
        (
            "alipay.trade.refund",
            {
                "refund_amount": "1200.00",
                "out_request_no": f"refund-{paid_payment.pk}-r1",
                "refund_reason": "取消参会",
                "out_trade_no": paid_payment.number,
            },
        )
    ]
    reload(refund, paid_payment)
    assert (refund.state, refund.reference, refund.amount) == (
        RefundState.DONE,
        paid_payment.reference,
        Decimal("1200.00"),
    )
    assert paid_payment.state == PaymentState.REFUNDED
    assert paid_payment.order.state == OrderState.REFUNDED
    assert [mail.to for mail in mailoutbox] == [["li.lei@example.edu.cn"]]


def test_refund_in_part_then_the_rest(paid_payment, gateway, superuser):
    refund_payment(payment=paid_payment, amount="200.00", user=superuser, request_key="r1")
    order = paid_payment.order
    order.refresh_from_db()
    assert (order.state, order.refunded_total) == (OrderState.PARTIALLY_REFUNDED, Decimal("200.00"))

    refund_payment(payment=paid_payment, amount="1000.00", user=superuser, request_key="r2")

    order.refresh_from_db()
    assert (order.state, order.refunded_total) == (OrderState.REFUNDED, Decimal("1200.00"))
    assert [biz["refund_amount"] for _method, biz in gateway.calls] == ["200.00", "1000.00"]
    assert gateway.trades[paid_payment.number].refunds == {
        f"refund-{paid_payment.pk}-r1": Decimal("200.00"),
        f"refund-{paid_payment.pk}-r2": Decimal("1000.00"),
    }


def test_the_same_refund_request_twice_calls_alipay_once(paid_payment, gateway, superuser):
    first = refund_payment(payment=paid_payment, amount="300.00", user=superuser, request_key="form-7")
    second = refund_payment(payment=paid_payment, amount="300.00", user=superuser, request_key="form-7")

    assert second == first
    assert len(gateway.calls) == 1
    assert Refund.objects.filter(payment=paid_payment).count() == 1
    paid_payment.order.refresh_from_db()
    assert paid_payment.order.refunded_total == Decimal("300.00")


def test_alipay_refunds_once_for_the_same_request_number(paid_payment, gateway, superuser):
    refund = refund_payment(payment=paid_payment, amount="300.00", user=superuser, request_key="form-8")

    get_provider("alipay").refund(refund=refund)  # a retry after a lost answer

    assert [method for method, _biz in gateway.calls] == ["alipay.trade.refund"] * 2
    assert gateway.trades[paid_payment.number].refunds == {f"refund-{paid_payment.pk}-form-8": Decimal("300.00")}


def test_refund_refused_by_alipay_raises_with_alipay_reason(paid_payment, gateway, superuser):
    gateway.refuse_refunds = "交易状态不合法"

    with pytest.raises(RefundError) as error:
        refund_payment(payment=paid_payment, amount="100.00", user=superuser, request_key="r1")

    assert error.value.message == "交易状态不合法"
    refund = Refund.objects.get(payment=paid_payment)
    assert (refund.state, refund.failure_reason) == (RefundState.FAILED, "交易状态不合法")
    paid_payment.refresh_from_db()
    assert paid_payment.state == PaymentState.CONFIRMED


def test_refund_with_a_forged_answer_fails(paid_payment, gateway, superuser):
    gateway.forge = True

    with pytest.raises(RefundError):
        refund_payment(payment=paid_payment, amount="100.00", user=superuser, request_key="r1")

    assert Refund.objects.get(payment=paid_payment).state == RefundState.FAILED


def test_news_of_the_trade_after_a_full_refund_changes_nothing(paid_payment, notify, superuser):
    refund_payment(payment=paid_payment, amount="1200.00", user=superuser, request_key="r1")
    trade_no = paid_payment.reference

    responses = [
        notify(paid_notice(paid_payment, trade_no=trade_no, notify_id="n-refund", refund_fee="1200.00")),
        notify(paid_notice(paid_payment, trade_no=trade_no, trade_status="TRADE_CLOSED")),
    ]

    assert [(response.status_code, response.content) for response in responses] == [(200, b"success")] * 2
    paid_payment.refresh_from_db()
    assert paid_payment.state == PaymentState.REFUNDED
    assert [(kind, outcome) for _p, _e, kind, outcome, _c in events()] == [
        ("TRADE_CLOSED", "ignored"),
        ("TRADE_SUCCESS", "duplicate"),
        ("TRADE_SUCCESS", "confirmed"),
    ]


# Configuration --------------------------------------------------------------------------------


def test_alipay_needs_the_app_id_and_both_keys(payment_settings, settings):
    provider = get_provider("alipay")
    app, alipay = keys()
    settings.ALIPAY_APP_ID = settings.ALIPAY_APP_PRIVATE_KEY = settings.ALIPAY_PUBLIC_KEY = ""
    payment_settings.alipay_enabled = True
    payment_settings.alipay_app_id = APP_ID
    payment_settings.alipay_app_private_key = app.private_pem
    assert not provider.is_enabled(payment_settings)

    settings.ALIPAY_PUBLIC_KEY = alipay.public_pem  # the platform's, from the environment
    assert provider.is_enabled(payment_settings)

    payment_settings.alipay_enabled = False
    assert provider.is_configured(payment_settings) and not provider.is_enabled(payment_settings)
    assert (provider.settings_fields, provider.secret_fields, provider.enabled_field) == (
        ("alipay_enabled", "alipay_app_id", "alipay_public_key", "alipay_sandbox"),
        ("alipay_app_private_key",),
        "alipay_enabled",
    )
    assert [key for key, _label in provider.methods] == ["page", "wap", "qr"]


def test_keys_pasted_from_the_alipay_console_as_bare_base64_work(alipay_settings, order, notify):
    alipay_settings.alipay_public_key = keys()[1].public_base64
    alipay_settings.alipay_app_private_key = "".join(
        line for line in keys()[0].private_pem.splitlines() if not line.startswith("-----")
    )
    alipay_settings.save()
    payment, result = start(order, "page")

    assert verify_request(query_of(result.redirect_url)[1])
    assert notify(paid_notice(payment)).content == b"success"


def test_a_trade_never_outlives_alipay_limit_of_fifteen_days(alipay_settings, make_order):
    alipay_settings.order_expiry_hours = 24 * 30
    alipay_settings.save()
    before = timezone.now()

    _payment, result = start(make_order(), "page")

    time_expire = json.loads(query_of(result.redirect_url)[1]["biz_content"])["time_expire"]
    expires = datetime.strptime(time_expire, "%Y-%m-%d %H:%M:%S")
    expires = expires.replace(tzinfo=timezone.get_fixed_timezone(8 * 60))
    assert before + timedelta(days=15) - timedelta(seconds=1) <= expires <= timezone.now() + timedelta(days=15)


# The payer's pages -----------------------------------------------------------------------------


def test_paying_by_qr_code_shows_the_code_on_the_order_page(alipay_settings, order, buyer, client):
    client.force_login(buyer)

    response = client.post(
        reverse("commerce:pay", kwargs={"conference_slug": "ncic2027", "code": order.code}),
        {"provider": "alipay", "method": "qr"},
    )

    assert response.status_code == 200
    assert [template.name for template in response.templates][:2] == [
        "commerce/pay_alipay_qr.html",
        "commerce/base.html",
    ]
    html = response.content.decode()
    assert qr_svg("https://qr.alipay.com/bax01ncic2027") in html
    assert 'href="https://qr.alipay.com/bax01ncic2027"' in html
    assert "¥1,200.00 CNY" in html
    assert "<script" not in html.split('class="card pay-alipay-qr"')[1].split("</section>")[0]


def test_paying_on_this_computer_redirects_to_the_cashier(alipay_settings, order, buyer, client, gateway):
    client.force_login(buyer)

    response = client.post(
        reverse("commerce:pay", kwargs={"conference_slug": "ncic2027", "code": order.code}),
        {"provider": "alipay", "method": "page"},
    )

    assert response.status_code == 302
    gateway_url, params = query_of(response["Location"])
    assert (gateway_url, params["method"]) == (gateway.url, "alipay.trade.page.pay")
    assert verify_request(params)
    assert params["return_url"] == f"http://testserver/zh-hans/_orders/ncic2027/{order.code}/return/"


# Concurrency (PostgreSQL) ---------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_notifications_confirm_once(postgres_only, alipay_settings, make_order, gateway):
    orders = [make_order() for _ in range(3)]
    notices = []
    for order in orders:
        payment, _result = start(order, "page")
        trade_no = gateway.pay(payment.number, "1200.00")
        notices += [
            paid_notice(payment, trade_no=trade_no),
            paid_notice(payment, trade_no=trade_no),  # the same notification delivered twice at once
            paid_notice(payment, trade_no=trade_no, trade_status="TRADE_FINISHED"),  # and newer news
        ]
    answers = []
    barrier = threading.Barrier(len(notices))

    def deliver(notice):
        try:
            barrier.wait()
            answers.append(
                Client()
                .post(NOTIFY_PATH, data=urlencode(notice), content_type="application/x-www-form-urlencoded")
                .content
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(notice,)) for notice in notices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [b"success"] * 9
    assert sorted(outcome for _p, _e, _k, outcome, _c in events()) == ["confirmed"] * 3 + ["duplicate"] * 3
    assert {order.state for order in type(orders[0]).objects.all()} == {OrderState.PAID}


def test_notification_costs_four_statements_and_a_duplicate_one(alipay_settings, order, client):
    payment, _result = start(order, "page")
    body = urlencode(paid_notice(payment))
    post = lambda: client.post(NOTIFY_PATH, data=body, content_type="application/x-www-form-urlencoded")  # noqa: E731

    with CaptureQueriesContext(connection) as first:
        post()
    with CaptureQueriesContext(connection) as duplicate:
        post()

    # The test's transaction adds savepoints that a real request, in autocommit, does not make;
    # the task is queued after this (on commit).
    def statements(captured):
        sqls = [query["sql"] for query in captured.captured_queries]
        return [
            re.match(r'(\w+)(?:.*? (?:FROM|INTO) "(\w+)")?', sql).groups() for sql in sqls if "SAVEPOINT" not in sql
        ]

    assert statements(first) == [
        ("SELECT", "cms_conference"),  # with its payment settings
        ("SELECT", "commerce_providerevent"),
        ("SELECT", "commerce_payment"),
        ("INSERT", "commerce_providerevent"),
    ]
    # The conference and its settings are kept by the worker for a few seconds.
    assert statements(duplicate) == [("SELECT", "commerce_providerevent")]


def test_a_change_of_the_payment_settings_is_seen_by_the_next_notification(alipay_settings, order, client):
    """The worker's short-lived copy of the settings is dropped when they are saved: a key
    rotated in the admin applies to the very next notification of this process."""
    from commerce.webhooks import SETTINGS_TTL, conference_for_webhook

    payment, _result = start(order, "page")
    body = urlencode(paid_notice(payment))
    conference_for_webhook(order.conference.slug)  # kept now
    alipay_settings.alipay_app_id = "2021000000009999"  # another app: the notice names the old one
    alipay_settings.save()

    refused = client.post(NOTIFY_PATH, data=body, content_type="application/x-www-form-urlencoded")

    assert refused.status_code == 400 and refused.content == b"fail"
    assert SETTINGS_TTL <= 60
