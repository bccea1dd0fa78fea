"""A text field stored encrypted (Fernet), for payment secrets kept in the database.

The key is ``settings.FIELD_ENCRYPTION_KEY`` (a Fernet key) or, when that is empty, one derived
from ``SECRET_KEY``; rotating ``SECRET_KEY`` without setting ``FIELD_ENCRYPTION_KEY`` makes stored
secrets unreadable (they read as empty, and the admin shows them as not set).
"""

import base64
import hashlib

from django.conf import settings
from django.db import models


def _fernet():
    from cryptography.fernet import Fernet

    key = settings.FIELD_ENCRYPTION_KEY
    if not key:
        digest = hashlib.sha256(f"flock-field-encryption:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest)
    return Fernet(key)


def encrypt(value):
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token):
    from cryptography.fernet import InvalidToken

    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


class EncryptedTextField(models.TextField):
    """Holds a secret: Python code sees the plain text, the database only the ciphertext."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        return encrypt(super().get_prep_value(value) or "")
