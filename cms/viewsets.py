"""Wagtail admin for the core records: conferences, roles and the email log."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import Button, HeaderButton

from cms.admin_import import ImportView
from cms.admin_scoping import ScopedDeleteView, ScopedEditView, ScopedIndexView, ScopedModelViewSet
from cms.enums import CONFERENCE_TRANSITIONS, ConferenceStatus, Role
from cms.exceptions import IllegalTransition
from cms.forms import EmailTemplateForm
from cms.models import Conference, ConferenceRole, EmailLog, EmailTemplate
from cms.resources import ConferenceRoleResource
from cms.services.conferences import create_conference, revoke_role, set_conference_status

ALL_ROLES = tuple(Role.values)
STATUS_ACTIONS = {
    ConferenceStatus.PUBLISHED: gettext_lazy("Publish"),
    ConferenceStatus.DRAFT: gettext_lazy("Back to draft"),
    ConferenceStatus.ARCHIVED: gettext_lazy("Archive"),
}


class ConferenceCreateView(generic.CreateView):
    def save_instance(self):
        return create_conference(conference=self.form.save(commit=False), created_by=self.request.user)


class ConferenceEditView(ScopedEditView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        layouts_url = reverse("conferences:layouts", args=[self.object.pk])
        buttons.append(Button(_("Preview layouts"), url=layouts_url, icon_name="view", priority=4))
        for status in CONFERENCE_TRANSITIONS[ConferenceStatus(self.object.status)]:
            url = reverse("conferences:status", args=[self.object.pk, status])
            buttons.append(Button(STATUS_ACTIONS[status], url=url, icon_name="success", priority=5))
        return buttons


class ConferenceScreenMixin(WagtailAdminTemplateMixin):
    """An admin screen about one conference the user may change; any other answers 404."""

    permission_policy = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.conference = get_object_or_404(Conference, pk=kwargs["pk"])
        if not self.permission_policy.user_has_permission_for_instance(request.user, "change", self.conference):
            raise Http404


class ConferenceStatusView(ConferenceScreenMixin, TemplateView):
    """Confirm, then apply, one change of a conference's status."""

    template_name = "cms/admin/conference_status.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if kwargs["status"] not in ConferenceStatus.values:
            raise Http404
        self.status = ConferenceStatus(kwargs["status"])

    def get_page_title(self):
        return f"{STATUS_ACTIONS[self.status]}: {self.conference}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(conference=self.conference, action=STATUS_ACTIONS[self.status], **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            set_conference_status(conference=self.conference, status=self.status, user=request.user)
        except IllegalTransition as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("%(conference)s is now %(status)s.") % {"conference": self.conference, "status": self.status.label},
            )
        return redirect("conferences:edit", self.conference.pk)


class ConferenceLayoutsView(ConferenceScreenMixin, TemplateView):
    """Every layout and colour style, each a link that previews the conference's site with it."""

    template_name = "cms/admin/conference_layouts.html"

    def get_page_title(self):
        return _("Preview layouts: %(conference)s") % {"conference": self.conference}

    def get_context_data(self, **kwargs):
        field = Conference._meta
        return super().get_context_data(
            conference=self.conference,
            layouts=field.get_field("theme").choices,
            colours=field.get_field("colour_style").choices,
            site_url=f"/{self.request.LANGUAGE_CODE}/{self.conference.slug}/",
            **kwargs,
        )


