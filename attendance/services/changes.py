"""Changes to a live registration that are not a change of state: staff change its type or price;
the attendee (as the conference's edit policy allows) or staff edit details and answers.

A new type or price of a registration awaiting payment replaces its pending order (refused
while a proof of transfer waits for finance: ``RegistrationLocked``); lowered to 0, the
registration is confirmed. On a confirmed registration the change is recorded and finance
settles any difference (a refund, or a separate order).
"""

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from attendance.enums import RegistrationState
from attendance.exceptions import EditNotAllowed, TypeNotAvailable
from attendance.models import Registration, RegistrationType
from attendance.permissions import attendee_may_edit
from attendance.selectors import answers_of, questions_for
from attendance.services import notifications
from attendance.services.capacity import take_place
from attendance.services.inputs import DETAIL_FIELDS, DOCUMENT, check_upload, clean_answers, clean_details
from attendance.services.orders import drop_pending_order, open_order
from attendance.services.pricing import quote
from attendance.services.registering import attach_document, save_answers
from attendance.services.registrations import lock, transition
from attendance.signals import registration_changed


@transaction.atomic
def change_registration_type(*, registration, registration_type, user, price=None, reason=""):
    """Staff move a live registration to another type of its conference (a place of it is taken);
    the price becomes ``price`` when given, else the new type's fee in the registration's
    currency at the moment it was submitted (the on-site fee for a walk-in).

    Raises ``TypeNotAvailable``, ``RegistrationFull``, ``PriceNotAvailable``,
    ``RegistrationLocked``, ``EditNotAllowed`` (not live). Side effects: an audit entry with the
    old and new type and price, ``registration_changed``, the order replaced (see the module).
    """
    registration = lock(registration)
    _require_live(registration)
    new_type = (
        RegistrationType.objects.filter(pk=getattr(registration_type, "pk", registration_type))
        .select_related("conference")
        .prefetch_related("fee_tiers")
        .first()
    )
    if new_type is None or new_type.conference_id != registration.conference_id:
        raise TypeNotAvailable()
    if new_type.pk != registration.registration_type_id:
        take_place(registration_type=new_type)
    if price is None:
        offer = quote(
            registration_type=new_type,
            currency=registration.currency,
            at=registration.created_at,
            on_site=registration.walk_in,
        )
        new_price, fee_kind = offer.amount, offer.fee_kind
    else:
        new_price, fee_kind = _checked_price(price), registration.fee_kind
    old_type = registration.registration_type
    changes = {"registration_type": [old_type.pk, new_type.pk], "price": [str(registration.price), str(new_price)]}
    registration.registration_type = new_type
    registration.fee_kind = fee_kind
    registration.price_adjusted = price is not None
    return _reprice(
        registration, new_price, user=user, reason=reason, changes=changes, action="flock.registration.change_type"
    )


@transaction.atomic
def adjust_registration_price(*, registration, price, user, reason=""):
    """Staff set the price of a live registration (a discount, a waiver: 0 confirms a registration
    awaiting payment). Side effects: an audit entry with the old and new price,
    ``registration_changed``, the order replaced (see the module)."""
    registration = lock(registration)
    _require_live(registration)
    new_price = _checked_price(price)
    registration.price_adjusted = True
    changes = {"price": [str(registration.price), str(new_price)]}
    return _reprice(
        registration, new_price, user=user, reason=reason, changes=changes, action="flock.registration.adjust_price"
    )


def _checked_price(price):
    try:
        value = Decimal(str(price))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value >= Decimal("1e11"):
        raise ValidationError({"price": ValidationError(_("Enter an amount of 0 or more."), code="invalid")})
    return value.quantize(Decimal("0.01"))


def _require_live(registration):
    if not registration.is_live:
        raise EditNotAllowed(_("Only a registration that is not cancelled or withdrawn can be changed."))


def _reprice(registration, new_price, *, user, reason, changes, action):
    registration.price = new_price
    registration.updated_at = timezone.now()
    awaiting_payment = registration.state == RegistrationState.AWAITING_PAYMENT
    if awaiting_payment:
        old_order = registration.order
        drop_pending_order(registration, user=user, reason="changed by staff", keep_proofs=True)
    registration.save(update_fields=["registration_type", "fee_kind", "price", "price_adjusted", "updated_at"])
    if awaiting_payment and not registration.is_free:
        order = open_order(registration)
        changes = {**changes, "order": [old_order.code if old_order else None, order.code]}
    log(
        instance=registration,
        action=action,
        user=user,
        data={**changes, "currency": registration.currency, "reason": reason},
    )
    if awaiting_payment and registration.is_free:
        registration.confirmed_at = timezone.now()
        transition(
            registration,
            RegistrationState.CONFIRMED,
            action="flock.registration.confirm",
            user=user,
            fields=["confirmed_at"],
        )
        notifications.notify_confirmed(registration=registration)
    registration_changed.send(sender=Registration, registration=registration, user=user, changes=changes)
    return registration


