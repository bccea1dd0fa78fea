"""Shared pieces of the registration screens: who sees which conference, screens about one
conference, menu items, deleting what may be in use."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from attendance.permissions import DESK_STAFF, REGISTRATION_STAFF
from cms.admin_scoping import ScopedDeleteView
from cms.permissions import conference_ids_for, conferences_for


def organized_conferences(user):
    """Conferences whose registration ``user`` manages (organizers; all for platform admins)."""
    return conferences_for(user, *REGISTRATION_STAFF)


def desk_conferences(user):
    """Conferences where ``user`` may register walk-ins (organizers and check-in staff)."""
    return conferences_for(user, *DESK_STAFF)


def _has_any(user, roles):
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or bool(conference_ids_for(user, *roles))


def may_set_up(user):
    return _has_any(user, REGISTRATION_STAFF)


def may_register_anyone(user):
    return _has_any(user, DESK_STAFF)


class RegistrationScreen(WagtailAdminTemplateMixin):
    """A custom screen of the registration admin, refused to anyone without a role for it."""

    def dispatch(self, request, *args, **kwargs):
        if not self.may_use(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def may_use(self, user):
        return may_set_up(user)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class ConferenceScreen(RegistrationScreen):
    """A screen about one conference among ``conferences(user)``; any other answers 404."""

    def conferences(self, user):
        return organized_conferences(user)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.conference = get_object_or_404(self.conferences(request.user), pk=kwargs["conference_pk"])


class ChooseConferenceView(RegistrationScreen, TemplateView):
    """The first step of a screen about one conference: straight to it when the user has one
    conference, else a list to choose from."""

    template_name = "attendance/admin/choose_conference.html"
    url_name = None
    title = ""

    def conferences(self, user):
        return organized_conferences(user)

    def get_page_title(self):
        return str(self.title)

    def get(self, request, *args, **kwargs):
        conferences = list(self.conferences(request.user).order_by("-start_date", "pk"))
        if len(conferences) == 1:
            return redirect(self.url_name, conference_pk=conferences[0].pk)
        return self.render_to_response(self.get_context_data(conferences=conferences, url_name=self.url_name))


class SetUpMenuItem(MenuItem):
    def is_shown(self, request):
        return may_set_up(request.user)


class DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return may_register_anyone(request.user)


class InUseDeleteView(ScopedDeleteView):
    """Deleting a row that registrations or answers use is refused with a message: make it
    inactive instead."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _("%(object)s is in use and cannot be deleted: make it inactive instead.") % {"object": self.object},
            )
            return redirect(reverse(self.edit_url_name, args=[self.object.pk]))
