"""Server-side checks of what a person submits: personal details, answers and uploaded files.

The forms in ``attendance.forms`` call these same functions, so a form and a direct call of a
service (an import, the admin, a test) apply the same rules. Errors are ``ValidationError``
keyed by form field name (``first_name`` …, ``document``, ``q_<question pk>``) with a ``code``.

Files are judged by their content, not their name: a PDF or a JPEG, PNG or WebP image
(``commerce.services.proofs.sniff_proof_type``), at most ``MAX_REGISTRATION_UPLOAD_SIZE`` bytes.
"""

import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django_countries import countries

from attendance.enums import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, QuestionKind
from attendance.models import Registration
from attendance.selectors import visible_questions
from commerce.services.proofs import PROOF_TYPES, sniff_proof_type

# The key of the registration type's document in a ``files`` mapping; answers' files are keyed
# by their question's pk.
DOCUMENT = "document"
DETAIL_FIELDS = ("first_name", "last_name", "name_zh", "title", "affiliation", "country", "phone", "email")
REQUIRED_DETAILS = ("email", "affiliation", "country")
UPLOAD_TYPES = PROOF_TYPES  # content type -> extension of the stored file
TRUE_WORDS = {"1", "true", "yes", "on", "y", "是"}
FALSE_WORDS = {"", "0", "false", "no", "off", "n", "否"}


def max_upload_size():
    return getattr(settings, "MAX_REGISTRATION_UPLOAD_SIZE", 10 * 1024 * 1024)


# Details ---------------------------------------------------------------------------------------


def details_from_user(user):
    """The person's profile as registration details: what the details form is prefilled with."""
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "name_zh": user.name_zh,
        "title": user.title,
        "affiliation": user.affiliation,
        "country": str(user.country or ""),
        "phone": user.phone,
        "email": user.email,
    }


def clean_details(details):
    """Checked and normalised personal details (only ``DETAIL_FIELDS``; other keys are ignored).

    Rules: an email address, an affiliation and a country are required; so is a name (in Chinese
    characters or in Latin letters); lengths are those of ``Registration``'s fields.
    """
    cleaned = {name: str(details.get(name) or "").strip() for name in DETAIL_FIELDS}
    cleaned["email"] = cleaned["email"].lower()
    cleaned["country"] = cleaned["country"].upper()
    errors = {}
    for name in REQUIRED_DETAILS:
        if not cleaned[name]:
            errors[name] = ValidationError(_("This field is required."), code="required")
    if not (cleaned["name_zh"] or cleaned["first_name"] or cleaned["last_name"]):
        errors["last_name"] = ValidationError(_("Please give your name."), code="name_required")
    for name in DETAIL_FIELDS:
        limit = Registration._meta.get_field(name).max_length
        if limit and len(cleaned[name]) > limit and name not in errors:
            errors[name] = _too_long(limit)
    if cleaned["email"] and "email" not in errors:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = ValidationError(_("Enter a valid email address."), code="invalid")
    if cleaned["country"] and "country" not in errors and cleaned["country"] not in countries:
        errors["country"] = ValidationError(_("Choose a country from the list."), code="invalid_choice")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _too_long(limit):
    return ValidationError(
        _("Please keep this to at most %(limit)d characters.") % {"limit": limit},
        code="max_length",
        params={"limit": limit},
    )


# Files -----------------------------------------------------------------------------------------


def check_upload(uploaded):
    """The content type of an acceptable upload; ``ValidationError`` (code ``file_too_large`` or
    ``file_type``) otherwise. The name and the browser's claimed type are ignored."""
    limit = max_upload_size()
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is too large: at most %(size)d MB.") % {"size": limit // 1024 // 1024},
            code="file_too_large",
        )
    content_type = sniff_proof_type(uploaded)
    if content_type is None:
        raise ValidationError(_("Please upload a PDF or a JPEG, PNG or WebP image."), code="file_type")
    return content_type


def stored_upload(uploaded, content_type, stem):
    """Rename ``uploaded`` for storage (the model's ``upload_to`` generates the final name) and
    return the name the person gave it."""
    original = uploaded.name.rsplit("/", 1)[-1][:200]
    uploaded.name = f"{stem}.{UPLOAD_TYPES[content_type]}"
    return original


# Answers ---------------------------------------------------------------------------------------


