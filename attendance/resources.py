"""Registrations to and from spreadsheets.

**Export** (the registrations listing's XLSX / CSV download): ``export_columns(queryset,
language=…)`` is a mapping ``name -> (heading, value(registration))`` with the registration's
fields, its order (code, paid or not, invoice title) and one column per question of the
conferences in the export, headed by the question's label in the admin user's language. A
multiple choice is joined (``Answer.display``); a file is a note with its name (the file itself
stays in Flock). ``registrations_for_export`` fetches everything in a fixed number of queries.

**Import** (``RegistrationImportResource``, through ``cms.admin_import.ImportView``): one row per
person, columns ``email``, ``name_zh``, ``last_name``, ``first_name``, ``title``, ``affiliation``,
``country``, ``phone``, ``type`` (a registration type's name in either language), ``state``
(``confirmed`` or ``awaiting_payment``, the default), optionally ``currency`` and ``language``,
and one column per question headed by its label in either language. Each row opens or reuses the
person's account and registers them through the services (``attendance.services.walk_ins``); a
"confirmed" row with a fee records its bank transfer. Every row is really registered in the dry
run too (which is rolled back), so the preview shows every error the import would meet: an
unknown type, a bad address, a person registered already (or twice in the file), a full type, an
invalid answer.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_countries import countries
from import_export import fields, resources

from attendance.enums import QuestionKind, RegistrationState
from attendance.exceptions import AlreadyRegistered, PriceNotAvailable, RegistrationError
from attendance.models import Question, Registration, RegistrationType
from attendance.services.inputs import DETAIL_FIELDS
from attendance.services.walk_ins import record_transfer, register_by_email
from cms.accounts.services import checked_email
from cms.enums import Language
from cms.exceptions import FlockError
from commerce.enums import ORDER_PAID_STATES

# --- Export --------------------------------------------------------------------------------------

PAID, UNPAID, FREE = "paid", "unpaid", "free"
PAYMENT_LABELS = {
    PAID: pgettext_lazy("registration fee", "Paid"),
    UNPAID: pgettext_lazy("registration fee", "Not paid"),
    FREE: pgettext_lazy("registration fee", "No fee"),
}


def payment_status(registration):
    """``"free"`` (nothing to pay), ``"paid"`` (its order's money arrived) or ``"unpaid"``."""
    if registration.is_free:
        return FREE
    order = registration.order
    return PAID if order is not None and order.state in ORDER_PAID_STATES else UNPAID


def local_time(value, conference):
    """A naive datetime in the conference's time zone, as a spreadsheet cell shows it."""
    return timezone.localtime(value, conference.tz).replace(tzinfo=None) if value else None


def file_note(name):
    return _("File: %(name)s") % {"name": name} if name else ""


def _invoice_title(registration):
    invoice = getattr(registration.order, "invoice_request", None) if registration.order_id else None
    return invoice.title if invoice is not None else ""


def _yes(value):
    return _("yes") if value else ""


BASE_COLUMNS = {
    "code": (gettext_lazy("Registration code"), lambda r: r.code),
    "conference": (pgettext_lazy("admin", "Conference"), lambda r: r.conference.acronym),
    "state": (pgettext_lazy("registration", "State"), lambda r: r.get_state_display()),
    "registration_type": (gettext_lazy("Registration type"), lambda r: r.registration_type.name),
    "fee": (pgettext_lazy("registration", "Fee"), lambda r: r.get_fee_kind_display()),
    "price": (pgettext_lazy("registration", "Price"), lambda r: r.price),
    "currency": (pgettext_lazy("payment", "Currency"), lambda r: r.currency),
    "paid": (pgettext_lazy("registration fee", "Paid"), lambda r: str(PAYMENT_LABELS[payment_status(r)])),
    "order": (gettext_lazy("Order code"), lambda r: r.order.code if r.order_id else ""),
    "invoice_title": (gettext_lazy("Invoice title"), _invoice_title),
    "name_zh": (gettext_lazy("Name in Chinese"), lambda r: r.name_zh),
    "last_name": (gettext_lazy("Family name (Latin letters)"), lambda r: r.last_name),
    "first_name": (gettext_lazy("Given name (Latin letters)"), lambda r: r.first_name),
    "title": (gettext_lazy("Academic title"), lambda r: r.title),
    "affiliation": (gettext_lazy("Affiliation"), lambda r: r.affiliation),
    "country": (pgettext_lazy("address", "Country"), lambda r: str(r.country.name) if r.country else ""),
    "phone": (gettext_lazy("Phone"), lambda r: r.phone),
    "email": (gettext_lazy("Email address"), lambda r: r.email),
    "language": (gettext_lazy("Language"), lambda r: r.get_language_display()),
    "walk_in": (gettext_lazy("Registered on site"), lambda r: _yes(r.walk_in)),
    "created_at": (gettext_lazy("Registered"), lambda r: local_time(r.created_at, r.conference)),
    "confirmed_at": (gettext_lazy("Confirmed"), lambda r: local_time(r.confirmed_at, r.conference)),
    "reason": (gettext_lazy("Reason"), lambda r: r.reason),
    "document": (gettext_lazy("Document"), lambda r: file_note(r.document_name)),
}


def registrations_for_export(queryset):
    return queryset.select_related("conference", "registration_type", "order__invoice_request").prefetch_related(
        "answers"
    )


def export_questions(queryset):
    """Every question (asked now or before) of the conferences of ``queryset``, in order."""
    conference_ids = queryset.order_by().values_list("conference_id", flat=True).distinct()
    return list(
        Question.objects.filter(conference_id__in=list(conference_ids))
        .select_related("conference")
        .prefetch_related("choices")
        .order_by("conference__start_date", "conference_id", "sort_order", "id")
    )


def _answer_value(question, language):
    def value(registration):
        answer = _answers(registration).get(question.pk)
        if answer is None:
            return ""
        answer.question = question  # with its choices prefetched
        if question.kind == QuestionKind.FILE:
            return file_note(answer.file_name)
        return answer.display(language)

    return value


def _answers(registration):
    if not hasattr(registration, "_answers_by_question"):
        registration._answers_by_question = {answer.question_id: answer for answer in registration.answers.all()}
    return registration._answers_by_question


def export_columns(queryset, *, language):
    """The columns of an export of ``queryset``: ``BASE_COLUMNS`` then one per question, headed
    by its label in ``language`` (with the conference's acronym when several are exported)."""
    questions = export_questions(queryset)
    several = len({question.conference_id for question in questions}) > 1
    columns = dict(BASE_COLUMNS)
    for question in questions:
        label = question.localized("label", language)
        heading = f"{question.conference.acronym} · {label}" if several else label
        columns[question.field_name] = (heading, _answer_value(question, language))
    return columns


# --- Import --------------------------------------------------------------------------------------

DETAIL_COLUMNS = DETAIL_FIELDS  # name_zh, first_name, …, email: the registration's own fields
TYPE, STATE, CURRENCY, LANGUAGE = "type", "state", "currency", "language"
KNOWN_COLUMNS = (*DETAIL_COLUMNS, TYPE, STATE, CURRENCY, LANGUAGE)
STATE_CHOICES = (RegistrationState.AWAITING_PAYMENT, RegistrationState.CONFIRMED)
SEPARATORS = re.compile(r"\s*[;,，；、\n]\s*")


def _text(value):
    """A cell as text: whole numbers without ``.0`` (a phone number typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _words(*labels):
    return {label.strip().lower() for label in labels if label}


def _in_both_languages(label):
    """A lazy label as it reads in each language, lower case."""
    words = set()
    for language in Language.values:
        with translation.override(language):
            words |= _words(str(label))
    return words


def _country_codes():
    """Country names in both languages and codes -> code."""
    codes = {}
    for language in Language.values:
        with translation.override(language):
            for code, name in countries:
                codes[name.strip().lower()] = code
    for code, _name in countries:
        codes[code.lower()] = code
    return codes


class RegistrationImportResource(resources.ModelResource):
    """Registrations of one conference from a spreadsheet (see the module)."""

    email = fields.Field(attribute="email", column_name="email")
    name = fields.Field(attribute="display_name", column_name="name")
    registration_type = fields.Field(attribute="registration_type__name", column_name=TYPE)
    state = fields.Field(attribute="get_state_display", column_name=STATE)
    price = fields.Field(attribute="price", column_name="price")
    currency = fields.Field(attribute="currency", column_name=CURRENCY)

    class Meta:
        model = Registration
        fields = ("email", "name", "registration_type", "state", "price", "currency")
        import_id_fields = ("email",)
        skip_unchanged = False

    def __init__(self, *, user=None, conference=None):
        super().__init__()
        self.user = user
        self.conference = conference
        self._pending = None

    # What the file holds --------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self.rows_by_email = {}
        questions = Question.objects.filter(conference=self.conference).prefetch_related("choices")
        self.questions = {}
        for question in questions.order_by("sort_order", "id"):
            for label in (question.label_zh, question.label_en):
                if label and label.strip().lower() not in self.questions:
                    self.questions[label.strip().lower()] = question
        types = RegistrationType.objects.filter(conference=self.conference)
        self.types = {}
        for registration_type in types.order_by("sort_order", "id"):
            for name in _words(registration_type.name_zh, registration_type.name_en):
                self.types.setdefault(name, registration_type)
        self.states = {}
        for state in STATE_CHOICES:
            for word in {state.value, state.value.replace("_", " "), *_in_both_languages(state.label)}:
                self.states[word] = state
        self.languages = {}
        for code, label in Language.choices:
            for word in _words(code, label, "中文" if code == Language.CHINESE else "english", code[:2]):
                self.languages[word] = code
        self.country_codes = _country_codes()
        headers = [_text(header) for header in dataset.headers or []]
        self.unknown_columns = [
            header
            for header in headers
            if header and header not in KNOWN_COLUMNS and header.lower() not in self.questions
        ]

    def get_or_init_instance(self, instance_loader, row):
        return Registration(conference=self.conference), True

    def import_instance(self, instance, row, **kwargs):
        """Nothing is copied from the row onto the instance: ``save_instance`` registers the person."""

    # Checks of one row ------------------------------------------------------------------------

    def before_import_row(self, row, **kwargs):
        errors = {}
        for header in self.unknown_columns:
            errors[header] = _("Unknown column: use the columns listed on this page or a question's label.")
        email = _text(row.get("email"))
        try:
            email = checked_email(email)
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            first_row = self.rows_by_email.setdefault(email, kwargs.get("row_number"))
            if first_row != kwargs.get("row_number"):
                errors["email"] = _("This address is in the file twice (row %(row)s).") % {"row": first_row}
        registration_type = self.types.get(_text(row.get(TYPE)).lower())
        if registration_type is None:
            errors[TYPE] = _("Unknown registration type “%(type)s”; use one of: %(types)s.") % {
                "type": _text(row.get(TYPE)),
                "types": ", ".join(sorted({t.name_zh for t in self.types.values()})),
            }
        state_text = _text(row.get(STATE)).lower()
        state = self.states.get(state_text) if state_text else RegistrationState.AWAITING_PAYMENT
        if state is None:
            errors[STATE] = _("Use confirmed or awaiting_payment.")
        language_text = _text(row.get(LANGUAGE)).lower()
        language = self.languages.get(language_text) if language_text else None
        if language_text and language is None:
            errors[LANGUAGE] = _("Use zh-hans or en.")
        answers = {}
        for header, raw in row.items():
            question = self.questions.get(_text(header).lower())
            if question is None or _text(raw) == "":
                continue
            if question.kind == QuestionKind.FILE:
                errors[_text(header)] = _("Files cannot be imported; leave this column empty.")
                continue
            answers[question.pk] = self._answer(question, raw)
        if errors:
            raise ValidationError(errors)
        country = _text(row.get("country"))
        details = {name: _text(row.get(name)) for name in DETAIL_COLUMNS}
        details["country"] = self.country_codes.get(country.lower(), country)
        self._pending = {
            "email": email,
            "registration_type": registration_type,
            "confirm": state == RegistrationState.CONFIRMED,
            "currency": _text(row.get(CURRENCY)).upper() or None,
            "language": language,
            "details": details,
            "answers": answers,
            "headers": self._question_headers(row),
        }

    def _question_headers(self, row):
        """``{q_<pk>: the column's header}`` for the question columns of the file."""
        headers = {}
        for header in row:
            question = self.questions.get(_text(header).lower())
            if question is not None:
                headers[question.field_name] = _text(header)
        return headers

    def _answer(self, question, raw):
        """A cell as the services take it: choice labels in either language become their values."""
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            by_word = {}
            for choice in question.choices.all():
                for word in _words(choice.value, choice.label_zh, choice.label_en):
                    by_word.setdefault(word, choice.value)
            items = [item for item in SEPARATORS.split(_text(raw)) if item]
            if question.kind == QuestionKind.SINGLE_CHOICE:
                items = [_text(raw)]
            values = [by_word.get(item.lower(), item) for item in items]
            return values if question.kind == QuestionKind.MULTIPLE_CHOICE else values[0]
        if question.kind == QuestionKind.COUNTRY:
            return self.country_codes.get(_text(raw).lower(), _text(raw))
        if question.kind == QuestionKind.DATE and not isinstance(raw, str):
            return raw
        return _text(raw)

    # Registering ------------------------------------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        pending, self._pending = self._pending, None
        try:
            with transaction.atomic():
                registration = register_by_email(
                    conference=self.conference,
                    email=pending["email"],
                    registration_type=pending["registration_type"],
                    details=pending["details"],
                    answers=pending["answers"],
                    currency=pending["currency"],
                    language=pending["language"],
                    by_staff=self.user,
                )
                if pending["confirm"] and registration.state == RegistrationState.AWAITING_PAYMENT:
                    registration = record_transfer(
                        registration=registration, by_staff=self.user, reference=_("imported")
                    )
        except AlreadyRegistered as error:
            existing = error.registration
            raise ValidationError(
                {
                    "email": _("This person is registered already (%(code)s).")
                    % {"code": existing.code if existing else ""}
                }
            ) from None
        except ValidationError as error:
            raise ValidationError(self._by_column(error, pending["headers"])) from None
        except PriceNotAvailable as error:
            raise ValidationError({CURRENCY if pending["currency"] else TYPE: str(error.message)}) from None
        except RegistrationError as error:
            raise ValidationError({TYPE: str(error.message)}) from None
        except FlockError as error:  # bank transfer not enabled, …
            raise ValidationError({STATE: str(error.message)}) from None
        for field in Registration._meta.concrete_fields:
            setattr(instance, field.attname, getattr(registration, field.attname))

    @staticmethod
    def _by_column(error, headers):
        """The services key errors by form field (``q_<pk>``); the file has question labels."""
        if not hasattr(error, "error_dict"):
            return {"__all__": error.messages}
        return {
            headers.get(name, name): [message for item in items for message in item.messages]
            for name, items in error.error_dict.items()
        }


__all__ = [
    "BASE_COLUMNS",
    "PAYMENT_LABELS",
    "RegistrationImportResource",
    "export_columns",
    "payment_status",
    "registrations_for_export",
]
