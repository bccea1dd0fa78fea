"""Stripe Checkout: cards, and Alipay or WeChat Pay where the conference offers them.

``start`` opens a Checkout Session on Stripe's hosted page and sends the payer there. Stripe's
webhook is the only news Flock acts on: ``handle_callback`` verifies its signature, records the
event once, and for a completed session asks the API again (the payload is never trusted) before
it confirms the payment. The payer's return page may show ``checkout_status``; it changes nothing.
"""

import json
import logging
import re
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commerce.enums import PaymentState, Provider
from commerce.exceptions import PaymentError, RefundError
from commerce.models import Payment, ProviderEvent, Refund
from commerce.providers.base import PaymentProvider, StartResult, register
from commerce.services.orders import payment_settings_for
from commerce.services.payments import Outcome, confirm_payment, fail_payment, mark_payment_pending, record_event
from commerce.services.refunds import settle_refund

logger = logging.getLogger(__name__)

# Stripe counts money in the currency's minor unit; these currencies have none, or three digits
# (https://docs.stripe.com/currencies#zero-decimal).
ZERO_DECIMAL = set("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
THREE_DECIMAL = set("BHD JOD KWD OMR TND".split())

PAID_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
FAILED_EVENTS = {"checkout.session.expired", "checkout.session.async_payment_failed"}
# A refund Stripe was still making (status "pending") has ended; the object is the refund.
REFUND_EVENTS = {"refund.updated", "refund.failed", "charge.refund.updated"}
TIMEOUT = (5, 30)  # seconds to connect, to read


def to_minor_units(amount, currency):
    """``Decimal("1200.00")`` CNY is 120000 fen; 1200 JPY is 1200. Refuses a fraction the
    currency's unit cannot hold."""
    minor = amount * 10 ** _exponent(currency)
    if minor != minor.to_integral_value():
        raise PaymentError(
            _("%(amount)s %(currency)s cannot be paid online: the currency has no smaller unit.")
            % {"amount": amount, "currency": currency}
        )
    return int(minor)


def from_minor_units(minor, currency):
    return (Decimal(minor) / 10 ** _exponent(currency)).quantize(Decimal("0.01"))


def _exponent(currency):
    currency = currency.upper()
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


@contextmanager
def stripe_client(payment_settings):
    """A client with the conference's secret key, talking to ``settings.STRIPE_API_BASE`` when
    that is set (a local fake API in tests and the demo)."""
    import stripe

    http_client = stripe.RequestsClient(timeout=TIMEOUT)
    base = settings.STRIPE_API_BASE
    try:
        yield stripe.StripeClient(
            payment_settings.secret("stripe_secret_key"),
            base_addresses={"api": base} if base else None,
            http_client=http_client,
        )
    finally:
        http_client.close()


def session_expiry(payment, now):
    """When the Checkout Session closes: with the order, as far as Stripe allows (30 minutes to
    24 hours ahead). It is reckoned from the payment's creation rather than from now, so that a
    repeated request carries the parameters of the first (Stripe refuses a reused idempotency key
    with other ones); only an order due within half an hour gets "now + 31 minutes"."""
    latest = payment.created_at + timedelta(hours=23)
    target = min(payment.order.expires_at or latest, latest)
    return int(max(target, now + timedelta(minutes=31)).timestamp())


@register
class Stripe(PaymentProvider):
    key = Provider.STRIPE
    label = Provider.STRIPE.label
    enabled_field = "stripe_enabled"
    settings_fields = ("stripe_enabled", "stripe_payment_methods")
    secret_fields = ("stripe_secret_key", "stripe_webhook_secret")
    methods = (("", label),)

    def start(self, *, payment, request):
        """Send the payer to a Checkout Session for ``payment``. A payment that has an open session
        already (a double click, the payer coming back) goes to that one. Raises ``PaymentError``."""
        import stripe

        try:
            with stripe_client(payment_settings_for(payment.order.conference)) as client:
                previous = client.v1.checkout.sessions.retrieve(payment.reference) if payment.reference else None
                if previous and previous.status == "open":
                    return StartResult(redirect_url=previous.url)
                if previous and previous.status == "complete":  # paid; the webhook is on its way
                    return StartResult(redirect_url=_absolute(request, _order_path(payment.order, "payment_return")))
                session = self._create_session(client, payment=payment, request=request, after=previous)
        except stripe.StripeError as error:
            logger.warning("Stripe refused a Checkout Session for %s: %s", payment.number, _describe(error))
            raise PaymentError(
                _(
                    "The online payment service could not start the payment. Please try again in a few "
                    "minutes or choose another way to pay."
                )
            ) from error
        mark_payment_pending(payment=payment, reference=session.id)
        return StartResult(redirect_url=session.url)

    def _create_session(self, client, *, payment, request, after=None):
        order = payment.order
        amount = to_minor_units(payment.amount, payment.currency)
        methods = payment_methods(payment_settings_for(order.conference))
        metadata = {"payment_id": str(payment.pk), "order_code": order.code, "conference": order.conference.slug}
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": amount,
                        "product_data": {"name": f"{order.code} · {order.conference.acronym}"},
                    },
                }
            ],
            "payment_method_types": methods,
            "client_reference_id": payment.number,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata, "description": payment.number},
            "customer_email": order.purchaser.email,
            "locale": "zh" if order.language.startswith("zh") else "en",
            "success_url": _absolute(request, _order_path(order, "payment_return")),
            "cancel_url": _absolute(request, _order_path(order, "order")),
            "expires_at": session_expiry(payment, timezone.now()),
        }
        if "wechat_pay" in methods:
            params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        key = f"flock-checkout-{payment.number}-{amount}"
        if after is not None:  # the previous session expired unpaid; a new one needs its own key
            key = f"{key}-after-{after.id}"
        return client.v1.checkout.sessions.create(params=params, options={"idempotency_key": key})

    def checkout_status(self, *, payment):
        """For the return page: Stripe's ``(status, payment_status)`` of the payment's session,
        e.g. ``("complete", "paid")``, or ``("", "")`` when Stripe cannot tell. Reads only: orders
        are paid by the webhook alone."""
        import stripe

        if not payment.reference:
            return "", ""
        try:
            with stripe_client(payment_settings_for(payment.order.conference)) as client:
                session = client.v1.checkout.sessions.retrieve(payment.reference)
        except stripe.StripeError as error:
            logger.warning("Stripe session of %s unknown: %s", payment.number, _describe(error))
            return "", ""
        return session.status, session.payment_status

    def handle_callback(self, *, request, conference):
        """Verify and apply one webhook event. 400 for a bad or stale signature (nothing changes)
        and for an amount that does not match (the event is recorded and the order flagged for
        finance); 503 when the API cannot be asked (Stripe delivers again); else 200, once."""
        import stripe

        payment_settings = payment_settings_for(conference)
        secret = payment_settings.secret("stripe_webhook_secret")
        with stripe_client(payment_settings) as client:
            try:
                event = client.construct_event(request.body, request.headers.get("Stripe-Signature"), secret)
            except (ValueError, stripe.SignatureVerificationError) as error:
                logger.warning("Stripe webhook for %s refused: %s", conference.slug, error)
                return HttpResponse(status=400)
            if ProviderEvent.objects.filter(provider=self.key, event_id=event.id).exists():
                return HttpResponse(Outcome.DUPLICATE, content_type="text/plain")
            subject = event.data.object.to_dict()
            # What the event says is believed only as the API says it now.
            fetch = {
                **dict.fromkeys(PAID_EVENTS, client.v1.checkout.sessions.retrieve),
                **dict.fromkeys(REFUND_EVENTS, client.v1.refunds.retrieve),
            }.get(event.type)
            if fetch is not None:
                try:
                    subject = fetch(subject["id"]).to_dict()
                except stripe.StripeError as error:
                    logger.warning("Stripe event %s: no %s from the API: %s", event.id, event.type, _describe(error))
                    return HttpResponse(status=503)
        payload = json.loads(request.body)
        with transaction.atomic():
            record, created = record_event(
                provider=self.key, event_id=event.id, conference=conference, kind=event.type, payload=payload
            )
            if not created:
                return HttpResponse(Outcome.DUPLICATE, content_type="text/plain")
            record.order, record.outcome = self._apply(event, subject, conference)
            record.save(update_fields=["order", "outcome"])
        status = 400 if record.outcome == Outcome.AMOUNT_MISMATCH else 200
        return HttpResponse(record.outcome, status=status, content_type="text/plain")

    def _apply(self, event, session, conference):
        """Apply a recorded event (``session`` is a dict, the refund for a refund event); returns
        ``(order, outcome)`` for the record."""
        if event.type in REFUND_EVENTS:
            return _apply_refund(session, conference)
        if event.type not in PAID_EVENTS | FAILED_EVENTS:
            return None, "unhandled"
        payment = _payment_for(session, conference)
        if payment is None:
            logger.warning("Stripe event %s: session %s is no payment of %s", event.id, session.get("id"), conference)
            return None, "ignored"
        if event.type in FAILED_EVENTS:
            expired = event.type == "checkout.session.expired"
            reason = gettext("The payment page expired.") if expired else gettext("The payment failed.")
            payment = fail_payment(payment=payment, reason=reason)
            return payment.order, "failed" if payment.state == PaymentState.FAILED else f"kept {payment.state}"
        if session.get("payment_status") != "paid":
            return payment.order, f"not paid ({session.get('payment_status')})"
        outcome = confirm_payment(
            payment=payment,
            amount=from_minor_units(session["amount_total"], session["currency"]),
            currency=session["currency"].upper(),
            reference=session["id"],
        )
        return payment.order, outcome

    def refund(self, *, refund):
        """Refund through the session's PaymentIntent; ``refund.idempotency_key`` makes a repeated
        request one refund at Stripe. Raises ``RefundError``."""
        import stripe

        try:
            amount = to_minor_units(refund.amount, refund.currency)
            with stripe_client(payment_settings_for(refund.order.conference)) as client:
                session = client.v1.checkout.sessions.retrieve(refund.payment.reference)
                if not session.payment_intent:
                    raise RefundError(_("Stripe has no payment to refund for this order."))
                done = client.v1.refunds.create(
                    params={
                        "payment_intent": _id(session.payment_intent),
                        "amount": amount,
                        "metadata": {"order_code": refund.order.code, "refund_id": str(refund.pk)},
                    },
                    options={"idempotency_key": refund.idempotency_key},
                )
        except PaymentError as error:
            raise RefundError(error.message) from error
        except stripe.StripeError as error:
            logger.warning("Stripe refused refund %s of %s: %s", refund.pk, refund.payment.number, _describe(error))
            raise RefundError(
                _("Stripe refused the refund: %(reason)s") % {"reason": error.user_message or error.code or error}
            ) from error
        if done.status in ("failed", "canceled"):
            raise RefundError(_("Stripe could not make the refund (%(status)s).") % {"status": done.status})
        refund.reference = done.id
        return done.status == "succeeded"  # else pending: a refund.updated event tells the end


