"""A registration's QR code in the admin: the screen check-in staff reach by scanning it, and the
organizers' actions that reissue or revoke it.

The attendee screen is read-only for now (name, type, payment and check-in state): the check-in
desk builds on it (``attendance.views.CHECKIN_SCREEN_URL_NAME`` names it). Organizers and check-in
staff of the registration's conference may look; another conference's registration answers 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet

from attendance.enums import RegistrationState
from attendance.letters import names_of
from attendance.models import Registration
from attendance.permissions import may_manage_registrations, may_register_walk_ins
from attendance.services.tokens import checkin_url, reissue_token, revoke_token, token_for
from attendance.viewsets.common import RegistrationScreen, may_register_anyone


def desk_registration(request, pk):
    """Registration ``pk`` if the user is check-in staff or an organizer of its conference; else 404."""
    queryset = Registration.objects.select_related("conference", "registration_type", "order")
    registration = get_object_or_404(queryset, pk=pk)
    if not may_register_walk_ins(request.user, registration.conference):
        raise Http404
    return registration


class AttendeeView(RegistrationScreen, TemplateView):
    """What check-in staff see for a scanned code (read-only until the check-in desk exists)."""

    template_name = "attendance/admin/codes/attendee.html"
    header_icon = "user"

    def may_use(self, user):
        return may_register_anyone(user)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.registration = None

    def get_page_title(self):
        return _("Attendee")

    def get_page_subtitle(self):
        return self.registration.code if self.registration else ""

    def get(self, request, pk):
        from attendance.resources import PAYMENT_LABELS, payment_status

        self.registration = registration = desk_registration(request, pk)
        context = self.get_context_data(
            registration=registration,
            names=names_of(registration),
            payment=PAYMENT_LABELS[payment_status(registration)],
            valid=registration.state == RegistrationState.CONFIRMED,
            check_in=registration.check_ins.filter(undone_at__isnull=True).first(),
            code_token=token_for(registration),
            may_manage=may_manage_registrations(request.user, registration.conference),
            has_code=bool(registration.token_nonce),
            code_url=checkin_url(registration),
            badge_url=reverse("registration_print:badge", args=[registration.pk]),
        )
        return self.render_to_response(context)


class CodeActionView(RegistrationScreen, View):
    """POST only, organizers of the registration's conference: one service, then back."""

    http_method_names = ["post"]

    def post(self, request, pk):
        registration = desk_registration(request, pk)
        if not may_manage_registrations(request.user, registration.conference):
            raise PermissionDenied
        self.act(registration)
        return redirect("registration_codes:attendee", registration.pk)


class ReissueView(CodeActionView):
    def act(self, registration):
        reissue_token(registration=registration, by=self.request.user)
        messages.success(
            self.request,
            _("Registration %(code)s has a new QR code; the old one no longer works.") % {"code": registration.code},
        )


class RevokeView(CodeActionView):
    def act(self, registration):
        revoke_token(registration=registration, by=self.request.user)
        messages.success(
            self.request, _("The QR code of registration %(code)s is withdrawn.") % {"code": registration.code}
        )


class CodeViewSet(ViewSet):
    name = "registration_codes"
    url_prefix = "registration/codes"
    icon = "user"

    def get_urlpatterns(self):
        return [
            path("<int:pk>/", AttendeeView.as_view(), name="attendee"),
            path("<int:pk>/reissue/", ReissueView.as_view(), name="reissue"),
            path("<int:pk>/revoke/", RevokeView.as_view(), name="revoke"),
        ]
