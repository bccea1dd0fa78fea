"""Test settings: fast hashing, in-memory mail, tasks run inline (django-q2 sync mode)."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, Q_CLUSTER

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / str(os.getpid())
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private" / str(os.getpid())
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client and live server serve static files themselves.
MIDDLEWARE = [entry for entry in MIDDLEWARE if "whitenoise" not in entry]  # noqa: F405
# Tests of page rendering count queries of uncached pages; tests of the page cache turn it on.
PAGE_CACHE_SECONDS = 0
# Failed log-ins answer at once in tests (the delay itself has its own test).
ACCOUNTS_FAILED_LOGIN_DELAY = 0
