"""Registering a person by hand (at the desk, or from an imported list): find or open their
account, then register them through ``registering``.

A person without an account gets one: their email address and names, no password, inactive,
with an unconfirmed address. They set a password with the accounts' "forgot your password" link,
which also confirms the address and activates the account
(``cms.accounts.services.reset_password``).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from attendance.enums import RegistrationState
from attendance.exceptions import IllegalTransition
from attendance.models import Registration
from attendance.services.inputs import details_from_user
from attendance.services.orders import renew_order
from attendance.services.registering import register, register_walk_in
from cms.accounts.services import find_or_create_account
from commerce.enums import Provider
from commerce.services.payments import confirm_payment, start_payment

# The audit action of an account opened to register someone.
ACCOUNT_ACTION = "flock.registration.account"


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
    user, _created = find_or_create_account(
        email=email, details=details, language=language, by_staff=by_staff, action=ACCOUNT_ACTION
    )
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
    user, _created = find_or_create_account(
        email=email, details=details, language=language, by_staff=by_staff, action=ACCOUNT_ACTION
    )
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
