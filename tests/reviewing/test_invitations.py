"""Invitations to review: the mail in the reviewer's language with working links, the page where
the person accepts (then chooses a password through the accounts' own mail when staff opened
their account, else logs in) or declines and may change their mind, and links that do not work
(forged, or of an invitation sent again since): 404, nothing changes."""

import re

import pytest
from django.conf import settings
from django.test import Client
from wagtail.models import ModelLogEntry

from cms.models import EmailLog, User
from reviewing.enums import ReviewerState
from reviewing.selectors import REVIEWERS_GROUP
from reviewing.services.invitations import make_token, reviewer_from_token, send_invitation
from reviewing.services.reviewers import invite_reviewer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PANEL = "/admin/reviews/mine/"
NEW_PASSWORD = "Lantern-river-2027"


def page_url(reviewer, language="zh-hans"):
    return f"/{language}/_review/invitation/{make_token(reviewer)}/"


def links_in(body):
    base = re.escape(settings.WAGTAILADMIN_BASE_URL)
    return [match.removeprefix(settings.WAGTAILADMIN_BASE_URL) for match in re.findall(rf"{base}\S+", body)]


def in_reviewers_group(user):
    return user.groups.filter(name=REVIEWERS_GROUP).exists()


@pytest.fixture
def invite(conference, chair, topics):
    def make(email, *, language="zh-hans", existing=True):
        if existing:
            UserFactory(email=email, preferred_language=language, name_zh="", first_name="Grace", last_name="Hopper")
        return invite_reviewer(conference=conference, email=email, by=chair, topics=topics, language=language)

    return make


