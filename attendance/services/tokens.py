"""The token behind a registration's QR code: signed, unguessable, revocable.

A token is ``<registration pk in base 36>.<signature>``: the signature is an HMAC (Django's
``salted_hmac`` with the ``SECRET_KEY``, this module's salt) of the pk and the registration's
random ``token_nonce``, cut to 24 characters of lower-case base 32 (120 bits; any case is
accepted, as handheld scanners that type like a keyboard may change it). The nonce never leaves
the server: nobody can make a token without the secret key and the row. Reissuing gives the row a
new nonce, revoking clears it; either way every earlier code stops working.

The QR code holds ``<WAGTAILADMIN_BASE_URL>/c/<token>/`` (no language: the scanning phone's
language is chosen by the redirect to ``/<language>/c/<token>/``). Reading a token back
(``registration_from_token``) costs one query at most, and answers ``None`` alike for a garbled,
truncated, forged, revoked or foreign token, or one of a registration that does not exist.
"""

import base64
import hmac
import re

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from wagtail.log_actions import log

from attendance.models import Registration
from attendance.models.registrations import new_token_nonce

SALT = "flock.attendance.qr-token"
SIGNATURE_LENGTH = 24
PUBLIC_PATH = "/c/"

# A bare token, or an address whose path ends in ``/c/<token>`` or ``/c/<token>/`` (with or
# without a language prefix); what a desk's scanner reads.
TOKEN_PATTERN = re.compile(
    rf"(?:^|/c/)(?P<pk>[0-9a-z]{{1,12}})\.(?P<signature>[a-z2-7]{{{SIGNATURE_LENGTH}}})/?$", re.IGNORECASE
)
# Verifying a token of a registration that does not exist takes as long as a forged one.
_DUMMY_NONCE = "-"


def _base36(number):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
        if not number:
            return text


def _signature(pk, nonce, secret=None):
    digest = salted_hmac(SALT, f"{pk}:{nonce}", secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest).decode().lower()[:SIGNATURE_LENGTH]


def _secrets():
    """The current secret key first, then the fallbacks still honoured while keys are rotated."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def token_for(registration):
    """The registration's current token; ``""`` when its code is revoked."""
    if not registration.token_nonce:
        return ""
    return f"{_base36(registration.pk)}.{_signature(registration.pk, registration.token_nonce)}"


def checkin_url(registration):
    """The absolute address in the registration's QR code (``""`` when revoked)."""
    token = token_for(registration)
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{PUBLIC_PATH}{token}/" if token else ""


def parse_token(text):
    """``(pk, signature)`` from a scanned token or address, or ``None`` when it is not shaped like one."""
    match = TOKEN_PATTERN.search((text or "").strip())
    if match is None:
        return None
    return int(match["pk"], 36), match["signature"].lower()


def registration_from_token(text, *, conference=None, queryset=None):
    """The registration whose current token ``text`` is (or whose current QR address it is), or
    ``None``: garbled, truncated, forged, revoked, of another conference (when ``conference`` is
    given) or of no registration. At most one query (none for a malformed token); ``queryset``
    (default: with conference, type and order) lets the desk choose what comes with it."""
    parsed = parse_token(text)
    if parsed is None:
        return None
    pk, signature = parsed
    if queryset is None:
        queryset = Registration.objects.select_related("conference", "registration_type", "order")
    if conference is not None:
        queryset = queryset.filter(conference=conference)
    registration = queryset.filter(pk=pk).first()
    nonce = registration.token_nonce if registration is not None and registration.token_nonce else _DUMMY_NONCE
    valid = False
    for secret in _secrets():
        valid |= hmac.compare_digest(signature, _signature(pk, nonce, secret))
    if not valid or nonce == _DUMMY_NONCE:
        return None
    return registration


@transaction.atomic
def reissue_token(*, registration, by):
    """Give the registration a new QR code: every earlier code (printed letters and badges)
    stops working. Returns the new token.

    Side effects: the registration's ``token_nonce`` changes; an audit entry
    (``flock.registration.reissue_code``).
    """
    registration.token_nonce = new_token_nonce()
    Registration.objects.filter(pk=registration.pk).update(token_nonce=registration.token_nonce)
    log(instance=registration, action="flock.registration.reissue_code", user=by)
    return token_for(registration)


@transaction.atomic
def revoke_token(*, registration, by):
    """Withdraw the registration's QR code without giving a new one (``reissue_token`` gives one).

    Side effects: the registration's ``token_nonce`` is cleared; an audit entry
    (``flock.registration.revoke_code``).
    """
    registration.token_nonce = ""
    Registration.objects.filter(pk=registration.pk).update(token_nonce="")
    log(instance=registration, action="flock.registration.revoke_code", user=by)
