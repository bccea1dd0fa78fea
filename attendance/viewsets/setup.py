"""Setting up registration per conference: the settings (window and rules), the registration types
with their fee tiers, and the custom questions with their choices.

Types and questions are edited in Wagtail's model views (which save them with their inline rows
and write the audit entries); the settings of one conference are a screen of their own.
"""

import django_filters
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import log

from attendance.admin_forms import QuestionAdminForm, RegistrationSettingsForm, RegistrationTypeAdminForm
from attendance.enums import LIVE_STATES
from attendance.models import FeeTier, Question, RegistrationType
from attendance.services.setup import local_moment, registration_is_open, registration_settings_for
from attendance.viewsets.common import (
    ChooseConferenceView,
    ConferenceScreen,
    InUseDeleteView,
    SetUpMenuItem,
    organized_conferences,
)
from cms.admin_scoping import ScopedIndexView, ScopedModelViewSet
from commerce.templatetags.money import money


def conference_filter():
    return django_filters.ModelChoiceFilter(
        label=pgettext_lazy("admin", "Conference"),
        field_name="conference",
        queryset=lambda request: organized_conferences(request.user),
    )


def set_up_filterset(model):
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(f"{model.__name__}FilterSet", (WagtailFilterSet,), {"Meta": meta, "conference": conference_filter()})


# --- Registration types --------------------------------------------------------------------------


def fees_text(registration_type):
    """The type's fee tiers in one line: kind, price(s), last day."""
    if registration_type.is_free:
        return _("Free")
    conference = registration_type.conference
    parts = []
    for tier in registration_type.fee_tiers.all():
        prices = money(tier.price, conference.currency)
        if tier.price_second is not None and conference.second_currency:
            prices = f"{prices} / {money(tier.price_second, conference.second_currency)}"
        until = _(" until %(day)s") % {"day": tier.valid_until.isoformat()} if tier.valid_until else ""
        parts.append(f"{tier.get_kind_display()} {prices}{until}")
    return " · ".join(parts) or _("No fee set")


def places_text(registration_type):
    if registration_type.capacity is None:
        return _("%(taken)d (no limit)") % {"taken": registration_type.places_taken}
    return f"{registration_type.places_taken} / {registration_type.capacity}"


class TypeIndexView(ScopedIndexView):
    def get_base_queryset(self):
        tiers = FeeTier.objects.order_by("valid_until", "id")
        return (
            super()
            .get_base_queryset()
            .select_related("conference")
            .prefetch_related(Prefetch("fee_tiers", queryset=tiers))
            .annotate(places_taken=Count("registrations", filter=Q(registrations__state__in=LIVE_STATES)))
        )


class RegistrationTypeViewSet(ScopedModelViewSet):
    model = RegistrationType
    icon = "tag"
    menu_label = gettext_lazy("Registration types")
    url_prefix = "registration/types"
    name = "registration_types"
    index_view_class = TypeIndexView
    delete_view_class = InUseDeleteView
    filterset_class = set_up_filterset(RegistrationType)
    search_fields = ["name_zh", "name_en"]
    export_formats = []
    list_display = [
        "name_zh",
        "name_en",
        Column("conference", label=pgettext_lazy("admin", "Conference"), accessor="conference.acronym"),
        Column("fees", label=gettext_lazy("Fees"), accessor=fees_text),
        Column("places", label=gettext_lazy("Registrations / capacity"), accessor=places_text),
        BooleanColumn("requires_approval", label=gettext_lazy("Approval")),
        BooleanColumn("document_required", label=gettext_lazy("Document")),
        BooleanColumn("active", label=gettext_lazy("Offered")),
        "sort_order",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("conference"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
                    FieldPanel("description_zh"),
                    FieldPanel("description_en"),
                ],
                heading=gettext_lazy("Name and description"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order"), FieldPanel("capacity")]),
                    FieldPanel("requires_approval"),
                    FieldPanel("document_required"),
                    FieldRowPanel([FieldPanel("document_label_zh"), FieldPanel("document_label_en")]),
                    FieldPanel("is_free"),
                ],
                heading=gettext_lazy("Rules"),
            ),
            InlinePanel(
                "fee_tiers",
                heading=gettext_lazy("Fees"),
                label=gettext_lazy("Fee"),
                panels=[
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("valid_until")]),
                    FieldRowPanel([FieldPanel("price"), FieldPanel("price_second")]),
                ],
                help_text=gettext_lazy(
                    "Prices are in the conference's currency, and optionally in its second currency. An "
                    "early-bird or regular fee lasts to the end of its last day in the conference's time "
                    "zone; the on-site fee applies from the first day of the conference."
                ),
            ),
        ],
        base_form_class=RegistrationTypeAdminForm,
    )


