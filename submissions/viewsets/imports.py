"""Importing invited abstracts (``cms.admin_import`` pattern): choose the conference, upload, see
every row entered in a transaction that is rolled back, confirm."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.admin_import import ConferenceImportView
from cms.permissions import conferences_for
from submissions.models import MAX_AUTHORS, Topic
from submissions.permissions import SUBMISSION_STAFF
from submissions.resources import AUTHOR_PARTS, IMPORT_COLUMNS, InvitedImportResource


def _conferences(user):
    return conferences_for(user, *SUBMISSION_STAFF).order_by("-start_date", "pk")


class ImportChooseView(WagtailAdminTemplateMixin, TemplateView):
    """Straight to the import of the user's one conference, else a list to choose from."""

    template_name = "submissions/admin/choose_conference.html"
    permission_policy = None
    header_icon = "upload"

    def get_page_title(self):
        return _("Import invited abstracts")

    def get(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "import"):
            raise PermissionDenied
        conferences = list(_conferences(request.user))
        if len(conferences) == 1:
            return redirect("submissions_admin:import_into", conference_pk=conferences[0].pk)
        return self.render_to_response(self.get_context_data(conferences=conferences))


class InvitedImportView(ConferenceImportView):
    """Upload → preview (every row entered in a transaction that is rolled back) → confirm."""

    template_name = "submissions/admin/import.html"
    resource_class = InvitedImportResource
    index_url_name = "submissions_admin:index"

    conference_roles = SUBMISSION_STAFF

    def get_page_title(self):
        return _("Import invited abstracts")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Submissions")},
            {"url": "", "label": _("Import")},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            conference=self.conference,
            columns=IMPORT_COLUMNS,
            author_columns=[f"author1_{part}" for part in AUTHOR_PARTS],
            max_authors=MAX_AUTHORS,
            topics=Topic.objects.filter(conference=self.conference, active=True),
            **kwargs,
        )


def urlpatterns(permission_policy):
    return [
        path("import/", ImportChooseView.as_view(permission_policy=permission_policy), name="import"),
        path(
            "import/<int:conference_pk>/",
            InvitedImportView.as_view(permission_policy=permission_policy),
            name="import_into",
        ),
    ]
