"""Stripe Checkout through the real ``stripe`` library against a local fake API.

The payer starts a Checkout Session; Stripe's signed webhook is the only thing that pays an order,
once, after asking the API what really happened.
"""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.models import EmailLog
from commerce.enums import Attention, OrderState, PaymentState, RefundState
from commerce.exceptions import PaymentError, RefundError
from commerce.models import Order, Payment, ProviderEvent, Receipt, Refund
from commerce.providers.base import get_provider, providers_for
from commerce.providers.stripe import from_minor_units, session_expiry, to_minor_units
from commerce.services.orders import expire_order, payment_settings_for
from commerce.services.payments import start_payment
from commerce.services.refunds import refund_payment, refundable_amount
from tests.commerce.conftest import item
from tests.commerce.fake_stripe import (
    SECRET_KEY,
    WEBHOOK_SECRET,
    enable_stripe,
    running_fake_stripe,
    signed_event,
)

COMPLETED = "checkout.session.completed"


@pytest.fixture
def fake_stripe(settings):
    with running_fake_stripe(settings) as fake:
        yield fake


@pytest.fixture
def stripe_settings(payment_settings):
    return enable_stripe(payment_settings)


@pytest.fixture
def pay(rf, fake_stripe, stripe_settings):
    """The payer clicks "pay by card": returns the payment and its session at the fake Stripe."""

    def start(order):
        payment, result = start_payment(order=order, provider_key="stripe", request=rf.get("/"))
        payment.refresh_from_db()
        session = fake_stripe.sessions[payment.reference]
        assert result.redirect_url == session["url"]
        return payment, session

    return start


@pytest.fixture
def deliver(client, conference, stripe_settings):
    """Stripe calls the conference's webhook with a signed event."""

    def post(kind, session, *, body_and_signature=None, event_id=None, slug=None):
        body, signature = body_and_signature or signed_event(kind, session, event_id=event_id)
        url = reverse("commerce_webhooks:stripe", kwargs={"conference_slug": slug or conference.slug})
        return client.post(url, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)

    return post


def states(order, payment):
    order.refresh_from_db()
    payment.refresh_from_db()
    return order.state, order.attention, payment.state


def mail_keys():
    return list(EmailLog.objects.order_by("pk").values_list("template_key", flat=True))


# Starting ---------------------------------------------------------------------------------------


def test_start_opens_a_checkout_session_for_the_order_total(order, pay, fake_stripe):
    payment, session = pay(order)

    [request] = fake_stripe.received
    assert (request.method, request.path) == ("POST", "/v1/checkout/sessions")
    assert request.idempotency_key == f"flock-checkout-{order.code}-P{payment.pk}-120000"
    params = request.params
    assert params["line_items"] == [
        {
            "quantity": "1",
            "price_data": {
                "currency": "cny",
                "unit_amount": "120000",
                "product_data": {"name": f"{order.code} · NCIC 2027"},
            },
        }
    ]
    assert params["mode"] == "payment"
    assert params["payment_method_types"] == ["card", "alipay", "wechat_pay"]
    assert params["payment_method_options"] == {"wechat_pay": {"client": "web"}}
    assert params["client_reference_id"] == payment.number
    assert params["metadata"] == {"payment_id": str(payment.pk), "order_code": order.code, "conference": "ncic2027"}
    assert params["success_url"] == f"http://testserver/zh-hans/_orders/ncic2027/{order.code}/return/"
    assert params["cancel_url"] == f"http://testserver/zh-hans/_orders/ncic2027/{order.code}/"
    assert params["customer_email"] == "li.lei@example.edu.cn"
    assert int(params["expires_at"]) == int((payment.created_at + timedelta(hours=23)).timestamp())
    assert (payment.state, payment.reference, payment.amount) == (PaymentState.PENDING, session["id"], order.total)
    assert session["amount_total"] == 120000


