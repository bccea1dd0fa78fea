"""Mail to payers about their orders, in the language of the order."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cms.services.mail import send_templated_mail


def order_url(order, language=None):
    language = language or order.language
    with translation.override(language):
        path = reverse("commerce:order", kwargs={"conference_slug": order.conference.slug, "code": order.code})
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}"


def _send(key, order, **context):
    send_templated_mail(
        key=key,
        to=order.purchaser,
        conference=order.conference,
        language=order.language,
        context={"order": order, "order_url": order_url(order), **context},
    )


def notify_order_paid(*, order):
    _send("commerce.order_paid", order)


def notify_order_expired(*, order):
    _send("commerce.order_expired", order)


def notify_payment_reminder(*, order):
    _send("commerce.payment_reminder", order)


def notify_proof_rejected(*, proof):
    _send("commerce.proof_rejected", proof.payment.order, proof=proof)


def notify_refund_done(*, refund):
    _send("commerce.refund_done", refund.order, refund=refund)


def notify_invoice_issued(*, invoice):
    _send("commerce.invoice_issued", invoice.order, invoice=invoice)
