"""Importing registrations from a spreadsheet (``cms.admin_import`` pattern): choose the conference,
upload, see every row registered in a transaction that is rolled back, confirm."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance import resources
from attendance.models import Question, RegistrationType
from attendance.permissions import REGISTRATION_STAFF
from attendance.resources import RegistrationImportResource
from attendance.viewsets.common import ChooseConferenceView
from cms.admin_import import ConferenceImportView


class ImportChooseView(ChooseConferenceView):
    url_name = "registrations:import_into"
    title = gettext_lazy("Import registrations")
    header_icon = "upload"


class RegistrationImportView(ConferenceImportView):
    """Upload → preview (every row registered in a transaction that is rolled back) → confirm."""

    template_name = "attendance/admin/import.html"
    resource_class = RegistrationImportResource
    index_url_name = "registrations:index"

    conference_roles = REGISTRATION_STAFF

    def get_page_title(self):
        return _("Import registrations")

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
