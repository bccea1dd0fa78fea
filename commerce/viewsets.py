"""The finance admin: orders, payments, proofs to review, invoice requests, a summary and the
payment settings of each conference, grouped in the "Finance" menu.

Every screen is narrowed to the conferences where the user is finance staff or an organizer
(platform administrators see all); another conference's row answers 404, as if it did not exist.
Finance staff act, organizers look (``commerce.policies``). Orders, payments and refunds are never
created, edited or deleted here: each action is a POST that calls one service function.
"""

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import TruncDate
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry
from wagtail.permissions import policy_registry

from cms.admin_scoping import ScopedIndexView, ScopedInspectView, ScopedModelViewSet
from cms.enums import Role
from cms.models import Conference
from cms.permissions import conference_ids_for, conferences_for
from commerce import resources
from commerce.admin_forms import IssueInvoiceForm, PaymentRulesForm, RefundForm, RejectProofForm, SummaryForm
from commerce.enums import (
    ORDER_TRANSITIONS,
    Attention,
    InvoiceKind,
    InvoiceState,
    OrderState,
    PaymentState,
    ProofState,
    Provider,
    RefundState,
)
from commerce.exceptions import IllegalTransition, PaymentError, RefundError
from commerce.models import (
    InvoiceRequest,
    Order,
    OrderLine,
    Payment,
    PaymentSettings,
    Receipt,
    Refund,
    TransferProof,
)
from commerce.providers.base import all_providers
from commerce.services.invoices import issue_invoice
from commerce.services.orders import cancel_order, payment_settings_for, reactivate_order
from commerce.services.proofs import accept_proof, reject_proof
from commerce.services.refunds import refund_payment, refundable_amount
from commerce.templatetags.money import money

FINANCE_ROLES = (Role.FINANCE, Role.ORGANIZER)
PROOFS_PER_PAGE = 20
CENT = Decimal("0.01")


# --- Scope ---------------------------------------------------------------------------------------


