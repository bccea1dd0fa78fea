"""Invoice requests: listing, export for the finance office, issuing the electronic invoice."""

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.permissions import policy_registry

from cms.admin_scoping import ScopedIndexView
from commerce import resources
from commerce.admin_forms import IssueInvoiceForm
from commerce.enums import (
    InvoiceKind,
    InvoiceState,
)
from commerce.exceptions import IllegalTransition
from commerce.models import (
    InvoiceRequest,
)
from commerce.services.invoices import issue_invoice
from commerce.templatetags.money import money
from commerce.viewsets.common import (
    ExportColumnsMixin,
    FinanceScreen,
    LinkColumn,
    ReadOnlyViewSet,
    conference_filter,
    get_for_action,
    order_url,
    radio_choice_filter,
    visible,
)


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
