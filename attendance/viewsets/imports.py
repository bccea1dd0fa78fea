"""Importing registrations from a spreadsheet (``cms.admin_import`` pattern): choose the conference,
upload, see every row registered in a transaction that is rolled back, confirm."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages

from attendance import resources
from attendance.models import Question, RegistrationType
from attendance.resources import RegistrationImportResource
from attendance.viewsets.common import ChooseConferenceView, organized_conferences
from cms.admin_import import ImportView


class ImportChooseView(ChooseConferenceView):
    url_name = "registrations:import_into"
    title = gettext_lazy("Import registrations")
    header_icon = "upload"


class RegistrationImportView(ImportView):
    """Upload → preview (every row registered in a transaction that is rolled back) → confirm."""

    template_name = "attendance/admin/import.html"
    resource_class = RegistrationImportResource
    index_url_name = "registrations:index"

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "import"):
            raise PermissionDenied
        self.conference = get_object_or_404(organized_conferences(request.user), pk=kwargs["conference_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Import registrations")

    def get_page_subtitle(self):
        return self.conference.acronym

    def get_resource(self):
        return self.resource_class(user=self.request.user, conference=self.conference)

    def form_valid(self, form):
        response = super().form_valid(form)
        token = response.context_data.get("token")
        if token:
            self.request.session[f"import-{token}-conference"] = self.conference.pk
        return response

    def confirm(self, token):
        if self.request.session.pop(f"import-{token}-conference", None) != self.conference.pk:
            messages.error(self.request, _("This preview has expired. Please upload the file again."))
            return redirect(self.request.path)
        return super().confirm(token)

    def get_context_data(self, **kwargs):
        questions = Question.objects.filter(conference=self.conference, active=True).order_by("sort_order", "id")
        types = RegistrationType.objects.filter(conference=self.conference).order_by("sort_order", "id")
        return super().get_context_data(
            conference=self.conference,
            columns=resources.KNOWN_COLUMNS,
            questions=questions,
            types=types,
            **kwargs,
        )