def test_start_offers_only_the_methods_the_conference_lists(order, pay, fake_stripe, stripe_settings):
    stripe_settings.stripe_payment_methods = "card"
    stripe_settings.save()

    pay(order)

    params = fake_stripe.received[0].params
    assert params["payment_method_types"] == ["card"]
    assert "payment_method_options" not in params


def test_start_sends_a_zero_decimal_currency_in_whole_units(make_order, pay, fake_stripe):
    order = make_order(items=[item("15000.00")], currency="JPY")

    payment, session = pay(order)

    assert fake_stripe.received[0].params["line_items"][0]["price_data"]["unit_amount"] == "15000"
    assert (session["amount_total"], session["currency"]) == (15000, "jpy")
    assert fake_stripe.received[0].idempotency_key == f"flock-checkout-{payment.number}-15000"


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("1200.00", "CNY", 120000), ("0.50", "usd", 50), ("15000.00", "JPY", 15000), ("12.35", "KWD", 12350)],
)
def test_amounts_travel_in_the_currency_minor_unit(amount, currency, minor):
    assert to_minor_units(Decimal(amount), currency) == minor
    assert from_minor_units(minor, currency) == Decimal(amount)


def test_a_fraction_of_a_yen_cannot_be_paid():
    with pytest.raises(PaymentError):
        to_minor_units(Decimal("1500.50"), "JPY")


@pytest.mark.parametrize(
    ("order_expires_in", "session_closes_in"),
    [
        (timedelta(hours=72), timedelta(hours=23)),  # Stripe's longest, from the payment's creation
        (timedelta(hours=3), timedelta(hours=3)),  # with the order
        (timedelta(minutes=10), timedelta(minutes=31)),  # Stripe's shortest
    ],
)
def test_the_session_closes_with_the_order_within_stripe_limits(order_expires_in, session_closes_in):
    now = timezone.now().replace(microsecond=0)
    payment = Payment(order=Order(expires_at=now + order_expires_in), created_at=now)

    assert session_expiry(payment, now) == int((now + session_closes_in).timestamp())


def test_a_double_click_reuses_the_payment_and_its_session(order, pay, fake_stripe):
    first, session = pay(order)
    second, same_session = pay(order)

    assert second.pk == first.pk
    assert same_session == session
    assert len(fake_stripe.sessions) == 1
    assert [(r.method, r.path) for r in fake_stripe.received] == [
        ("POST", "/v1/checkout/sessions"),
        ("GET", f"/v1/checkout/sessions/{session['id']}"),
    ]
    assert Payment.objects.filter(order=order).count() == 1


def test_a_lost_answer_is_asked_again_with_the_same_idempotency_key(order, pay, fake_stripe, rf):
    """Stripe made the session but Flock never stored it (a timeout, a crash): asking again with
    the same key and the same parameters gets the same session back."""
    payment, session = pay(order)
    Payment.objects.filter(pk=payment.pk).update(reference="", state=PaymentState.CREATED)
    payment.refresh_from_db()

    result = get_provider("stripe").start(payment=payment, request=rf.get("/"))

    posts = fake_stripe.posts("/v1/checkout/sessions")
    assert [p.idempotency_key for p in posts] == [f"flock-checkout-{payment.number}-120000"] * 2
    assert posts[0].params == posts[1].params
    assert len(fake_stripe.sessions) == 1
    assert result.redirect_url == session["url"]
    payment.refresh_from_db()
    assert (payment.state, payment.reference) == (PaymentState.PENDING, session["id"])


def test_a_payer_coming_back_after_the_session_expired_gets_a_new_one(order, pay, fake_stripe):
    payment, old = pay(order)
    fake_stripe.expire(old["id"])

    again, new = pay(order)

    assert again.pk == payment.pk
    assert new["id"] != old["id"]
    assert again.reference == new["id"]
    assert fake_stripe.posts("/v1/checkout/sessions")[1].idempotency_key == (
        f"flock-checkout-{payment.number}-120000-after-{old['id']}"
    )


