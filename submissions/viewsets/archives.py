"""The zip of submission files in the admin: a page that says what will be zipped (the listing's
filters carried over) and asks for it, a progress page that polls the task, and the download."""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.permissions import conferences_for
from submissions.models import ArchiveState, SubmissionArchive
from submissions.permissions import SUBMISSION_STAFF
from submissions.services.archives import request_archive


class ArchiveScreen(WagtailAdminTemplateMixin, TemplateView):
    permission_policy = None
    header_icon = "download"
    _show_breadcrumbs = True

    def get_page_title(self):
        return _("Download files (zip)")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("submissions_admin:index"), "label": _("Submissions")},
            {"url": "", "label": self.get_page_title()},
        ]

    def visible(self):
        return self.permission_policy.instances_user_has_any_permission_for(self.request.user, ["view", "change"])


class NewArchiveView(ArchiveScreen):
    """What the listing shows (its filters and search), zipped: one conference at a time."""

    template_name = "submissions/admin/archive_new.html"

    def filtered(self):
        from submissions.viewsets.submissions import SubmissionFilterSet, SubmissionIndexView

        queryset = self.visible()
        filters = SubmissionFilterSet(self.request.GET, queryset=queryset, request=self.request)
        queryset = filters.qs if filters.is_valid() else queryset
        searcher = SubmissionIndexView()
        searcher.setup(self.request)
        searcher.search_query = self.request.GET.get("q", "").strip()
        searcher.is_searching = bool(searcher.search_query)
        return searcher.search_queryset(queryset)

    def conferences(self, queryset):
        ids = queryset.order_by().values_list("conference", flat=True).distinct()
        return conferences_for(self.request.user, *SUBMISSION_STAFF).filter(pk__in=ids)

    def get_context_data(self, **kwargs):
        queryset = self.filtered()
        conferences = list(self.conferences(queryset))
        return super().get_context_data(
            count=queryset.count(),
            conferences=conferences,
            query=self.request.GET.urlencode(),
            recent=SubmissionArchive.objects.filter(conference__in=[c.pk for c in conferences])[:5],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        queryset = self.filtered()
        conferences = list(self.conferences(queryset))
        chosen = next((c for c in conferences if str(c.pk) == request.POST.get("conference")), None)
        if chosen is None:
            if len(conferences) != 1:
                return self.get(request, *args, **kwargs)
            chosen = conferences[0]
        archive = request_archive(conference=chosen, user=request.user, submissions=queryset)
        return redirect("submissions_admin:archive", archive.pk)


def _archive(view, pk):
    conferences = conferences_for(view.request.user, *SUBMISSION_STAFF)
    return get_object_or_404(SubmissionArchive.objects.select_related("conference"), pk=pk, conference__in=conferences)


class ArchiveView(ArchiveScreen):
    template_name = "submissions/admin/archive.html"

    def get_context_data(self, **kwargs):
        archive = _archive(self, kwargs["pk"])
        return super().get_context_data(
            archive=archive,
            status_url=reverse("submissions_admin:archive_status", args=[archive.pk]),
            download_url=reverse("submissions_admin:archive_download", args=[archive.pk]),
            **kwargs,
        )


class ArchiveStatusView(ArchiveScreen):
    def get(self, request, pk):
        archive = _archive(self, pk)
        return JsonResponse(
            {
                "state": archive.state,
                "label": str(archive.get_state_display()),
                "done": archive.done,
                "total": archive.total,
                "percent": archive.percent,
                "files": archive.file_count,
                "error": archive.error,
            }
        )


class ArchiveDownloadView(ArchiveScreen):
    def get(self, request, pk):
        archive = _archive(self, pk)
        if archive.state != ArchiveState.READY or not archive.file:
            raise Http404
        name = archive.download_name()
        response = FileResponse(
            archive.file.open("rb"), as_attachment=True, filename=name, content_type="application/zip"
        )
        response["Cache-Control"] = "private, no-store"
        return response


def urlpatterns(permission_policy):
    kwargs = {"permission_policy": permission_policy}
    return [
        path("archive/", NewArchiveView.as_view(**kwargs), name="archive_new"),
        path("archive/<int:pk>/", ArchiveView.as_view(**kwargs), name="archive"),
        path("archive/<int:pk>/status/", ArchiveStatusView.as_view(**kwargs), name="archive_status"),
        path("archive/<int:pk>/download/", ArchiveDownloadView.as_view(**kwargs), name="archive_download"),
    ]
