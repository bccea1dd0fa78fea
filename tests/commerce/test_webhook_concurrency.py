"""Stripe delivers the same event several times at once: the order is paid once (PostgreSQL).

SQLite serialises writers, so the race only shows on PostgreSQL; the ``postgres_only`` fixture
skips the test elsewhere.
"""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from cms.models import EmailLog
from commerce.enums import OrderState, PaymentState
from commerce.models import Payment, ProviderEvent, Receipt
from commerce.services.payments import start_payment
from tests.commerce.fake_stripe import enable_stripe, running_fake_stripe, signed_event

DELIVERIES = 10


@pytest.fixture
def fake_stripe(settings):
    with running_fake_stripe(settings) as fake:
        yield fake


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_deliveries_of_one_event_pay_the_order_once(
    postgres_only, fake_stripe, payment_settings, make_order, rf, mailoutbox
):
    enable_stripe(payment_settings)
    order = make_order()
    payment, _result = start_payment(order=order, provider_key="stripe", request=rf.get("/"))
    payment.refresh_from_db()
    session = fake_stripe.mark_paid(payment.reference)
    body, signature = signed_event("checkout.session.completed", session, event_id="evt_delivered_ten_times")
    url = reverse("commerce_webhooks:stripe", kwargs={"conference_slug": order.conference.slug})
    barrier = threading.Barrier(DELIVERIES)
    responses, errors = [], []

    def deliver():
        try:
            client = Client()
            barrier.wait()
            responses.append(
                client.post(url, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
            )
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(DELIVERIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert [response.status_code for response in responses] == [200] * DELIVERIES
    assert sorted(response.content for response in responses) == [b"confirmed"] + [b"duplicate"] * (DELIVERIES - 1)
    event = ProviderEvent.objects.get()
    assert (event.event_id, event.order_id, event.outcome) == ("evt_delivered_ten_times", order.pk, "confirmed")
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.state, order.state) == (PaymentState.CONFIRMED, OrderState.PAID)
    assert Payment.objects.filter(order=order, state=PaymentState.CONFIRMED).count() == 1
    assert ModelLogEntry.objects.filter(object_id=str(order.pk), action="flock.order.paid").count() == 1
    assert Receipt.objects.filter(order=order).count() == 1
    assert EmailLog.objects.filter(template_key="commerce.order_paid").count() == 1
    assert [message.to for message in mailoutbox] == [["li.lei@example.edu.cn"]]