def test_a_stripe_error_is_a_friendly_payment_error_and_nothing_is_kept(order, rf, fake_stripe, stripe_settings):
    fake_stripe.fail("POST", "/v1/checkout/sessions", 400, "invalid_request_error", "wechat_pay is not activated.")

    with pytest.raises(PaymentError) as raised:
        start_payment(order=order, provider_key="stripe", request=rf.get("/"))

    assert str(raised.value.message) == "在线支付服务未能发起付款。请几分钟后再试，或选择其他付款方式。"
    assert Payment.objects.filter(order=order).count() == 0


def test_stripe_is_offered_only_when_enabled_with_both_secrets(stripe_settings, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    provider = get_provider("stripe")
    assert provider in providers_for(stripe_settings)
    assert (provider.enabled_field, provider.secret_fields) == (
        "stripe_enabled",
        ("stripe_secret_key", "stripe_webhook_secret"),
    )

    stripe_settings.stripe_webhook_secret = ""
    stripe_settings.save()
    assert provider not in providers_for(payment_settings_for(stripe_settings.conference))


# The webhook ------------------------------------------------------------------------------------


def test_completed_event_pays_the_order_once(
    order, pay, fake_stripe, deliver, mailoutbox, django_capture_on_commit_callbacks
):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(COMPLETED, session, event_id="evt_paid_1")

    assert (response.status_code, response.content) == (200, b"confirmed")
    assert states(order, payment) == (OrderState.PAID, "", PaymentState.CONFIRMED)
    assert order.paid_at is not None
    event = ProviderEvent.objects.get()
    assert (event.provider, event.event_id, event.kind, event.order, event.outcome, event.conference) == (
        "stripe",
        "evt_paid_1",
        COMPLETED,
        order,
        "confirmed",
        order.conference,
    )
    assert event.payload["data"]["object"]["id"] == session["id"]
    assert Receipt.objects.filter(order=order).count() == 1
    assert mail_keys() == ["commerce.order_paid"]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["li.lei@example.edu.cn"], f"[NCIC 2027] 订单 {order.code} 已收到付款")
    ]
    assert fake_stripe.received[-1].path == f"/v1/checkout/sessions/{session['id']}"


def test_a_repeated_delivery_changes_nothing(order, pay, fake_stripe, deliver, django_capture_on_commit_callbacks):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])
    delivery = signed_event(COMPLETED, fake_stripe.sessions[session["id"]], event_id="evt_twice")

    with django_capture_on_commit_callbacks(execute=True):
        first = deliver(COMPLETED, session, body_and_signature=delivery)
        second = deliver(COMPLETED, session, body_and_signature=delivery)

    assert [(r.status_code, r.content) for r in (first, second)] == [(200, b"confirmed"), (200, b"duplicate")]
    assert ProviderEvent.objects.count() == 1
    assert mail_keys() == ["commerce.order_paid"]
    assert ModelLogEntry.objects.filter(object_id=str(order.pk), action="flock.order.paid").count() == 1


def test_a_success_event_after_completed_pays_nothing_more(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])
    deliver(COMPLETED, session)

    response = deliver("checkout.session.async_payment_succeeded", session)

    assert (response.status_code, response.content) == (200, b"duplicate")
    assert ProviderEvent.objects.count() == 2
    assert states(order, payment) == (OrderState.PAID, "", PaymentState.CONFIRMED)
    assert mail_keys() == ["commerce.order_paid"]


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda body, header: (body, signed_event(COMPLETED, {}, secret="whsec_guess")[1]), id="bad-key"),
        pytest.param(lambda body, header: (body.replace("evt_", "evt_x"), header), id="tampered-body"),
        pytest.param(lambda body, header: (body, ""), id="no-signature"),
    ],
)
def test_a_forged_event_is_refused_and_changes_nothing(order, pay, fake_stripe, deliver, forge):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])
    body, header = signed_event(COMPLETED, fake_stripe.sessions[session["id"]])

    response = deliver(COMPLETED, session, body_and_signature=forge(body, header))

    assert response.status_code == 400
    assert ProviderEvent.objects.count() == 0
    assert states(order, payment) == (OrderState.PENDING, "", PaymentState.PENDING)
    assert mail_keys() == []


