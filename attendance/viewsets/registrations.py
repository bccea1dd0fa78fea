"""Registrations: the listing with filters and search, its export with every answer as a column,
the registration's screen (details, answers, files, orders, history), and the viewset that adds
the actions (``actions``), the staff-only files and the import (``imports``)."""

import django_filters
from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_countries import countries
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import registry as log_registry
from wagtail.permissions import policy_registry

from attendance import resources
from attendance.enums import RegistrationState
from attendance.models import Answer, Registration, RegistrationType
from attendance.permissions import may_manage_registrations
from attendance.resources import FREE, PAID, PAYMENT_LABELS, UNPAID, payment_status
from attendance.viewsets.actions import ACTION_VIEWS, RegistrationFileView, inspect_url
from attendance.viewsets.common import organized_conferences
from attendance.viewsets.imports import ImportChooseView, RegistrationImportView
from cms.admin_scoping import ScopedIndexView, ScopedInspectView
from commerce.enums import ORDER_PAID_STATES
from commerce.models import Order
from commerce.viewsets.common import ExportColumnsMixin, LinkColumn, MoneyColumn, ReadOnlyViewSet

S = RegistrationState


# --- Listing -------------------------------------------------------------------------------------


def _types(request):
    if request is None:
        return RegistrationType.objects.none()
    types = RegistrationType.objects.filter(conference__in=organized_conferences(request.user))
    return types.select_related("conference").order_by("conference", "sort_order", "id")


class RegistrationFilterSet(WagtailFilterSet):
    conference = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("admin", "Conference"),
        queryset=lambda request: organized_conferences(request.user),
    )
    registration_type = django_filters.ModelChoiceFilter(label=gettext_lazy("Registration type"), queryset=_types)
    state = django_filters.MultipleChoiceFilter(
        label=pgettext_lazy("registration", "State"), choices=S.choices, widget=forms.CheckboxSelectMultiple
    )
    country = django_filters.ChoiceFilter(label=pgettext_lazy("address", "Country"), choices=[])
    paid = django_filters.ChoiceFilter(
        label=pgettext_lazy("registration fee", "Paid"),
        choices=list(PAYMENT_LABELS.items()),
        widget=forms.RadioSelect,
        empty_label=pgettext_lazy("filter", "All"),
        method="filter_paid",
    )

    class Meta:
        model = Registration
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        several = organized_conferences(self.request.user).count() > 1
        self.filters["registration_type"].field.label_from_instance = (
            (lambda t: f"{t.conference.acronym} · {t.name}") if several else (lambda t: t.name)
        )
        codes = self.queryset.exclude(country="").order_by().values_list("country", flat=True).distinct()
        present = set(codes)
        self.filters["country"].extra["choices"] = [(code, name) for code, name in countries if code in present]

    def filter_paid(self, queryset, name, value):
        fee = queryset.filter(price__gt=0)
        if value == FREE:
            return queryset.filter(price=0)
        if value == PAID:
            return fee.filter(order__state__in=ORDER_PAID_STATES)
        if value == UNPAID:
            return fee.exclude(order__state__in=ORDER_PAID_STATES)
        return queryset


class PersonColumn(Column):
    cell_template_name = "attendance/admin/cells/person.html"

    def __init__(self, name="person", **kwargs):
        super().__init__(name, label=gettext_lazy("Name"), accessor=lambda r: r, sort_key="last_name", **kwargs)


class StateColumn(Column):
    cell_template_name = "attendance/admin/cells/state.html"

    def __init__(self, name="state", **kwargs):
        super().__init__(
            name, label=pgettext_lazy("registration", "State"), accessor="get_state_display", sort_key="state", **kwargs
        )


class RegistrationIndexView(ExportColumnsMixin, ScopedIndexView):
    """Organizers only (check-in staff, who may only add walk-ins, do not see the list)."""

    any_permission_required = ["view", "change"]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("conference", "registration_type", "order")

    @cached_property
    def add_item_label(self):
        return _("Register someone")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "import"):
            buttons.append(HeaderButton(_("Import"), url=reverse("registrations:import"), icon_name="upload"))
        return buttons

    def as_spreadsheet(self, queryset, spreadsheet_format):
        """Every registration of the filtered list with its answers, one column per question,
        headed and worded in the admin user's language."""
        self.export_language = translation.get_language()
        self.export_columns = resources.export_columns(queryset, language=self.export_language)
        self.list_export = list(self.export_columns)
        return super().as_spreadsheet(resources.registrations_for_export(queryset), spreadsheet_format)

    def to_row_dict(self, item):
        with translation.override(self.export_language):
            return super().to_row_dict(item)

    def get_heading(self, queryset, field):
        with translation.override(self.export_language):
            return super().get_heading(queryset, field)


# --- The registration's screen -------------------------------------------------------------------


def registration_orders(registration):
    """Every order made for the registration (the current one and earlier ones), oldest first."""
    return list(
        Order.objects.filter(lines__kind=Registration.ORDER_KIND, lines__object_id=str(registration.pk))
        .distinct()
        .order_by("created_at", "pk")
    )


def history_note(entry, type_names):
    """What an audit entry's data says, in a few words (prices, types, states, reason, order)."""
    data = entry.data or {}
    notes = []
    if isinstance(data.get("old"), str) and data.get("new"):
        labels = [str(S(value).label) if value in S.values else value for value in (data["old"], data["new"])]
        notes.append(" → ".join(labels))
    if isinstance(data.get("registration_type"), list):
        notes.append(" → ".join(type_names.get(pk, str(pk)) for pk in data["registration_type"]))
    if isinstance(data.get("price"), list):
        notes.append(f"{' → '.join(data['price'])} {data.get('currency', '')}".strip())
    if isinstance(data.get("order"), list):
        notes.append(_("order %(codes)s") % {"codes": " → ".join(code or "—" for code in data["order"])})
    elif isinstance(data.get("order"), str):
        notes.append(_("order %(code)s") % {"code": data["order"]})
    if data.get("reason"):
        notes.append(_("reason: %(reason)s") % {"reason": data["reason"]})
    return " · ".join(notes)


