"""Importing a list from XLSX or CSV in the Wagtail admin: upload, preview (a dry run), confirm.

Every list that can be imported follows this pattern: a django-import-export ``Resource`` that
checks each row (scope included), and an ``ImportView`` wired into the list's viewset with a
header button. The preview shows every row with its errors; nothing is written until the person
confirms a file without errors, and then the whole file is written in one transaction.
"""

import uuid

import tablib
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.enums import Role
from cms.permissions import conferences_for

MAX_IMPORT_BYTES = 5 * 1024 * 1024
IMPORT_TYPE_LABELS = {
    "new": gettext_lazy("New"),
    "update": gettext_lazy("Update"),
    "skip": gettext_lazy("Unchanged"),
    "delete": gettext_lazy("Delete"),
    "error": gettext_lazy("Error"),
    "invalid": gettext_lazy("Invalid"),
}
XLSX_MAGIC = b"PK\x03\x04"


class ImportFileError(Exception):
    pass


def read_dataset(raw):
    """Parse uploaded bytes as XLSX (by content) or UTF-8 CSV into a ``tablib.Dataset``."""
    if not raw:
        raise ImportFileError(_("The file is empty."))
    try:
        if raw.startswith(XLSX_MAGIC):
            return tablib.Dataset().load(raw, format="xlsx")
        return tablib.Dataset().load(raw.decode("utf-8-sig"), format="csv")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The file is neither an Excel workbook nor a UTF-8 CSV file.")) from exc
    except Exception as exc:  # noqa: BLE001 - tablib raises many kinds for a broken file
        raise ImportFileError(_("The file could not be read as a spreadsheet.")) from exc


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"), help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file, up to 5 MB.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        raw = upload.read()
        try:
            self.dataset = read_dataset(raw)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.raw = raw
        return upload


class ImportView(WagtailAdminTemplateMixin, FormView):
    """Upload → preview → confirm. Subclasses set ``resource_class``; the policy must grant "import"."""

    template_name = "cms/admin/import.html"
    form_class = ImportUploadForm
    resource_class = None
    permission_policy = None
    index_url_name = None
    header_icon = "upload"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "import"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Import %(things)s") % {"things": self.permission_policy.model._meta.verbose_name_plural}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.permission_policy.model._meta.verbose_name_plural},
            {"url": "", "label": _("Import")},
        ]

    def get_resource(self):
        return self.resource_class(user=self.request.user)

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm(request.POST.get("token", ""))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        result = self.run(form.dataset, dry_run=True)
        token = ""
        if not result.has_errors() and not result.has_validation_errors():
            token = uuid.uuid4().hex
            default_storage.save(self.stored_name(token), ContentFile(form.raw))
            self.request.session[f"import-{token}"] = self.request.user.pk
        return self.render_to_response(self.get_context_data(form=form, result=result, token=token))

    def confirm(self, token):
        owner = self.request.session.pop(f"import-{token}", None) if token.isalnum() else None
        if owner != self.request.user.pk or not default_storage.exists(self.stored_name(token)):
            messages.error(self.request, _("This preview has expired. Please upload the file again."))
            return redirect(self.request.path)
        with default_storage.open(self.stored_name(token)) as stored:
            dataset = read_dataset(stored.read())
        default_storage.delete(self.stored_name(token))
        result = self.run(dataset, dry_run=False)
        if result.has_errors() or result.has_validation_errors():
            messages.error(self.request, _("Nothing was imported: the file has errors."))
            return self.render_to_response(self.get_context_data(form=self.get_form_class()(), result=result))
        totals = result.totals
        messages.success(
            self.request,
            _("Imported: %(new)d new, %(update)d updated, %(skip)d unchanged.")
            % {"new": totals["new"], "update": totals["update"], "skip": totals["skip"]},
        )
        return redirect(self.index_url_name)

    def run(self, dataset, *, dry_run):
        with transaction.atomic():
            result = self._import(dataset, dry_run=dry_run)
        for row in result.rows:
            row.label = IMPORT_TYPE_LABELS.get(row.import_type, row.import_type)
        return result

    def _import(self, dataset, *, dry_run):
        return self.get_resource().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            collect_failed_rows=True,
            rollback_on_validation_errors=True,
        )

    @staticmethod
    def stored_name(token):
        return f"imports/{token}.bin"


class ConferenceImportView(ImportView):
    """An import into one conference (``conference_pk`` in the address) among those where the
    user holds one of ``conference_roles``; another conference's number answers 404 and the
    preview's token is valid for that conference only. The resource is made with ``user`` and
    ``conference``."""

    conference_roles = (Role.ORGANIZER,)

    def conferences(self, user):
        return conferences_for(user, *self.conference_roles)

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "import"):
            raise PermissionDenied
        self.conference = get_object_or_404(self.conferences(request.user), pk=kwargs["conference_pk"])
        return super().dispatch(request, *args, **kwargs)

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