def test_a_stale_signature_is_refused(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])
    ten_minutes_ago = int(time.time()) - 600

    response = deliver(
        COMPLETED,
        session,
        body_and_signature=signed_event(COMPLETED, fake_stripe.sessions[session["id"]], timestamp=ten_minutes_ago),
    )

    assert response.status_code == 400
    assert ProviderEvent.objects.count() == 0
    assert states(order, payment) == (OrderState.PENDING, "", PaymentState.PENDING)


def test_a_payload_claiming_paid_is_checked_with_the_api(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    claim = {**session, "status": "complete", "payment_status": "paid"}  # the API still says unpaid

    response = deliver(COMPLETED, claim)

    assert (response.status_code, response.content) == (200, b"not paid (unpaid)")
    assert states(order, payment) == (OrderState.PENDING, "", PaymentState.PENDING)
    assert ProviderEvent.objects.get().outcome == "not paid (unpaid)"
    assert mail_keys() == []


def test_an_amount_mismatch_is_refused_and_flagged_for_finance(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"], amount_total=100)  # 1.00 CNY instead of 1200.00

    response = deliver(COMPLETED, {**session, "amount_total": 120000})

    assert response.status_code == 400
    assert states(order, payment) == (OrderState.PENDING, Attention.AMOUNT_MISMATCH, PaymentState.PENDING)
    assert ProviderEvent.objects.get().outcome == "amount_mismatch"
    flag = ModelLogEntry.objects.get(object_id=str(order.pk), action="flock.order.flag")
    assert flag.data == {"attention": "amount_mismatch", "payment": payment.pk, "amount": "1.00", "currency": "CNY"}
    assert mail_keys() == []


def test_money_after_the_order_expired_is_kept_and_flagged(
    order, pay, fake_stripe, deliver, django_capture_on_commit_callbacks
):
    payment, session = pay(order)
    with django_capture_on_commit_callbacks(execute=True):
        expire_order(order=order)
    fake_stripe.mark_paid(session["id"])

    response = deliver(COMPLETED, session)

    assert (response.status_code, response.content) == (200, b"late")
    assert states(order, payment) == (OrderState.EXPIRED, Attention.LATE_PAYMENT, PaymentState.CONFIRMED)
    assert payment.late is True
    assert not Receipt.objects.filter(order=order).exists()
    assert mail_keys() == ["commerce.order_expired"]


def test_an_expired_event_after_the_completed_one_keeps_the_payment(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])
    deliver(COMPLETED, session)

    response = deliver("checkout.session.expired", {**session, "status": "expired"})

    assert (response.status_code, response.content) == (200, b"kept confirmed")
    assert states(order, payment) == (OrderState.PAID, "", PaymentState.CONFIRMED)
    assert list(ProviderEvent.objects.order_by("pk").values_list("kind", "outcome")) == [
        (COMPLETED, "confirmed"),
        ("checkout.session.expired", "kept confirmed"),
    ]


def test_an_expired_session_fails_the_payment_and_the_payer_may_try_again(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    fake_stripe.expire(session["id"])

    response = deliver("checkout.session.expired", fake_stripe.sessions[session["id"]])

    assert (response.status_code, response.content) == (200, b"failed")
    assert states(order, payment) == (OrderState.PENDING, "", PaymentState.FAILED)
    assert payment.failure_reason == "付款页面已过期。"
    retry, new_session = pay(order)
    assert retry.pk != payment.pk
    assert new_session["id"] != session["id"]


@pytest.mark.parametrize(
    ("stripe_says", "expected"),
    [
        ("unpaid", (OrderState.PENDING, "", PaymentState.FAILED)),
        # The news came in the wrong order: money is never ignored.
        ("paid", (OrderState.PAID, "", PaymentState.CONFIRMED)),
    ],
)
def test_a_completed_event_after_the_async_failure_follows_the_api(
    order, pay, fake_stripe, deliver, stripe_says, expected
):
    payment, session = pay(order)
    deliver("checkout.session.async_payment_failed", session)
    assert states(order, payment)[2] == PaymentState.FAILED
    fake_stripe.mark_paid(session["id"], payment_status=stripe_says)

    response = deliver(COMPLETED, fake_stripe.sessions[session["id"]])

    assert response.status_code == 200
    assert states(order, payment) == expected


def test_a_delayed_payment_is_confirmed_when_it_succeeds(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"], payment_status="unpaid")
    first = deliver(COMPLETED, fake_stripe.sessions[session["id"]])
    assert states(order, payment) == (OrderState.PENDING, "", PaymentState.PENDING)
    fake_stripe.mark_paid(session["id"])

    second = deliver("checkout.session.async_payment_succeeded", fake_stripe.sessions[session["id"]])

    assert [r.content for r in (first, second)] == [b"not paid (unpaid)", b"confirmed"]
    assert states(order, payment) == (OrderState.PAID, "", PaymentState.CONFIRMED)


def test_an_unknown_event_type_is_recorded_and_answered(order, deliver):
    response = deliver("payment_intent.created", {"id": "pi_123", "object": "payment_intent"}, event_id="evt_pi")

    assert (response.status_code, response.content) == (200, b"unhandled")
    event = ProviderEvent.objects.get()
    assert (event.event_id, event.kind, event.order, event.outcome) == (
        "evt_pi",
        "payment_intent.created",
        None,
        "unhandled",
    )


def test_an_event_for_a_session_we_did_not_open_is_ignored(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])
    del fake_stripe.sessions[session["id"]]
    stranger = {**session, "id": "cs_test_someone_else"}
    fake_stripe.sessions[stranger["id"]] = stranger  # same metadata, another session

    response = deliver(COMPLETED, stranger)

    assert (response.status_code, response.content) == (200, b"ignored")
    assert states(order, payment) == (OrderState.PENDING, "", PaymentState.PENDING)
    assert ProviderEvent.objects.get().outcome == "ignored"


def test_an_event_at_another_conference_webhook_is_ignored(order, pay, fake_stripe, deliver, make_conference):
    other = make_conference(slug="aiconf2027", acronym="AICONF 2027")
    other_settings = payment_settings_for(other)
    other_settings.stripe_secret_key = SECRET_KEY
    other_settings.stripe_webhook_secret = WEBHOOK_SECRET
    other_settings.save()
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])

    response = deliver(COMPLETED, session, slug="aiconf2027")

    assert (response.status_code, response.content) == (200, b"ignored")
    assert states(order, payment) == (OrderState.PENDING, "", PaymentState.PENDING)
    assert ProviderEvent.objects.get().conference == other


