"""Forms of registration: validation only, independent of views (the wizard uses them as steps).

* ``RegistrationTypeForm``: which type, in which currency (the price is never a field);
* ``DetailsForm``: personal details prefilled from the profile, and the type's document;
* ``QuestionsForm`` / ``questions_form``: one field per question of the conference.

Each form's ``clean()`` applies the rules of ``attendance.services.inputs`` (the services apply
them again), so errors carry the same codes everywhere. Pass their output to the services:
``details()``, ``answers()`` and ``uploads()`` (merged: ``{**details_form.uploads(),
**questions_form.uploads()}``).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from attendance.enums import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, QuestionKind
from attendance.models import RegistrationType
from attendance.selectors import questions_for
from attendance.services.inputs import (
    DETAIL_FIELDS,
    DOCUMENT,
    UPLOAD_TYPES,
    check_upload,
    clean_answers,
    clean_details,
    details_from_user,
)
from attendance.services.pricing import currencies_for

UPLOAD_ACCEPT = ",".join(UPLOAD_TYPES)


def _country_choices():
    return [("", "---------"), *countries]


def _add_errors(form, error):
    for name, messages in error.error_dict.items():
        if name not in form.errors:
            form.add_error(name if name in form.fields else None, messages)


class RegistrationTypeForm(forms.Form):
    """The conference's offered (active) types and its currencies. Staff forms pass
    ``include_inactive=True``."""

    registration_type = forms.ModelChoiceField(
        queryset=RegistrationType.objects.none(),
        label=_("Registration type"),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    currency = forms.ChoiceField(label=pgettext_lazy("payment", "Currency"), widget=forms.RadioSelect)

    def __init__(self, *args, conference, include_inactive=False, **kwargs):
        super().__init__(*args, **kwargs)
        types = RegistrationType.objects.filter(conference=conference).order_by("sort_order", "id")
        self.fields["registration_type"].queryset = types if include_inactive else types.filter(active=True)
        currencies = currencies_for(conference)
        self.fields["currency"].choices = [(code, code) for code in currencies]
        self.fields["currency"].initial = currencies[0]
        if len(currencies) == 1:
            self.fields["currency"].widget = forms.HiddenInput()


class DetailsForm(forms.Form):
    """Personal details, prefilled from ``user``'s profile (or ``initial``), and — when
    ``registration_type`` asks for one — its document (a PDF or an image, checked by content)."""

    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Family name (Latin letters)"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name (Latin letters)"), max_length=150, required=False)
    title = forms.CharField(label=_("Academic title"), max_length=100, required=False)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=255)
    country = forms.ChoiceField(label=pgettext_lazy("address", "Country"), choices=_country_choices)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email address"), max_length=254)

    def __init__(self, *args, user=None, registration_type=None, **kwargs):
        if user is not None and not kwargs.get("initial"):
            kwargs["initial"] = details_from_user(user)
        super().__init__(*args, **kwargs)
        self.registration_type = registration_type
        autocomplete = {"name_zh": "name", "last_name": "family-name", "first_name": "given-name", "email": "email"}
        for name, value in {**autocomplete, "affiliation": "organization", "phone": "tel"}.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        if registration_type is not None and registration_type.document_required:
            self.fields[DOCUMENT] = forms.FileField(
                label=capfirst(registration_type.document_label) or _("Document"),
                help_text=_("A PDF or a JPEG, PNG or WebP image."),
                widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
            )

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned.update(clean_details({name: cleaned.get(name, "") for name in DETAIL_FIELDS}))
        except ValidationError as error:
            _add_errors(self, error)
        uploaded = cleaned.get(DOCUMENT)
        if uploaded and DOCUMENT not in self.errors:
            try:
                check_upload(uploaded)
            except ValidationError as error:
                self.add_error(DOCUMENT, error)
        return cleaned

    def details(self):
        return {name: self.cleaned_data[name] for name in DETAIL_FIELDS}

    def uploads(self):
        uploaded = self.cleaned_data.get(DOCUMENT)
        return {DOCUMENT: uploaded} if uploaded else {}


def registration_details_initial(registration):
    """A registration's stored details, as ``initial`` for ``DetailsForm`` (an edit)."""
    return {name: str(getattr(registration, name) or "") for name in DETAIL_FIELDS}


def question_field(question):
    """The form field of one question. Required only when the question is required and has no
    condition; conditional questions are checked in ``QuestionsForm.clean``. A field with a
    condition carries ``data-show-if`` (the field name it tests) and ``data-show-value``, for a
    script that hides it in the browser."""
    common = {"label": question.label, "help_text": question.help, "required": False}
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        field = forms.CharField(max_length=SHORT_TEXT_MAX_LENGTH, **common)
    elif kind == QuestionKind.LONG_TEXT:
        field = forms.CharField(max_length=LONG_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}), **common)
    elif kind == QuestionKind.SINGLE_CHOICE:
        field = forms.ChoiceField(choices=_choices(question), widget=forms.RadioSelect, **common)
    elif kind == QuestionKind.MULTIPLE_CHOICE:
        field = forms.MultipleChoiceField(choices=_choices(question), widget=forms.CheckboxSelectMultiple, **common)
    elif kind == QuestionKind.CHECKBOX:
        field = forms.BooleanField(**common)
    elif kind == QuestionKind.DATE:
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    elif kind == QuestionKind.COUNTRY:
        field = forms.ChoiceField(choices=_country_choices, **common)
    else:
        field = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}), **common)
    field.required = question.required and question.depends_on_id is None and kind != QuestionKind.FILE
    if question.depends_on_id is not None:
        field.widget.attrs.update(
            {"data-show-if": f"q_{question.depends_on_id}", "data-show-value": question.depends_value}
        )
    return field