def may_use_finance(user):
    """Finance staff and organizers of any conference, and platform administrators."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or bool(conference_ids_for(user, *FINANCE_ROLES))


def visible(model, user):
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, ["view", "change"])


def get_for_action(model, user, pk, queryset=None):
    """The row ``pk`` of ``model`` if the user may change it: 404 outside the user's conferences,
    403 for those who may only look (organizers)."""
    obj = get_object_or_404(queryset if queryset is not None else visible(model, user), pk=pk)
    if not policy_registry.get_by_type(model).user_has_permission_for_instance(user, "change", obj):
        raise PermissionDenied
    return obj


def order_url(row):
    """The order screen of a payment or an invoice request."""
    return reverse("finance_orders:inspect", args=[row.order_id])


def inspect_url(order):
    return reverse("finance_orders:inspect", args=[order.pk])


def finance_conferences(request):
    return conferences_for(request.user, *FINANCE_ROLES) if request else Conference.objects.none()


class FinanceScreen(WagtailAdminTemplateMixin):
    """A custom finance screen: refused (the admin's "no permission") to anyone without a role."""

    def dispatch(self, request, *args, **kwargs):
        if not may_use_finance(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class FinanceMenuItem(MenuItem):
    def is_shown(self, request):
        return may_use_finance(request.user)


# --- Listings: shared pieces ---------------------------------------------------------------------


class ExportColumnsMixin:
    """Exports the columns of ``commerce.resources`` (``name -> (heading, value)``)."""

    export_columns = {}

    def to_row_dict(self, item):
        return OrderedDict((name, value(item)) for name, (_heading, value) in self.export_columns.items())

    def get_heading(self, queryset, field):
        return str(self.export_columns[field][0])


class ViewURLFinder(ModelAdminURLFinder):
    """Links from the admin's reports (such as the site history) lead to a row's screen, for
    whoever may look at it: there is no edit screen."""

    def construct_edit_url(self, instance):
        if self.edit_url_name.endswith(":inspect"):
            return reverse(self.edit_url_name, args=[instance.pk])
        return reverse(self.edit_url_name)

    def get_edit_url(self, instance):
        policy = policy_registry.get(instance)
        if self.user and not policy.user_has_permission_for_instance(self.user, "view", instance):
            return None
        return self.construct_edit_url(instance)


class ReadOnlyViewSet(ScopedModelViewSet):
    """Listing and export (and inspect where enabled): these rows come from the services only."""

    export_columns = {}

    @property
    def list_export(self):
        return list(self.export_columns)

    def get_common_view_kwargs(self, **kwargs):
        none = {"add_url_name": None, "edit_url_name": None, "delete_url_name": None, "history_url_name": None}
        return super().get_common_view_kwargs(**{**none, "usage_url_name": None, **kwargs})

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(export_columns=self.export_columns, **kwargs)

    @property
    def url_finder_class(self):
        view = "inspect" if self.inspect_view_enabled else "index"
        return type("FinanceURLFinder", (ViewURLFinder,), {"edit_url_name": self.get_url_name(view)})

    def get_urlpatterns(self):
        patterns = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]
        if self.inspect_view_enabled:
            patterns.append(path("inspect/<int:pk>/", self.inspect_view, name="inspect"))
        return patterns


class LinkColumn(Column):
    """A column whose value links to ``get_url(row)``: the order screen."""

    cell_template_name = "commerce/admin/cells/link.html"

    def __init__(self, name, *, get_url, **kwargs):
        super().__init__(name, **kwargs)
        self.get_url = get_url

    def get_cell_context_data(self, instance, parent_context):
        return {**super().get_cell_context_data(instance, parent_context), "url": self.get_url(instance)}


class MoneyColumn(Column):
    def __init__(self, name, *, amount, currency="currency", **kwargs):
        super().__init__(name, sort_key=amount, **kwargs)
        self.amount, self.currency = amount, currency

    def get_value(self, instance):
        return money(getattr(instance, self.amount), getattr(instance, self.currency))


class PurchaserColumn(Column):
    cell_template_name = "commerce/admin/cells/purchaser.html"

    def __init__(self, name="purchaser", *, accessor="purchaser", **kwargs):
        super().__init__(name, label=gettext_lazy("Purchaser"), accessor=accessor, **kwargs)


class AttentionColumn(Column):
    cell_template_name = "commerce/admin/cells/attention.html"

    def get_value(self, instance):
        return instance.get_attention_display() if instance.attention else ""


def conference_filter(field_name="conference"):
    return django_filters.ModelChoiceFilter(
        label=gettext_lazy("Conference"), field_name=field_name, queryset=finance_conferences
    )


def radio_choice_filter(label, choices, **kwargs):
    return django_filters.ChoiceFilter(
        label=label, choices=choices, widget=forms.RadioSelect, empty_label=gettext_lazy("All"), **kwargs
    )


def date_range_filter(label, field_name):
    return django_filters.DateFromToRangeFilter(label=label, field_name=field_name, widget=DateRangePickerWidget)


# --- Orders --------------------------------------------------------------------------------------

ANY_ATTENTION = "any"


class OrderFilterSet(WagtailFilterSet):
    state = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("State"), choices=OrderState.choices, widget=forms.CheckboxSelectMultiple
    )
    attention = radio_choice_filter(
        gettext_lazy("Needs attention"),
        [(ANY_ATTENTION, gettext_lazy("Any reason")), *[c for c in Attention.choices if c[0]]],
        method="filter_attention",
    )
    conference = conference_filter()
    provider = radio_choice_filter(gettext_lazy("Provider"), Provider.choices, method="filter_provider")
    created = date_range_filter(gettext_lazy("Created"), "created_at")
    kind = radio_choice_filter(gettext_lazy("What was bought"), [], method="filter_kind")
    line = django_filters.CharFilter(label=gettext_lazy("Line description contains"), method="filter_line")

    class Meta:
        model = Order
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lines = OrderLine.objects.filter(order__in=visible(Order, self.request.user))
        kinds = lines.values_list("kind", flat=True).distinct().order_by("kind")
        self.filters["kind"].extra["choices"] = [(kind, kind) for kind in kinds]

    def filter_attention(self, queryset, name, value):
        return queryset.exclude(attention="") if value == ANY_ATTENTION else queryset.filter(attention=value)

    def filter_provider(self, queryset, name, value):
        return queryset.filter(Exists(Payment.objects.filter(order=OuterRef("pk"), provider=value)))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(Exists(OrderLine.objects.filter(order=OuterRef("pk"), kind=value)))

    def filter_line(self, queryset, name, value):
        text = Q(description_zh__icontains=value) | Q(description_en__icontains=value)
        return queryset.filter(Exists(OrderLine.objects.filter(text, order=OuterRef("pk"))))


