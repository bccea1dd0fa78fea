"""Shared pieces of the finance screens: access, URLs, columns and filters."""

from collections import OrderedDict
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry

from cms.admin_scoping import ScopedModelViewSet
from cms.enums import Role
from cms.models import Conference
from cms.permissions import conference_ids_for, conferences_for
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
