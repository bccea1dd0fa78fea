import pytest

from cms.demo import seed_demo
from commerce.enums import OrderState, ProofState
from commerce.models import InvoiceRequest, Order, TransferProof
from commerce.providers.base import providers_for
from commerce.services.orders import payment_settings_for


@pytest.mark.django_db
def test_demo_has_orders_in_every_state_a_proof_to_review_and_an_invoice_request(demo_clock):
    context = seed_demo()
    conference = context.conferences["ncic2027"]
    seed_demo()

    orders = Order.objects.filter(conference=conference, lines__kind="demo.fee").distinct()  # not registrations
    assert set(orders.values_list("state", flat=True)) == set(OrderState.values)
    assert orders.count() == 8
    assert TransferProof.objects.filter(payment__order__conference=conference, state=ProofState.PENDING).count() == 1
    assert InvoiceRequest.objects.get(order__conference=conference).tax_number == "12100000470095016Q"
    assert [p.key for p in providers_for(payment_settings_for(conference))] == ["bank_transfer", "stripe", "alipay"]
    assert payment_settings_for(conference).alipay_sandbox is True