class OrderIndexView(ExportColumnsMixin, ScopedIndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.is_export:
            return resources.orders_for_export(queryset)
        return queryset.select_related("conference", "purchaser")


class OrderInspectView(ScopedInspectView):
    template_name = "commerce/admin/order_inspect.html"

    def get_page_title(self):
        return _("Order")

    def get_page_subtitle(self):
        return self.object.code

    @cached_property
    def can_change(self):
        return self.user_has_permission_for_instance("change", self.object)

    @property
    def header_more_buttons(self):
        if not (self.can_change and self.payments_to_refund):
            return []
        url = reverse("finance_orders:refund", args=[self.object.pk])
        return [Button(_("Refund"), url=url, icon_name="undo", priority=10)]

    @cached_property
    def payments(self):
        proofs = TransferProof.objects.select_related("reviewed_by").order_by("uploaded_at", "pk")
        payments = self.object.payments.prefetch_related(Prefetch("proofs", queryset=proofs))
        return list(payments.order_by("created_at", "pk"))

    @cached_property
    def payments_to_refund(self):
        return [payment for payment in self.payments if payment.state == PaymentState.CONFIRMED]

    def get_context_data(self, **kwargs):
        order = self.object
        for payment in self.payments:
            payment.refundable = refundable_amount(payment) if payment.state == PaymentState.CONFIRMED else None
        return super().get_context_data(
            order=order,
            lines=order.lines.all(),
            payments=self.payments,
            proofs=[proof for payment in self.payments for proof in payment.proofs.all()],
            refunds=order.refunds.select_related("payment", "created_by"),
            invoice=InvoiceRequest.objects.filter(order=order).first(),
            receipt=Receipt.objects.filter(order=order).first(),
            history=log_registry.get_logs_for_instance(order).select_related("user").order_by("-timestamp", "-pk"),
            can_change=self.can_change,
            can_cancel=self.can_change and OrderState.CANCELLED in ORDER_TRANSITIONS[OrderState(order.state)],
            can_reactivate=self.can_change
            and order.state == OrderState.EXPIRED
            and any(payment.state == PaymentState.CONFIRMED for payment in self.payments),
            can_refund=self.can_change and bool(self.payments_to_refund),
            **kwargs,
        )


class OrderActionView(View):
    """POST: cancel or re-activate one order (finance only)."""

    action = None

    def post(self, request, pk):
        order = get_for_action(Order, request.user, pk)
        try:
            if self.action == "cancel":
                cancel_order(order=order, user=request.user, reason=request.POST.get("reason", "").strip())
                messages.success(request, _("Order %(code)s is cancelled.") % {"code": order.code})
            else:
                reactivate_order(order=order, user=request.user)
                messages.success(request, _("Order %(code)s is paid again.") % {"code": order.code})
        except IllegalTransition as error:
            messages.error(request, str(error.message))
        return redirect("finance_orders:inspect", order.pk)


class RefundView(FinanceScreen, TemplateView):
    """The refund form of one order; its hidden request key makes a double submit one refund."""

    template_name = "commerce/admin/refund.html"

    def dispatch(self, request, *args, **kwargs):
        self.order = get_for_action(Order, request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Refund")

    def get_page_subtitle(self):
        return self.order.code

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("finance_orders:index"), "label": Order._meta.verbose_name_plural},
            {"url": reverse("finance_orders:inspect", args=[self.order.pk]), "label": self.order.code},
            {"url": "", "label": _("Refund")},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=RefundForm(order=self.order)))

    def post(self, request, *args, **kwargs):
        form = RefundForm(request.POST, order=self.order)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            refund = refund_payment(
                payment=data["payment"],
                amount=data["amount"],
                reason=data["reason"],
                user=request.user,
                request_key=data["request_key"],
            )
        except RefundError as error:
            messages.error(request, str(error.message))
            # A new key: trying again after a refusal is a new request, not a repeat of this one.
            retry = request.POST.copy()
            retry["request_key"] = uuid.uuid4().hex
            return self.render_to_response(self.get_context_data(form=RefundForm(retry, order=self.order)))
        amount = money(refund.amount, refund.currency)
        if refund.state == RefundState.DONE:
            message = _("Refund of %(amount)s recorded for order %(code)s.")
            messages.success(request, message % {"amount": amount, "code": self.order.code})
        elif refund.state == RefundState.FAILED:
            messages.error(request, _("This refund failed: %(reason)s") % {"reason": refund.failure_reason})
        else:
            messages.warning(request, _("The refund of %(amount)s is in progress.") % {"amount": amount})
        return redirect("finance_orders:inspect", self.order.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(order=self.order, **kwargs)


class OrderViewSet(ReadOnlyViewSet):
    model = Order
    icon = "list-ul"
    menu_label = gettext_lazy("Orders")
    url_prefix = "finance/orders"
    name = "finance_orders"
    index_view_class = OrderIndexView
    inspect_view_class = OrderInspectView
    inspect_view_enabled = True
    filterset_class = OrderFilterSet
    list_display = [
        LinkColumn("code", label=gettext_lazy("Order code"), get_url=inspect_url, sort_key="code"),
        Column("conference", label=gettext_lazy("Conference"), accessor="conference.acronym", sort_key="conference"),
        PurchaserColumn(),
        MoneyColumn("total", label=gettext_lazy("Total"), amount="total"),
        "state",
        AttentionColumn("attention", label=gettext_lazy("Needs attention")),
        "created_at",
        "paid_at",
    ]
    search_fields = [
        "code",
        "purchaser__email",
        "purchaser__name_zh",
        "purchaser__first_name",
        "purchaser__last_name",
        "invoice_request__title",
        "invoice_request__tax_number",
    ]
    export_columns = resources.ORDER_COLUMNS
    export_filename = "orders"

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("inspect/<int:pk>/cancel/", OrderActionView.as_view(action="cancel"), name="cancel"),
            path("inspect/<int:pk>/reactivate/", OrderActionView.as_view(action="reactivate"), name="reactivate"),
            path("inspect/<int:pk>/refund/", RefundView.as_view(), name="refund"),
        ]


