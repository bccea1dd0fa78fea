"""Setting a new password from a mailed link, and changing it when logged in."""

import time

import pytest
from django.core import mail, signing
from django.test import Client
from wagtail.models import ModelLogEntry

from cms.accounts import tokens
from cms.models import EmailLog
from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, links_in, local, text, url

pytestmark = pytest.mark.django_db


def new_password(client, link, password=NEW_PASSWORD, again=None):
    return client.post(link, {"new_password1": password, "new_password2": again or password})


def can_log_in(email, password):
    return Client().post(url("login"), {"email": email, "password": password}).status_code == 302


def test_password_reset_from_request_to_log_in(client, account, conference, deliver):
    response = deliver(
        client.post, url("password_reset", query="?conference=ncic2027"), {"email": "Wang.Fang@example.edu.cn"}
    )

    assert response["Location"] == url("password_reset_done", query="?conference=ncic2027")
    assert [(message.to, message.subject) for message in mail.outbox] == [([account.email], "Set a new password")]
    assert "asked to set a new password for the account wang.fang@example.edu.cn" in mail.outbox[0].body
    assert "The link works once, for 72 hours." in mail.outbox[0].body
    [link] = links_in(mail.outbox[0])
    assert link.startswith("http://testserver/en/_account/password/reset/")
    assert link.endswith("/?conference=ncic2027")

    form = client.get(local(link))
    assert form.status_code == 200
    assert form["Referrer-Policy"] == "same-origin"
    assert "For the account wang.fang@example.edu.cn" in text(form)
    done = new_password(client, local(link))

    assert done["Location"] == url("login", query="?conference=ncic2027")
    assert can_log_in(account.email, NEW_PASSWORD)
    assert not can_log_in(account.email, PASSWORD)
    used_again = new_password(client, local(link), "Another-Secret-99")
    assert 'data-problem="invalid"' in used_again.content.decode()
    assert can_log_in(account.email, NEW_PASSWORD)
    assert ModelLogEntry.objects.filter(action="flock.account.password_reset", object_id=str(account.pk)).count() == 1


def test_asking_for_an_unknown_address_looks_the_same_and_mails_nobody(client, account, deliver):
    known = deliver(client.post, url("password_reset"), {"email": account.email})
    unknown = deliver(client.post, url("password_reset"), {"email": "nobody@example.org"})

    assert known["Location"] == unknown["Location"] == url("password_reset_done")
    assert [message.to for message in mail.outbox] == [[account.email]]


def test_a_deactivated_account_gets_no_link(client, account, deliver):
    type(account).objects.filter(pk=account.pk).update(is_active=False)

    deliver(client.post, url("password_reset"), {"email": account.email})

    assert mail.outbox == []
    assert not EmailLog.objects.exists()


def test_a_new_password_from_the_link_also_confirms_the_address(client, unconfirmed):
    link = url("password_reset_confirm", token=tokens.make_token(unconfirmed, tokens.RESET))

    new_password(client, link)

    unconfirmed.refresh_from_db()
    assert unconfirmed.is_active
    assert unconfirmed.email_confirmation.confirmed_at is not None
    assert can_log_in(unconfirmed.email, NEW_PASSWORD)


def test_differing_new_passwords_change_nothing(client, account):
    link = url("password_reset_confirm", token=tokens.make_token(account, tokens.RESET))

    response = new_password(client, link, NEW_PASSWORD, "Something-Else-12")

    assert response.status_code == 200
    assert "password_mismatch" in [e.code for e in response.context["form"].errors.as_data()["new_password2"]]
    assert can_log_in(account.email, PASSWORD)


def test_an_expired_reset_link_changes_nothing(client, account, monkeypatch):
    four_days_ago = time.time() - 4 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: four_days_ago)
        token = tokens.make_token(account, tokens.RESET)

    response = new_password(client, url("password_reset_confirm", token=token))

    assert 'data-problem="expired"' in response.content.decode()
    assert can_log_in(account.email, PASSWORD)


def test_a_tampered_reset_link_changes_nothing(client, account):
    token = tokens.make_token(account, tokens.RESET)
    other = signing.dumps({"u": account.pk + 1, "s": token}, salt="flock.accounts.reset")

    for bad in [token[:-1] + ("x" if token[-1] != "x" else "y"), other, tokens.make_token(account, tokens.CONFIRM)]:
        response = new_password(client, url("password_reset_confirm", token=bad))
        assert 'data-problem="invalid"' in response.content.decode()
    assert can_log_in(account.email, PASSWORD)


def test_a_reset_link_dies_once_the_person_logs_in(client, account):
    link = url("password_reset_confirm", token=tokens.make_token(account, tokens.RESET))
    assert can_log_in(account.email, PASSWORD)

    response = new_password(client, link)

    assert 'data-problem="invalid"' in response.content.decode()


def test_change_password_needs_the_old_one_and_keeps_the_session(client, account):
    client.force_login(account)

    wrong = client.post(
        url("password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "password_incorrect" in [e.code for e in wrong.context["form"].errors.as_data()["old_password"]]
    assert can_log_in(account.email, PASSWORD)

    changed = client.post(
        url("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert changed["Location"] == url("profile")
    assert can_log_in(account.email, NEW_PASSWORD)
    assert client.get(url("profile")).status_code == 200  # still logged in
    assert ModelLogEntry.objects.filter(action="flock.account.password_change", object_id=str(account.pk)).exists()


def test_change_password_asks_visitors_to_log_in(client):
    response = client.get(url("password_change"))

    assert response["Location"] == f"{url('login')}?next={url('password_change')}"
