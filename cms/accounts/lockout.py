"""How django-axes counts failed log-ins and answers once it locks (see ``AXES_*`` in settings).

Failures are counted per (email address, client IP). Every failure answers a little later than
the one before, and ``AXES_FAILURE_LIMIT`` failures lock that pair out for ``AXES_COOLOFF_TIME``
(each further try during the lock starts the cool-off again). Addresses with and without an
account are counted, slowed and locked alike, so none of it tells whether an account exists.
"""

import time

from django.conf import settings
from django.shortcuts import render

LOCKOUT_HANDLED = "flock_lockout_handled"


def username_of(request, credentials=None):
    """The address a log-in was for, normalised so that ``A@X.org`` and ``a@x.org`` count as one."""
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    else:
        value = request.POST.get("username") or request.POST.get("email")
    return (value or "").strip().lower()[:254] or None


def client_ip(request):
    """The client's address: ``REMOTE_ADDR``, or the address ``TRUSTED_PROXY_COUNT`` proxies saw."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def cool_off_minutes():
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a locked-out log-in: the attendee log-in page answers for itself; any other
    log-in form (the Wagtail admin's) gets a page saying when to try again, with status 429."""
    if original_response is not None and getattr(original_response, LOCKOUT_HANDLED, False):
        return original_response
    context = {"cool_off_minutes": cool_off_minutes(), "page": None, "chrome_key": "accounts:locked"}
    return render(request, "accounts/locked_out.html", context, status=429)


def failure_delay(failures):
    """Seconds to wait before answering the ``failures``-th failure in a row: doubling, capped."""
    base = getattr(settings, "ACCOUNTS_FAILED_LOGIN_DELAY", 0)
    if not base or not failures:
        return 0
    return min(base * 2 ** (failures - 1), getattr(settings, "ACCOUNTS_FAILED_LOGIN_MAX_DELAY", 2.0))


def slow_down(sender, credentials=None, request=None, **kwargs):
    """``user_login_failed`` receiver (after axes counted the failure): wait a little. A locked-out
    try answers at once: the lock is the answer, and a sleeping worker would serve the attacker."""
    if request is None or getattr(request, "axes_locked_out", False):
        return
    delay = failure_delay(getattr(request, "axes_failures_since_start", None) or 0)
    if delay:
        time.sleep(delay)
