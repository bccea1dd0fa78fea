"""Forms of the submissions set-up: validation only (Wagtail's model views save and log)."""

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from cms.forms import ConferenceChoiceMixin, ConferenceDateTimeField
from submissions.models import SubmissionSettings
from submissions.permissions import SUBMISSION_STAFF

WINDOWS = (
    ("abstract_opens_at", "abstract_closes_at"),
    ("full_paper_opens_at", "full_paper_closes_at"),
    (None, "camera_ready_closes_at"),
)


class TopicAdminForm(ConferenceChoiceMixin, WagtailAdminModelForm):
    conference_roles = SUBMISSION_STAFF


class SubmissionSettingsAdminForm(WagtailAdminModelForm):
    """The call for papers of one conference. Times are typed and shown in the conference's time
    zone; each phase closes after it opens, and a phase that is on needs its closing time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        conference = self.instance.conference
        help_text = _("Date and time in the conference's time zone (%(zone)s).") % {"zone": conference.time_zone}
        for pair in WINDOWS:
            for name in filter(None, pair):
                if name in self.fields:
                    model_field = SubmissionSettings._meta.get_field(name)
                    self.fields[name] = ConferenceDateTimeField(
                        tz=conference.tz, label=capfirst(model_field.verbose_name), required=False, help_text=help_text
                    )

    def clean(self):
        cleaned = super().clean()
        switches = {
            "abstract_closes_at": "abstract_enabled",
            "full_paper_closes_at": "full_paper_enabled",
            "camera_ready_closes_at": "camera_ready_enabled",
        }
        for opens, closes in WINDOWS:
            start, end = (cleaned.get(opens) if opens else None), cleaned.get(closes)
            if start and end and end <= start:
                self.add_error(closes, ValidationError(_("The closing time must come after the opening time.")))
            if cleaned.get(switches[closes]) and not end:
                self.add_error(closes, ValidationError(_("Please set when this phase closes.")))
        return cleaned
