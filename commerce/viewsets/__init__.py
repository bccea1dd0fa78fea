"""The finance admin: orders, payments, proofs to review, invoice requests, a summary and the
payment settings of each conference, grouped in the "Finance" menu.

Every screen is narrowed to the conferences where the user is finance staff or an organizer
(platform administrators see all); another conference's row answers 404, as if it did not exist.
Finance staff act, organizers look (``commerce.policies``). Orders, payments and refunds are never
created, edited or deleted here: each action is a POST that calls one service function.
"""

from django.utils.translation import pgettext_lazy
from wagtail.admin.viewsets.base import ViewSetGroup

from commerce.viewsets.invoices import InvoiceRequestViewSet
from commerce.viewsets.orders import OrderViewSet
from commerce.viewsets.payments import PaymentViewSet
from commerce.viewsets.proofs import ProofReviewViewSet
from commerce.viewsets.settings import PaymentSettingsViewSet
from commerce.viewsets.summary import SummaryViewSet


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
