"""Every write to attendee accounts: sign-up, confirmation, log-in checks, passwords, the profile.

Nothing here tells whether an address has an account: signing up with a known address, asking
for a link to an unknown one or logging in with either answers the same, after the same work.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from axes.utils import reset as reset_lockouts
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from cms.accounts import tokens
from cms.accounts.emails import ACCOUNT_MESSAGES, CONFIRM_EMAIL, PASSWORD_RESET, SIGNUP_ATTEMPT
from cms.accounts.flow import AccountFlow
from cms.accounts.models import EmailConfirmation
from cms.accounts.signals import account_confirmed
from cms.enums import Language
from cms.models import EmailLog, User
from cms.services.mail import send_templated_mail

# The User fields a person keeps in their profile; registrations start from them.
PROFILE_FIELDS = (
    "name_zh",
    "first_name",
    "last_name",
    "title",
    "affiliation",
    "country",
    "phone",
    "preferred_language",
)
# At most this many account messages go to one address in MAIL_WINDOW (no mail bombing).
MAIL_LIMIT = 3
MAIL_WINDOW = timedelta(minutes=15)

# Why a log-in was refused (the form shows a message per reason).
LOCKED_OUT = "locked_out"
UNCONFIRMED = "unconfirmed"
INVALID_LOGIN = "invalid_login"


@dataclass(frozen=True)
class Links:
    """Where the links in account mail lead: the site's address and the flow to continue."""

    base_url: str
    flow: AccountFlow = field(default_factory=AccountFlow)

    def url(self, name, language, **kwargs):
        with translation.override(language):
            path = reverse(f"accounts:{name}", kwargs=kwargs)
        return f"{self.base_url.rstrip('/')}{path}{self.flow.query(language)}"


def normalise_email(email):
    return User.objects.normalize_email((email or "").strip()).lower()


def account_for(email):
    return User.objects.filter(email__iexact=normalise_email(email)).select_related("email_confirmation").first()


def is_unconfirmed(user):
    confirmation = getattr(user, "email_confirmation", None) if user.pk else None
    return confirmation is not None and not confirmation.is_confirmed


def may_use(user):
    """Whether ``user`` can use their account, after confirming it if need be (not deactivated)."""
    return user.is_active or is_unconfirmed(user)


# Signing up and confirming


def sign_up(*, email, password, language, links):
    """Open an account for ``email``, or tell the owner of the address that someone tried.

    A new address: an inactive account with ``password`` and ``language`` as its preferred
    language, an unconfirmed ``EmailConfirmation``, an audit entry and the confirmation mail. An
    address that has an account: nothing changes, and its owner gets a note with links to log in
    or set a new password. The work is the same either way (one password hash, one mail), and
    so is the page the caller shows. Returns the new account, or ``None``.
    """
    email = normalise_email(email)
    existing = account_for(email)
    if existing is None:
        try:
            return _open_account(email=email, password=password, language=language, links=links)
        except IntegrityError:  # the same address signed up at the same moment
            existing = account_for(email)
    make_password(password)  # the hash a new account would have cost
    _note_sign_up_attempt(existing, links)
    return None


@transaction.atomic
def _open_account(*, email, password, language, links):
    user = User.objects.create_user(email=email, password=password, is_active=False, preferred_language=language)
    EmailConfirmation.objects.create(user=user)
    log(instance=user, action="flock.account.sign_up", user=user)
    _send_confirmation(user, links)
    return user


def _note_sign_up_attempt(user, links):
    if user is None or not may_use(user):
        return
    language = user.preferred_language
    _mail(
        SIGNUP_ATTEMPT,
        user,
        links,
        login_url=links.url("login", language),
        reset_url=links.url("password_reset", language),
    )


def resend_confirmation(*, email, links):
    """Send the confirmation link again when ``email`` has an account waiting for it (else nothing)."""
    user = account_for(email)
    if user is not None and is_unconfirmed(user):
        _send_confirmation(user, links)


def _send_confirmation(user, links):
    token = tokens.make_token(user, tokens.CONFIRM)
    _mail(
        CONFIRM_EMAIL,
        user,
        links,
        confirm_url=links.url("confirm", user.preferred_language, token=token),
        valid_days=tokens.max_age(tokens.CONFIRM).days,
    )


@transaction.atomic
def confirm_email(*, user):
    """Confirm ``user``'s address and activate the account; ``False`` when it was not waiting.

    Side effects: ``confirmed_at`` and ``is_active`` set, an audit entry, ``account_confirmed``.
    An account deactivated by staff (confirmed already, or made without signing up) stays so.
    """
    confirmation = EmailConfirmation.objects.select_for_update().filter(user=user, confirmed_at=None).first()
    if confirmation is None:
        return False
    confirmation.confirmed_at = timezone.now()
    confirmation.save(update_fields=["confirmed_at"])
    user.is_active = True
    user.save(update_fields=["is_active"])
    log(instance=user, action="flock.account.confirm", user=user)
    account_confirmed.send(sender=User, user=user)
    return True


