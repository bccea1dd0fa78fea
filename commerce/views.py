"""Payer pages under ``/<language>/_orders/<conference>/``: the person's orders, paying, proofs of
transfer, invoice requests, receipts and the page a provider sends the browser back to.

Thin views: each finds the order the person may see (``commerce.selectors``; anything else is a
404), calls one service and renders inside the conference's site layout, or redirects. None of
them changes a state itself, and the return page never marks anything paid.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.exceptions import FlockError
from cms.models import Conference
from commerce import selectors
from commerce.enums import ORDER_PAID_STATES, InvoiceState, Provider
from commerce.forms import InvoiceRequestForm, PayForm, ProofUploadForm, payment_choices
from commerce.models import TransferProof
from commerce.services.invoices import request_invoice
from commerce.services.orders import payment_settings_for
from commerce.services.payments import start_payment
from commerce.services.proofs import PROOF_TYPES
from commerce.services.proofs import upload_proof as store_proof
from conference_pages.chrome import feature_chrome

# Room for the multipart framing and the other fields around a proof at the size limit.
MULTIPART_ALLOWANCE = 256 * 1024


def _conference(request, conference_slug):
    """The conference named in the address (the middleware reads only the first segment)."""
    conference = get_object_or_404(Conference, slug=conference_slug)
    request.conference = conference
    return conference


def _order(request, conference_slug, code, *, staff=False):
    conference = _conference(request, conference_slug)
    return selectors.order_for(user=request.user, conference=conference, code=code, staff=staff)


def _order_url(order):
    return reverse("commerce:order", kwargs={"conference_slug": order.conference.slug, "code": order.code})


def _site_chrome(request, conference, url_name, url_kwargs):
    """The conference's menu, language links to this page, and the key they are cached under."""
    return feature_chrome(
        request,
        conference,
        url_name=f"commerce:{url_name}",
        url_kwargs={"conference_slug": conference.slug, **url_kwargs},
        scope="orders",
    )


def _render(request, template, context, *, url_name, **url_kwargs):
    conference = request.conference
    chrome = _site_chrome(request, conference, url_name, url_kwargs)
    response = render(request, template, {**chrome, "conference": conference, **context})
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@login_required
@require_GET
def my_orders(request, conference_slug):
    conference = _conference(request, conference_slug)
    orders = list(selectors.orders_of(user=request.user, conference=conference))
    return _render(request, "commerce/my_orders.html", {"orders": orders}, url_name="my_orders")


def _order_page_context(order):
    payment_settings = payment_settings_for(order.conference)
    choices = payment_choices(payment_settings) if order.is_pending else []
    proof = selectors.latest_proof(order)
    return {
        "order": order,
        "payment_choices": choices,
        "bank": payment_settings if any(key == Provider.BANK_TRANSFER for key, _m, _l in choices) else None,
        "proof": proof,
        "proof_waiting": selectors.proof_waiting(proof),
        "upload_form": ProofUploadForm(),
        "receipt_available": selectors.receipt_available(order),
        "invoice_available": selectors.invoice_available(order),
        "invoice": getattr(order, "invoice_request", None),
        "paid": order.state in ORDER_PAID_STATES,
    }


@never_cache
@login_required
@require_GET
def order_detail(request, conference_slug, code):
    order = selectors.order_details(_order(request, conference_slug, code))
    return _render(request, "commerce/order.html", _order_page_context(order), url_name="order", code=order.code)


@never_cache
@login_required
@require_POST
def pay(request, conference_slug, code):
    """Start paying with the chosen provider and method; a repeated POST reuses the payment."""
    order = _order(request, conference_slug, code)
    form = PayForm(request.POST, payment_settings=payment_settings_for(order.conference))
    if not form.is_valid():
        errors = form.non_field_errors()
        messages.error(request, errors[0] if errors else _("Please choose how to pay."))
        return redirect(_order_url(order))
    try:
        payment, result = start_payment(
            order=order,
            provider_key=form.cleaned_data["provider"],
            method=form.cleaned_data["method"],
            request=request,
            user=request.user,
        )
    except FlockError as error:
        messages.error(request, str(error.message))
        return redirect(_order_url(order))
    if result.redirect_url:
        return redirect(result.redirect_url)
    if not result.template:
        return redirect(_order_url(order))
    context = {**_order_page_context(selectors.order_details(order)), "payment": payment, **result.context}
    return _render(request, result.template, context, url_name="order", code=order.code)