def _apply_refund(stripe_refund, conference):
    """Settle our refund that Stripe was still making, as the API now reports it."""
    refund = (
        Refund.objects.filter(
            reference=stripe_refund.get("id") or "-",
            payment__provider=Provider.STRIPE,
            order__conference=conference,
        )
        .select_related("order")
        .first()
    )
    if refund is None:
        return None, "ignored"
    status = stripe_refund.get("status")
    if status not in ("succeeded", "failed", "canceled"):
        return refund.order, f"refund {status}"
    reason = gettext("Stripe could not make the refund (%(status)s).") % {
        "status": stripe_refund.get("failure_reason") or status
    }
    refund = settle_refund(
        refund=refund, succeeded=status == "succeeded", failure="" if status == "succeeded" else reason
    )
    return refund.order, f"refund {refund.state}"


def payment_methods(payment_settings):
    """The Stripe payment method types the conference lists, e.g. ``["card", "wechat_pay"]``."""
    return re.findall(r"[a-z_]+", payment_settings.stripe_payment_methods.lower()) or ["card"]


def _payment_for(session, conference):
    """Our payment for a Checkout Session: the id in its metadata, the session opened for it (the
    payment's ``reference``) and the conference whose webhook was called must all agree."""
    payment_id = str((session.get("metadata") or {}).get("payment_id", ""))
    if not payment_id.isdigit() or not session.get("id"):
        return None
    return (
        Payment.objects.select_related("order")
        .filter(pk=int(payment_id), provider=Provider.STRIPE, reference=session["id"], order__conference=conference)
        .first()
    )


def _order_path(order, name):
    return reverse(f"commerce:{name}", kwargs={"conference_slug": order.conference.slug, "code": order.code})


def _absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else f"{settings.WAGTAILADMIN_BASE_URL}{path}"


def _id(value):
    return value if isinstance(value, str) else value["id"]


def _describe(error):
    return f"{type(error).__name__} {error.http_status or ''} {error.code or ''}: {error.user_message or error}"
