"""Forms of the registration admin: validation only; the views hand the cleaned data to a service
(or, for the set-up rows, to Wagtail's model views, which save and log them).

* ``RegistrationSettingsForm``: the window (entered in the conference's time zone) and the rules;
* ``RegistrationTypeAdminForm`` / ``QuestionAdminForm``: the base forms of the set-up editors,
  with their fee tiers and choices inline, scoped to the conferences the user organizes;
* the action forms of one registration (each carries its ``version``: a second submit of the same
  form finds the registration changed and does nothing);
* ``WalkInForm``: a person registered by hand, by email address.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_countries import countries
from wagtail.admin.forms import WagtailAdminModelForm

from attendance.enums import CHECKED, CHOICE_KINDS, UNCHECKED, FeeTierKind, QuestionKind
from attendance.models import Question, RegistrationSettings, RegistrationType
from attendance.permissions import REGISTRATION_STAFF
from attendance.services.inputs import DETAIL_FIELDS, DOCUMENT, UPLOAD_TYPES
from attendance.services.pricing import currencies_for
from cms.enums import Language
from cms.forms import ConferenceDateTimeField
from cms.permissions import conferences_for

MONEY = {"max_digits": 13, "decimal_places": 2}
# Kinds of question whose answer a condition may test in the admin ("show only if …").
CONDITION_SOURCE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.CHECKBOX)


def organized(user):
    """The conferences whose registration ``user`` sets up and manages (all for superusers)."""
    return conferences_for(user, *REGISTRATION_STAFF)


# --- Settings ------------------------------------------------------------------------------------


class YesNoField(forms.TypedChoiceField):
    """Yes or no as two radio buttons; a form sent without it keeps the current value (its
    ``empty_value``), where a checkbox would turn it off."""

    def has_changed(self, initial, data):
        return data not in (None, "") and super().has_changed(initial, data)


class RegistrationSettingsForm(forms.ModelForm):
    letters_enabled = YesNoField(
        label=gettext_lazy("Confirmation letters"),
        choices=[(True, gettext_lazy("Give confirmation letters")), (False, gettext_lazy("No letters"))],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        required=False,
        help_text=RegistrationSettings._meta.get_field("letters_enabled").help_text,
    )

    class Meta:
        model = RegistrationSettings
        fields = ["opens_at", "closes_at", "edit_policy", "on_order_lapse", "letters_enabled"]
        widgets = {"edit_policy": forms.RadioSelect, "on_order_lapse": forms.RadioSelect}

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letters_enabled"].empty_value = self.instance.letters_enabled
        help_text = _("Date and time in the conference's time zone (%(zone)s). Leave empty for no limit.") % {
            "zone": conference.time_zone
        }
        for name in ("opens_at", "closes_at"):
            model_field = RegistrationSettings._meta.get_field(name)
            self.fields[name] = ConferenceDateTimeField(
                tz=conference.tz, label=capfirst(model_field.verbose_name), required=False, help_text=help_text
            )


# --- Registration types --------------------------------------------------------------------------


def _live_forms(formset):
    """The forms of an inline formset that will be saved: not deleted, and not blank extras."""
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if not form.instance.pk and not form.has_changed():
            continue
        yield form


class ScopedConferenceMixin:
    """The ``conference`` field offers the conferences the user organizes; once saved, a row stays
    in its conference (the field is shown but cannot change)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["conference"]
        field.queryset = organized(self.for_user) if self.for_user is not None else field.queryset.none()
        if self.instance.pk:
            field.disabled = True
        elif field.queryset.count() == 1:
            field.initial = field.queryset.first().pk

    def chosen_conference(self):
        if self.instance.conference_id:
            return self.instance.conference
        return self.cleaned_data.get("conference") if hasattr(self, "cleaned_data") else None


class RegistrationTypeAdminForm(ScopedConferenceMixin, WagtailAdminModelForm):
    """A registration type with its fee tiers (``fee_tiers``).

    Rules of the tiers: prices are 0 or more; a price in the second currency only when the
    conference has one; at most one tier of each kind; the early-bird fee ends before the regular
    one; a type that is not free needs at least one fee.
    """

    def is_valid(self):
        valid = super().is_valid()
        if not hasattr(self, "_tiers_checked"):  # the checks add errors: once
            self._tiers_checked = self._tiers_valid()
        return self._tiers_checked and valid

    def _tiers_valid(self):
        formset = self.formsets.get("fee_tiers")
        conference = self.chosen_conference()
        if formset is None or conference is None:
            return True
        forms_ = [form for form in _live_forms(formset) if hasattr(form, "cleaned_data")]
        seen = {}
        for form in forms_:
            kind = form.cleaned_data.get("kind")
            if form.cleaned_data.get("price_second") is not None and not conference.second_currency:
                form.add_error(
                    "price_second",
                    ValidationError(_("This conference has no second currency."), code="no_second_currency"),
                )
            if kind in seen:
                form.add_error(
                    "kind", ValidationError(_("There is already a fee of this kind."), code="duplicate_kind")
                )
            else:
                seen[kind] = form
        early, regular = seen.get(FeeTierKind.EARLY_BIRD), seen.get(FeeTierKind.REGULAR)
        if early is not None and regular is not None:
            early_end, regular_end = early.cleaned_data.get("valid_until"), regular.cleaned_data.get("valid_until")
            if early_end and regular_end and early_end >= regular_end:
                early.add_error(
                    "valid_until",
                    ValidationError(
                        _("The early-bird fee must end before the regular fee."), code="early_after_regular"
                    ),
                )
        if not forms_ and not self.cleaned_data.get("is_free", True):
            self.add_error("is_free", ValidationError(_("Add a fee, or mark the type as free."), code="no_fee"))
        return not self.errors and all(not form.errors for form in formset.forms)


