"""Forms of the author's pages: validation only. The services check everything again
(``clean_submission_data``, ``clean_authors``, ``check_file``) and their ``ValidationError``
is shown on these forms by field name.

* ``SubmissionForm``: titles, abstract, keywords, topic, preferred presentation;
* ``AuthorFormSet``: the ordered list of authors (``authors()`` gives what the services take);
* ``UploadForm``: which kind of file, and the file.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from submissions.enums import FileKind, PresentationType
from submissions.models import ABSTRACT_MAX_LENGTH, KEYWORDS_MAX_LENGTH, MAX_AUTHORS, TITLE_MAX_LENGTH

AUTHORS_PREFIX = "authors"


class SubmissionForm(forms.Form):
    title_zh = forms.CharField(label=_("Title in Chinese"), max_length=TITLE_MAX_LENGTH, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=TITLE_MAX_LENGTH, required=False)
    abstract = forms.CharField(
        label=_("Abstract"), max_length=ABSTRACT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 10})
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=KEYWORDS_MAX_LENGTH,
        required=False,
        help_text=_("Separated by commas or semicolons."),
    )
    topic = forms.TypedChoiceField(label=_("Topic"), coerce=int, required=False)
    presentation_preference = forms.ChoiceField(label=_("Preferred presentation"))

    def __init__(self, *args, topics, settings_row, **kwargs):
        super().__init__(*args, **kwargs)
        if topics:
            self.fields["topic"].choices = [("", "---------"), *[(topic.pk, topic.name) for topic in topics]]
            self.fields["topic"].required = True
        else:
            del self.fields["topic"]
        offered = settings_row.presentation_types
        if offered == PresentationType.EITHER:
            self.fields["presentation_preference"].choices = PresentationType.choices
            self.fields["presentation_preference"].initial = PresentationType.EITHER
        else:
            del self.fields["presentation_preference"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title_zh", "").strip() and not cleaned.get("title_en", "").strip():
            self.add_error("title_zh", _("Please give a title in Chinese, in English or both."))
        return cleaned

    def data_for_service(self):
        return dict(self.cleaned_data)


class AuthorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email address"))
    affiliation = forms.CharField(label=_("Affiliation"), max_length=255, required=False)
    country = forms.ChoiceField(label=pgettext_lazy("address", "Country"), required=False)
    presenting = forms.BooleanField(label=_("Presents the work"), required=False)
    corresponding = forms.BooleanField(label=_("Corresponding author"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "---------"), *countries]


class BaseAuthorFormSet(forms.BaseFormSet):
    """The authors in the order shown (``ORDER``, moved by the page's buttons); removed rows and
    untouched empty rows are left out."""

    ordering_widget = forms.HiddenInput
    default_error_messages = {
        "too_many_forms": _("At most %(num)d authors."),
        "too_few_forms": _("Please name at least one author."),
    }

    def authors(self):
        return [{name: form.cleaned_data.get(name) for name in AuthorForm.base_fields} for form in self.ordered_forms]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        emails = [form.cleaned_data["email"].lower() for form in self.ordered_forms]
        if not emails:
            raise forms.ValidationError(self.error_messages["too_few_forms"], code="too_few_forms")
        if len(set(emails)) != len(emails):
            raise forms.ValidationError(_("Each author needs their own email address."), code="duplicate_email")


AuthorFormSet = forms.formset_factory(
    AuthorForm,
    formset=BaseAuthorFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_AUTHORS,
    validate_min=True,
    validate_max=True,
    can_order=True,
    can_delete=True,
)


def author_formset(data=None, *, initial=None):
    return AuthorFormSet(data, prefix=AUTHORS_PREFIX, initial=initial)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, kinds, accept, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, FileKind(kind).label) for kind in kinds]
        self.fields["file"].widget.attrs["accept"] = accept
