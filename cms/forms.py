"""Admin forms of the core app: validation only."""

from django import forms
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from cms.emails import MESSAGES
from cms.enums import Role
from cms.models import EmailTemplate
from cms.permissions import conferences_for


class EmailTemplateForm(WagtailAdminModelForm):
    """A conference's wording of a message: only for conferences the user organizes, and only for
    the kinds of message Flock sends."""

    class Meta:
        model = EmailTemplate
        fields = ["conference", "key", "subject_zh", "body_zh", "subject_en", "body_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = conferences_for(self.for_user, Role.ORGANIZER)
        self.fields["key"] = forms.ChoiceField(
            label=self.fields["key"].label,
            choices=[(kind.key, kind.label) for kind in MESSAGES.values()],
            help_text="; ".join(f"{kind.key}: {', '.join(kind.placeholders)}" for kind in MESSAGES.values()),
        )


class ConferenceDateTimeField(forms.DateTimeField):
    """A moment typed and shown in the conference's time zone, whatever the admin user's is."""

    def __init__(self, *, tz, **kwargs):
        from wagtail.admin.widgets import AdminDateTimeInput

        kwargs.setdefault("widget", AdminDateTimeInput)
        super().__init__(**kwargs)
        self.tz = tz

    def prepare_value(self, value):
        with timezone.override(self.tz):
            return super().prepare_value(value)

    def to_python(self, value):
        with timezone.override(self.tz):
            return super().to_python(value)


class ConferenceChoiceMixin:
    """For a ``WagtailAdminModelForm`` of a row that belongs to a conference: the ``conference``
    field offers the conferences where the user holds one of ``conference_roles``; once saved, a
    row stays in its conference (the field is shown but cannot change)."""

    conference_roles = (Role.ORGANIZER,)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["conference"]
        user = getattr(self, "for_user", None)
        field.queryset = conferences_for(user, *self.conference_roles) if user is not None else field.queryset.none()
        if self.instance.pk:
            field.disabled = True
        elif field.queryset.count() == 1:
            field.initial = field.queryset.first().pk