# --- Payments ------------------------------------------------------------------------------------


class PaymentFilterSet(WagtailFilterSet):
    provider = radio_choice_filter(gettext_lazy("Provider"), Provider.choices)
    state = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("State"), choices=PaymentState.choices, widget=forms.CheckboxSelectMultiple
    )
    late = django_filters.BooleanFilter(label=gettext_lazy("Arrived after expiry"), widget=BooleanRadioSelect)
    conference = conference_filter("order__conference")
    created = date_range_filter(gettext_lazy("Created"), "created_at")
    confirmed = date_range_filter(gettext_lazy("Confirmed"), "confirmed_at")

    class Meta:
        model = Payment
        fields = []


class PaymentIndexView(ExportColumnsMixin, ScopedIndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.is_export:
            return resources.payments_for_export(queryset)
        return queryset.select_related("order__conference", "order__purchaser")


class PaymentViewSet(ReadOnlyViewSet):
    model = Payment
    icon = "tasks"
    menu_label = gettext_lazy("Payments")
    url_prefix = "finance/payments"
    name = "finance_payments"
    index_view_class = PaymentIndexView
    filterset_class = PaymentFilterSet
    list_display = [
        LinkColumn("number", label=gettext_lazy("Payment"), accessor="number", get_url=order_url),
        Column("conference", label=gettext_lazy("Conference"), accessor="order.conference.acronym"),
        PurchaserColumn(accessor="order.purchaser"),
        "provider",
        MoneyColumn("amount", label=gettext_lazy("Amount"), amount="amount"),
        "state",
        Column("late", label=gettext_lazy("Late"), accessor=lambda payment: _("late") if payment.late else ""),
        "created_at",
        "confirmed_at",
    ]
    search_fields = ["reference", "order__code", "order__purchaser__email"]
    export_columns = resources.PAYMENT_COLUMNS
    export_filename = "payments"


# --- Proofs of transfer waiting for review -------------------------------------------------------


class ProofQueueView(FinanceScreen, TemplateView):
    """The proofs of transfer waiting for review, oldest first, each beside its order."""

    template_name = "commerce/admin/proof_queue.html"
    header_icon = "doc-full-inverse"

    def get_page_title(self):
        return _("Proofs to review")

    def get_context_data(self, **kwargs):
        proofs = (
            visible(TransferProof, self.request.user)
            .filter(state=ProofState.PENDING)
            .select_related("payment__order__conference", "payment__order__purchaser")
            .order_by("uploaded_at", "pk")
        )
        page = Paginator(proofs, PROOFS_PER_PAGE).get_page(self.request.GET.get("p"))
        reviewers = conference_ids_for(self.request.user, Role.FINANCE)
        for proof in page:
            proof.can_review = self.request.user.is_superuser or proof.payment.order.conference_id in reviewers
        return super().get_context_data(page=page, proofs=page.object_list, reject_form=RejectProofForm(), **kwargs)


class ProofReviewView(View):
    """POST: accept a proof (idempotent) or reject it with a reason (finance only)."""

    action = None

    def post(self, request, pk):
        queryset = visible(TransferProof, request.user).select_related("payment__order")
        proof = get_for_action(TransferProof, request.user, pk, queryset=queryset)
        order = proof.payment.order
        if self.action == "accept":
            self.accept(request, proof, order)
        else:
            self.reject(request, proof, order)
        if request.POST.get("next") == "order":
            return redirect("finance_orders:inspect", order.pk)
        return redirect("finance_proofs:index")

    @staticmethod
    def accept(request, proof, order):
        if proof.state != ProofState.PENDING:
            messages.warning(request, _("This proof of order %(code)s was reviewed already.") % {"code": order.code})
            return
        accept_proof(proof=proof, user=request.user)
        order.refresh_from_db()
        if order.state == OrderState.PAID:
            messages.success(request, _("Proof accepted: order %(code)s is paid.") % {"code": order.code})
        else:
            messages.warning(
                request,
                _("Proof accepted; order %(code)s is %(state)s and needs attention: %(reason)s")
                % {"code": order.code, "state": order.get_state_display(), "reason": order.get_attention_display()},
            )

    @staticmethod
    def reject(request, proof, order):
        form = RejectProofForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please tell the payer why the proof is rejected."))
            return
        try:
            reject_proof(proof=proof, reason=form.cleaned_data["reason"], user=request.user)
        except (IllegalTransition, PaymentError) as error:
            messages.error(request, str(error.message))
            return
        messages.success(request, _("Proof of order %(code)s rejected; the payer is told.") % {"code": order.code})


class ProofFileView(View):
    """A proof of transfer, shown inline to staff of its conference only."""

    def get(self, request, pk):
        proof = get_object_or_404(visible(TransferProof, request.user), pk=pk)
        response = FileResponse(proof.file.open("rb"), content_type=proof.content_type, filename=proof.original_name)
        response["Cache-Control"] = "private, no-store"
        return response


class ProofReviewViewSet(ViewSet):
    name = "finance_proofs"
    url_prefix = "finance/proofs"
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Proofs to review")
    menu_item_class = FinanceMenuItem

    def get_urlpatterns(self):
        return [
            path("", ProofQueueView.as_view(), name="index"),
            path("<int:pk>/accept/", ProofReviewView.as_view(action="accept"), name="accept"),
            path("<int:pk>/reject/", ProofReviewView.as_view(action="reject"), name="reject"),
            path("<int:pk>/file/", ProofFileView.as_view(), name="file"),
        ]


# --- Invoice requests ----------------------------------------------------------------------------


class InvoiceFilterSet(WagtailFilterSet):
    state = radio_choice_filter(gettext_lazy("State"), InvoiceState.choices)
    kind = radio_choice_filter(gettext_lazy("Invoice type"), InvoiceKind.choices)
    conference = conference_filter("order__conference")

    class Meta:
        model = InvoiceRequest
        fields = []


class InvoiceIndexView(ExportColumnsMixin, ScopedIndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.is_export:
            return resources.invoices_for_export(queryset)
        return queryset.select_related("order__conference", "order__purchaser")


def invoice_state(invoice):
    state = invoice.get_state_display()
    return f"{state} · {invoice.invoice_number}" if invoice.invoice_number else state


class InvoiceActionsColumn(Column):
    """Issue a requested invoice (finance), or open the issued PDF."""

    cell_template_name = "commerce/admin/cells/invoice_actions.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        policy = policy_registry.get_by_type(InvoiceRequest)
        context["can_issue"] = instance.state == InvoiceState.REQUESTED and policy.user_has_permission_for_instance(
            parent_context["request"].user, "change", instance
        )
        return context


class IssueInvoiceView(FinanceScreen, TemplateView):
    """Attach the electronic invoice (a PDF) and its number; the payer is told."""

    template_name = "commerce/admin/issue_invoice.html"

    def dispatch(self, request, *args, **kwargs):
        queryset = visible(InvoiceRequest, request.user).select_related("order__conference", "order__purchaser")
        self.invoice = get_for_action(InvoiceRequest, request.user, kwargs["pk"], queryset=queryset)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Issue invoice")

    def get_page_subtitle(self):
        return str(self.invoice)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("finance_invoices:index"), "label": InvoiceRequest._meta.verbose_name_plural},
            {"url": "", "label": _("Issue invoice"), "sublabel": str(self.invoice)},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=IssueInvoiceForm()))

    def post(self, request, *args, **kwargs):
        form = IssueInvoiceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                issue_invoice(
                    invoice=self.invoice,
                    invoice_number=form.cleaned_data["invoice_number"],
                    file=form.cleaned_data["file"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            except IllegalTransition as error:
                messages.error(request, str(error.message))
                return redirect("finance_invoices:index")
            else:
                messages.success(request, _("Invoice issued for order %(code)s.") % {"code": self.invoice.order.code})
                return redirect("finance_invoices:index")
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return super().get_context_data(invoice=self.invoice, order=self.invoice.order, **kwargs)


class InvoiceFileView(View):
    def get(self, request, pk):
        invoice = get_object_or_404(visible(InvoiceRequest, request.user).exclude(file=""), pk=pk)
        filename = f"{invoice.order.code}-{invoice.invoice_number or 'invoice'}.pdf"
        response = FileResponse(invoice.file.open("rb"), content_type="application/pdf", filename=filename)
        response["Cache-Control"] = "private, no-store"
        return response


class InvoiceRequestViewSet(ReadOnlyViewSet):
    model = InvoiceRequest
    icon = "doc-full"
    menu_label = gettext_lazy("Invoice requests")
    url_prefix = "finance/invoices"
    name = "finance_invoices"
    index_view_class = InvoiceIndexView
    filterset_class = InvoiceFilterSet
    list_display = [
        LinkColumn("order", label=gettext_lazy("Order"), accessor="order.code", get_url=order_url),
        "title",
        "tax_number",
        "kind",
        Column("amount", label=gettext_lazy("Total"), accessor=lambda i: money(i.order.total, i.order.currency)),
        Column("state", label=gettext_lazy("State"), accessor=invoice_state, sort_key="state"),
        "requested_at",
        InvoiceActionsColumn("actions", label=gettext_lazy("Invoice"), accessor="pk"),
    ]
    search_fields = ["title", "tax_number", "order__code"]
    export_columns = resources.INVOICE_COLUMNS
    export_filename = "invoice-requests"

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/issue/", IssueInvoiceView.as_view(), name="issue"),
            path("<int:pk>/file/", InvoiceFileView.as_view(), name="file"),
        ]


# --- Summary -------------------------------------------------------------------------------------


@dataclass
class SummaryRow:
    """Money in one currency for one provider or one day: received, refunded and what remains."""

    label: object
    currency: str
    received: Decimal = Decimal("0.00")
    refunded: Decimal = Decimal("0.00")

    @property
    def net(self):
        return self.received - self.refunded


@dataclass
class ConferenceSummary:
    conference: Conference
    by_provider: list = field(default_factory=list)
    by_day: list = field(default_factory=list)
    totals: list = field(default_factory=list)
    orders_by_state: list = field(default_factory=list)


def _in_period(queryset, name, start, end):
    if start:
        queryset = queryset.filter(**{f"{name}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{name}__lt": end})
    return queryset


def _rows(received, refunded, label):
    rows = {}
    for entries, attribute in ((received, "received"), (refunded, "refunded")):
        for entry in entries:
            key = (entry["key"], entry["currency"])
            row = rows.setdefault(key, SummaryRow(label=label(entry["key"]), currency=entry["currency"]))
            setattr(row, attribute, getattr(row, attribute) + entry["total"].quantize(CENT))
    return [rows[key] for key in sorted(rows, key=lambda key: (str(key[0]), key[1]))]


def conference_summary(conference, date_from=None, date_to=None):
    """Confirmed payments and completed refunds of ``conference`` by provider and by day (in its
    time zone) over the days ``date_from`` to ``date_to`` (either may be open), and its orders
    created in that period by state."""
    tz = conference.tz
    start = datetime.combine(date_from, time.min, tzinfo=tz) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz) if date_to else None
    money_states = [PaymentState.CONFIRMED, PaymentState.REFUNDED]
    payments = Payment.objects.filter(order__conference=conference, state__in=money_states, confirmed_at__isnull=False)
    payments = _in_period(payments, "confirmed_at", start, end)
    refunds = _in_period(
        Refund.objects.filter(order__conference=conference, state=RefundState.DONE), "completed_at", start, end
    )

    def grouped(queryset, key, **annotations):
        return queryset.annotate(**annotations).values(key, "currency").annotate(total=Sum("amount")).order_by()

    def keyed(entries, key):
        return [{"key": entry[key], "currency": entry["currency"], "total": entry["total"]} for entry in entries]

    by_provider = _rows(
        keyed(grouped(payments, "provider"), "provider"),
        keyed(grouped(refunds, "payment__provider"), "payment__provider"),
        label=lambda key: Provider(key).label,
    )
    by_day = _rows(
        keyed(grouped(payments, "day", day=TruncDate("confirmed_at", tzinfo=tz)), "day"),
        keyed(grouped(refunds, "day", day=TruncDate("completed_at", tzinfo=tz)), "day"),
        label=lambda key: key,
    )
    totals = {}
    for row in by_provider:
        total = totals.setdefault(row.currency, SummaryRow(label=_("Total"), currency=row.currency))
        total.received += row.received
        total.refunded += row.refunded
    orders = _in_period(Order.objects.filter(conference=conference), "created_at", start, end)
    counts = dict(orders.values_list("state").annotate(n=Count("pk")).order_by())
    return ConferenceSummary(
        conference=conference,
        by_provider=by_provider,
        by_day=by_day,
        totals=[totals[currency] for currency in sorted(totals)],
        orders_by_state=[(state, counts.get(state.value, 0)) for state in OrderState],
    )


