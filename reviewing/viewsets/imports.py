"""Importing assignments from XLSX or CSV (the shape of ``cms.admin_import``): upload, a preview
of every row with its errors, confirm. Confirming assigns the rows the preview showed as valid,
through ``assign`` in one transaction; if one of them fails meanwhile nothing is assigned and the
preview is shown again with the reason. Rows with errors are left out; nothing is assigned before
the chair confirms (the conflicts of interest the data shows are detected for the preview)."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.admin_import import ImportUploadForm, read_dataset
from cms.exceptions import FlockError
from reviewing.enums import AssignmentMethod
from reviewing.permissions import chaired_conference
from reviewing.resources import IMPORT_COLUMNS, ImportRow, MissingColumns, check_rows
from reviewing.selectors import conflicted_submission_ids
from reviewing.services.assignments import assign
from reviewing.services.conflicts import detect_conflicts


class AssignmentImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "reviewing/chair/transfer/import.html"
    form_class = ImportUploadForm
    header_icon = "upload"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        self.conference = chaired_conference(request, kwargs["conference"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Import assignments")

    def get_page_subtitle(self):
        return self.conference.acronym

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(conference=self.conference, columns=IMPORT_COLUMNS, **kwargs)

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm(request.POST.get("token", ""))
        return super().post(request, *args, **kwargs)

    def check(self, dataset):
        # Detected first, so that the preview marks every conflict the data shows (``assign``
        # would refuse it, and the whole file with it, only when confirming).
        detect_conflicts(conference=self.conference)
        return check_rows(
            dataset, conference=self.conference, hidden=conflicted_submission_ids(self.request.user, self.conference)
        )

    def form_valid(self, form):
        try:
            rows = self.check(form.dataset)
        except MissingColumns as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        return self.preview(form.raw, rows)

    def preview(self, raw, rows, status=200):
        """The rows and, when some would be assigned, a token to confirm them (kept with the file
        and the rows it covers in the session)."""
        planned = [row.number for row in rows if row.status == ImportRow.NEW]
        token = ""
        if planned:
            token = uuid.uuid4().hex
            default_storage.save(self.stored_name(token), ContentFile(raw))
            self.request.session[f"review-import-{token}"] = {
                "user": self.request.user.pk,
                "conference": self.conference.pk,
                "rows": planned,
            }
        counts = {status: sum(row.status == status for row in rows) for status in ("new", "existing", "error")}
        context = self.get_context_data(form=self.get_form_class()(), rows=rows, counts=counts, token=token)
        return self.render_to_response(context, status=status)

    def confirm(self, token):
        kept = self.request.session.pop(f"review-import-{token}", None) if token.isalnum() else None
        expected = {"user": self.request.user.pk, "conference": self.conference.pk}
        name = self.stored_name(token) if kept else ""
        if not kept or {k: kept.get(k) for k in expected} != expected or not default_storage.exists(name):
            messages.error(self.request, _("This preview has expired. Please upload the file again."))
            return redirect(self.request.path)
        with default_storage.open(name) as stored:
            raw = stored.read()
        default_storage.delete(name)
        rows = self.check(read_dataset(raw))
        chosen = [row for row in rows if row.number in set(kept["rows"])]
        if any(row.status == ImportRow.ERROR for row in chosen):
            messages.error(self.request, _("Nothing was assigned: some rows changed since the preview (see below)."))
            return self.preview(raw, rows, status=409)
        try:
            made = self.assign(chosen)
        except FlockError as error:
            messages.error(self.request, _("Nothing was assigned: %(reason)s") % {"reason": str(error.message)})
            return self.preview(raw, self.check(read_dataset(raw)), status=409)
        messages.success(
            self.request,
            ngettext("%(count)d assignment was made.", "%(count)d assignments were made.", made) % {"count": made},
        )
        return redirect(reverse("review_transfer:import", args=[self.conference.pk]))

    def assign(self, rows):
        made = 0
        with transaction.atomic():
            for row in rows:
                if row.status != ImportRow.NEW:
                    continue
                assign(
                    submission=row.submission,
                    reviewer=row.reviewer,
                    by=self.request.user,
                    method=AssignmentMethod.IMPORT,
                    due_at=row.due_at,
                )
                made += 1
        return made

    @staticmethod
    def stored_name(token):
        return f"imports/review-{token}.bin"
