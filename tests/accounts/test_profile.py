"""The profile: every field saved together, or none; it prefills registrations."""

import pytest
from wagtail.models import ModelLogEntry

from cms.accounts.services import PROFILE_FIELDS, profile_initial
from cms.models import User
from tests.accounts.conftest import text, url

pytestmark = pytest.mark.django_db

VALID = {
    "name_zh": "王芳",
    "first_name": "Fang",
    "last_name": "Wang",
    "title": "Professor",
    "affiliation": "Zhejiang University",
    "country": "CN",
    "phone": "+86 571 8795 1234",
    "preferred_language": "zh-hans",
}


def saved(user):
    user = User.objects.get(pk=user.pk)
    return {name: str(getattr(user, name)) for name in PROFILE_FIELDS}


@pytest.fixture
def signed_in(client, account):
    client.force_login(account)
    return client


def test_profile_saves_every_field(signed_in, account):
    response = signed_in.post(url("profile"), VALID)

    assert response.status_code == 302
    assert response["Location"] == url("profile")
    assert saved(account) == VALID
    entry = ModelLogEntry.objects.get(action="flock.account.profile", object_id=str(account.pk))
    assert sorted(entry.data["fields"]) == sorted(set(PROFILE_FIELDS) - {"name_zh"})  # 王芳 already
    assert "Your profile is saved." in text(signed_in.get(response["Location"]))


def test_profile_page_shows_the_saved_values(signed_in, account):
    signed_in.post(url("profile"), VALID)

    html = signed_in.get(url("profile")).content.decode()

    assert 'value="Zhejiang University"' in html
    assert '<option value="CN" selected>' in html
    assert 'type="tel"' in html and 'autocomplete="tel"' in html


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"phone": "call me maybe"}, "phone", "invalid_phone"),
        ({"phone": "+86 1"}, "phone", "invalid_phone"),
        ({"first_name": "芳"}, "first_name", "not_latin"),
        ({"country": "XX"}, "country", "invalid_choice"),
        ({"preferred_language": "fr"}, "preferred_language", "invalid_choice"),
        ({"affiliation": "U" * 256}, "affiliation", "max_length"),
        ({"title": "T" * 10_000}, "title", "max_length"),
        ({"name_zh": "", "first_name": "Fang", "last_name": ""}, "__all__", "name_required"),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_is_saved(signed_in, account, changes, field, code):
    before = saved(account)

    response = signed_in.post(url("profile"), {**VALID, **changes})

    assert response.status_code == 200
    assert code in [error.code for error in response.context["form"].errors.as_data()[field]]
    assert saved(account) == before
    assert not ModelLogEntry.objects.filter(action="flock.account.profile").exists()


def test_refused_input_is_shown_back_but_never_touches_the_signed_in_user(signed_in, account):
    response = signed_in.post(url("profile"), {**VALID, "phone": "call me maybe"})

    assert response.wsgi_request.user.affiliation == ""
    assert 'value="call me maybe"' in response.content.decode()


def test_profile_is_for_signed_in_people(client):
    response = client.get(url("profile", query="?conference=ncic2027"))

    assert response.status_code == 302
    assert response["Location"] == "/en/_account/login/?next=/en/_account/%3Fconference%3Dncic2027"


def test_profile_initial_gives_the_profile_for_a_registration(signed_in, account):
    signed_in.post(url("profile"), VALID)

    assert profile_initial(User.objects.get(pk=account.pk)) == {"email": "wang.fang@example.edu.cn", **VALID}


def test_profile_initial_of_an_empty_profile_and_of_a_visitor(user_factory):
    from django.contrib.auth.models import AnonymousUser

    person = user_factory(email="blank@example.org", first_name="", last_name="", name_zh="")

    assert profile_initial(person) == {
        "email": "blank@example.org",
        "name_zh": "",
        "first_name": "",
        "last_name": "",
        "title": "",
        "affiliation": "",
        "country": "",
        "phone": "",
        "preferred_language": "zh-hans",
    }
    assert profile_initial(AnonymousUser()) == {}
