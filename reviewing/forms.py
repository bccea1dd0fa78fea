"""The review form a reviewer fills in: one score field per criterion (its own scale), the
recommendation, the confidence and both comments. Validation only; ``save_review`` checks again
and its errors are shown here by field name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reviewing.enums import Confidence, Recommendation


class ReviewEntryForm(forms.Form):
    recommendation = forms.ChoiceField(label=_("Recommendation"), required=False)
    confidence = forms.TypedChoiceField(label=_("Confidence"), coerce=int, required=False, empty_value=None)
    comments_to_authors = forms.CharField(
        label=_("Comments to the authors"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    comments_to_committee = forms.CharField(
        label=_("Confidential comments to the committee"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the chairs and the other reviewers of this submission read these."),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["recommendation"].choices = [("", "---------"), *Recommendation.choices]
        self.fields["confidence"].choices = [("", "---------"), *Confidence.choices]
        score_fields = {}
        for criterion in criteria:
            choices = [(value, value) for value in range(criterion.scale_min, criterion.scale_max + 1)]
            score_fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.label,
                help_text=criterion.help,
                choices=[("", "---------"), *choices],
                coerce=int,
                required=False,
                empty_value=None,
            )
        self.fields = {**score_fields, **self.fields}

    def scores(self):
        return {criterion.pk: self.cleaned_data.get(f"score_{criterion.pk}") for criterion in self.criteria}
