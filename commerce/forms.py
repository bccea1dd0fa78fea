"""Forms of the payer pages: validation only; the services in ``commerce.services`` act."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commerce.enums import InvoiceKind
from commerce.models import InvoiceRequest
from commerce.providers.base import providers_for
from commerce.services.invoices import SPECIAL_FIELDS, clean_invoice_details


def payment_choices(payment_settings):
    """Each way to pay of the conference: ``(provider, method, label)``, in display order."""
    choices = []
    for provider in providers_for(payment_settings):
        for method, label in provider.methods:
            choices.append((provider.key, method, label or provider.label))
    return choices


class PayForm(forms.Form):
    """One of the conference's enabled providers and one of its methods."""

    provider = forms.CharField(max_length=20)
    method = forms.CharField(max_length=20, required=False)

    def __init__(self, *args, payment_settings, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = {(provider, method) for provider, method, _label in payment_choices(payment_settings)}

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("provider"), cleaned.get("method", "")) not in self.allowed:
            raise ValidationError(_("This way of paying is not available for this conference."))
        return cleaned


class ProofUploadForm(forms.Form):
    """The file is judged by its content and size in ``commerce.services.proofs``."""

    file = forms.FileField(
        label=_("Photo or scan of the transfer"),
        help_text=_("A JPEG, PNG or WebP image or a PDF, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )


class InvoiceRequestForm(forms.ModelForm):
    """The payer's invoice details; the rules are those of ``clean_invoice_details``."""

    class Meta:
        model = InvoiceRequest
        fields = ["kind", "title", "tax_number", "email", "address", "phone", "bank_name", "bank_account"]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "tax_number": _("The 18-character unified social credit code (统一社会信用代码) of the organisation."),
            "email": _("The electronic invoice is also sent to this address."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = InvoiceKind.choices
        for name in ("title", "tax_number"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean(self):
        cleaned = super().clean()
        details = {name: cleaned.get(name, "") for name in self.Meta.fields if name not in self.errors}
        try:
            cleaned.update(clean_invoice_details(details))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, messages)
        return cleaned

    def details(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def general_fields(self):
        return [self[name] for name in self.Meta.fields if name not in SPECIAL_FIELDS]

    def special_fields(self):
        return [self[name] for name in SPECIAL_FIELDS]