def _raw(mapping, question):
    for key in (question.pk, str(question.pk), question.field_name):
        if key in mapping:
            return mapping[key]
    return None


def _empty(value):
    return value is None or value == "" or value == [] or value is False


def normalise_answer(question, raw):
    """The stored form of one raw answer (a form's cleaned value or a plain string), ``None`` when
    empty. Raises ``ValidationError`` with a code (``max_length``, ``invalid_choice``, ``invalid``)."""
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        text = "" if raw is None else str(raw).replace("\r\n", "\n").strip()
        limit = SHORT_TEXT_MAX_LENGTH if kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX_LENGTH
        if len(text) > limit:
            raise _too_long(limit)
        return text or None
    if kind == QuestionKind.SINGLE_CHOICE:
        value = "" if raw is None else str(raw)
        if value and value not in {choice.value for choice in question.choices.all()}:
            raise ValidationError(_("Choose one of the options."), code="invalid_choice")
        return value or None
    if kind == QuestionKind.MULTIPLE_CHOICE:
        values = [raw] if isinstance(raw, str) else list(raw or [])
        allowed = [choice.value for choice in question.choices.all()]
        if any(str(value) not in allowed for value in values):
            raise ValidationError(_("Choose among the options."), code="invalid_choice")
        chosen = {str(value) for value in values}
        return [value for value in allowed if value in chosen] or None
    if kind == QuestionKind.CHECKBOX:
        return _boolean(raw)
    if kind == QuestionKind.DATE:
        return _date(raw)
    if kind == QuestionKind.COUNTRY:
        code = "" if raw is None else str(raw).strip().upper()
        if code and code not in countries:
            raise ValidationError(_("Choose a country from the list."), code="invalid_choice")
        return code or None
    return None  # files are checked by ``check_upload``


def _boolean(raw):
    if isinstance(raw, bool) or raw is None:
        return bool(raw)
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("Tick the box or leave it empty."), code="invalid")


def _date(raw):
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.datetime):
        raw = raw.date()
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    try:
        return datetime.date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise ValidationError(_("Enter a date such as 2027-05-10."), code="invalid") from None


class CleanedAnswers(NamedTuple):
    values: dict  # question pk -> stored value, for the shown questions that have one
    uploads: dict  # question pk -> (upload, content type), for the shown file questions given a file
    shown: frozenset  # pks of the questions shown by these answers


def clean_answers(*, questions, answers, files=None, existing_files=(), enforce_required=True):
    """Check ``answers`` (``{question pk, str pk or field name: raw value}``) and ``files``
    (``{question pk: upload}``) against ``questions`` (``attendance.selectors.questions_for``).

    Returns ``CleanedAnswers(values, uploads, shown)``: ``values`` maps the pk of each *shown*
    question that has an answer to its stored form; ``uploads`` maps a file question's pk to
    ``(upload, content_type)``; ``shown`` holds the pks of the questions shown. Answers to
    hidden questions (a condition not met) and to unknown questions are dropped.
    ``existing_files`` are pks of file questions answered before (an edit): they count as
    answered. Raises one ``ValidationError`` with every problem, keyed by field name.
    """
    files = files or {}
    values, errors = {}, {}
    for question in questions:
        if question.kind == QuestionKind.FILE:
            continue
        try:
            values[question.pk] = normalise_answer(question, _raw(answers, question))
        except ValidationError as error:
            values[question.pk] = None
            errors[question.field_name] = error
    shown = visible_questions(questions, values)
    shown_pks = {question.pk for question in shown}
    errors = {name: error for name, error in errors.items() if int(name[2:]) in shown_pks}
    uploads = {}
    for question in shown:
        if question.field_name in errors:
            continue
        if question.kind == QuestionKind.FILE:
            uploaded = _raw(files, question)
            if uploaded:
                try:
                    uploads[question.pk] = (uploaded, check_upload(uploaded))
                except ValidationError as error:
                    errors[question.field_name] = error
                    continue
            answered = bool(uploaded) or question.pk in existing_files
        else:
            answered = not _empty(values[question.pk])
        if enforce_required and question.required and not answered:
            errors[question.field_name] = ValidationError(_("Please answer this question."), code="required")
    if errors:
        raise ValidationError(errors)
    values = {pk: value for pk, value in values.items() if pk in shown_pks and value is not None}
    return CleanedAnswers(values=values, uploads=uploads, shown=frozenset(shown_pks))
