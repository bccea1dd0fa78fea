"""Admin forms of the core app: validation only."""

from django import forms
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