class SummaryView(FinanceScreen, TemplateView):
    template_name = "commerce/admin/summary.html"
    header_icon = "table"

    def get_page_title(self):
        return _("Finance summary")

    def get_context_data(self, **kwargs):
        conferences = finance_conferences(self.request).order_by("-start_date", "pk")
        form = SummaryForm(self.request.GET or None, conferences=conferences)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        if data.get("conference"):
            conferences = conferences.filter(pk=data["conference"].pk)
        summaries = [
            conference_summary(conference, data.get("date_from"), data.get("date_to")) for conference in conferences
        ]
        return super().get_context_data(form=form, summaries=summaries, **kwargs)


class SummaryViewSet(ViewSet):
    name = "finance_summary"
    url_prefix = "finance/summary"
    icon = "table"
    menu_label = gettext_lazy("Summary")
    menu_item_class = FinanceMenuItem

    def get_urlpatterns(self):
        return [path("", SummaryView.as_view(), name="index")]


# --- Payment settings ----------------------------------------------------------------------------


def settings_conferences(user):
    """Conferences whose payment settings ``user`` may change (finance staff and organizers)."""
    return conferences_for(user, *FINANCE_ROLES)


def ordered_providers():
    order = list(Provider.values)
    return sorted(all_providers(), key=lambda provider: order.index(provider.key) if provider.key in order else 99)


