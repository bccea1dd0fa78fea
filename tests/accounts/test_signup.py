"""Signing up: the account waits for its address to be confirmed from the mail."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

from cms.accounts.models import EmailConfirmation
from cms.models import EmailLog, User
from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, links_in, local, text, url

pytestmark = pytest.mark.django_db


def sign_up(client, email, password=NEW_PASSWORD, *, language="en", query=""):
    data = {"email": email, "password1": password, "password2": password}
    return client.post(url("signup", language=language, query=query), data)


def test_sign_up_confirm_from_the_mail_and_log_in(client, conference, deliver):
    response = deliver(sign_up, client, "Zhao.Lei@Example.org", query="?conference=ncic2027")

    assert response.status_code == 302
    assert response["Location"] == url("signup_done", query="?conference=ncic2027")
    user = User.objects.get(email="zhao.lei@example.org")
    assert (user.is_active, user.preferred_language, user.email_confirmation.confirmed_at) == (False, "en", None)
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["zhao.lei@example.org"], "Confirm your email address")
    ]
    body = mail.outbox[0].body
    assert "from the website of The 10th National Conference on Intelligent Computing" in body
    [link] = links_in(mail.outbox[0])
    assert link.startswith("http://testserver/en/_account/confirm/")
    assert link.endswith("/?conference=ncic2027")

    page = client.get(local(link))
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert "Confirm that zhao.lei@example.org is your address" in text(page)
    user.refresh_from_db()
    assert not user.is_active  # opening the link (a mail scanner may) confirms nothing

    confirmed = client.post(local(link))
    assert confirmed["Location"] == url("login", query="?conference=ncic2027")
    user.refresh_from_db()
    assert user.is_active
    assert user.email_confirmation.confirmed_at is not None
    assert "your email address is confirmed" in text(client.get(confirmed["Location"]))

    logged_in = client.post(confirmed["Location"], {"email": "zhao.lei@example.org", "password": NEW_PASSWORD})
    assert logged_in.status_code == 302
    assert logged_in["Location"] == "/en/ncic2027/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_in_chinese_sends_the_mail_in_chinese(client, portal, deliver):
    deliver(sign_up, client, "li.ming@example.cn", language="zh-hans")

    user = User.objects.get(email="li.ming@example.cn")
    assert user.preferred_language == "zh-hans"
    log = EmailLog.objects.get(recipient="li.ming@example.cn")
    assert (log.template_key, log.language, log.conference) == ("accounts.confirm_email", "zh-hans", None)
    [link] = links_in(mail.outbox[0])
    assert local(link).startswith("/zh-hans/_account/confirm/")


def test_sign_up_with_a_known_address_changes_nothing_and_tells_the_owner(client, account, deliver):
    password_hash = account.password

    response = deliver(sign_up, client, "WANG.FANG@example.edu.cn")

    assert response["Location"] == url("signup_done")
    assert User.objects.filter(email__iexact="wang.fang@example.edu.cn").count() == 1
    account.refresh_from_db()
    assert account.password == password_hash
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["wang.fang@example.edu.cn"], "You already have an account")
    ]
    assert [local(link) for link in links_in(mail.outbox[0])] == [url("login"), url("password_reset")]


def test_sign_up_page_is_the_same_for_new_and_known_addresses(client, account, deliver):
    known = deliver(sign_up, client, account.email)
    new = deliver(sign_up, client, "someone.new@example.org")

    assert known["Location"] == new["Location"]
    assert text(client.get(known["Location"])) == text(client.get(new["Location"]))


def test_sign_up_costs_one_password_hash_whether_or_not_the_address_is_known(client, account, monkeypatch):
    calls = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode", lambda self, *args: calls.append(1) or original(self, *args))

    sign_up(client, account.email)
    known = len(calls)
    calls.clear()
    sign_up(client, "someone.new@example.org")

    assert known == len(calls) == 1


def test_sign_up_while_an_address_waits_for_confirmation_leaves_its_password(client, unconfirmed, deliver):
    password_hash = unconfirmed.password

    deliver(sign_up, client, unconfirmed.email, "Another-Secret-99")

    unconfirmed.refresh_from_db()
    assert (unconfirmed.password, unconfirmed.is_active) == (password_hash, False)
    assert [message.subject for message in mail.outbox] == ["You already have an account"]


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"email": "not-an-address", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, "email", "invalid"),
        (
            {"email": "a@example.org", "password1": NEW_PASSWORD, "password2": "Other-Words-12"},
            "password2",
            "password_mismatch",
        ),
        (
            {"email": "a@example.org", "password1": "12345678901", "password2": "12345678901"},
            "password1",
            "password_entirely_numeric",
        ),
        ({"email": "a@example.org", "password1": "short", "password2": "short"}, "password1", "password_too_short"),
        ({"email": "a@example.org", "password1": "x" * 300, "password2": "x" * 300}, "password1", "max_length"),
    ],
)
def test_bad_sign_up_input_is_refused_with_nothing_saved(client, data, field, code):
    response = client.post(url("signup"), data)

    assert response.status_code == 200
    assert code in [error.code for error in response.context["form"].errors.as_data()[field]]
    assert not User.objects.exists()
    assert not EmailLog.objects.exists()


def test_at_most_three_account_mails_reach_one_address_in_a_quarter_of_an_hour(client, account, deliver):
    for _attempt in range(5):
        response = deliver(sign_up, client, account.email)
        assert response["Location"] == url("signup_done")

    assert len(mail.outbox) == 3


def test_resend_confirmation_mails_only_an_address_waiting_for_it(client, account, unconfirmed, deliver):
    for email in [account.email, "nobody@example.org", unconfirmed.email]:
        response = deliver(client.post, url("resend_confirmation"), {"email": email})
        assert response["Location"] == url("signup_done")

    assert [(message.to, message.subject) for message in mail.outbox] == [
        ([unconfirmed.email], "Confirm your email address")
    ]


def test_signed_in_person_opening_sign_up_goes_to_the_profile(client, account):
    client.force_login(account)

    assert client.get(url("signup"))["Location"] == url("profile")


def test_confirmation_creates_the_pending_row_only_for_sign_ups(client, user_factory, deliver):
    staff_made = user_factory(email="made.by.staff@example.org")
    deliver(sign_up, client, "self.made@example.org", PASSWORD + "x")

    assert not EmailConfirmation.objects.filter(user=staff_made).exists()
    assert EmailConfirmation.objects.get(user__email="self.made@example.org").confirmed_at is None


def test_the_link_in_the_mail_keeps_both_parameters_unescaped(client, conference, deliver):
    """Plain-text mail is not HTML: the link's ``&`` stays one character, and opening it keeps
    the page the person was going to."""
    deliver(sign_up, client, "zhao.lei@example.org", query="?conference=ncic2027&next=/en/ncic2027/")

    [link] = links_in(mail.outbox[0])
    assert link.endswith("/?conference=ncic2027&next=%2Fen%2Fncic2027%2F")
    assert "&amp;" not in mail.outbox[0].body
    assert "&amp;next=" in mail.outbox[0].alternatives[0][0]  # the HTML part escapes it once