class ConferenceViewSet(ScopedModelViewSet):
    model = Conference
    icon = "site"
    menu_label = gettext_lazy("Conferences")
    menu_order = 100
    url_prefix = "conferences"
    name = "conferences"
    add_view_class = ConferenceCreateView
    edit_view_class = ConferenceEditView
    list_display = ["acronym", "__str__", "start_date", "city_zh", "status"]
    list_filter = ["status"]
    search_fields = ["slug", "acronym", "name_zh", "name_en"]
    list_export = [
        "slug",
        "acronym",
        "name_zh",
        "name_en",
        "start_date",
        "end_date",
        "city_zh",
        "city_en",
        "venue_zh",
        "venue_en",
        "currency",
        "status",
    ]
    export_filename = "conferences"
    inspect_view_enabled = True
    form_fields = [
        "slug",
        "acronym",
        "name_zh",
        "name_en",
        "start_date",
        "end_date",
        "venue_zh",
        "venue_en",
        "city_zh",
        "city_en",
        "time_zone",
        "currency",
        "second_currency",
        "default_language",
        "registration_open",
        "submissions_open",
        "hotels_enabled",
        "tours_enabled",
        "messages_enabled",
        "forum_enabled",
        "contact_email",
        "mail_from_name",
        "mail_from_email",
        "theme",
        "colour_style",
    ]

    def get_urlpatterns(self):
        status_view = ConferenceStatusView.as_view(permission_policy=self.permission_policy)
        layouts_view = ConferenceLayoutsView.as_view(permission_policy=self.permission_policy)
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/status/<str:status>/", status_view, name="status"),
            path("<int:pk>/layouts/", layouts_view, name="layouts"),
        ]


class RoleIndexView(ScopedIndexView):
    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(_("Import"), url=reverse("conference_roles:import"), icon_name="upload"),
        ]


class RoleDeleteView(ScopedDeleteView):
    def delete_action(self):
        revoke_role(conference_role=self.object, revoked_by=self.request.user)


class RoleImportView(ImportView):
    resource_class = ConferenceRoleResource
    index_url_name = "conference_roles:index"


class ConferenceRoleViewSet(ScopedModelViewSet):
    model = ConferenceRole
    icon = "group"
    menu_label = gettext_lazy("Roles")
    url_prefix = "conference-roles"
    name = "conference_roles"
    index_view_class = RoleIndexView
    delete_view_class = RoleDeleteView
    exclude_form_fields = []
    list_display = ["user", "conference", "role", "created_at"]
    list_filter = ["role", "conference"]
    search_fields = ["user__email", "user__name_zh", "user__first_name", "user__last_name"]
    list_export = ["conference.slug", "user.email", "user.name_zh", "user.first_name", "user.last_name", "role"]
    export_headings = {
        "conference.slug": "conference",
        "user.email": "email",
        "user.name_zh": "name_zh",
        "user.first_name": "first_name",
        "user.last_name": "last_name",
    }
    export_filename = "roles"

    def get_urlpatterns(self):
        import_view = RoleImportView.as_view(permission_policy=self.permission_policy)
        return [*super().get_urlpatterns(), path("import/", import_view, name="import")]


class EmailLogViewSet(ScopedModelViewSet):
    model = EmailLog
    icon = "mail"
    menu_label = gettext_lazy("Email log")
    url_prefix = "email-log"
    name = "email_log"
    exclude_form_fields = []
    inspect_view_enabled = True
    list_display = ["recipient", "subject", "template_key", "language", "status", "created_at", "sent_at"]
    list_filter = ["status", "template_key", "language", "conference"]
    search_fields = ["recipient", "subject"]
    list_export = [
        "created_at",
        "conference.slug",
        "recipient",
        "template_key",
        "language",
        "subject",
        "status",
        "error",
        "sent_at",
    ]
    export_filename = "email-log"
    inspect_view_fields = [
        "conference",
        "recipient",
        "from_email",
        "reply_to",
        "template_key",
        "language",
        "subject",
        "body_text",
        "status",
        "error",
        "attempts",
        "created_at",
        "sent_at",
    ]


class EmailTemplateViewSet(ScopedModelViewSet):
    model = EmailTemplate
    icon = "doc-full"
    menu_label = gettext_lazy("Email templates")
    url_prefix = "email-templates"
    name = "email_templates"
    list_display = ["conference", "key", "updated_at"]
    list_filter = ["conference"]

    def get_form_class(self, for_update=False):
        return EmailTemplateForm


class FlockViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Conferences")
    menu_icon = "site"
    menu_order = 100
    items = (ConferenceViewSet, ConferenceRoleViewSet, EmailLogViewSet, EmailTemplateViewSet)
