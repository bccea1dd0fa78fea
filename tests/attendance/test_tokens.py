"""The token behind a registration's QR code: signed and unguessable, one query to read back,
revoked or reissued by organizers, and the page a phone opens from it (check-in staff to the
check-in screen, anyone else only the name and whether the registration is valid; every token
that is not a current one gets the same answer)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from attendance.enums import RegistrationState
from attendance.services.tokens import (
    checkin_url,
    parse_token,
    registration_from_token,
    reissue_token,
    revoke_token,
    token_for,
)
from cms.enums import Role
from cms.services.conferences import grant_role
from tests.attendance.conftest import RegistrationFactory

pytestmark = pytest.mark.django_db
S = RegistrationState


@pytest.fixture
def registration(conference, regular, attendee):
    return RegistrationFactory(
        conference=conference,
        registration_type=regular,
        user=attendee,
        code="NCIC2027-R0001",
        state=S.CONFIRMED,
        name_zh="李雷",
        first_name="Lei",
        last_name="Li",
        affiliation="清华大学计算机系",
        phone="+86 138 0000 0000",
    )


@pytest.fixture
def other_registration(make_conference_row, make_type, user_factory):
    from tests.attendance.conftest import RegistrationTypeFactory

    other = make_conference_row(slug="other2027", acronym="OTHER 2027")
    theirs = RegistrationTypeFactory(conference=other, is_free=True)
    return RegistrationFactory(conference=other, registration_type=theirs, code="OTHER-R0001", state=S.CONFIRMED)


def staff(user_factory, conference, role, email):
    user = user_factory(email=email)
    grant_role(conference=conference, user=user, role=role, notify=False)
    return user


def page(token, language="en"):
    with translation.override(language):
        return reverse("attendance:qr_code", kwargs={"token": token})


def forged(token):
    """The same registration, a signature one character off."""
    pk, signature = token.split(".")
    return f"{pk}.{'b' if signature[0] == 'a' else 'a'}{signature[1:]}"


# The token ------------------------------------------------------------------------------------


def test_token_reads_back_to_its_registration_in_one_query(registration):
    token = token_for(registration)

    with CaptureQueriesContext(connection) as queries:
        found = registration_from_token(token)

    assert found == registration
    assert len(queries) == 1
    assert found.conference.slug == "ncic2027"  # what the desk needs comes with it


def test_token_is_short_signed_and_not_the_nonce(registration, settings):
    token = token_for(registration)

    assert len(token) <= 30
    assert registration.token_nonce not in token
    assert checkin_url(registration) == f"{settings.WAGTAILADMIN_BASE_URL}/c/{token}/"


def test_scanned_address_or_token_in_any_case_finds_the_registration(registration):
    token = token_for(registration)

    for scanned in [token, token.upper(), checkin_url(registration), f"https://elsewhere.example/en/c/{token}/"]:
        assert registration_from_token(scanned) == registration, scanned


def test_token_is_refused_for_another_conference_when_the_desk_names_one(registration, other_registration):
    assert registration_from_token(token_for(registration), conference=other_registration.conference) is None
    assert registration_from_token(token_for(other_registration), conference=other_registration.conference) == (
        other_registration
    )


@pytest.mark.parametrize(
    "garbled",
    ["", "hello", "1.abc", "https://example.org/c/", "../../etc/passwd", "1." + "a" * 23, "zzzzzzzzzzzzz." + "a" * 24],
)
def test_garbled_tokens_are_refused_without_a_query(garbled):
    with CaptureQueriesContext(connection) as queries:
        assert registration_from_token(garbled) is None
    assert len(queries) == 0


def test_forged_unknown_and_truncated_tokens_are_refused(registration):
    token = token_for(registration)
    unknown = f"{int('9' * 6, 36):x}"  # any pk that is no registration
    signature = token.split(".")[1]

    assert registration_from_token(forged(token)) is None
    assert registration_from_token(token[:-1]) is None
    assert registration_from_token(f"zzzzzz.{signature}") is None
    assert parse_token(f"{unknown}.{signature}") is not None
    assert registration_from_token(f"{unknown}.{signature}") is None


def test_token_signed_with_another_secret_key_is_refused(registration, settings):
    token = token_for(registration)
    settings.SECRET_KEY = "another installation's secret key, long enough to be a real one"

    assert registration_from_token(token) is None


def test_token_signed_with_a_fallback_key_still_works_while_keys_rotate(registration, settings):
    token = token_for(registration)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the new secret key of this installation, long enough to be real"

    assert registration_from_token(token) == registration


def test_reissue_kills_the_old_code_and_leaves_an_audit_entry(registration, organizer):
    old = token_for(registration)

    new = reissue_token(registration=registration, by=organizer)

    registration.refresh_from_db()
    assert new != old
    assert token_for(registration) == new
    assert registration_from_token(old) is None
    assert registration_from_token(new) == registration
    entry = ModelLogEntry.objects.get(action="flock.registration.reissue_code")
    assert (entry.object_id, entry.user_id) == (str(registration.pk), organizer.pk)


def test_revoked_code_stops_working_until_a_new_one_is_given(registration, organizer):
    old = token_for(registration)

    revoke_token(registration=registration, by=organizer)

    registration.refresh_from_db()
    assert (registration.token_nonce, token_for(registration), checkin_url(registration)) == ("", "", "")
    assert registration_from_token(old) is None
    assert ModelLogEntry.objects.filter(action="flock.registration.revoke_code").count() == 1
    reissue_token(registration=registration, by=organizer)
    assert registration_from_token(token_for(registration)) == registration
    assert registration_from_token(old) is None


def test_every_registration_has_its_own_nonce(conference, regular, user_factory):
    first, second = (RegistrationFactory(conference=conference, registration_type=regular) for _ in range(2))

    assert first.token_nonce and second.token_nonce and first.token_nonce != second.token_nonce


# The page a phone opens -----------------------------------------------------------------------


def test_anyone_sees_only_the_name_and_that_the_registration_is_valid(client, registration):
    response = client.get(page(token_for(registration)))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Lei Li · 李雷" in body
    assert "Valid registration" in body
    assert "The 10th National Conference on Intelligent Computing" in body
    for private in [registration.email, "清华大学", "+86 138", registration.code, token_for(registration)]:
        assert private not in body, private
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"


def test_page_says_a_cancelled_registration_is_not_valid(client, registration):
    registration.state = S.CANCELLED
    registration.save(update_fields=["state"])

    body = client.get(page(token_for(registration))).content.decode()

    assert "Not a valid registration" in body
    assert "Valid registration" not in body.replace("Not a valid registration", "")


def test_page_in_chinese(client, registration):
    body = client.get(page(token_for(registration), "zh-hans")).content.decode()

    assert "李雷 · Lei Li" in body
    assert "第十届全国智能计算学术会议" in body


def test_forged_revoked_garbled_and_unknown_codes_get_the_very_same_answer(client, registration, organizer):
    old = token_for(registration)
    reissue_token(registration=registration, by=organizer)
    answers = [
        client.get(page(token))
        for token in [old, forged(token_for(registration)), "garbage", old[:-3], f"zzzzzz.{old.split('.')[1]}"]
    ]

    assert {response.status_code for response in answers} == {404}
    assert len({response.content for response in answers}) == 1
    assert "Not a valid Flock code" in answers[0].content.decode()


def test_check_in_staff_and_organizers_go_to_the_check_in_desk_with_the_code(registration, user_factory, conference):
    token = token_for(registration)
    for role, email in [(Role.CHECKIN, "desk@example.org"), (Role.ORGANIZER, "boss@example.org")]:
        client = Client()
        client.force_login(staff(user_factory, conference, role, email))

        response = client.get(page(token))

        assert response.status_code == 302
        desk = reverse("checkin_desk:desk", args=[conference.pk])
        assert response["Location"] == f"{desk}?code={token}"


def test_check_in_staff_of_another_conference_see_the_public_page(registration, other_registration, user_factory):
    client = Client()
    client.force_login(staff(user_factory, other_registration.conference, Role.CHECKIN, "desk@other.example"))

    response = client.get(page(token_for(registration)))

    assert response.status_code == 200
    assert "Valid registration" in response.content.decode()


def test_address_in_the_code_goes_to_the_phone_language(client, registration):
    token = token_for(registration)

    response = client.get(f"/c/{token}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == f"/en/c/{token}/"


# The check-in screen (read-only until the desk exists) ---------------------------------------


def test_check_in_screen_shows_name_type_payment_and_check_in_state(registration, user_factory, conference):
    client = Client()
    client.force_login(staff(user_factory, conference, Role.CHECKIN, "desk@example.org"))

    response = client.get(reverse("registration_codes:attendee", args=[registration.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    for expected in ["李雷 · Lei Li", "NCIC2027-R0001", "正式代表", "未缴费", "已确认"]:
        assert expected in body, expected
    assert reverse("registration_codes:reissue", args=[registration.pk]) not in body  # organizers only


def test_check_in_screen_of_another_conference_is_404(registration, other_registration, user_factory):
    client = Client()
    client.force_login(staff(user_factory, other_registration.conference, Role.CHECKIN, "desk@other.example"))

    assert client.get(reverse("registration_codes:attendee", args=[registration.pk])).status_code == 404


def test_organizer_reissues_the_code_from_the_screen(registration, user_factory, conference):
    old = token_for(registration)
    client = Client()
    client.force_login(staff(user_factory, conference, Role.ORGANIZER, "boss@example.org"))

    response = client.post(reverse("registration_codes:reissue", args=[registration.pk]))

    assert response.status_code == 302
    assert registration_from_token(old) is None


def test_check_in_staff_may_not_reissue(registration, user_factory, conference):
    old = token_for(registration)
    client = Client()
    client.force_login(staff(user_factory, conference, Role.CHECKIN, "desk@example.org"))

    response = client.post(reverse("registration_codes:reissue", args=[registration.pk]))

    assert (response.status_code, response["Location"]) == (302, "/admin/")  # Wagtail's "permission denied"
    assert registration_from_token(old) == registration
