"""The summary of money received and refunded, by provider and by day."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.viewsets.base import ViewSet

from cms.models import Conference
from commerce.admin_forms import SummaryForm
from commerce.enums import (
    OrderState,
    PaymentState,
    Provider,
    RefundState,
)
from commerce.models import (
    Order,
    Payment,
    Refund,
)
from commerce.viewsets.common import CENT, FinanceMenuItem, FinanceScreen, finance_conferences


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
