"""Logging in by email, out by POST; the answer never tells whether an address has an account."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.utils import translation

from cms.accounts import services
from tests.accounts.conftest import PASSWORD, text, url

pytestmark = pytest.mark.django_db


def log_in(client, email, password=PASSWORD, *, query="", **extra):
    return client.post(url("login", query=query), {"email": email, "password": password}, **extra)


def errors(response):
    form = response.context["form"]
    return [(error.code, str(error.message)) for error in form.non_field_errors().as_data()]


def test_log_in_by_email_whatever_its_case(client, account):
    response = log_in(client, "  Wang.Fang@EXAMPLE.edu.cn ")

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert client.session["_auth_user_id"] == str(account.pk)


def test_log_in_returns_to_a_local_next_page(client, account, conference):
    response = log_in(client, account.email, query="?next=/en/_orders/ncic2027/")

    assert response["Location"] == "/en/_orders/ncic2027/"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example.com/",
        "//evil.example.com/steal",
        "/\\evil.example.com",
        "javascript:alert(1)",
        "http://testserver.evil.example.com/",
        "https:///evil.example.com",
    ],
)
def test_log_in_never_sends_the_browser_to_another_site(client, account, next_url):
    response = log_in(client, account.email, query=f"?next={next_url}")

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    page = client.get(url("login", query=f"?next={next_url}"))
    assert "evil" not in page.content.decode()


def test_wrong_password_and_unknown_address_get_the_same_answer(client, account):
    with translation.override("en"):
        wrong_password = log_in(client, account.email, "not-the-password")
        unknown = log_in(Client(), "nobody@example.org", "not-the-password")

    assert wrong_password.status_code == unknown.status_code == 200
    assert errors(wrong_password) == errors(unknown)
    assert errors(unknown) == [("invalid_login", "邮箱地址或密码不正确。")]  # lazy: read in the default language
    assert text(wrong_password).replace(account.email, "") == text(unknown).replace("nobody@example.org", "")
    assert "_auth_user_id" not in client.session


def test_every_failed_log_in_costs_the_same_password_hashing(rf, account, unconfirmed, monkeypatch):
    calls = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode", lambda self, *args: calls.append(1) or original(self, *args))
    counts = {}
    for label, email in [
        ("known", account.email),
        ("unknown", "nobody@example.org"),
        ("unconfirmed", unconfirmed.email),
    ]:
        calls.clear()
        request = rf.post("/en/_account/login/")
        user, problem = services.check_login(request=request, email=email, password="not-the-password")
        assert (user, problem) == (None, services.INVALID_LOGIN)
        counts[label] = len(calls)

    assert counts == {"known": 2, "unknown": 2, "unconfirmed": 2}


def test_unconfirmed_account_cannot_log_in_and_is_told_why(client, unconfirmed):
    with translation.override("en"):
        response = log_in(client, unconfirmed.email)

    assert response.status_code == 200
    assert [code for code, _message in errors(response)] == ["unconfirmed"]
    assert "Please confirm your email address first" in text(response)
    assert url("resend_confirmation") in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unconfirmed_account_with_a_wrong_password_hears_only_that_it_is_wrong(client, unconfirmed):
    response = log_in(client, unconfirmed.email, "not-the-password")

    assert [code for code, _message in errors(response)] == ["invalid_login"]


def test_deactivated_account_cannot_log_in(client, account):
    type(account).objects.filter(pk=account.pk).update(is_active=False)

    response = log_in(client, account.email)

    assert [code for code, _message in errors(response)] == ["invalid_login"]


def test_signed_in_person_opening_the_log_in_page_goes_on(client, account):
    client.force_login(account)

    assert client.get(url("login", query="?next=/en/"))["Location"] == "/en/"
    assert client.get(url("login"))["Location"] == url("profile")


def test_log_out_needs_a_post_and_returns_home(client, account, conference):
    client.force_login(account)

    assert client.get(url("logout")).status_code == 405
    assert client.session["_auth_user_id"] == str(account.pk)
    response = client.post(url("logout", query="?conference=ncic2027"))

    assert response["Location"] == "/en/ncic2027/"
    assert "_auth_user_id" not in client.session


def test_log_out_refuses_a_foreign_next(client, account):
    client.force_login(account)

    assert client.post(url("logout", query="?next=https://evil.example.com/"))["Location"] == "/en/"


def test_payer_pages_send_visitors_to_the_attendee_log_in(client, conference):
    response = client.get("/en/_orders/ncic2027/")

    assert response.status_code == 302
    assert response["Location"] == "/en/_account/login/?next=/en/_orders/ncic2027/"


def test_test_client_login_still_works(client, account):
    assert client.login(email=account.email, password=PASSWORD)
    assert client.login(username=account.email, password=PASSWORD)
    assert not client.login(email=account.email, password="wrong")


def test_wagtail_admin_keeps_its_own_log_in(client, superuser):
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")

    logged_in = client.post("/admin/login/", {"username": superuser.email, "password": PASSWORD})

    assert logged_in.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_page_for_logged_in_people_sends_visitors_to_the_attendee_log_in(client, conference, account):
    from wagtail.models import Page, PageViewRestriction

    about = Page.objects.get(slug="about", locale__language_code="en")
    PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)

    response = client.get("/en/ncic2027/about/")

    assert response["Location"] == "/en/_account/login/?next=/en/ncic2027/about/"
    login_page = client.get(response["Location"])
    assert '<span class="brand-acronym">NCIC 2027</span>' in login_page.content.decode()
    assert log_in(client, account.email, query="?next=/en/ncic2027/about/")["Location"] == "/en/ncic2027/about/"
    assert client.get("/en/ncic2027/about/").status_code == 200
