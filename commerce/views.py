# Placeholder while the payer pages are written (replaced in the same series of commits).
from django.http import Http404


def _missing(request, **kwargs):
    raise Http404


my_orders = order_detail = pay = upload_proof = proof_file = invoice_request = invoice_file = receipt_pdf = (
    payment_return
) = _missing
