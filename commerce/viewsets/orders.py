"""Orders: listing, export, the order screen and its actions (cancel, re-activate, refund)."""

import uuid

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import registry as log_registry

from cms.admin_scoping import ScopedIndexView, ScopedInspectView
from commerce import resources
from commerce.admin_forms import RefundForm
from commerce.enums import (
    ORDER_TRANSITIONS,
    Attention,
    OrderState,
    PaymentState,
    Provider,
    RefundState,
)
from commerce.exceptions import IllegalTransition, RefundError
from commerce.models import (
    InvoiceRequest,
    Order,
    OrderLine,
    Payment,
    Receipt,
    TransferProof,
)
from commerce.sellables import kind_label
from commerce.services.orders import cancel_order, reactivate_order
from commerce.services.payments import settle_attention
from commerce.services.refunds import refund_payment, refundable_amount
from commerce.templatetags.money import money
from commerce.viewsets.common import (
    AttentionColumn,
    ExportColumnsMixin,
    FinanceScreen,
    LinkColumn,
    MoneyColumn,
    PurchaserColumn,
    ReadOnlyViewSet,
    conference_filter,
    date_range_filter,
    get_for_action,
    inspect_url,
    radio_choice_filter,
    visible,
)

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
        self.filters["kind"].extra["choices"] = [(kind, kind_label(kind)) for kind in kinds]

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
            can_settle=self.can_change and bool(order.attention),
            **kwargs,
        )


class OrderActionView(View):
    """POST: cancel or re-activate one order, or clear its flag (finance only)."""

    action = None

    def post(self, request, pk):
        order = get_for_action(Order, request.user, pk)
        try:
            if self.action == "cancel":
                cancel_order(order=order, user=request.user, reason=request.POST.get("reason", "").strip())
                messages.success(request, _("Order %(code)s is cancelled.") % {"code": order.code})
            elif self.action == "settle":
                settle_attention(order=order, user=request.user, note=request.POST.get("note", "").strip())
                messages.success(request, _("Order %(code)s no longer needs attention.") % {"code": order.code})
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
            path("inspect/<int:pk>/settle/", OrderActionView.as_view(action="settle"), name="settle"),
            path("inspect/<int:pk>/refund/", RefundView.as_view(), name="refund"),
        ]


# --- Payments ------------------------------------------------------------------------------------