def _choices(question):
    return [(choice.value, choice.label) for choice in question.choices.all()]


class QuestionsForm(forms.Form):
    """One field per active question of ``conference`` (named ``q_<pk>``, in display order).

    ``clean()`` applies ``clean_answers``: conditions are evaluated on the server, answers to
    hidden questions dropped, required questions enforced (not with ``staff=True``), files
    checked by content and size. ``existing_files``: pks of file questions answered before (an
    edit), which need no new upload.
    """

    def __init__(self, *args, conference, questions=None, existing_files=(), staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.questions = list(questions) if questions is not None else questions_for(conference)
        self.existing_files = set(existing_files)
        self.staff = staff
        self.checked = None
        for question in self.questions:
            self.fields[question.field_name] = question_field(question)
            if staff:
                self.fields[question.field_name].required = False

    def clean(self):
        cleaned = super().clean()
        answers = {q.pk: cleaned.get(q.field_name) for q in self.questions if q.kind != QuestionKind.FILE}
        files = {q.pk: cleaned.get(q.field_name) for q in self.questions if q.kind == QuestionKind.FILE}
        try:
            self.checked = clean_answers(
                questions=self.questions,
                answers=answers,
                files={pk: uploaded for pk, uploaded in files.items() if uploaded},
                existing_files=self.existing_files,
                enforce_required=not self.staff,
            )
        except ValidationError as error:
            _add_errors(self, error)
        return cleaned

    def answers(self):
        """``{question pk: value}`` of the shown questions, for the services."""
        return dict(self.checked.values) if self.checked else {}

    def uploads(self):
        """``{question pk: upload}`` of the shown file questions given a file."""
        return {pk: uploaded for pk, (uploaded, _type) in self.checked.uploads.items()} if self.checked else {}

    def review(self):
        """``(question, value)`` of each shown question that was answered, in display order (a
        file question's value is the upload's name): for the review step."""
        if not self.checked:
            return []
        values, uploads = self.checked.values, self.checked.uploads
        rows = []
        for question in self.questions:
            if question.pk in values:
                rows.append((question, values[question.pk]))
            elif question.pk in uploads:
                rows.append((question, uploads[question.pk][0].name))
        return rows


def questions_form(*, conference, data=None, files=None, initial=None, prefix=None, **kwargs):
    """A ``QuestionsForm`` for ``conference`` (see there for the keyword arguments)."""
    return QuestionsForm(data=data, files=files, initial=initial, prefix=prefix, conference=conference, **kwargs)


def answers_initial(registration):
    """A registration's answers, as ``initial`` for ``QuestionsForm`` (an edit), and the pks of
    the file questions already answered (its ``existing_files``)."""
    initial, existing_files = {}, set()
    for answer in registration.answers.select_related("question"):
        if answer.file:
            existing_files.add(answer.question_id)
        elif answer.value is not None:
            initial[f"q_{answer.question_id}"] = answer.value
    return initial, existing_files


# The attendee's registration pages (attendance.wizards, attendance.views) ------------------------


class TypeStepForm(RegistrationTypeForm):
    """The wizard's first step: ``RegistrationTypeForm`` that also refuses a type that is full or
    has no fee in force in the chosen currency. ``offers``: ``attendance.selectors.offered_types``
    of the conference (the page lists them with their prices)."""

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = list(offers)

    def offer(self):
        """The ``TypeOffer`` of the chosen type (valid form only), or ``None``."""
        chosen = self.cleaned_data.get("registration_type")
        return next((o for o in self.offers if chosen is not None and o.registration_type.pk == chosen.pk), None)

    def clean(self):
        cleaned = super().clean()
        if "registration_type" in self.errors or "currency" in self.errors:
            return cleaned
        offer = self.offer()
        if offer is None:
            problem = ValidationError(_("Please choose a registration type."), code="invalid")
            self.add_error("registration_type", problem)
        elif offer.places_left == 0:
            self.add_error(
                "registration_type",
                ValidationError(_("Sorry, this registration type is full. Please choose another one."), code="full"),
            )
        elif offer.quotes.get(cleaned.get("currency")) is None:
            self.add_error(
                "currency",
                ValidationError(
                    _("This registration type cannot be paid in %(currency)s. Please choose another currency.")
                    % {"currency": cleaned.get("currency")},
                    code="no_price",
                ),
            )
        return cleaned


class ReviewForm(forms.Form):
    """The wizard's last step. ``quote`` is the price the page showed (type, tier, amount,
    currency): it is never used as a price, only compared with the server's at submission, so
    that nobody is charged an amount they did not see (a fee tier can end while they read)."""

    quote = forms.CharField(widget=forms.HiddenInput, max_length=200)


class EditDetailsForm(DetailsForm):
    """``DetailsForm`` for an edit: the document may stay as it is (``has_document``)."""

    def __init__(self, *args, has_document=False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_document and DOCUMENT in self.fields:
            self.fields[DOCUMENT].required = False
            self.fields[DOCUMENT].help_text = _(
                "Leave empty to keep the file you gave. A PDF or a JPEG, PNG or WebP image."
            )


__all__ = [
    "DetailsForm",
    "EditDetailsForm",
    "QuestionsForm",
    "RegistrationTypeForm",
    "ReviewForm",
    "TypeStepForm",
    "answers_initial",
    "question_field",
    "questions_form",
    "registration_details_initial",
]
