"""Badges and letters for many attendees in the admin ("Badges and letters"): choose the
conference, then which registrations (a type, confirmed or every live one, or a list of codes);
then their badges, eight per A4 sheet (organizers and check-in staff), or a zip of their
confirmation letters (organizers). A few badges come at once; more, and every zip of letters,
are built by tasks (``attendance.services.printing``) whose progress page polls their status.
One attendee's badge is at ``badge/<pk>/``.

Every screen is narrowed to the user's conferences; another conference's registration or zip
answers 404.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet

from attendance.enums import LIVE_STATES, RegistrationState
from attendance.models import PrintBatch, PrintBatchState, PrintKind, Registration, RegistrationType
from attendance.permissions import may_manage_registrations
from attendance.selectors import normalise_code
from attendance.services.printing import request_print_batch
from attendance.services.setup import registration_settings_for
from attendance.viewsets.codes import desk_registration
from attendance.viewsets.common import (
    ChooseConferenceView,
    ConferenceScreen,
    DeskMenuItem,
    RegistrationScreen,
    desk_conferences,
    may_register_anyone,
    organized_conferences,
)

CONFIRMED, LIVE = "confirmed", "live"
BADGES_AT_ONCE = 40  # up to five sheets are made while the user waits; more by a task


class SelectionForm(forms.Form):
    registration_type = forms.ModelChoiceField(
        label=gettext_lazy("Registration type"),
        queryset=RegistrationType.objects.none(),
        required=False,
        empty_label=gettext_lazy("All types"),
    )
    which = forms.ChoiceField(
        label=gettext_lazy("Registrations"),
        choices=[
            (CONFIRMED, gettext_lazy("Confirmed only")),
            (LIVE, gettext_lazy("Also those awaiting approval or payment")),
        ],
        initial=CONFIRMED,
        widget=forms.RadioSelect,
        required=False,
    )
    codes = forms.CharField(
        label=gettext_lazy("Registration codes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Separated by spaces or lines. Leave empty for every registration chosen above."),
    )

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.fields["registration_type"].queryset = RegistrationType.objects.filter(conference=conference)

    def registrations(self):
        """The chosen registrations of the conference, in code order, with what a badge shows."""
        data = self.cleaned_data
        states = [RegistrationState.CONFIRMED] if data.get("which", CONFIRMED) != LIVE else sorted(LIVE_STATES)
        queryset = Registration.objects.filter(conference=self.conference, state__in=states)
        if data.get("registration_type"):
            queryset = queryset.filter(registration_type=data["registration_type"])
        codes = {normalise_code(code) for code in data.get("codes", "").replace(",", " ").split()}
        if codes:
            queryset = queryset.filter(code__in=codes)
        return queryset.select_related("conference", "registration_type", "order").order_by("code")


class PrintScreen(RegistrationScreen):
    header_icon = "doc-full"

    def may_use(self, user):
        return may_register_anyone(user)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("registration_print:index"), "label": _("Badges and letters")},
            {"url": "", "label": self.get_page_title()},
        ]


class PrintIndexView(ChooseConferenceView):
    url_name = "registration_print:conference"
    title = gettext_lazy("Badges and letters")
    header_icon = "doc-full"

    def may_use(self, user):
        return may_register_anyone(user)

    def conferences(self, user):
        return desk_conferences(user)


class SelectionView(PrintScreen, ConferenceScreen, TemplateView):
    """The choice of registrations, then (POST) their badges or their letters."""

    template_name = "attendance/admin/print/selection.html"

    def conferences(self, user):
        return desk_conferences(user)

    def get_page_title(self):
        return _("Badges and letters")

    def get_page_subtitle(self):
        return self.conference.acronym

    def letters_allowed(self):
        return may_manage_registrations(self.request.user, self.conference) and (
            registration_settings_for(self.conference).letters_enabled
        )

    def get(self, request, *args, **kwargs):
        form = SelectionForm(conference=self.conference, initial={"which": CONFIRMED})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        kind = request.POST.get("kind")
        if kind not in PrintKind.values or (kind == PrintKind.LETTERS and not self.letters_allowed()):
            raise PermissionDenied
        form = SelectionForm(request.POST, conference=self.conference)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        registrations = form.registrations()
        count = registrations.count()
        if not count:
            messages.warning(request, _("No registration matches this choice."))
            return self.render_to_response(self.get_context_data(form=form))
        if kind == PrintKind.BADGES and count <= BADGES_AT_ONCE:
            from attendance.badges import render_badge_sheets_pdf

            return _pdf(
                render_badge_sheets_pdf(registrations=list(registrations)), f"{self.conference.slug}-badges.pdf"
            )
        batch = request_print_batch(
            conference=self.conference, user=request.user, registrations=registrations, kind=kind
        )
        return redirect("registration_print:batch", batch.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            conference=self.conference,
            letters_allowed=self.letters_allowed(),
            kinds=PrintKind,
            recent=visible_batches(self.request.user).filter(conference=self.conference)[:5],
            **kwargs,
        )


def visible_batches(user):
    """Print jobs of the user's conferences: badges for check-in staff and organizers, letters
    for organizers only."""
    return PrintBatch.objects.select_related("conference").filter(
        Q(conference__in=organized_conferences(user)) | Q(conference__in=desk_conferences(user), kind=PrintKind.BADGES)
    )


def _pdf(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class BadgeView(PrintScreen, TemplateView):
    """One attendee's badge (any state: staff decide whom they print for)."""

    def get(self, request, pk):
        from attendance.badges import render_badge_pdf

        registration = desk_registration(request, pk)
        return _pdf(render_badge_pdf(registration=registration), f"{registration.code.replace(' ', '')}-badge.pdf")