def test_an_event_is_not_remembered_when_the_api_cannot_be_asked(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])
    delivery = signed_event(COMPLETED, fake_stripe.sessions[session["id"]])
    fake_stripe.fail("GET", f"/v1/checkout/sessions/{session['id']}", 401, "invalid_request_error", "Invalid API key.")

    refused = deliver(COMPLETED, session, body_and_signature=delivery)
    retried = deliver(COMPLETED, session, body_and_signature=delivery)

    assert [r.status_code for r in (refused, retried)] == [503, 200]
    assert ProviderEvent.objects.get().outcome == "confirmed"
    assert states(order, payment) == (OrderState.PAID, "", PaymentState.CONFIRMED)


def test_the_return_page_pieces_do_not_pay_the_order(order, pay, fake_stripe, rf):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])
    provider = get_provider("stripe")

    assert provider.checkout_status(payment=payment) == ("complete", "paid")
    result = provider.start(payment=payment, request=rf.get("/"))

    assert result.redirect_url == f"http://testserver/zh-hans/_orders/ncic2027/{order.code}/return/"
    assert states(order, payment) == (OrderState.PENDING, "", PaymentState.PENDING)
    assert mail_keys() == []
    assert len(fake_stripe.posts("/v1/checkout/sessions")) == 1


# Refunds ----------------------------------------------------------------------------------------


