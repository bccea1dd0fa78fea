"""Validation of the account pages' input; the services do the writing."""

import re

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from cms.accounts import services
from cms.models import User

MAX_PASSWORD_LENGTH = 256
PHONE_PATTERN = re.compile(r"^\+?[0-9(][0-9 ()./-]*$")
CJK_PATTERN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")

LOGIN_ERRORS = {
    services.INVALID_LOGIN: _("The email address or the password is not correct."),
    services.UNCONFIRMED: _(
        "Please confirm your email address first: open the link in the mail we sent when you signed up."
    ),
}


def locked_out_message(minutes):
    return ngettext(
        "Too many failed attempts. Please wait %(minutes)d minute, then try again.",
        "Too many failed attempts. Please wait %(minutes)d minutes, then try again.",
        minutes,
    ) % {"minutes": minutes}


def email_field():
    return forms.EmailField(
        label=pgettext_lazy("account form", "Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}),
    )


def password_field(label, autocomplete, help_text=""):
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class AccountForm(forms.Form):
    """Labels without a trailing colon: each sits above its field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EmailForm(AccountForm):
    """One address: to send a confirmation link again, or a link to set a new password."""

    email = email_field()


class SignUpForm(AccountForm):
    email = email_field()
    password1 = password_field(
        pgettext_lazy("account form", "Password"),
        "new-password",
        _("At least 8 characters, not only digits, and not a common password."),
    )
    password2 = password_field(pgettext_lazy("account form", "Password again"), "new-password")

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", forms.ValidationError(_("The two passwords differ."), code="password_mismatch"))
        elif password1:
            candidate = User(email=cleaned.get("email") or "")
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(AccountForm):
    """Email and password; ``clean`` asks ``services.check_login`` and keeps the account."""

    email = email_field()
    password = password_field(pgettext_lazy("account form", "Password"), "current-password")

    def __init__(self, *args, request, cool_off_minutes=15, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.cool_off_minutes = cool_off_minutes
        self.user = None
        self.problem = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.user, self.problem = services.check_login(
            request=self.request, email=cleaned["email"], password=cleaned["password"]
        )
        if self.problem == services.LOCKED_OUT:
            raise forms.ValidationError(locked_out_message(self.cool_off_minutes), code=self.problem)
        if self.problem:
            raise forms.ValidationError(LOGIN_ERRORS[self.problem], code=self.problem)
        return cleaned


class ProfileForm(forms.ModelForm):
    """The profile: every field is checked before anything is saved."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    class Meta:
        model = User
        fields = services.PROFILE_FIELDS
        labels = {
            "first_name": _("Given name (in Latin letters)"),
            "last_name": _("Family name (in Latin letters)"),
        }
        help_texts = {
            "name_zh": _("Your name in Chinese characters, if you have one."),
            "title": _("For example Professor, Dr., Associate Professor."),
            "affiliation": _("University, institute or company."),
            "phone": _("With the country code for numbers outside China, for example +44 20 7946 0000."),
            "preferred_language": _("The language of the mail you receive from the platform."),
        }
        widgets = {
            "name_zh": forms.TextInput(attrs={"autocomplete": "name"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "title": forms.TextInput(attrs={"autocomplete": "honorific-prefix"}),
            "affiliation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        }

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        digits = sum(char.isdigit() for char in phone)
        if phone and (not PHONE_PATTERN.match(phone) or not 5 <= digits <= 20):
            raise forms.ValidationError(
                _("Enter a phone number with digits, spaces, + and - only."), code="invalid_phone"
            )
        return phone

    def _clean_latin(self, name):
        value = " ".join(self.cleaned_data[name].split())
        if CJK_PATTERN.search(value):
            raise forms.ValidationError(
                _("Write this name in Latin letters; Chinese characters go in “Name in Chinese”."), code="not_latin"
            )
        return value

    def clean_first_name(self):
        return self._clean_latin("first_name")

    def clean_last_name(self):
        return self._clean_latin("last_name")

    def clean(self):
        cleaned = super().clean()
        has_latin_name = cleaned.get("first_name") and cleaned.get("last_name")
        if not self.errors and not cleaned.get("name_zh") and not has_latin_name:
            raise forms.ValidationError(
                _("Give your name in Chinese characters, or your given and family name in Latin letters."),
                code="name_required",
            )
        return cleaned

    def name_fields(self):
        return [self[name] for name in ("name_zh", "first_name", "last_name")]

    def work_fields(self):
        return [self[name] for name in ("title", "affiliation", "country", "phone")]

    def changes(self):
        return {name: self.cleaned_data[name] for name in services.PROFILE_FIELDS}
