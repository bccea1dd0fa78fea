"""The actions on one registration (approve, reject, cancel, change type, adjust price) and its
staff-only files.

Each action is a form whose POST calls one service of ``attendance.services``. The form carries
the registration's version (its last change): a second submit of the same form finds the
registration changed and does nothing. Every action is refused (404) for registrations outside the
user's conferences and (403) to anyone who may not manage that conference's registrations.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.permissions import policy_registry

from attendance.admin_forms import (
    AdjustPriceForm,
    ApproveForm,
    CancelForm,
    ChangeTypeForm,
    RejectForm,
    version_of,
)
from attendance.enums import LIVE_STATES, RegistrationState
from attendance.models import Answer, Registration
from attendance.permissions import may_manage_registrations
from attendance.services.changes import adjust_registration_price, change_registration_type
from attendance.services.registrations import (
    approve_registration,
    cancel_registration,
    lock,
    reject_registration,
)
from attendance.viewsets.common import RegistrationScreen
from cms.exceptions import FlockError

S = RegistrationState


def inspect_url(registration):
    return reverse("registrations:inspect", args=[registration.pk])


class StaleRegistration(Exception):
    """The registration changed after the form was shown (a second submit, another person)."""


class RegistrationActionView(RegistrationScreen, TemplateView):
    """One action on one registration: GET shows its form, POST checks it and calls the service.

    Refused (404) for registrations outside the user's conferences, and (403) to anyone who may
    not manage that conference's registrations.
    """

    template_name = "attendance/admin/registration_action.html"
    form_class = None
    title = ""
    states = frozenset()
    success_message = ""
    button_class = "button"

    def dispatch(self, request, *args, **kwargs):
        queryset = Registration.objects.select_related("conference", "registration_type", "order")
        self.registration = get_object_or_404(queryset, pk=kwargs["pk"])
        if not policy_registry.get_by_type(Registration).user_has_permission_for_instance(
            request.user, "view", self.registration
        ):
            raise Http404
        if not may_manage_registrations(request.user, self.registration.conference):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.title)

    def get_page_subtitle(self):
        return self.registration.code

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("registrations:index"), "label": Registration._meta.verbose_name_plural},
            {"url": inspect_url(self.registration), "label": self.registration.code},
            {"url": "", "label": str(self.title)},
        ]

    def get_form(self, data=None):
        return self.form_class(data, registration=self.registration)

    def get(self, request, *args, **kwargs):
        if self.registration.state not in self.states:
            messages.warning(request, self.not_possible_message())
            return redirect(inspect_url(self.registration))
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            with transaction.atomic():
                registration = lock(self.registration)
                if version_of(registration) != form.cleaned_data["version"]:
                    raise StaleRegistration
                self.act(registration, form.cleaned_data)
        except StaleRegistration:
            messages.warning(
                request, _("Registration %(code)s changed in the meantime; nothing was done.") % self.names()
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.render_to_response(self.get_context_data(form=form))
        except FlockError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, str(self.success_message) % self.names())
        return redirect(inspect_url(self.registration))

    def names(self):
        return {"code": self.registration.code}

    def not_possible_message(self):
        return _("This is not possible for registration %(code)s now.") % self.names()

    def act(self, registration, data):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            registration=self.registration, button_label=self.title, button_class=self.button_class, **kwargs
        )


class ApproveView(RegistrationActionView):
    form_class = ApproveForm
    title = gettext_lazy("Approve")
    states = frozenset({S.AWAITING_APPROVAL})
    success_message = gettext_lazy("Registration %(code)s approved; the attendee is told.")

    def act(self, registration, data):
        approve_registration(registration=registration, user=self.request.user)


class RejectView(RegistrationActionView):
    form_class = RejectForm
    title = gettext_lazy("Reject")
    states = frozenset({S.AWAITING_APPROVAL})
    success_message = gettext_lazy("Registration %(code)s rejected; the attendee is told why.")
    button_class = "button no"

    def act(self, registration, data):
        reject_registration(registration=registration, user=self.request.user, reason=data["reason"])


class CancelView(RegistrationActionView):
    form_class = CancelForm
    title = pgettext_lazy("registration", "Cancel")
    states = frozenset(LIVE_STATES)
    success_message = gettext_lazy("Registration %(code)s cancelled; the attendee is told why.")
    button_class = "button no"

    def act(self, registration, data):
        cancel_registration(registration=registration, user=self.request.user, reason=data["reason"])


class ChangeTypeView(RegistrationActionView):
    form_class = ChangeTypeForm
    title = gettext_lazy("Change type")
    states = frozenset(LIVE_STATES)
    success_message = gettext_lazy("Registration %(code)s has a new type and price.")

    def act(self, registration, data):
        change_registration_type(
            registration=registration,
            registration_type=data["registration_type"],
            user=self.request.user,
            price=data["price"],
            reason=data["reason"],
        )


class AdjustPriceView(RegistrationActionView):
    form_class = AdjustPriceForm
    title = gettext_lazy("Adjust price")
    states = frozenset(LIVE_STATES)
    success_message = gettext_lazy("The price of registration %(code)s is changed.")

    def act(self, registration, data):
        adjust_registration_price(
            registration=registration, price=data["price"], user=self.request.user, reason=data["reason"]
        )


ACTION_VIEWS = {
    "approve": ApproveView,
    "reject": RejectView,
    "change_type": ChangeTypeView,
    "adjust_price": AdjustPriceView,
    "cancel": CancelView,
}


# --- Files ---------------------------------------------------------------------------------------


class RegistrationFileView(View):
    """The registration's document, or a file answer, for staff of its conference only (never a
    public address); inline, not cached."""

    def get(self, request, pk, answer_pk=None):
        registration = get_object_or_404(
            policy_registry.get_by_type(Registration).instances_user_has_any_permission_for(
                request.user, ["view", "change"]
            ),
            pk=pk,
        )
        if answer_pk is None:
            stored, name, content_type = (
                registration.document,
                registration.document_name,
                registration.document_content_type,
            )
        else:
            answer = get_object_or_404(Answer.objects.exclude(file=""), registration=registration, pk=answer_pk)
            stored, name, content_type = answer.file, answer.file_name, answer.file_content_type
        if not stored:
            raise Http404
        response = FileResponse(stored.open("rb"), content_type=content_type or None, filename=name or None)
        response["Cache-Control"] = "private, no-store"
        return response