class RegistrationInspectView(ScopedInspectView):
    template_name = "attendance/admin/registration_inspect.html"

    def get_object(self, queryset=None):
        related = Registration.objects.select_related(
            "conference", "user", "registration_type", "order__invoice_request", "created_by"
        )
        registration = get_object_or_404(related, pk=self.pk)
        if not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, self.scoped_actions, registration
        ):
            raise Http404
        return registration

    def get_page_title(self):
        return _("Registration")

    def get_page_subtitle(self):
        return self.object.code

    def actions(self):
        registration = self.object
        if not may_manage_registrations(self.request.user, registration.conference):
            return []
        available = []
        for name, view in ACTION_VIEWS.items():
            if registration.state in view.states:
                available.append(
                    {"name": name, "label": view.title, "url": reverse(f"registrations:{name}", args=[registration.pk])}
                )
        return available

    def answers(self):
        answers = (
            Answer.objects.filter(registration=self.object)
            .select_related("question")
            .prefetch_related("question__choices")
            .order_by("question__sort_order", "question_id")
        )
        return [
            {
                "question": answer.question.label,
                "value": answer.display(),
                "file_url": reverse("registrations:answer_file", args=[self.object.pk, answer.pk])
                if answer.file
                else "",
            }
            for answer in answers
        ]

    def get_context_data(self, **kwargs):
        registration = self.object
        order_policy = policy_registry.get_by_type(Order)
        orders = registration_orders(registration)
        for order in orders:
            order.screen_url = (
                reverse("finance_orders:inspect", args=[order.pk])
                if order_policy.user_has_permission_for_instance(self.request.user, "view", order)
                else ""
            )
        types = RegistrationType.objects.filter(conference=registration.conference_id)
        type_names = {registration_type.pk: registration_type.name for registration_type in types}
        history = list(
            log_registry.get_logs_for_instance(registration).select_related("user").order_by("-timestamp", "-pk")
        )
        for entry in history:
            entry.note = history_note(entry, type_names)
        return super().get_context_data(
            registration=registration,
            payment=PAYMENT_LABELS[payment_status(registration)],
            invoice=getattr(registration.order, "invoice_request", None) if registration.order_id else None,
            answers=self.answers(),
            document_url=reverse("registrations:document", args=[registration.pk]) if registration.document else "",
            orders=orders,
            history=history,
            actions=self.actions(),
            venue=self.venue(),
            **kwargs,
        )

    def venue(self):
        """Hotel, tours and check-in of the registration, with links to its badge and QR code."""
        from attendance.booking_selectors import booked_summaries

        registration = self.object
        found = booked_summaries([registration.pk], registration.conference.time_zone).get(registration.pk, {})
        return {
            "hotel": found.get("hotel", ""),
            "tours": found.get("tours", []),
            "check_in": registration.check_ins.filter(undone_at__isnull=True).first(),
            "code_url": reverse("registration_codes:attendee", args=[registration.pk]),
            "badge_url": reverse("registration_print:badge", args=[registration.pk]),
        }


# --- The viewset ---------------------------------------------------------------------------------


class RegistrationViewSet(ReadOnlyViewSet):
    model = Registration
    icon = "group"
    menu_label = gettext_lazy("Registrations")
    menu_order = 100
    url_prefix = "registration/registrations"
    name = "registrations"
    index_view_class = RegistrationIndexView
    inspect_view_class = RegistrationInspectView
    inspect_view_enabled = True
    filterset_class = RegistrationFilterSet
    list_display = [
        LinkColumn("code", label=gettext_lazy("Registration code"), get_url=inspect_url, sort_key="code"),
        PersonColumn(),
        Column("conference", label=pgettext_lazy("admin", "Conference"), accessor="conference.acronym"),
        Column("registration_type", label=gettext_lazy("Registration type"), accessor="registration_type.name"),
        StateColumn(),
        MoneyColumn("price", label=pgettext_lazy("registration", "Price"), amount="price"),
        Column(
            "paid",
            label=pgettext_lazy("registration fee", "Paid"),
            accessor=lambda r: PAYMENT_LABELS[payment_status(r)],
        ),
        Column("country", label=pgettext_lazy("address", "Country"), accessor="country.name", sort_key="country"),
        "created_at",
    ]
    search_fields = ["code", "email", "name_zh", "first_name", "last_name", "affiliation"]
    export_columns = resources.BASE_COLUMNS  # and one column per question, added per export
    export_filename = "registrations"

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(add_url_name="registration_walk_ins:index", **kwargs)

    def get_urlpatterns(self):
        import_view = RegistrationImportView.as_view(permission_policy=self.permission_policy)
        return [
            *super().get_urlpatterns(),
            *[path(f"inspect/<int:pk>/{name}/", view.as_view(), name=name) for name, view in ACTION_VIEWS.items()],
            path("inspect/<int:pk>/document/", RegistrationFileView.as_view(), name="document"),
            path("inspect/<int:pk>/answers/<int:answer_pk>/file/", RegistrationFileView.as_view(), name="answer_file"),
            path("import/", ImportChooseView.as_view(), name="import"),
            path("import/<int:conference_pk>/", import_view, name="import_into"),
        ]