# Logging in


def check_login(*, request, email, password):
    """``(user, None)`` when ``email`` and ``password`` may log in, else ``(None, reason)``.

    ``reason`` is ``LOCKED_OUT`` (too many failures from this client for this address, whether
    or not it has an account), ``UNCONFIRMED`` (the password is right but the address is not
    confirmed yet) or ``INVALID_LOGIN`` (anything else: unknown address, wrong password,
    deactivated account). Every failure costs two password hashes, so the time taken does not
    tell an unknown address from a wrong password either. Failures are counted by django-axes.
    """
    user = authenticate(request, username=normalise_email(email), password=password)
    if user is not None:
        return user, None
    if getattr(request, "axes_locked_out", False):
        return None, LOCKED_OUT
    if _unconfirmed_with_password(email, password):
        return None, UNCONFIRMED
    return None, INVALID_LOGIN


def _unconfirmed_with_password(email, password):
    user = account_for(email)
    if user is None or not is_unconfirmed(user):
        make_password(password)
        return False
    return user.check_password(password)


# Passwords


def request_password_reset(*, email, links):
    """Mail a link to set a new password when ``email`` has a usable account (else nothing)."""
    user = account_for(email)
    if user is None or not may_use(user):
        return
    _mail(
        PASSWORD_RESET,
        user,
        links,
        reset_url=links.url(
            "password_reset_confirm", user.preferred_language, token=tokens.make_token(user, tokens.RESET)
        ),
        valid_hours=int(tokens.max_age(tokens.RESET).total_seconds() // 3600),
    )


@transaction.atomic
def reset_password(*, user, password):
    """Give ``user`` the new ``password`` from a reset link.

    Side effects: the password (which invalidates the link), an audit entry; an unconfirmed
    address counts as confirmed (the link reached its mailbox); the address's locked-out log-ins
    are forgiven, so that the new password works at once.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    log(instance=user, action="flock.account.password_reset", user=user)
    confirm_email(user=user)
    reset_lockouts(username=user.email)
    return user


def change_password(*, user, password):
    """Set a new ``password`` for a logged-in ``user``. Side effects: an audit entry."""
    user.set_password(password)
    user.save(update_fields=["password"])
    log(instance=user, action="flock.account.password_change", user=user)
    return user


# The profile


def update_profile(*, user, changes):
    """Save the profile ``changes`` (validated, keyed by ``PROFILE_FIELDS``) in one write.

    Side effects: an audit entry naming the fields that changed (not their values). Returns
    the names of the changed fields.
    """
    changed = [name for name in PROFILE_FIELDS if name in changes and getattr(user, name) != changes[name]]
    if not changed:
        return []
    for name in changed:
        setattr(user, name, changes[name])
    user.save(update_fields=changed)
    log(instance=user, action="flock.account.profile", user=user, data={"fields": changed})
    return changed


def profile_initial(user):
    """The profile of ``user`` as initial values for a registration form.

    Keys: ``email`` and every name in ``PROFILE_FIELDS``; ``country`` is the ISO code (``""``
    when not set). An anonymous visitor gets ``{}``.
    """
    if user is None or not user.is_authenticated:
        return {}
    values = {name: getattr(user, name) for name in PROFILE_FIELDS}
    values["country"] = user.country.code or ""
    return {"email": user.email, **values}


# Mail


def _mail(key, user, links, **context):
    if not _may_mail(user.email):
        return None
    via = links.flow.conference
    return send_templated_mail(key=key, to=user, context={"via": via, **context})


def _may_mail(address):
    since = timezone.now() - MAIL_WINDOW
    recent = EmailLog.objects.filter(recipient=address, template_key__in=ACCOUNT_MESSAGES, created_at__gte=since)
    return recent.count() < MAIL_LIMIT


# Accounts opened by staff

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
def find_or_create_account(*, email, details=None, language=None, by_staff=None, action):
    """The account of ``email`` and whether it was opened now: the existing account (unchanged),
    or a new one opened by staff (to register someone, or for an invited author) with the
    profile fields of ``details``, ``language`` as its preferred language, no usable password,
    inactive and with an unconfirmed address. The person sets a password with "forgot your
    password", which also confirms the address and activates the account.

    Raises ``ValidationError`` (key ``email``). Side effects (new account): the account, its
    ``EmailConfirmation``, an audit entry ``action`` by ``by_staff``.
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
    log(instance=user, action=action, user=by_staff, data={"email": email})
    return user, True