@pytest.fixture
def paid(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])
    assert deliver(COMPLETED, session).status_code == 200
    payment.refresh_from_db()
    return payment


def test_a_full_refund_goes_through_stripe(paid, fake_stripe, superuser):
    refund = refund_payment(payment=paid, amount="1200.00", reason="cannot travel", user=superuser, request_key="r1")

    [stripe_refund] = fake_stripe.refunds.values()
    intent = fake_stripe.sessions[paid.reference]["payment_intent"]
    assert (stripe_refund["amount"], stripe_refund["payment_intent"]) == (120000, intent)
    assert [p.idempotency_key for p in fake_stripe.posts("/v1/refunds")] == [f"refund-{paid.pk}-r1"]
    refund.refresh_from_db()
    assert (refund.state, refund.reference, refund.amount) == (
        RefundState.DONE,
        stripe_refund["id"],
        Decimal("1200.00"),
    )
    order = Order.objects.get(pk=paid.order_id)
    assert (order.state, order.refunded_total) == (OrderState.REFUNDED, Decimal("1200.00"))
    assert Payment.objects.get(pk=paid.pk).state == PaymentState.REFUNDED


def test_a_partial_refund_gives_back_part(paid, fake_stripe, superuser):
    refund_payment(payment=paid, amount="200.00", user=superuser, request_key="r1")

    assert [r["amount"] for r in fake_stripe.refunds.values()] == [20000]
    order = Order.objects.get(pk=paid.order_id)
    assert (order.state, order.refunded_total) == (OrderState.PARTIALLY_REFUNDED, Decimal("200.00"))
    assert Payment.objects.get(pk=paid.pk).state == PaymentState.CONFIRMED


def test_a_refund_submitted_twice_is_made_once(paid, fake_stripe, superuser):
    first = refund_payment(payment=paid, amount="200.00", user=superuser, request_key="form-7")
    second = refund_payment(payment=paid, amount="200.00", user=superuser, request_key="form-7")

    assert first.pk == second.pk
    assert len(fake_stripe.refunds) == 1
    assert Refund.objects.count() == 1
    assert Order.objects.get(pk=paid.order_id).refunded_total == Decimal("200.00")


def test_a_refund_repeated_at_stripe_with_its_key_is_made_once(paid, fake_stripe):
    """Flock asks again after losing Stripe's answer: the idempotency key makes it one refund."""
    refund = Refund.objects.create(
        order=paid.order, payment=paid, amount=Decimal("200.00"), currency="CNY", idempotency_key="refund-x-1"
    )
    provider = get_provider("stripe")

    provider.refund(refund=refund)
    first_reference = refund.reference
    provider.refund(refund=refund)

    assert len(fake_stripe.refunds) == 1
    assert refund.reference == first_reference == next(iter(fake_stripe.refunds))


