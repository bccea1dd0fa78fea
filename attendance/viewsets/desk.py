"""The check-in desk in the Wagtail admin (menu *Check-in desk*), for the check-in staff and
organizers of a conference: scanning with the device's camera or a handheld scanner, search,
the attendee's card, undo, payment at the desk, live counts, and scanning on while offline. The
page is drawn here; everything it does goes through the JSON API of ``attendance.desk``."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from attendance.services.checkin import CHECKIN_STAFF, may_check_in
from cms.models import Conference
from cms.permissions import conference_ids_for, conferences_for


def checks_in_anywhere(user):
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.is_superuser or bool(conference_ids_for(user, *CHECKIN_STAFF))


API_NAMES = ("scan", "sync", "undo", "pay", "search", "lookup", "counts", "people")


class DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return checks_in_anywhere(request.user)


class DeskIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "attendance/desk/index.html"
    page_title = gettext_lazy("Check-in desk")
    header_icon = "tick-inverse"

    def get(self, request, *args, **kwargs):
        if not checks_in_anywhere(request.user):
            raise PermissionDenied
        conferences = list(conferences_for(request.user, *CHECKIN_STAFF).order_by("-start_date"))
        if len(conferences) == 1:
            return redirect("checkin_desk:desk", conferences[0].pk)
        return self.render_to_response(self.get_context_data(conferences=conferences))


class DeskView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "attendance/desk/desk.html"
    header_icon = "tick-inverse"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        self.conference = Conference.objects.filter(pk=kwargs["conference"]).first()
        if self.conference is None or not may_check_in(request.user, self.conference):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Check-in desk")

    def get_page_subtitle(self):
        return self.conference.acronym

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": f"{self.get_page_title()} · {self.conference.acronym}"}]

    def get_context_data(self, **kwargs):
        def api(name):
            return reverse(f"desk:{name}", args=[self.conference.pk])

        config = {
            "conference": self.conference.pk,
            "timeZone": self.conference.time_zone,
            "api": {
                name: api(name) for name in ("scan", "sync", "undo", "pay", "search", "lookup", "counts", "people")
            },
            "code": self.request.GET.get("code", "")[:400],
            "worker": reverse("desk:worker"),
            "workerScope": reverse("checkin_desk:index"),
            "text": desk_texts(),
        }
        kwargs.update(desk_config=config, conference=self.conference)
        return super().get_context_data(**kwargs)


def desk_texts():
    """Every word the desk's script shows, in the admin user's language."""
    return {
        "checked_in": pgettext("check-in result", "Checked in"),
        "found": _("Not checked in yet"),
        "already": _("Already checked in at %(time)s at %(desk)s"),
        "already_no_desk": _("Already checked in at %(time)s"),
        "unpaid": _("Not paid yet: take the payment, then check in."),
        "not_valid": _("This registration is not valid (cancelled, withdrawn or awaiting approval)."),
        "not_a_code": _("Not a Flock code"),
        "duplicate": _("This scan was recorded already."),
        "offline": _("Offline: scanning against the downloaded list; scans are queued."),
        "online": _("Online"),
        "queued": _("Queued: it will be sent when the network returns."),
        "queue": _("Scans waiting to be sent: %(count)s"),
        "list_ready": _("List of %(count)s people downloaded at %(time)s"),
        "paid": _("Paid"),
        "unpaid_label": _("Not paid"),
        "free": _("Free"),
        "pay": _("Record payment at the desk"),
        "paid_now": _("Payment recorded."),
        "check_in": _("Check in"),
        "undo": _("Undo this check-in"),
        "undone": _("Check-in undone."),
        "no_results": _("Nobody found."),
        "camera_off": _("The camera cannot be used here (no camera, or no permission)."),
        "hotel": _("Hotel"),
        "tours": _("Tours"),
        "due": _("Still to pay"),
        "error": _("Something went wrong; please try again."),
        "reload": _("Your session has changed: reload this page while online."),
    }


class CheckInDeskViewSet(ViewSet):
    name = "checkin_desk"
    url_prefix = "checkin"
    icon = "tick-inverse"
    menu_label = gettext_lazy("Check-in desk")
    menu_order = 170
    menu_item_class = DeskMenuItem
    add_to_admin_menu = True

    def get_urlpatterns(self):
        return [
            path("", DeskIndexView.as_view(), name="index"),
            path("<int:conference>/", DeskView.as_view(), name="desk"),
        ]