class PaymentSettingsIndexView(FinanceScreen, TemplateView):
    template_name = "commerce/admin/payment_settings_index.html"
    header_icon = "cog"

    def get_page_title(self):
        return _("Payment settings")

    def get_context_data(self, **kwargs):
        conferences = settings_conferences(self.request.user).order_by("-start_date", "pk")
        return super().get_context_data(conferences=conferences, **kwargs)


class PaymentSettingsView(FinanceScreen, TemplateView):
    """The payment settings of one conference: providers, bank account, secrets, expiry.

    Secrets are never shown: only whether each is set (here, or in the environment)."""

    template_name = "commerce/admin/payment_settings.html"
    header_icon = "cog"

    def dispatch(self, request, *args, **kwargs):
        self.conference = get_object_or_404(settings_conferences(request.user), pk=kwargs["pk"])
        policy = policy_registry.get_by_type(PaymentSettings)
        # ``conference_id``: an unsaved row given the conference would be cached on it as its settings.
        if not policy.user_has_permission_for_instance(
            request.user, "change", PaymentSettings(conference_id=self.conference.pk)
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Payment settings")

    def get_page_subtitle(self):
        return str(self.conference)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("finance_settings:index"), "label": _("Payment settings")},
            {"url": "", "label": _("Payment settings"), "sublabel": self.conference.acronym},
        ]

    def get_forms(self, payment_settings, data=None):
        forms_ = [PaymentRulesForm(data, instance=payment_settings, prefix="rules")]
        for provider in ordered_providers():
            forms_.append(provider.settings_form_class()(data, instance=payment_settings, prefix=provider.key))
        return forms_

    def get(self, request, *args, **kwargs):
        payment_settings = payment_settings_for(self.conference)
        return self.render_to_response(self.get_context_data(forms=self.get_forms(payment_settings)))

    def post(self, request, *args, **kwargs):
        payment_settings = payment_settings_for(self.conference)
        forms_ = self.get_forms(payment_settings, request.POST)
        if not all([form.is_valid() for form in forms_]):
            messages.error(request, _("The settings could not be saved: please correct the errors below."))
            return self.render_to_response(self.get_context_data(forms=forms_))
        changed = sorted({name for form in forms_ for name in form.changed_settings()})
        if changed:
            with transaction.atomic():
                # Only the edited fields: the receipt counter on the same row is never overwritten.
                payment_settings.save(update_fields=changed)
                log(
                    instance=payment_settings,
                    action="flock.payment_settings.change",
                    user=request.user,
                    data={"fields": changed},
                )
        messages.success(request, _("Payment settings of %(conference)s saved.") % {"conference": self.conference})
        return redirect("finance_settings:edit", self.conference.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(conference=self.conference, **kwargs)


class PaymentSettingsViewSet(ViewSet):
    name = "finance_settings"
    url_prefix = "finance/settings"
    icon = "cog"
    menu_label = gettext_lazy("Payment settings")
    menu_item_class = FinanceMenuItem

    def get_urlpatterns(self):
        return [
            path("", PaymentSettingsIndexView.as_view(), name="index"),
            path("<int:pk>/", PaymentSettingsView.as_view(), name="edit"),
        ]


class FinanceViewSetGroup(ViewSetGroup):
    menu_label = pgettext_lazy("admin menu", "Finance")
    menu_icon = "form"
    menu_order = 200
    items = (
        OrderViewSet,
        PaymentViewSet,
        ProofReviewViewSet,
        InvoiceRequestViewSet,
        SummaryViewSet,
        PaymentSettingsViewSet,
    )