# --- Questions -----------------------------------------------------------------------------------


def _sort_key(question, sort_order=None):
    """Questions are asked by ``sort_order``, then by creation (a new one comes last)."""
    order = question.sort_order if sort_order is None else sort_order
    return (order, question.pk if question.pk is not None else float("inf"))


class QuestionAdminForm(ScopedConferenceMixin, WagtailAdminModelForm):
    """A question with its choices (``choices``) and its condition.

    A condition ("show only if the answer to … is …") tests an earlier question of the same
    conference that has choices or is a checkbox, and its value is one of that question's choice
    values (for a checkbox: yes or no). A question that others depend on keeps the kind and
    choice values they test.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["depends_on"]
        sources = Question.objects.filter(conference__in=organized(self.for_user), kind__in=CONDITION_SOURCE_KINDS)
        if self.instance.pk:
            sources = sources.filter(conference=self.instance.conference_id).exclude(pk=self.instance.pk)
        field.queryset = sources.select_related("conference").order_by("conference", "sort_order", "id")
        field.label_from_instance = lambda question: f"{question.conference.acronym} · {question.label}"

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("choices")
        values = None
        if formset is not None:
            formset.is_valid()  # the choices' own checks first: their values are needed here
            values = [form.cleaned_data.get("value") for form in _live_forms(formset) if hasattr(form, "cleaned_data")]
        kind = cleaned.get("kind")
        self._check_choices(kind, values)
        self._check_condition(kind)
        self._check_dependents(kind, values)
        return cleaned

    def _update_errors(self, errors):
        """The model's own checks (``Question.clean``) repeat some of these: a field keeps the
        form's error (which has a code) and not the model's second one."""
        if hasattr(errors, "error_dict"):
            kept = {name: items for name, items in errors.error_dict.items() if name not in self._errors}
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)

    def _check_choices(self, kind, values):
        if values is None:
            return
        if kind in CHOICE_KINDS and not values:
            self.add_error("kind", ValidationError(_("Add the choices of this question."), code="no_choices"))
        if kind not in CHOICE_KINDS and values:
            self.add_error(
                "kind", ValidationError(_("Only choice questions have choices: remove them."), code="stray_choices")
            )

    def _check_condition(self, kind):
        source = self.cleaned_data.get("depends_on")
        value = (self.cleaned_data.get("depends_value") or "").strip()
        if source is None:
            if value:
                self._add(
                    "depends_on", ValidationError(_("Choose the question this condition tests."), code="required")
                )
            return
        conference = self.chosen_conference()
        if conference is None or source.conference_id != conference.pk:
            self._add(
                "depends_on",
                ValidationError(_("Choose a question of the same conference."), code="other_conference"),
            )
            return
        if source.kind not in CONDITION_SOURCE_KINDS:
            self._add(
                "depends_on",
                ValidationError(_("A condition tests a choice question or a checkbox."), code="invalid_kind"),
            )
            return
        if _sort_key(source) >= _sort_key(self.instance, self.cleaned_data.get("sort_order")):
            self._add(
                "depends_on",
                ValidationError(_("A condition tests a question asked earlier."), code="not_earlier"),
            )
            return
        allowed = (
            [CHECKED, UNCHECKED]
            if source.kind == QuestionKind.CHECKBOX
            else list(source.choices.values_list("value", flat=True))
        )
        if value not in allowed:
            self._add(
                "depends_value",
                ValidationError(
                    _("Use one of: %(values)s.") % {"values": ", ".join(allowed)},
                    code="invalid_value",
                ),
            )

    def _add(self, field, error):
        """One error per field: a field that failed already (a choice not offered) keeps that one."""
        if field not in self._errors:
            self.add_error(field, error)

    def _check_dependents(self, kind, values):
        if not self.instance.pk:
            return
        dependents = list(self.instance.dependents.all())
        if not dependents:
            return
        if kind not in CONDITION_SOURCE_KINDS:
            self.add_error(
                "kind",
                ValidationError(
                    _("Other questions depend on this one: it must stay a choice question or a checkbox."),
                    code="has_dependents",
                ),
            )
            return
        allowed = [CHECKED, UNCHECKED] if kind == QuestionKind.CHECKBOX else values
        if allowed is None:
            return
        missing = sorted({question.depends_value for question in dependents} - set(allowed))
        if missing:
            self.add_error(
                None,
                ValidationError(
                    _("Other questions depend on the values %(values)s: keep them.") % {"values": ", ".join(missing)},
                    code="dependent_values",
                ),
            )


# --- Actions on one registration -----------------------------------------------------------------


def version_of(registration):
    """What a form remembers of the registration it was shown for: its last change."""
    return registration.updated_at.isoformat()


class RegistrationActionForm(forms.Form):
    """The base of every action: ``version`` says which state of the registration it was made for."""

    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.registration = registration
        if not self.is_bound:
            self.initial["version"] = version_of(registration)


def _reason_field(label, *, required):
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The attendee reads this in the mail."),
    )


def _clean_reason(form):
    reason = (form.cleaned_data.get("reason") or "").strip()
    if form.fields["reason"].required and not reason:
        raise ValidationError(_("Please say why."), code="required")
    return reason


class ApproveForm(RegistrationActionForm):
    pass


class RejectForm(RegistrationActionForm):
    reason = _reason_field(gettext_lazy("Reason for rejection"), required=True)

    def clean_reason(self):
        return _clean_reason(self)


class CancelForm(RegistrationActionForm):
    reason = _reason_field(gettext_lazy("Reason for cancelling"), required=True)

    def clean_reason(self):
        return _clean_reason(self)


class ChangeTypeForm(RegistrationActionForm):
    registration_type = forms.ModelChoiceField(
        queryset=RegistrationType.objects.none(), label=gettext_lazy("New registration type"), empty_label=None
    )
    price = forms.DecimalField(
        label=pgettext_lazy("registration", "Price"),
        required=False,
        min_value=Decimal("0"),
        help_text=gettext_lazy("Leave empty for the new type's fee."),
        **MONEY,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = RegistrationType.objects.filter(conference=self.registration.conference_id)
        self.fields["registration_type"].queryset = types.exclude(pk=self.registration.registration_type_id).order_by(
            "sort_order", "id"
        )
        self.fields["price"].help_text = _("In %(currency)s. Leave empty for the new type's fee.") % {
            "currency": self.registration.currency
        }


class AdjustPriceForm(RegistrationActionForm):
    price = forms.DecimalField(label=gettext_lazy("New price"), min_value=Decimal("0"), **MONEY)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].help_text = _("In %(currency)s; now %(price)s.") % {
            "currency": self.registration.currency,
            "price": self.registration.price,
        }

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Please say why."), code="required")
        return reason


# --- Registering someone by hand -----------------------------------------------------------------


def _country_choices():
    return [("", "---------"), *countries]


class WalkInForm(forms.Form):
    """A person registered by hand. An existing account is found by its email address (details
    left empty are taken from its profile); otherwise an account is opened with these details."""

    email = forms.EmailField(label=gettext_lazy("Email address"), max_length=254)
    name_zh = forms.CharField(label=gettext_lazy("Name in Chinese"), max_length=100, required=False)
    last_name = forms.CharField(label=gettext_lazy("Family name (Latin letters)"), max_length=150, required=False)
    first_name = forms.CharField(label=gettext_lazy("Given name (Latin letters)"), max_length=150, required=False)
    title = forms.CharField(label=gettext_lazy("Academic title"), max_length=100, required=False)
    affiliation = forms.CharField(label=gettext_lazy("Affiliation"), max_length=255, required=False)
    country = forms.ChoiceField(label=pgettext_lazy("address", "Country"), choices=_country_choices, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the mails"), choices=Language.choices, widget=forms.RadioSelect
    )
    registration_type = forms.ModelChoiceField(
        queryset=RegistrationType.objects.none(), label=gettext_lazy("Registration type"), empty_label=None
    )
    currency = forms.ChoiceField(label=pgettext_lazy("payment", "Currency"), widget=forms.RadioSelect)
    document = forms.FileField(
        label=gettext_lazy("Document"),
        required=False,
        help_text=gettext_lazy("For a type that asks for one (a student card): a PDF or a JPEG, PNG or WebP image."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_TYPES)}),
    )

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.fields["registration_type"].queryset = RegistrationType.objects.filter(conference=conference).order_by(
            "sort_order", "id"
        )
        currencies = currencies_for(conference)
        self.fields["currency"].choices = [(code, code) for code in currencies]
        self.fields["currency"].initial = currencies[0]
        self.fields["language"].initial = conference.default_language

    def details(self):
        return {name: self.cleaned_data.get(name, "") for name in DETAIL_FIELDS}

    def uploads(self):
        uploaded = self.cleaned_data.get(DOCUMENT)
        return {DOCUMENT: uploaded} if uploaded else {}
