"""Forms of the finance admin: validation only; the views hand the cleaned data to one service.

``provider_settings_form(provider)`` builds the settings form of a payment provider (see
``PaymentProvider.settings_form_class``). Its secret fields are password inputs that are never
filled in: the page shows only whether a secret is set, left empty keeps the stored secret, and a
"clear" box removes it.
"""

import re
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import AdminDateInput

from commerce.enums import PaymentState
from commerce.models import MONEY, PaymentSettings
from commerce.services.refunds import refundable_amount
from commerce.templatetags.money import money

SECRET_SET = "set"
SECRET_FROM_ENVIRONMENT = "environment"
SECRET_NOT_SET = "not_set"
SECRET_STATUS_LABELS = {
    SECRET_SET: gettext_lazy("set"),
    SECRET_FROM_ENVIRONMENT: gettext_lazy("from the environment"),
    SECRET_NOT_SET: gettext_lazy("not set"),
}
PEM = re.compile(r"^(-----BEGIN [A-Z ]+-----)\s*(.+?)\s*(-----END [A-Z ]+-----)$", re.DOTALL)


def restore_pem(value):
    """A browser strips the line breaks of a key pasted into a password input; put them back."""
    match = PEM.match(value.strip())
    if not match:
        return value.strip()
    body = re.sub(r"\s", "", match.group(2))
    lines = [body[start : start + 64] for start in range(0, len(body), 64)]
    return "\n".join([match.group(1), *lines, match.group(3)]) + "\n"


def secret_status(payment_settings, name):
    if getattr(payment_settings, name):
        return SECRET_SET
    if payment_settings.secret(name):
        return SECRET_FROM_ENVIRONMENT
    return SECRET_NOT_SET


class ProviderSettingsForm(forms.ModelForm):
    provider = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        for name in self.provider.secret_fields:
            field = self.fields[name]
            field.required = False
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
            field.help_text = _("Leave empty to keep the stored secret.")
            self.initial[name] = ""
            self.fields[f"{name}_clear"] = forms.BooleanField(
                required=False, label=_("Clear %(secret)s") % {"secret": field.label}
            )

    @property
    def title(self):
        return self.provider.label

    def secrets(self):
        """Each secret field with its status, for the template; never its value."""
        return [
            {
                "field": self[name],
                "clear": self[f"{name}_clear"],
                "status": secret_status(self.instance, name),
                "status_label": SECRET_STATUS_LABELS[secret_status(self.instance, name)],
            }
            for name in self.provider.secret_fields
        ]

    def visible_settings(self):
        return [self[name] for name in self.provider.settings_fields]

    def clean(self):
        cleaned = super().clean()
        for name in self.provider.secret_fields:
            new_value = cleaned.get(name, "")
            if new_value and cleaned.get(f"{name}_clear"):
                self.add_error(name, _("Enter a new secret or clear it, not both."))
            elif cleaned.get(f"{name}_clear"):
                cleaned[name] = ""
            elif new_value:
                cleaned[name] = restore_pem(new_value)
            else:
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def changed_settings(self):
        """The names of the fields whose stored value this form changes (secrets by name only)."""
        changed = [name for name in self.provider.settings_fields if name in self.changed_data]
        for name in self.provider.secret_fields:
            if self.cleaned_data.get(f"{name}_clear") or self.cleaned_data.get(name) != self.initial_secrets[name]:
                changed.append(name)
        return changed

    def _post_clean(self):
        self.initial_secrets = {name: getattr(self.instance, name) for name in self.provider.secret_fields}
        super()._post_clean()


def provider_settings_form(provider):
    """The ``ModelForm`` class over ``PaymentSettings`` for ``provider``'s settings and secrets."""
    meta = type("Meta", (), {"model": PaymentSettings, "fields": [*provider.settings_fields, *provider.secret_fields]})
    return type(
        f"{provider.__class__.__name__}SettingsForm", (ProviderSettingsForm,), {"Meta": meta, "provider": provider}
    )


class PaymentRulesForm(forms.ModelForm):
    """How long an unpaid order is held, and when its payer is reminded."""

    title = gettext_lazy("Unpaid orders")

    class Meta:
        model = PaymentSettings
        fields = ["order_expiry_hours", "reminder_hours"]

    def clean(self):
        cleaned = super().clean()
        expiry, reminder = cleaned.get("order_expiry_hours"), cleaned.get("reminder_hours")
        if expiry and reminder and reminder >= expiry:
            self.add_error("reminder_hours", _("The reminder must come before the order expires."))
        return cleaned

    def changed_settings(self):
        return list(self.changed_data)


class RefundForm(forms.Form):
    """A refund of one confirmed payment of an order. ``request_key`` is made when the form is
    first shown, so submitting it twice makes one refund."""

    payment = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Payment"), empty_label=None)
    amount = forms.DecimalField(label=gettext_lazy("Amount"), min_value=Decimal("0.01"), **MONEY)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    request_key = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        payments = order.payments.filter(state=PaymentState.CONFIRMED).order_by("created_at", "pk")
        self.fields["payment"].queryset = payments
        self.fields["payment"].label_from_instance = self.payment_label
        first = next(iter(payments), None)
        if not self.is_bound:
            self.initial["request_key"] = uuid.uuid4().hex
            if first is not None:
                self.initial.update(payment=first.pk, amount=refundable_amount(first))

    @staticmethod
    def payment_label(payment):
        return _("%(number)s · %(provider)s · %(amount)s, refundable %(refundable)s") % {
            "number": payment.number,
            "provider": payment.get_provider_display(),
            "amount": money(payment.amount, payment.currency),
            "refundable": money(refundable_amount(payment), payment.currency),
        }


class RejectProofForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for rejection"),
        help_text=gettext_lazy("The payer reads this in the mail and can upload another proof."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Please tell the payer why the proof is rejected."))
        return reason


class IssueInvoiceForm(forms.Form):
    invoice_number = forms.CharField(label=gettext_lazy("Invoice number"), max_length=64)
    file = forms.FileField(label=gettext_lazy("Electronic invoice (PDF)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_PROOF_UPLOAD_SIZE:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)d MB.")
                % {"size": settings.MAX_PROOF_UPLOAD_SIZE // 1024 // 1024}
            )
        return upload


class SummaryForm(forms.Form):
    """The period of the summary, in days of each conference's own time zone."""

    conference = forms.ModelChoiceField(
        queryset=None, required=False, label=gettext_lazy("Conference"), empty_label=gettext_lazy("All")
    )
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=AdminDateInput)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=AdminDateInput)

    def __init__(self, *args, conferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = conferences

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return cleaned