# --- Questions -----------------------------------------------------------------------------------


def condition_text(question):
    if question.depends_on_id is None:
        return ""
    return _("if “%(question)s” is %(value)s") % {
        "question": question.depends_on.label,
        "value": question.depends_value,
    }


class QuestionIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("conference", "depends_on")


class QuestionViewSet(ScopedModelViewSet):
    model = Question
    icon = "help"
    menu_label = gettext_lazy("Questions")
    url_prefix = "registration/questions"
    name = "registration_questions"
    index_view_class = QuestionIndexView
    delete_view_class = InUseDeleteView
    filterset_class = set_up_filterset(Question)
    search_fields = ["label_zh", "label_en"]
    export_formats = []
    list_display = [
        "label_zh",
        "label_en",
        Column("conference", label=pgettext_lazy("admin", "Conference"), accessor="conference.acronym"),
        "kind",
        BooleanColumn("required", label=gettext_lazy("Required")),
        Column("condition", label=gettext_lazy("Shown"), accessor=condition_text),
        BooleanColumn("active", label=gettext_lazy("Asked")),
        "sort_order",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("conference"),
            MultiFieldPanel(
                [
                    FieldPanel("kind"),
                    FieldRowPanel([FieldPanel("label_zh"), FieldPanel("label_en")]),
                    FieldRowPanel([FieldPanel("help_zh"), FieldPanel("help_en")]),
                    FieldRowPanel([FieldPanel("required"), FieldPanel("active"), FieldPanel("sort_order")]),
                ],
                heading=gettext_lazy("Question"),
            ),
            InlinePanel(
                "choices",
                heading=gettext_lazy("Choices"),
                label=gettext_lazy("Choice"),
                panels=[FieldRowPanel([FieldPanel("value"), FieldPanel("label_zh"), FieldPanel("label_en")])],
                help_text=gettext_lazy("For single and multiple choice questions only."),
            ),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("depends_on"), FieldPanel("depends_value")])],
                heading=gettext_lazy("Show only if"),
                help_text=gettext_lazy(
                    "Ask this question only when the answer to an earlier choice question or checkbox is "
                    "a given choice's value (for a checkbox: yes or no)."
                ),
            ),
        ],
        base_form_class=QuestionAdminForm,
    )


# --- Settings ------------------------------------------------------------------------------------


class SettingsIndexView(ChooseConferenceView):
    template_name = "attendance/admin/settings_index.html"
    url_name = "registration_settings:edit"
    title = gettext_lazy("Registration settings")
    header_icon = "cog"

    def get(self, request, *args, **kwargs):
        conferences = list(self.conferences(request.user).order_by("-start_date", "pk"))
        for conference in conferences:
            conference.settings_row = registration_settings_for(conference)
            conference.is_open = registration_is_open(conference)
        return self.render_to_response(self.get_context_data(conferences=conferences))


class SettingsEditView(ConferenceScreen, TemplateView):
    """One conference's registration window (in its time zone), edit policy and lapse rule."""

    template_name = "attendance/admin/settings_edit.html"
    header_icon = "cog"

    def get_page_title(self):
        return _("Registration settings")

    def get_page_subtitle(self):
        return str(self.conference)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("registration_settings:index"), "label": _("Registration settings")},
            {"url": "", "label": self.conference.acronym},
        ]

    def get_form(self, data=None):
        return RegistrationSettingsForm(
            data, instance=registration_settings_for(self.conference), conference=self.conference
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if form.has_changed():
            with transaction.atomic():
                form.save()
                log(
                    instance=form.instance,
                    action="flock.registration_settings.change",
                    user=request.user,
                    data={"fields": sorted(form.changed_data)},
                )
        messages.success(request, _("Registration settings of %(conference)s saved.") % {"conference": self.conference})
        return redirect("registration_settings:edit", conference_pk=self.conference.pk)

    def get_context_data(self, **kwargs):
        settings_row = registration_settings_for(self.conference)
        return super().get_context_data(
            conference=self.conference,
            is_open=registration_is_open(self.conference),
            opens=local_moment(settings_row.opens_at, self.conference) if settings_row.opens_at else "",
            closes=local_moment(settings_row.closes_at, self.conference) if settings_row.closes_at else "",
            conference_url=reverse("conferences:edit", args=[self.conference.pk]),
            **kwargs,
        )


class RegistrationSettingsViewSet(ViewSet):
    name = "registration_settings"
    url_prefix = "registration/settings"
    icon = "cog"
    menu_label = gettext_lazy("Registration settings")
    menu_item_class = SetUpMenuItem

    def get_urlpatterns(self):
        return [
            path("", SettingsIndexView.as_view(), name="index"),
            path("<int:conference_pk>/", SettingsEditView.as_view(), name="edit"),
        ]
