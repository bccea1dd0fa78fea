"""Flock's own receipts: one per paid order, numbered without gaps per conference."""

from django.db import transaction

from commerce.models import PaymentSettings, Receipt


@transaction.atomic(savepoint=False)
def issue_receipt(*, order):
    """Give a paid order the next receipt number of its conference (once). The counter row is
    locked, so concurrent payments never share or skip a number."""
    existing = Receipt.objects.filter(order=order).first()
    if existing:
        return existing
    counter = PaymentSettings.objects.select_for_update().get(conference_id=order.conference_id)
    counter.last_receipt_number += 1
    counter.save(update_fields=["last_receipt_number"])
    return Receipt.objects.create(order=order, conference_id=order.conference_id, number=counter.last_receipt_number)
