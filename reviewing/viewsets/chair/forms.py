"""Forms of the chair's screens: validation only, each limited to the rows of one conference."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from cms.enums import Language
from reviewing.enums import Outcome
from reviewing.models import Reviewer, ReviewerGroup
from submissions.models import Topic

SEPARATORS = re.compile(r"[\s,;，；]+")


def _topics(conference):
    return forms.ModelMultipleChoiceField(
        label=_("Topics of expertise"),
        queryset=Topic.objects.filter(conference=conference),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One or more addresses, separated by new lines, spaces or commas."),
    )
    language = forms.ChoiceField(
        label=_("Language of new accounts"),
        choices=Language.choices,
        help_text=_("People who have no account yet get the invitation in this language."),
    )
    send_mail = forms.BooleanField(label=_("Send the invitation by mail"), required=False, initial=True)

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"] = _topics(conference)

    def clean_emails(self):
        emails, wrong = [], []
        for email in SEPARATORS.split(self.cleaned_data["emails"].strip()):
            if not email:
                continue
            try:
                validate_email(email)
            except ValidationError:
                wrong.append(email)
            else:
                if email.lower() not in {e.lower() for e in emails}:
                    emails.append(email)
        if wrong:
            raise ValidationError(_("These are not email addresses: %(list)s") % {"list": ", ".join(wrong)})
        if not emails:
            raise ValidationError(_("Please give at least one email address."))
        if len(emails) > 200:
            raise ValidationError(_("Please invite at most 200 people at a time."))
        return emails


class ReviewerForm(forms.Form):
    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"] = _topics(conference)
        self.fields["groups"] = forms.ModelMultipleChoiceField(
            label=_("Reviewer groups"),
            queryset=ReviewerGroup.objects.filter(conference=conference),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )


class GroupForm(forms.ModelForm):
    class Meta:
        model = ReviewerGroup
        fields = ["name_zh", "name_en", "reviewers", "topics"]
        widgets = {"reviewers": forms.CheckboxSelectMultiple, "topics": forms.CheckboxSelectMultiple}

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.conference = conference
        self.fields["reviewers"].queryset = (
            Reviewer.objects.filter(conference=conference).exclude(state="declined").select_related("user")
        )
        self.fields["reviewers"].label_from_instance = lambda r: (
            f"{r.user.get_full_name() or r.user.email} <{r.user.email}>"
        )
        self.fields["topics"].queryset = Topic.objects.filter(conference=conference)
        self.fields["topics"].help_text = _("Submissions of these topics are put in the group by “place by topic”.")


class AssignForm(forms.Form):
    """Reviewers to give one submission (or a selection of submissions) to, with a due date."""

    due = forms.DateField(
        label=_("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The end of this day in the conference's time zone."),
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"] = forms.ModelMultipleChoiceField(
            label=_("Reviewers"), queryset=reviewers, widget=forms.CheckboxSelectMultiple
        )
        self.fields["reviewers"].label_from_instance = lambda r: (
            f"{r.user.get_full_name() or r.user.email} <{r.user.email}>"
            + (f" · {r.load}" if hasattr(r, "load") else "")
        )
        self.order_fields(["reviewers", "due"])


class PlanForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Reviewer group"),
        queryset=ReviewerGroup.objects.none(),
        required=False,
        empty_label=_("All submissions and all reviewers"),
    )
    per_submission = forms.IntegerField(label=_("Reviewers per submission"), min_value=1, max_value=10, initial=3)

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = ReviewerGroup.objects.filter(conference=conference)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("Note to the authors"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the authors in the decision mail."),
    )
    replace = forms.BooleanField(label=_("Replace the pending decision"), required=False)
