"""Repeated failed log-ins are slowed, then locked for a while, whether or not the address has an
account; the Wagtail admin's log-in is protected the same way."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.utils import translation

from cms.accounts import lockout, tokens
from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, text, url

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def log_in(client, email, password, **extra):
    return client.post(url("login"), {"email": email, "password": password}, **extra)


def fail(client, email, times, **extra):
    return [log_in(client, email, "wrong-password", **extra).status_code for _ in range(times)]


def end_cool_off():
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))


def test_the_limit_is_five_failures_for_fifteen_minutes():
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME) == (5, timedelta(minutes=15))


def test_failures_up_to_the_limit_lock_even_the_right_password_out(client, account):
    assert fail(client, account.email, LIMIT - 1) == [200] * (LIMIT - 1)
    assert fail(client, account.email, 1) == [429]

    with translation.override("en"):
        locked = log_in(client, account.email, PASSWORD)

    assert locked.status_code == 429
    assert "Too many failed attempts. Please wait 15 minutes, then try again." in text(locked)
    assert "_auth_user_id" not in client.session


def test_an_unknown_address_is_locked_out_the_same_way(client, account):
    with translation.override("en"):
        known = [log_in(client, account.email, "wrong-password") for _ in range(LIMIT + 1)]
        unknown = [log_in(Client(), "nobody@example.org", "wrong-password") for _ in range(LIMIT + 1)]

    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [200] * (LIMIT - 1) + [429] * 2
    assert text(known[-1]).replace(account.email, "") == text(unknown[-1]).replace("nobody@example.org", "")


def test_the_lock_works_again_after_the_cool_off(client, account):
    fail(client, account.email, LIMIT)
    assert log_in(client, account.email, PASSWORD).status_code == 429

    end_cool_off()
    response = log_in(client, account.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)
    assert not AccessAttempt.objects.filter(username=account.email).exists()  # reset on success


def test_a_try_during_the_lock_starts_the_cool_off_again(client, account):
    fail(client, account.email, LIMIT)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME + timedelta(minutes=1))

    assert log_in(client, account.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=2))
    assert log_in(client, account.email, PASSWORD).status_code == 429


def test_the_lock_is_per_address_and_client(client, account, user_factory):
    other = user_factory(email="colleague@example.org")
    fail(client, account.email, LIMIT)

    from_elsewhere = log_in(Client(), account.email, PASSWORD, REMOTE_ADDR="203.0.113.9")
    other_account = log_in(Client(), other.email, PASSWORD)

    assert from_elsewhere.status_code == 302
    assert other_account.status_code == 302


def test_addresses_differing_only_in_case_count_as_one(client, account):
    fail(client, account.email.upper(), LIMIT - 1)

    assert fail(client, account.email, 1) == [429]


def test_a_new_password_from_a_reset_link_lifts_the_lock(client, account):
    fail(client, account.email, LIMIT)
    token = tokens.make_token(account, tokens.RESET)

    client.post(
        url("password_reset_confirm", token=token), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert log_in(client, account.email, NEW_PASSWORD).status_code == 302


def test_the_admin_log_in_is_locked_out_too(client, superuser):
    statuses = [
        client.post("/admin/login/", {"username": superuser.email, "password": "wrong"}).status_code
        for _ in range(LIMIT)
    ]
    locked = client.post("/admin/login/", {"username": superuser.email, "password": PASSWORD})

    assert statuses == [200] * (LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    end_cool_off()
    assert client.post("/admin/login/", {"username": superuser.email, "password": PASSWORD}).status_code == 302


def test_failure_delay_doubles_up_to_its_cap(settings):
    settings.ACCOUNTS_FAILED_LOGIN_DELAY = 0.25
    settings.ACCOUNTS_FAILED_LOGIN_MAX_DELAY = 2.0

    assert [lockout.failure_delay(n) for n in range(7)] == [0, 0.25, 0.5, 1.0, 2.0, 2.0, 2.0]


def test_each_failed_log_in_waits_longer_than_the_last(client, account, settings, monkeypatch):
    settings.ACCOUNTS_FAILED_LOGIN_DELAY = 0.25
    waits = []
    monkeypatch.setattr(lockout.time, "sleep", waits.append)

    fail(client, account.email, 3)
    fail(Client(), "nobody@example.org", 3)
    log_in(client, account.email, PASSWORD, REMOTE_ADDR="203.0.113.9")

    assert waits == [0.25, 0.5, 1.0, 0.25, 0.5, 1.0]


def test_a_locked_out_try_answers_without_waiting(client, account, settings, monkeypatch):
    settings.ACCOUNTS_FAILED_LOGIN_DELAY = 0.25
    waits = []
    monkeypatch.setattr(lockout.time, "sleep", waits.append)

    fail(client, account.email, LIMIT + 3)

    assert waits == [0.25, 0.5, 1.0, 2.0]


def test_failed_attempts_are_recorded_without_the_password_or_address_typed(client, account):
    fail(client, account.email, 2)

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (account.email, "127.0.0.1", 2)
    assert "wrong-password" not in attempt.post_data
    assert account.email not in attempt.post_data


def test_client_address_behind_a_trusted_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5")

    settings.TRUSTED_PROXY_COUNT = 0
    assert lockout.client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert lockout.client_ip(request) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 2
    assert lockout.client_ip(request) == "198.51.100.7"
