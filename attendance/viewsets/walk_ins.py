"""Registering someone by hand (an on-site walk-in), for organizers and check-in staff.

An existing account is found by its email address; otherwise an inactive account is opened with
the details given (``attendance.services.walk_ins``). The person pays the on-site fee at the desk
(the order is made at once). Submitting the form twice registers once: the second time, the
person is registered already and the page says so.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import policy_registry

from attendance.admin_forms import WalkInForm
from attendance.exceptions import AlreadyRegistered, RegistrationError
from attendance.forms import QuestionsForm
from attendance.models import Registration
from attendance.services.walk_ins import register_walk_in_by_email
from attendance.viewsets.common import (
    ChooseConferenceView,
    ConferenceScreen,
    DeskMenuItem,
    desk_conferences,
    may_register_anyone,
)
from commerce.templatetags.money import money


def may_view(user, registration):
    return policy_registry.get_by_type(Registration).user_has_permission_for_instance(user, "view", registration)


class WalkInIndexView(ChooseConferenceView):
    url_name = "registration_walk_ins:add"
    title = gettext_lazy("Register someone")
    header_icon = "user"

    def may_use(self, user):
        return may_register_anyone(user)

    def conferences(self, user):
        return desk_conferences(user)


class WalkInView(ConferenceScreen, TemplateView):
    template_name = "attendance/admin/walk_in.html"
    header_icon = "user"

    def may_use(self, user):
        return may_register_anyone(user)

    def conferences(self, user):
        return desk_conferences(user)

    def get_page_title(self):
        return _("Register someone")

    def get_page_subtitle(self):
        return self.conference.acronym

    def get_forms(self, data=None, files=None):
        return (
            WalkInForm(data, files, conference=self.conference),
            QuestionsForm(data, files, conference=self.conference, staff=True),
        )

    def get(self, request, *args, **kwargs):
        form, questions = self.get_forms()
        return self.render_to_response(self.get_context_data(form=form, questions=questions))

    def post(self, request, *args, **kwargs):
        form, questions = self.get_forms(request.POST, request.FILES)
        if form.is_valid() & questions.is_valid():
            registration = self.register(form, questions)
            if registration is not None:
                return self.done(registration)
        return self.render_to_response(self.get_context_data(form=form, questions=questions))

    def register(self, form, questions):
        data = form.cleaned_data
        try:
            return register_walk_in_by_email(
                conference=self.conference,
                email=data["email"],
                registration_type=data["registration_type"],
                details=form.details(),
                answers=questions.answers(),
                files={**form.uploads(), **questions.uploads()},
                currency=data["currency"],
                language=data["language"],
                by_staff=self.request.user,
            )
        except AlreadyRegistered as error:
            existing = error.registration
            form.add_error(
                "email",
                ValidationError(
                    _("This person is registered already: %(code)s (%(state)s).")
                    % {"code": existing.code, "state": existing.get_state_display()},
                    code="already_registered",
                ),
            )
            self.existing = existing
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                target = form if field in form.fields else questions if field in questions.fields else form
                target.add_error(field if field in target.fields else None, errors)
        except RegistrationError as error:
            form.add_error("registration_type", ValidationError(str(error.message), code="not_available"))
        return None

    def done(self, registration):
        messages.success(
            self.request,
            _("%(name)s is registered: %(code)s, %(state)s, %(price)s.")
            % {
                "name": registration.display_name,
                "code": registration.code,
                "state": registration.get_state_display(),
                "price": money(registration.price, registration.currency),
            },
        )
        if may_view(self.request.user, registration):
            return redirect("registrations:inspect", registration.pk)
        return redirect("registration_walk_ins:add", conference_pk=self.conference.pk)

    def get_context_data(self, **kwargs):
        existing = getattr(self, "existing", None)
        return super().get_context_data(
            conference=self.conference,
            existing_url=reverse("registrations:inspect", args=[existing.pk])
            if existing is not None and may_view(self.request.user, existing)
            else "",
            **kwargs,
        )


class WalkInViewSet(ViewSet):
    name = "registration_walk_ins"
    url_prefix = "registration/walk-in"
    icon = "user"
    menu_label = gettext_lazy("Register someone")
    menu_item_class = DeskMenuItem

    def get_urlpatterns(self):
        return [
            path("", WalkInIndexView.as_view(), name="index"),
            path("<int:conference_pk>/", WalkInView.as_view(), name="add"),
        ]
