"""Signed, expiring, single-use tokens for the links in account mail.

A token is ``django.core.signing`` of the account's id and a keyed hash of the account's state
(address, password, activity, last log-in), salted by purpose. It expires after its purpose's
lifetime, and using it changes the state it hashes, so each link works once: confirming
activates the account, a new password changes the password.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

CONFIRM = "confirm"
RESET = "reset"


class TokenError(Exception):
    """The link is not valid (tampered with, for another purpose, or used already)."""


class TokenExpired(TokenError):
    """The link was valid but is too old."""


def max_age(purpose):
    if purpose == RESET:
        return timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return timedelta(days=getattr(settings, "ACCOUNTS_CONFIRMATION_DAYS", 3))


def _salt(purpose):
    return f"flock.accounts.{purpose}"


def _state(user, purpose):
    last_login = user.last_login.replace(microsecond=0, tzinfo=None).isoformat() if user.last_login else ""
    value = f"{user.pk}|{user.email}|{user.password}|{int(user.is_active)}|{last_login}"
    return salted_hmac(_salt(purpose), value, algorithm="sha256").hexdigest()[:32]


def make_token(user, purpose):
    return signing.dumps({"u": user.pk, "s": _state(user, purpose)}, salt=_salt(purpose))


def read_token(token, purpose):
    """The account ``token`` was made for. Raises ``TokenExpired`` or ``TokenError``."""
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=max_age(purpose))
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except signing.BadSignature as error:
        raise TokenError from error
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise TokenError
    user = get_user_model().objects.filter(pk=payload["u"]).first()
    if user is None or not constant_time_compare(str(payload.get("s", "")), _state(user, purpose)):
        raise TokenError
    return user
