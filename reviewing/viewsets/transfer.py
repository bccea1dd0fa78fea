"""Review data out of and into the admin, for the conference's chairs only (404 for anyone else):
assignments, reviews and scores as XLSX (``?group=`` narrows to one reviewer group's
submissions), and the import of assignments (``imports``). A chair who is also a reviewer never
gets the rows of a submission they are in conflict with."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils.translation import gettext as _
from django.views import View
from wagtail import hooks

from reviewing.models import ReviewerGroup
from reviewing.permissions import chaired_conference
from reviewing.resources import IMPORT_COLUMNS, SHEETS, XLSX_TYPE, workbook
from reviewing.selectors import conflicted_submission_ids
from reviewing.viewsets.imports import AssignmentImportView


def xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class ExportView(View):
    """``<kind>.xlsx``: one sheet of assignments, reviews or scores of the conference."""

    def get(self, request, conference, kind):
        conference = chaired_conference(request, conference)
        if kind not in SHEETS:
            raise Http404
        group = None
        if request.GET.get("group"):
            if not (request.GET["group"].isascii() and request.GET["group"].isdigit()):
                raise Http404
            group = get_object_or_404(ReviewerGroup, conference=conference, pk=request.GET["group"])
        title, build = SHEETS[kind]
        headings, rows = build(conference, hidden=conflicted_submission_ids(request.user, conference), group=group)
        suffix = f"-group{group.pk}" if group else ""
        return xlsx_response(workbook(str(title), headings, rows), f"{conference.slug}-{kind}{suffix}.xlsx")


class ImportTemplateView(View):
    """An empty assignment file: the header row only."""

    def get(self, request, conference):
        conference = chaired_conference(request, conference)
        content = workbook(_("Assignments"), IMPORT_COLUMNS, [])
        return xlsx_response(content, f"{conference.slug}-assignments-import.xlsx")


urlpatterns = [
    path("<int:conference>/import/", AssignmentImportView.as_view(), name="import"),
    path("<int:conference>/import/template.xlsx", ImportTemplateView.as_view(), name="import_template"),
    path("<int:conference>/<slug:kind>.xlsx", ExportView.as_view(), name="export"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("reviewing/transfer/", include((urlpatterns, "review_transfer"), namespace="review_transfer"))]
