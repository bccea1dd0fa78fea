"""The confirmation link: signed, expiring, single-use; nothing else activates an account."""

import time

import pytest
from django.core import signing

from cms.accounts import tokens
from cms.accounts.services import confirm_email
from tests.accounts.conftest import text, url

pytestmark = pytest.mark.django_db


def confirm_url(token, query=""):
    return url("confirm", token=token, query=query)


def test_confirmation_link_activates_the_account_once(client, unconfirmed):
    token = tokens.make_token(unconfirmed, tokens.CONFIRM)

    first = client.post(confirm_url(token))
    again = client.post(confirm_url(token))

    assert first["Location"] == url("login")
    unconfirmed.refresh_from_db()
    assert unconfirmed.is_active
    assert again.status_code == 200
    assert 'data-problem="invalid"' in again.content.decode()
    assert "it was used already" in text(again)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "not-a-token",
        lambda token: signing.dumps({"u": 1, "s": "x"}, salt="flock.accounts.confirm"),
    ],
    ids=["tampered", "garbage", "forged-state"],
)
def test_a_bad_confirmation_link_activates_nothing(client, unconfirmed, mangle):
    token = mangle(tokens.make_token(unconfirmed, tokens.CONFIRM))

    response = client.post(confirm_url(token))

    assert response.status_code == 200
    assert 'data-problem="invalid"' in response.content.decode()
    unconfirmed.refresh_from_db()
    assert not unconfirmed.is_active
    assert unconfirmed.email_confirmation.confirmed_at is None


def test_a_reset_token_is_no_confirmation_token(client, unconfirmed):
    response = client.post(confirm_url(tokens.make_token(unconfirmed, tokens.RESET)))

    assert 'data-problem="invalid"' in response.content.decode()
    unconfirmed.refresh_from_db()
    assert not unconfirmed.is_active


def test_an_expired_confirmation_link_says_so_and_offers_a_new_one(client, unconfirmed, monkeypatch):
    four_days_ago = time.time() - 4 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: four_days_ago)
        token = tokens.make_token(unconfirmed, tokens.CONFIRM)

    response = client.post(confirm_url(token, "?conference=ncic2027"))

    assert response.status_code == 200
    assert 'data-problem="expired"' in response.content.decode()
    assert "The confirmation link is too old" in text(response)
    assert url("resend_confirmation") in response.content.decode()
    unconfirmed.refresh_from_db()
    assert not unconfirmed.is_active


def test_a_link_from_two_days_ago_still_works(client, unconfirmed, monkeypatch):
    two_days_ago = time.time() - 2 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: two_days_ago)
        token = tokens.make_token(unconfirmed, tokens.CONFIRM)

    client.post(confirm_url(token))

    unconfirmed.refresh_from_db()
    assert unconfirmed.is_active


def test_an_account_deactivated_by_staff_is_not_activated_again(client, unconfirmed):
    token = tokens.make_token(unconfirmed, tokens.CONFIRM)
    assert confirm_email(user=unconfirmed)
    type(unconfirmed).objects.filter(pk=unconfirmed.pk).update(is_active=False)  # staff deactivate it

    client.post(confirm_url(token))

    unconfirmed.refresh_from_db()
    assert not unconfirmed.is_active
    assert not confirm_email(user=unconfirmed)


def test_an_account_made_by_staff_is_never_waiting_for_confirmation(user_factory):
    made_by_staff = user_factory(is_active=False)

    assert confirm_email(user=made_by_staff) is False
    made_by_staff.refresh_from_db()
    assert not made_by_staff.is_active