def test_the_invitation_is_mailed_in_each_reviewers_language_with_working_links(
    invite, conference, chair, mailoutbox, django_capture_on_commit_callbacks
):
    chinese = invite("zhang.wei@example.org", language="zh-hans")
    english = invite("grace@example.org", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        send_invitation(reviewer=chinese, by=chair)
        send_invitation(reviewer=english, by=chair)

    assert [m.to for m in mailoutbox] == [["zhang.wei@example.org"], ["grace@example.org"]]
    assert list(EmailLog.objects.order_by("pk").values_list("template_key", "language")) == [
        ("reviewing.invitation", "zh-hans"),
        ("reviewing.invitation", "en"),
    ]
    zh, en = mailoutbox[0].body, mailoutbox[1].body
    assert conference.name_zh in zh and "机器学习、知识图谱" in zh and chair.name_zh in zh
    assert conference.name_en in en and "Machine learning, Knowledge graphs" in en
    assert f"{chair.first_name} {chair.last_name}" in en
    assert "invites you to review submissions for" in en and mailoutbox[1].subject == "[NCIC 2027] Invitation to review"
    zh_links, en_links = links_in(zh), links_in(en)
    assert [link.split("?")[1] for link in zh_links[:2]] == ["answer=accept", "answer=decline"]
    assert all(link.startswith("/zh-hans/_review/invitation/") for link in zh_links[:2])
    assert all(link.startswith("/en/_review/invitation/") for link in en_links[:2])
    page = Client().get(en_links[0])
    assert page.status_code == 200
    assert conference.name_en in page.content.decode() and "Knowledge graphs" in page.content.decode()
    assert reviewer_from_token(zh_links[1].split("/")[4]) == chinese
    entries = ModelLogEntry.objects.filter(action="flock.review.invitation_sent")
    assert sorted(entries.values_list("data__email", flat=True)) == ["grace@example.org", "zhang.wei@example.org"]


def reset_link_in(body):
    """The address of the password link in an accounts mail (its site is the page's host)."""
    return re.search(r"https?://[^/\s]+(/\S+/_account/password/reset/\S+)", body).group(1)


def test_a_new_person_accepts_chooses_a_password_from_the_accounts_mail_and_lands_on_the_panel(
    invite, mailoutbox, django_capture_on_commit_callbacks, chair
):
    reviewer = invite("new.reviewer@example.org", language="en", existing=False)
    with django_capture_on_commit_callbacks(execute=True):
        send_invitation(reviewer=reviewer, by=chair)
    [accept_link, _decline] = links_in(mailoutbox[0].body)[:2]
    client = Client()

    page = client.get(accept_link).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(accept_link, {"answer": "accept"}, follow=True)
    reset_link = reset_link_in(mailoutbox[1].body)
    chosen = client.post(reset_link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    logged_in = client.post(chosen["Location"], {"email": "new.reviewer@example.org", "password": NEW_PASSWORD})

    assert 'name="new_password1"' not in page and "we send you an email with a link to choose" in page
    assert accepted.status_code == 200 and "data-check-mailbox" in accepted.content.decode()
    assert [m.to for m in mailoutbox] == [["new.reviewer@example.org"], ["new.reviewer@example.org"]]
    reset_log = EmailLog.objects.get(template_key="accounts.password_reset")
    assert reset_log.conference is None and reset_log.recipient == "new.reviewer@example.org"
    assert reset_link.startswith("/en/_account/password/reset/")
    assert (
        chosen["Location"].startswith("/en/_account/login/")
        and "next=%2Fadmin%2Freviews%2Fmine%2F" in chosen["Location"]
    )
    assert logged_in["Location"] == PANEL
    user = User.objects.get(email="new.reviewer@example.org")
    reviewer.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD) and user.email_confirmation.is_confirmed
    assert reviewer.state == ReviewerState.ACCEPTED and in_reviewers_group(user)
    assert client.session["_auth_user_id"] == str(user.pk)
    panel = client.get(PANEL)
    assert panel.status_code == 200 and panel.context["assignments"] == []


def test_the_invitation_page_never_sets_a_password_nor_logs_in(invite, mailoutbox, django_capture_on_commit_callbacks):
    reviewer = invite("new.reviewer@example.org", existing=False)
    client = Client()
    # One address: a token made a second later carries another timestamp.
    address = page_url(reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            address, {"answer": "accept", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )

    assert response.status_code == 302 and response["Location"] == address
    reviewer.refresh_from_db()
    assert reviewer.state == ReviewerState.ACCEPTED
    assert not reviewer.user.is_active and not reviewer.user.has_usable_password()
    assert "_auth_user_id" not in client.session
    assert [(m.to, m.extra_headers["X-Flock-Message"]) for m in mailoutbox] == [
        (["new.reviewer@example.org"], "accounts.password_reset")
    ]


def test_an_existing_person_logged_out_accepts_then_logs_in_to_the_panel(invite):
    reviewer = invite("grace@example.org", language="en")
    client = Client()

    response = client.post(page_url(reviewer, "en"), {"answer": "accept"})

    assert response.status_code == 302
    assert response["Location"] == "/en/_account/login/?conference=ncic2027&next=%2Fadmin%2Freviews%2Fmine%2F"
    reviewer.refresh_from_db()
    assert reviewer.state == ReviewerState.ACCEPTED and in_reviewers_group(reviewer.user)
    logged_in = client.post(response["Location"], {"email": "grace@example.org", "password": "secret-pass-123"})
    assert logged_in["Location"] == PANEL


def test_the_reviewer_logged_in_goes_straight_to_the_panel(invite):
    reviewer = invite("grace@example.org")
    client = Client()
    client.force_login(reviewer.user)

    response = client.post(page_url(reviewer), {"answer": "accept"})

    assert response["Location"] == PANEL
    reviewer.refresh_from_db()
    assert reviewer.state == ReviewerState.ACCEPTED


def test_declining_thanks_the_person(invite):
    reviewer = invite("grace@example.org", language="en")
    client = Client()

    response = client.post(page_url(reviewer, "en"), {"answer": "decline"}, follow=True)

    reviewer.refresh_from_db()
    assert reviewer.state == ReviewerState.DECLINED and reviewer.responded_at is not None
    assert not in_reviewers_group(reviewer.user)
    page = response.content.decode()
    assert response.redirect_chain == [(page_url(reviewer, "en"), 302)]
    assert "data-thanks" in page and 'data-answer="declined"' in page
    assert "Thank you for letting us know." in page


def test_the_person_can_change_their_mind_through_the_same_link(invite):
    reviewer = invite("grace@example.org")
    url = page_url(reviewer)
    client = Client()
    client.force_login(reviewer.user)

    client.post(url, {"answer": "decline"})
    client.post(url, {"answer": "accept"})
    reviewer.refresh_from_db()
    accepted = (reviewer.state, in_reviewers_group(reviewer.user))
    page = client.get(url).content.decode()
    client.post(url, {"answer": "decline"})
    reviewer.refresh_from_db()

    assert accepted == (ReviewerState.ACCEPTED, True)
    assert 'data-answer="accepted"' in page and 'data-answer-form="decline"' in page
    assert (reviewer.state, in_reviewers_group(reviewer.user)) == (ReviewerState.DECLINED, False)
    assert list(
        ModelLogEntry.objects.filter(action="flock.review.answer").values_list("data__accepted", flat=True)
    ) == [
        False,
        True,
        False,
    ]


def test_a_forged_or_garbled_link_is_404_and_changes_nothing(invite):
    reviewer = invite("grace@example.org")
    token = make_token(reviewer)
    forged = token[:-3] + ("abc" if token[-3:] != "abc" else "xyz")
    client = Client()

    for bad in (forged, "garbled", "x" * 600, make_token(reviewer).replace(":", ".", 1)):
        response = client.post(f"/zh-hans/_review/invitation/{bad}/", {"answer": "accept"})
        assert response.status_code == 404
        assert 'data-problem="invalid-invitation"' in response.content.decode()

    reviewer.refresh_from_db()
    assert reviewer.state == ReviewerState.INVITED and not in_reviewers_group(reviewer.user)


def test_the_link_of_an_invitation_sent_again_is_404_and_the_new_one_works(
    invite, chair, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = invite("new.reviewer@example.org", language="en", existing=False)
    with django_capture_on_commit_callbacks(execute=True):
        send_invitation(reviewer=reviewer, by=chair)
        send_invitation(reviewer=reviewer, by=chair)
    old_link, new_link = links_in(mailoutbox[0].body)[0], links_in(mailoutbox[1].body)[0]
    client = Client()

    page = client.get(old_link)
    refused = client.post(old_link, {"answer": "accept", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert old_link != new_link
    assert page.status_code == 404 and "This invitation link is not valid." in page.content.decode()
    assert refused.status_code == 404
    reviewer.refresh_from_db()
    assert reviewer.state == ReviewerState.INVITED
    assert not reviewer.user.is_active and not reviewer.user.has_usable_password()
    assert client.get(new_link).status_code == 200


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [("zh-hans", ("name_zh", "机器学习"), "Machine learning"), ("en", ("name_en", "Machine learning"), "机器学习")],
)
def test_the_page_renders_in_both_languages(invite, conference, chair, language, expected, absent):
    reviewer = invite("grace@example.org")
    inviter = chair.name_zh if language == "zh-hans" else f"{chair.first_name} {chair.last_name}"

    response = Client().get(page_url(reviewer, language))

    page = response.content.decode()
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    assert getattr(conference, expected[0]) in page and expected[1] in page and absent not in page
    assert 'data-answer="invited"' in page and 'name="answer" value="accept"' in page
    assert 'name="answer" value="decline"' in page and "grace@example.org" in page and inviter in page


def test_an_invitation_link_older_than_its_lifetime_no_longer_works(make_reviewer):
    import time
    from unittest import mock

    from reviewing.services.invitations import LINK_LIFETIME, make_token, reviewer_from_token

    reviewer = make_reviewer("slow@example.org", accept=False)
    issued = time.time() - LINK_LIFETIME.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=issued):
        old = make_token(reviewer)
    assert reviewer_from_token(make_token(reviewer)) == reviewer
    assert reviewer_from_token(old) is None
