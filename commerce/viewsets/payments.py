"""Payments: listing and export."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import BooleanRadioSelect

from cms.admin_scoping import ScopedIndexView
from commerce import resources
from commerce.enums import (
    PaymentState,
    Provider,
)
from commerce.models import (
    Payment,
)
from commerce.viewsets.common import (
    ExportColumnsMixin,
    LinkColumn,
    MoneyColumn,
    PurchaserColumn,
    ReadOnlyViewSet,
    conference_filter,
    date_range_filter,
    order_url,
    radio_choice_filter,
)


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