def _too_large_message():
    return _("The file is too large: at most %(size)d MB.") % {"size": settings.MAX_PROOF_UPLOAD_SIZE // 1024 // 1024}


def _declared_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_exempt  # checked in _store_proof, after the size: the CSRF check would parse the body first
@never_cache
@login_required
@require_POST
def upload_proof(request, conference_slug, code):
    """Attach a proof of transfer. A body far larger than the limit is refused before it is read;
    below that Django streams files over ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file and
    the service refuses anything over the limit or not an image or PDF by its content."""
    order = _order(request, conference_slug, code)
    if _declared_length(request) > settings.MAX_PROOF_UPLOAD_SIZE + MULTIPART_ALLOWANCE:
        messages.error(request, _too_large_message())
        return redirect(_order_url(order))
    return _store_proof(request, order)


@csrf_protect
def _store_proof(request, order):
    form = ProofUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Please choose the file to upload."))
        return redirect(_order_url(order))
    try:
        store_proof(order=order, uploaded=form.cleaned_data["file"], user=request.user)
    except FlockError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Thank you: your proof of transfer was received. The organizers will review it shortly.")
        )
    return redirect(_order_url(order))


def _private_file(file_field, *, content_type, filename, inline=False):
    """A file from private storage, named by Flock, never sniffed into another type."""
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_GET
def proof_file(request, conference_slug, code, proof_id):
    """A proof of transfer, for the purchaser and the conference's finance staff and organizers."""
    order = _order(request, conference_slug, code, staff=True)
    proof = get_object_or_404(TransferProof, pk=proof_id, payment__order=order)
    extension = PROOF_TYPES.get(proof.content_type, "bin")
    return _private_file(
        proof.file,
        content_type=proof.content_type,
        filename=f"{order.code}-proof-{proof.pk}.{extension}",
        inline=proof.content_type.startswith("image/"),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def invoice_request(request, conference_slug, code):
    """Ask for an invoice (发票) of a paid order, or change the request until it is issued."""
    order = selectors.order_details(_order(request, conference_slug, code))
    if not selectors.invoice_available(order):
        messages.error(request, _("An invoice can be requested once the order is paid."))
        return redirect(_order_url(order))
    invoice = getattr(order, "invoice_request", None)
    issued = invoice is not None and invoice.state == InvoiceState.ISSUED
    form = None if issued else InvoiceRequestForm(request.POST if request.method == "POST" else None, instance=invoice)
    if form is not None and form.is_bound and form.is_valid():
        try:
            request_invoice(order=order, details=form.details(), user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        except FlockError as error:
            messages.error(request, str(error.message))
            return redirect(_order_url(order))
        else:
            messages.success(request, _("Your invoice request was saved. You will receive the invoice by email."))
            return redirect(_order_url(order))
    context = {"order": order, "invoice": invoice, "form": form}
    return _render(request, "commerce/invoice_request.html", context, url_name="invoice_request", code=order.code)


@never_cache
@login_required
@require_GET
def invoice_file(request, conference_slug, code):
    """The issued electronic invoice, for the purchaser and the conference's staff."""
    order = _order(request, conference_slug, code, staff=True)
    invoice = getattr(selectors.order_details(order), "invoice_request", None)
    if invoice is None or invoice.state != InvoiceState.ISSUED or not invoice.file:
        raise Http404
    return _private_file(invoice.file, content_type="application/pdf", filename=f"{order.code}-invoice.pdf")


@never_cache
@login_required
@require_GET
def receipt_pdf(request, conference_slug, code):
    """Flock's bilingual receipt of a paid (or since refunded) order, as a PDF."""
    from commerce.pdf import render_receipt_pdf

    order = selectors.order_details(_order(request, conference_slug, code, staff=True))
    if not selectors.receipt_available(order):
        raise Http404
    receipt = order.receipt
    receipt.order, receipt.conference = order, order.conference
    response = HttpResponse(
        render_receipt_pdf(receipt=receipt, language=translation.get_language()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{receipt.code.replace(" ", "")}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_GET
def payment_return(request, conference_slug, code):
    """Where a provider sends the browser back. It shows the stored state and changes nothing:
    only the provider's verified notification (or finance staff) confirms a payment."""
    order = _order(request, conference_slug, code)
    context = {"order": order, "paid": order.state in ORDER_PAID_STATES}
    return _render(request, "commerce/payment_return.html", context, url_name="payment_return", code=order.code)
