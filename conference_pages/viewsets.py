"""Wagtail admin for the website app: static exports of a conference's site."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column

from cms.admin_scoping import ScopedIndexView, ScopedModelViewSet
from cms.models import Conference
from cms.permissions import conferences_for
from conference_pages.exporting import request_export
from conference_pages.models import ExportStatus, SiteExport

EXPORT_ROLES = ("organizer", "editor")


class ExportIndexView(ScopedIndexView):
    """The exports, newest first, refreshing itself while one is still running."""

    template_name = "conference_pages/admin/exports_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conferences"] = conferences_for(self.request.user, *EXPORT_ROLES)
        context["running"] = any(
            row.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for row in context["object_list"]
        )
        return context


class StartExportView(View):
    """POST: queue an export of one conference the user organizes or edits."""

    permission_policy = None

    def post(self, request):
        conference_id = request.POST.get("conference", "")
        if not conference_id.isdigit():
            raise Http404
        conference = get_object_or_404(Conference, pk=conference_id)
        if not conferences_for(request.user, *EXPORT_ROLES).filter(pk=conference.pk).exists():
            raise Http404
        request_export(conference=conference, user=request.user)
        messages.success(request, _("The export of %(conference)s has started.") % {"conference": conference})
        return redirect("site_exports:index")


class DownloadExportView(View):
    permission_policy = None

    def get(self, request, pk):
        export = get_object_or_404(SiteExport, pk=pk, status=ExportStatus.DONE)
        if not self.permission_policy.user_has_permission_for_instance(request.user, "view", export):
            raise Http404
        return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])


class ProgressColumn(Column):
    def get_value(self, instance):
        if instance.status == ExportStatus.DONE:
            return _("%(pages)s pages") % {"pages": instance.pages_total}
        if instance.status == ExportStatus.FAILED:
            return instance.error
        return f"{instance.progress_percent} % ({instance.pages_done}/{instance.pages_total or '?'})"


class DownloadColumn(Column):
    cell_template_name = "conference_pages/admin/download_cell.html"


class SiteExportViewSet(ScopedModelViewSet):
    model = SiteExport
    icon = "download"
    menu_label = gettext_lazy("Website exports")
    url_prefix = "site-exports"
    name = "site_exports"
    index_view_class = ExportIndexView
    exclude_form_fields = []
    list_filter = ["conference", "status"]
    list_display = [
        "conference",
        "status",
        ProgressColumn("progress", label=gettext_lazy("Progress")),
        "created_at",
        DownloadColumn("download", label=gettext_lazy("Download")),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("start/", StartExportView.as_view(permission_policy=self.permission_policy), name="start"),
            path(
                "download/<int:pk>/",
                DownloadExportView.as_view(permission_policy=self.permission_policy),
                name="download",
            ),
        ]