class BatchScreen(PrintScreen, TemplateView):
    def batch(self, pk):
        return get_object_or_404(visible_batches(self.request.user), pk=pk)

    def get_page_title(self):
        return _("Badges and letters")


class BatchView(BatchScreen):
    template_name = "attendance/admin/print/batch.html"

    def get_context_data(self, **kwargs):
        batch = self.batch(kwargs["pk"])
        return super().get_context_data(
            batch=batch,
            status_url=reverse("registration_print:batch_status", args=[batch.pk]),
            download_url=reverse("registration_print:batch_download", args=[batch.pk]),
            back_url=reverse("registration_print:conference", args=[batch.conference_id]),
            **kwargs,
        )


class BatchStatusView(BatchScreen):
    def get(self, request, pk):
        batch = self.batch(pk)
        return JsonResponse(
            {
                "state": batch.state,
                "label": str(batch.get_state_display()),
                "done": batch.done,
                "total": batch.total,
                "percent": batch.percent,
                "error": batch.error,
            }
        )


class BatchDownloadView(BatchScreen):
    def get(self, request, pk):
        batch = self.batch(pk)
        if batch.state != PrintBatchState.READY or not batch.file:
            raise Http404
        response = FileResponse(
            batch.file.open("rb"), as_attachment=True, filename=batch.download_name(), content_type=batch.content_type
        )
        response["Cache-Control"] = "private, no-store"
        return response


class PrintViewSet(ViewSet):
    name = "registration_print"
    url_prefix = "registration/print"
    icon = "doc-full"
    menu_label = gettext_lazy("Badges and letters")
    menu_item_class = DeskMenuItem

    def get_urlpatterns(self):
        return [
            path("", PrintIndexView.as_view(), name="index"),
            path("<int:conference_pk>/", SelectionView.as_view(), name="conference"),
            path("badge/<int:pk>/", BadgeView.as_view(), name="badge"),
            path("jobs/<int:pk>/", BatchView.as_view(), name="batch"),
            path("jobs/<int:pk>/status/", BatchStatusView.as_view(), name="batch_status"),
            path("jobs/<int:pk>/download/", BatchDownloadView.as_view(), name="batch_download"),
        ]
