"""Registering a person by hand (at the desk, or from an imported list): find or open their
account, then register them through ``registering``.

A person without an account gets one: their email address and names, no password, inactive,
with an unconfirmed address. They set a password with the accounts' "forgot your password" link,
which also confirms the address and activates the account
(``cms.accounts.services.reset_password``).
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from attendance.enums import RegistrationState
from attendance.exceptions import IllegalTransition
from attendance.models import Registration
from attendance.services.inputs import details_from_user
from attendance.services.orders import renew_order
from attendance.services.registering import register, register_walk_in
from cms.accounts.models import EmailConfirmation
from cms.accounts.services import account_for, normalise_email
from cms.enums import Language
from cms.models import User
from commerce.enums import Provider
from commerce.services.payments import confirm_payment, start_payment

# The profile fields a new account takes from the details staff typed.
ACCOUNT_FIELDS = ("name_zh", "first_name", "last_name", "title", "affiliation", "country", "phone")


def checked_email(email):
    """``email`` normalised (lower case); ``ValidationError`` keyed ``email`` when it is not an address."""
    email = normalise_email(email)
    try:
        if not email:
            raise ValidationError(_("An email address is required."), code="required")
        validate_email(email)
    except ValidationError as error:
        code = error.code if error.code == "required" else "invalid"
        raise ValidationError({"email": ValidationError(_("Enter a valid email address."), code=code)}) from None
    return email


@transaction.atomic
def find_or_create_account(*, email, details=None, language=None, by_staff=None):
    """The account of ``email`` and whether it was opened now: the existing account (unchanged),
    or a new one with the names and details of ``details`` (``attendance.services.inputs``
    fields), ``language`` as its preferred language, no usable password, inactive and with an
    unconfirmed address.

    Raises ``ValidationError`` (key ``email``). Side effects (new account): the account, its
    ``EmailConfirmation``, an audit entry by ``by_staff``.
    """
    email = checked_email(email)
    existing = account_for(email)
    if existing is not None:
        return existing, False
    details = details or {}
    fields = {}
    for name in ACCOUNT_FIELDS:
        value = str(details.get(name) or "").strip()
        limit = User._meta.get_field(name).max_length
        fields[name] = value[:limit] if limit else value
    fields["country"] = fields["country"].upper()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=None,
                is_active=False,
                preferred_language=language if language in Language.values else Language.CHINESE,
                **fields,
            )
    except IntegrityError:  # the same address was registered at another desk at the same moment
        return account_for(email), False
    EmailConfirmation.objects.create(user=user)
    log(instance=user, action="flock.registration.account", user=by_staff, data={"email": email})
    return user, True


def details_for(user, details):
    """The registration details: what staff typed, the person's profile where they left a blank."""
    typed = {name: value for name, value in (details or {}).items() if value not in (None, "")}
    return {**details_from_user(user), **typed, "email": user.email}


@transaction.atomic
def register_walk_in_by_email(
    *,
    conference,
    email,
    registration_type,
    details,
    answers=None,
    files=None,
    currency=None,
    language=None,
    by_staff,
):
    """Register the person of ``email`` at the desk (``registering.register_walk_in``: the on-site
    fee, no approval), opening an account for them if they have none (``find_or_create_account``).
    Returns the registration.

    Raises what ``register_walk_in`` raises (``AlreadyRegistered``, ``RegistrationFull``,
    ``PriceNotAvailable``, ``TypeNotAvailable``, ``ValidationError``); nothing is saved then,
    not even the new account.
    """
    user, _created = find_or_create_account(email=email, details=details, language=language, by_staff=by_staff)
    return register_walk_in(
        conference=conference,
        user=user,
        registration_type=registration_type,
        details=details_for(user, details),
        answers=answers,
        files=files,
        currency=currency,
        language=language,
        by_staff=by_staff,
    )


@transaction.atomic
def record_transfer(*, registration, by_staff, reference=""):
    """The fee of a registration awaiting payment was paid by bank transfer (outside Flock: a
    list the organizers import, the demo): a bank-transfer payment of its order is started and
    confirmed as finance confirms one (``commerce.services.payments``); ``order_paid`` then
    confirms the registration. Returns the registration as it is now.

    Raises ``IllegalTransition`` (not awaiting payment) and ``ProviderNotAvailable`` (bank
    transfer is not enabled for the conference). Side effects: those of ``start_payment`` and
    ``confirm_payment`` (the payment, the order paid with its receipt and mail, audit entries),
    then those of ``confirm_registration``.
    """
    if registration.state != RegistrationState.AWAITING_PAYMENT:
        raise IllegalTransition(_("Only a registration awaiting payment can be paid."))
    order = renew_order(registration=registration, user=by_staff)
    payment, _result = start_payment(order=order, provider_key=Provider.BANK_TRANSFER, user=by_staff)
    confirm_payment(payment=payment, amount=payment.amount, reference=reference, user=by_staff)
    return Registration.objects.select_related("order").get(pk=registration.pk)


@transaction.atomic
def register_by_email(
    *,
    conference,
    email,
    registration_type,
    details,
    answers=None,
    currency=None,
    language=None,
    by_staff,
):
    """Register the person of ``email`` by hand at the fee in force (``registering.register``
    with ``by_staff``: no approval, open or not), opening an account for them if they have none.
    Used by the import of registrations. Raises what ``register`` raises; nothing is saved then.
    """
    user, _created = find_or_create_account(email=email, details=details, language=language, by_staff=by_staff)
    return register(
        conference=conference,
        user=user,
        registration_type=registration_type,
        details=details_for(user, details),
        answers=answers,
        currency=currency,
        language=language,
        by_staff=by_staff,
    )
