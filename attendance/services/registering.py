"""Registering: ``register`` (the attendee, or staff by hand) and ``register_walk_in`` (staff at
the desk).

The first state follows from the type and the price (recomputed here from the fee tier in
force, never taken from the browser):

======================================  ===================================================
the type needs approval (not by staff)  awaiting approval; the order is made on approval
the price is 0                          confirmed at once
otherwise                               awaiting payment, with a pending order in ``commerce``
======================================  ===================================================

Everything runs in one transaction: when anything fails, nothing is saved. Checks come first
(open, not registered yet, the type, the price, every input), then the place is taken under
the type's row lock, then the rows are written; uploaded files are written last.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from attendance.enums import RegistrationState
from attendance.exceptions import AlreadyRegistered, TypeNotAvailable
from attendance.models import Answer, Registration, RegistrationType
from attendance.selectors import live_registration_of, questions_for
from attendance.services import notifications
from attendance.services.capacity import take_place
from attendance.services.inputs import DOCUMENT, check_upload, clean_answers, clean_details, stored_upload
from attendance.services.orders import open_order
from attendance.services.pricing import quote
from attendance.services.setup import check_registration_open
from attendance.signals import registration_created
from cms.enums import Language

CODE_PREFIX = "REG"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read over the phone


def new_code(length=4):
    return f"{CODE_PREFIX}-{''.join(secrets.choice(CODE_ALPHABET) for _ in range(length))}"


# Registering -----------------------------------------------------------------------------------


@transaction.atomic
def register(
    *,
    conference,
    user,
    registration_type,
    details,
    answers=None,
    files=None,
    currency=None,
    language=None,
    by_staff=None,
):
    """Register ``user`` for ``conference`` as ``registration_type`` (an instance or a pk).

    ``details``: personal details (``attendance.services.inputs.DETAIL_FIELDS``); ``answers``:
    ``{question pk: value}``; ``files``: ``{"document": upload, question pk: upload}``;
    ``currency``: one of the conference's (its first by default); ``language``: of the mails
    (the person's preferred language by default). The price is recomputed from the fee tier in
    force now; nothing from the browser is trusted.

    With ``by_staff`` (the staff member registering someone by hand): registration need not be
    open, inactive types may be used, no approval is needed, and required answers and the
    document may be left out (what is given is still checked).

    Raises ``RegistrationClosed``, ``AlreadyRegistered`` (with ``.registration``),
    ``TypeNotAvailable``, ``PriceNotAvailable``, ``RegistrationFull`` and ``ValidationError``
    (keyed by form field name); nothing is saved then.

    Side effects: the registration and its answers; an order (awaiting payment) or the
    confirmation (free); an audit entry; ``registration_created``; a mail (submitted or
    confirmed) in the registration's language.
    """
    if by_staff is None:
        check_registration_open(conference)
    registration_type = _offered_type(conference, registration_type, by_staff=by_staff)
    price = quote(registration_type=registration_type, currency=currency or conference.currency)
    return _create(
        conference=conference,
        user=user,
        registration_type=registration_type,
        price=price,
        details=details,
        answers=answers or {},
        files=files or {},
        language=language,
        by_staff=by_staff,
        needs_approval=registration_type.requires_approval and by_staff is None,
    )


@transaction.atomic
def register_walk_in(
    *, conference, user, registration_type, details, answers=None, files=None, currency=None, language=None, by_staff
):
    """Staff register a person at the desk: like ``register(by_staff=...)`` but at the type's
    on-site fee (the fee in force when it has none) and marked as a walk-in. An order is made
    when there is a fee; the person pays it at the desk (card, Alipay) or finance records it."""
    registration_type = _offered_type(conference, registration_type, by_staff=by_staff)
    price = quote(registration_type=registration_type, currency=currency or conference.currency, on_site=True)
    return _create(
        conference=conference,
        user=user,
        registration_type=registration_type,
        price=price,
        details=details,
        answers=answers or {},
        files=files or {},
        language=language,
        by_staff=by_staff,
        needs_approval=False,
        walk_in=True,
    )


def _offered_type(conference, registration_type, *, by_staff):
    pk = getattr(registration_type, "pk", registration_type)
    found = (
        RegistrationType.objects.filter(pk=pk, conference=conference)
        .select_related("conference")
        .prefetch_related("fee_tiers")
        .first()
    )
    if found is None or not (found.active or by_staff is not None):
        raise TypeNotAvailable()
    return found


def _create(
    *,
    conference,
    user,
    registration_type,
    price,
    details,
    answers,
    files,
    language,
    by_staff,
    needs_approval,
    walk_in=False,
):
    existing = live_registration_of(conference, user)
    if existing is not None:
        raise AlreadyRegistered(registration=existing)
    cleaned, values, uploads, document = _checked_input(
        conference, registration_type, details, answers, files, strict=by_staff is None
    )
    take_place(registration_type=registration_type)
    now = timezone.now()
    state = _first_state(needs_approval=needs_approval, free=price.is_free)
    registration = Registration(
        conference=conference,
        user=user,
        registration_type=registration_type,
        state=state,
        language=language if language in Language.values else user.preferred_language or conference.default_language,
        fee_kind=price.fee_kind,
        price=price.amount,
        currency=price.currency,
        walk_in=walk_in,
        created_by=by_staff,
        created_at=now,
        updated_at=now,
        approved_at=now if by_staff is not None else None,
        confirmed_at=now if state == RegistrationState.CONFIRMED else None,
        **cleaned,
    )
    _insert_with_code(registration)
    file_answers = save_answers(registration, values, uploads, existing={})
    if state == RegistrationState.AWAITING_PAYMENT:
        open_order(registration)
    if document is not None:
        attach_document(registration, *document)
    for answer, uploaded in file_answers:
        answer.file.save(uploaded.name, uploaded, save=True)
    _announce(registration, user=by_staff or user, by_staff=by_staff)
    return registration


def _first_state(*, needs_approval, free):
    if needs_approval:
        return RegistrationState.AWAITING_APPROVAL
    return RegistrationState.CONFIRMED if free else RegistrationState.AWAITING_PAYMENT


def _announce(registration, *, user, by_staff):
    """The audit entry, the signal and the mail of a new registration."""
    log(
        instance=registration,
        action="flock.registration.create",
        user=user,
        data={
            "state": registration.state,
            "type": registration.registration_type_id,
            "price": str(registration.price),
            "currency": registration.currency,
            "walk_in": registration.walk_in,
            "order": registration.order.code if registration.order else None,
        },
    )
    registration_created.send(sender=Registration, registration=registration, by_staff=by_staff)
    if registration.state == RegistrationState.CONFIRMED:
        notifications.notify_confirmed(registration=registration)
    else:
        notifications.notify_submitted(registration=registration)


def _checked_input(conference, registration_type, details, answers, files, *, strict):
    """Every check of what the person submitted, with every problem in one ``ValidationError``."""
    errors = {}
    cleaned = values = None
    uploads, document = {}, None
    try:
        cleaned = clean_details(details)
    except ValidationError as error:
        errors.update(error.error_dict)
    uploaded = files.get(DOCUMENT)
    if uploaded:
        try:
            document = (uploaded, check_upload(uploaded))
        except ValidationError as error:
            errors[DOCUMENT] = [error]
    elif strict and registration_type.document_required:
        errors[DOCUMENT] = [
            ValidationError(
                _("Please upload %(document)s.") % {"document": registration_type.document_label or _("the document")},
                code="required",
            )
        ]
    try:
        values, uploads, _shown = clean_answers(
            questions=questions_for(conference),
            answers=answers,
            files={key: value for key, value in files.items() if key != DOCUMENT},
            enforce_required=strict,
        )
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned, values, uploads, document


def _insert_with_code(registration):
    """Save a new registration under a fresh code; a concurrent registration of the same person
    ends in ``AlreadyRegistered``."""
    for attempt in range(20):
        registration.code = new_code(4 if attempt < 10 else 6)
        try:
            with transaction.atomic():
                registration.save(force_insert=True)
            return registration
        except IntegrityError:
            registration.pk = None
            existing = live_registration_of(registration.conference, registration.user)
            if existing is not None:
                raise AlreadyRegistered(registration=existing) from None
    raise RuntimeError("No free registration code was found.")


def save_answers(registration, values, uploads, *, existing):
    """Write the answers (``existing``: ``{question pk: Answer}`` of an edit). Returns the
    ``(answer, upload)`` pairs whose files the caller saves last."""
    rows = []
    for question_pk in {*values, *uploads}:
        answer = existing.get(question_pk) or Answer(registration=registration, question_id=question_pk)
        answer.value = values.get(question_pk)
        if question_pk in uploads:
            uploaded, content_type = uploads[question_pk]
            answer.file_name = stored_upload(uploaded, content_type, "answer")
            answer.file_content_type = content_type
            rows.append((answer, uploaded))
        answer.save()
    return rows


def attach_document(registration, uploaded, content_type):
    registration.document_name = stored_upload(uploaded, content_type, "document")
    registration.document_content_type = content_type
    registration.document.save(uploaded.name, uploaded, save=False)
    registration.save(update_fields=["document", "document_name", "document_content_type"])
