"""The account pages look like part of the site: the conference's layout when reached from a
conference, the portal's otherwise; both languages; no inline styles or scripts; never cached."""

import re

import pytest
from django.utils import translation

from cms.accounts import tokens
from cms.enums import ConferenceStatus
from tests.accounts.conftest import text, url

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["signup", "signup_done", "resend_confirmation", "login", "password_reset", "password_reset_done"]
MEMBER_PAGES = ["profile", "password_change"]


def html(response):
    return response.content.decode()


def test_reached_from_a_conference_the_page_wears_its_layout(client, conference):
    type(conference).objects.filter(pk=conference.pk).update(theme="hero", colour_style="jade")

    response = client.get(url("signup", query="?conference=ncic2027"))

    page = html(response)
    assert '<body class="theme-hero colour-jade page-account">' in page
    assert '<span class="brand-acronym">NCIC 2027</span>' in page
    assert '<a class="menu-link" href="/en/ncic2027/call-for-papers/">Call for Papers</a>' in page
    assert "<title>Create an account · NCIC 2027</title>" in page
    assert '<a href="/en/ncic2027/">Home</a>' in page


def test_a_next_page_of_a_conference_brings_its_layout(client, conference):
    response = client.get(url("login", query="?next=/en/_orders/ncic2027/"))

    assert '<span class="brand-acronym">NCIC 2027</span>' in html(response)
    assert f'href="{url("signup")}?conference=ncic2027&amp;next=%2Fen%2F_orders%2Fncic2027%2F"' in html(response)


def test_the_conference_is_kept_through_the_flow(client, conference):
    page = html(client.get(url("login", query="?conference=ncic2027")))

    for name in ["signup", "password_reset"]:
        assert f'href="{url(name)}?conference=ncic2027"' in page


def test_without_a_conference_the_page_wears_the_portal_layout(client, conference):
    page = html(client.get(url("login")))

    assert '<span class="brand-acronym">Flock</span>' in page
    assert "NCIC 2027" not in page
    assert 'class="site-nav"' not in page


@pytest.mark.parametrize("query", ["?conference=draft2027", "?conference=nope", "?next=/en/draft2027/"])
def test_a_draft_or_unknown_conference_is_not_shown(client, make_conference, query):
    make_conference(slug="draft2027", acronym="DRAFT 2027", status=ConferenceStatus.DRAFT)

    page = html(client.get(url("login", query=query)))

    assert "DRAFT 2027" not in page
    assert '<span class="brand-acronym">Flock</span>' in page


def test_language_links_lead_to_the_same_page_and_flow(client, conference):
    page = html(client.get(url("login", query="?conference=ncic2027&next=/en/_orders/ncic2027/")))

    assert (
        '<a href="/zh-hans/_account/login/?conference=ncic2027&amp;next=%2Fzh-hans%2F_orders%2Fncic2027%2F" '
        'lang="zh-hans" hreflang="zh-hans">' in page
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_render_in_both_languages(client, conference, name, language):
    response = client.get(url(name, language=language, query="?conference=ncic2027"))

    assert response.status_code == 200
    assert f'<html lang="{language}">' in html(response)
    assert "page-account" in html(response)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_render_in_both_languages(client, account, name, language):
    client.force_login(account)

    response = client.get(url(name, language=language))

    assert response.status_code == 200
    assert f'<html lang="{language}">' in html(response)


@pytest.mark.parametrize(("name", "purpose"), [("confirm", tokens.CONFIRM), ("password_reset_confirm", tokens.RESET)])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_link_pages_render_in_both_languages(client, unconfirmed, name, purpose, language):
    response = client.get(url(name, language=language, token=tokens.make_token(unconfirmed, purpose)))

    assert response.status_code == 200
    assert f'<html lang="{language}">' in html(response)


def test_english_wording(client):
    with translation.override("en"):
        login = text(client.get(url("login")))
        signup = text(client.get(url("signup")))

    assert "Log in Email address Password Log in Forgotten your password? New here? Create an account" in login
    assert "Create an account With one account you register for conferences" in signup


@pytest.mark.parametrize("name", PUBLIC_PAGES + MEMBER_PAGES)
def test_pages_use_the_stylesheet_with_no_inline_style_or_script(client, account, name):
    if name in MEMBER_PAGES:
        client.force_login(account)

    page = html(client.get(url(name)))

    assert '<link rel="stylesheet" href="/static/accounts/accounts.css">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert " style=" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []


def test_forms_suit_phones(client):
    page = html(client.get(url("signup")))

    assert '<input type="email" name="email" autocomplete="email"' in page
    assert 'name="password1" autocomplete="new-password"' in page


def test_account_pages_are_never_cached(client, settings):
    settings.PAGE_CACHE_SECONDS = 600

    first = client.get(url("login"))
    second = client.get(url("login"))

    assert "no-store" in first["Cache-Control"]
    assert "X-Flock-Cache" not in second
    assert first["X-Robots-Tag"] == "noindex"