def test_a_pending_refund_stays_in_progress_until_stripe_reports_it_done(paid, fake_stripe, deliver):
    fake_stripe.refund_status = "pending"
    mails_before = mail_keys()

    refund = refund_payment(payment=paid, amount="200.00", request_key="r1")

    [stripe_refund] = fake_stripe.refunds.values()
    refund.refresh_from_db()
    assert (refund.state, refund.reference) == (RefundState.PENDING, stripe_refund["id"])
    order = Order.objects.get(pk=paid.order_id)
    assert (order.state, order.refunded_total) == (OrderState.PAID, Decimal("0.00"))
    assert refundable_amount(paid) == Decimal("1000.00")  # what is in progress is not refundable again
    assert mail_keys() == mails_before

    # The event claims success, but Flock believes the API, which still says pending.
    claimed = {**stripe_refund, "status": "succeeded"}
    assert deliver("refund.updated", claimed).content == b"refund pending"
    assert Refund.objects.get(pk=refund.pk).state == RefundState.PENDING

    fake_stripe.settle_refund(stripe_refund["id"], "succeeded")
    response = deliver("refund.updated", stripe_refund)

    assert response.content == b"refund done"
    refund.refresh_from_db()
    order.refresh_from_db()
    assert (refund.state, order.state, order.refunded_total) == (
        RefundState.DONE,
        OrderState.PARTIALLY_REFUNDED,
        Decimal("200.00"),
    )
    assert mail_keys() == [*mails_before, "commerce.refund_done"]
    assert deliver("charge.refund.updated", stripe_refund).content == b"refund done"  # changes nothing
    assert Order.objects.get(pk=paid.order_id).refunded_total == Decimal("200.00")
    assert mail_keys() == [*mails_before, "commerce.refund_done"]


def test_a_pending_refund_that_fails_at_stripe_is_failed_and_refundable_again(paid, fake_stripe, deliver):
    fake_stripe.refund_status = "pending"
    refund = refund_payment(payment=paid, amount="1200.00", request_key="r1")
    stripe_id = Refund.objects.get(pk=refund.pk).reference

    fake_stripe.settle_refund(stripe_id, "failed")
    response = deliver("refund.failed", fake_stripe.refunds[stripe_id])

    assert response.content == b"refund failed"
    refund.refresh_from_db()
    assert refund.state == RefundState.FAILED
    assert "expired_or_canceled_card" in refund.failure_reason
    order = Order.objects.get(pk=paid.order_id)
    assert (order.state, order.refunded_total) == (OrderState.PAID, Decimal("0.00"))
    assert refundable_amount(paid) == Decimal("1200.00")


def test_a_refund_event_for_a_refund_of_another_conference_is_ignored(paid, fake_stripe, deliver, make_conference):
    fake_stripe.refund_status = "pending"
    refund = refund_payment(payment=paid, amount="200.00", request_key="r1")
    stripe_refund = fake_stripe.settle_refund(Refund.objects.get(pk=refund.pk).reference, "succeeded")
    enable_stripe(payment_settings_for(make_conference(slug="other2027", acronym="OTHER")))

    assert deliver("refund.updated", stripe_refund, slug="other2027").content == b"ignored"
    assert Refund.objects.get(pk=refund.pk).state == RefundState.PENDING


def test_stripe_refusing_a_refund_is_a_refund_error(paid, fake_stripe, superuser):
    fake_stripe.fail(
        "POST",
        "/v1/refunds",
        400,
        "invalid_request_error",
        "Charge has already been refunded.",
        "charge_already_refunded",
    )

    with pytest.raises(RefundError):
        refund_payment(payment=paid, amount="200.00", user=superuser, request_key="r1")

    refund = Refund.objects.get()
    assert (refund.state, refund.failure_reason) == (
        RefundState.FAILED,
        "Stripe 拒绝了退款：Charge has already been refunded.",
    )
    assert Order.objects.get(pk=paid.order_id).state == OrderState.PAID
    assert fake_stripe.refunds == {}


def test_payload_is_stored_as_sent(order, pay, fake_stripe, deliver):
    payment, session = pay(order)
    fake_stripe.mark_paid(session["id"])
    body, header = signed_event(COMPLETED, fake_stripe.sessions[session["id"]], event_id="evt_stored")

    deliver(COMPLETED, session, body_and_signature=(body, header))

    assert ProviderEvent.objects.get().payload == json.loads(body)