@transaction.atomic
def update_registration(*, registration, details=None, answers=None, files=None, by_staff=None):
    """Edit the personal details, the answers (the complete set, as the questions form gives it)
    and/or the document (``files["document"]``; answers' files keyed by question pk). ``None``
    leaves a part unchanged; a file question not uploaded again keeps its file.

    The attendee (``by_staff`` is ``None``) may edit as the conference's edit policy allows
    (``EditNotAllowed`` otherwise); staff always may, and required answers are not enforced for
    them. Raises ``ValidationError`` keyed by form field name; nothing is saved then.

    Side effects (when something changed): an audit entry naming what changed, with the old and
    new values of details; ``registration_changed``.
    """
    registration = lock(registration)
    if by_staff is None and not attendee_may_edit(registration):
        raise EditNotAllowed()
    existing = answers_of(registration)
    edit = _checked_edit(registration, existing, details, answers, files or {}, strict=by_staff is None)
    changes = {}
    if edit.details is not None:
        changes["details"] = _apply_details(registration, edit.details)
    if edit.answers is not None:
        changes["answers"] = _replace_answers(registration, existing, edit.answers)
    if edit.document is not None:
        old_name = registration.document_name
        attach_document(registration, *edit.document)
        changes["document"] = [old_name, registration.document_name]
    changes = {key: value for key, value in changes.items() if value}
    if not changes:
        return registration
    registration.updated_at = timezone.now()
    registration.save(update_fields=[*DETAIL_FIELDS, "updated_at"])
    user = by_staff or registration.user
    log(instance=registration, action="flock.registration.edit", user=user, data=changes)
    registration_changed.send(sender=Registration, registration=registration, user=user, changes=changes)
    return registration


class _Edit(NamedTuple):
    details: dict | None
    answers: object  # CleanedAnswers or None
    document: tuple | None


def _checked_edit(registration, existing, details, answers, files, *, strict):
    """Every check of an edit, with every problem in one ``ValidationError``."""
    errors, cleaned, checked, document = {}, None, None, None
    if details is not None:
        try:
            cleaned = clean_details(details)
        except ValidationError as error:
            errors.update(error.error_dict)
    answer_files = {key: value for key, value in files.items() if key != DOCUMENT}
    if answers is not None or answer_files:
        try:
            checked = clean_answers(
                questions=questions_for(registration.conference),
                answers=answers if answers is not None else {pk: answer.value for pk, answer in existing.items()},
                files=answer_files,
                existing_files={pk for pk, answer in existing.items() if answer.file},
                enforce_required=strict,
            )
        except ValidationError as error:
            errors.update(error.error_dict)
    if files.get(DOCUMENT):
        try:
            document = (files[DOCUMENT], check_upload(files[DOCUMENT]))
        except ValidationError as error:
            errors[DOCUMENT] = [error]
    if errors:
        raise ValidationError(errors)
    return _Edit(details=cleaned, answers=checked, document=document)


def _apply_details(registration, cleaned):
    """Set the changed details; returns ``{field: [old, new]}``."""
    changed = {}
    for name in DETAIL_FIELDS:
        old = str(getattr(registration, name) or "")
        if old != cleaned[name]:
            changed[name] = [old, cleaned[name]]
            setattr(registration, name, cleaned[name])
    return changed


def _replace_answers(registration, existing, checked):
    """Write the new answers and drop those of questions no longer answered or shown; a shown
    file question not uploaded again keeps its file. Returns the pks of the changed answers."""
    values, uploads = checked.values, checked.uploads
    kept_files = {pk for pk, answer in existing.items() if answer.file and pk in checked.shown and pk not in uploads}
    stale = {pk for pk in existing if pk not in values and pk not in uploads and pk not in kept_files}
    changed = {pk for pk in values if pk not in existing or existing[pk].value != values[pk]}
    registration.answers.filter(question_id__in=stale).delete()
    rows = save_answers(registration, values, uploads, existing=existing)
    for answer, uploaded in rows:
        answer.file.save(uploaded.name, uploaded, save=True)
    return sorted(changed | stale | set(uploads))
