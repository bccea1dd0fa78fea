"""Setting up submissions in the admin: topics and the call for papers (windows typed in the
conference's time zone), for the conference's organizers and review chairs only; another
conference's rows are 404; the "Submissions" menu."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from cms.enums import Role
from cms.services.conferences import grant_role
from submissions.enums import LatePolicy
from submissions.models import SubmissionSettings, Topic
from submissions.services.windows import submission_settings_for
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def staff(user_factory):
    def make(conference, role, email):
        user = user_factory(email=email)
        grant_role(conference=conference, user=user, role=role, notify=False)
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.current_time_zone = "Europe/London"  # the admin user's zone must not matter
        profile.save()
        return user

    return make


@pytest.fixture
def other(db):
    return ConferenceFactory(slug="other2027", acronym="OTHER 2027")


def call_form(**changes):
    data = {
        "abstract_enabled": "on",
        "abstract_opens_at": "2026-12-01 09:00",
        "abstract_closes_at": "2027-03-01 00:00",
        "abstract_max_size_mb": "10",
        "full_paper_opens_at": "",
        "full_paper_closes_at": "",
        "full_paper_max_size_mb": "20",
        "camera_ready_closes_at": "",
        "late_policy": LatePolicy.REFUSE,
        "max_per_person": "3",
        "presentation_types": "either",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.REVIEW_CHAIR])
def test_the_call_for_papers_is_typed_in_the_conference_time_zone(client, conference, staff, role):
    user = staff(conference, role, "chair@example.org")
    client.force_login(user)
    settings_row = submission_settings_for(conference)
    url = reverse("submission_settings:edit", args=[settings_row.pk])

    response = client.post(url, call_form())

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    settings_row.refresh_from_db()
    assert settings_row.abstract_opens_at == datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert settings_row.abstract_closes_at == datetime.datetime(2027, 3, 1, 0, 0, tzinfo=SHANGHAI)
    assert (settings_row.max_per_person, settings_row.full_paper_enabled) == (3, False)
    assert 'value="2027-03-01 00:00"' in client.get(url).content.decode()
    assert ModelLogEntry.objects.filter(object_id=str(settings_row.pk), user=user).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"abstract_closes_at": "2026-11-30 09:00"}, "abstract_closes_at"),  # before it opens
        ({"abstract_closes_at": ""}, "abstract_closes_at"),  # the phase is on: it needs its deadline
        ({"full_paper_enabled": "on"}, "full_paper_closes_at"),
        ({"abstract_max_size_mb": "0"}, "abstract_max_size_mb"),
        ({"late_policy": "whatever"}, "late_policy"),
    ],
)
def test_a_wrong_call_for_papers_is_refused_and_nothing_changes(client, conference, staff, changes, field):
    client.force_login(staff(conference, Role.ORGANIZER, "organizer@example.org"))
    settings_row = submission_settings_for(conference)

    response = client.post(reverse("submission_settings:edit", args=[settings_row.pk]), call_form(**changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    settings_row.refresh_from_db()
    assert settings_row.abstract_closes_at is None and settings_row.max_per_person is None


def test_the_listing_makes_one_call_per_conference_and_shows_only_the_users(client, conference, other, staff):
    client.force_login(staff(conference, Role.ORGANIZER, "organizer@example.org"))

    html = client.get(reverse("submission_settings:index")).content.decode()

    assert conference.acronym in html and other.acronym not in html
    assert list(SubmissionSettings.objects.values_list("conference__slug", flat=True)) == [conference.slug]
    theirs = submission_settings_for(other)
    assert client.get(reverse("submission_settings:edit", args=[theirs.pk])).status_code == 404
    refused = client.get("/admin/submissions/call/new/")  # Wagtail's answer to a denied action
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")


def test_topics_are_added_to_the_users_conferences_only(client, conference, other, staff):
    organizer = staff(conference, Role.ORGANIZER, "organizer@example.org")
    client.force_login(organizer)
    theirs = Topic.objects.create(conference=other, name_zh="别人的专题")

    added = client.post(
        reverse("submission_topics:add"),
        {"conference": other.pk, "name_zh": "偷偷加的", "name_en": "", "sort_order": "0", "active": "on"},
    )
    assert added.status_code == 200 and "conference" in added.context["form"].errors
    client.post(
        reverse("submission_topics:add"),
        {"conference": conference.pk, "name_zh": "机器学习", "name_en": "Machine learning", "sort_order": "1"},
    )

    assert list(Topic.objects.filter(conference=conference).values_list("name_zh", "name_en", "active")) == [
        ("机器学习", "Machine learning", False)
    ]
    listing = client.get(reverse("submission_topics:index")).content.decode()
    assert "机器学习" in listing and "别人的专题" not in listing
    assert client.get(reverse("submission_topics:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("submission_topics:delete", args=[theirs.pk])).status_code == 404
    assert Topic.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.FINANCE, Role.CHECKIN])
def test_other_roles_do_not_set_up_submissions(client, conference, staff, role):
    client.force_login(staff(conference, role, "someone@example.org"))
    topic = Topic.objects.create(conference=conference, name_zh="机器学习")

    for url in (
        reverse("submission_topics:index"),
        reverse("submission_topics:edit", args=[topic.pk]),
        reverse("submission_settings:index"),
    ):
        assert client.get(url).status_code in (302, 403, 404), url
    assert not SubmissionSettings.objects.exists()


def test_the_admin_menu_has_submissions_for_organizers(client, conference, staff):
    client.force_login(staff(conference, Role.ORGANIZER, "organizer@example.org"))
    html = client.get("/admin/").content.decode()
    assert reverse("submission_topics:index") in html
    assert reverse("submission_settings:index") in html


def test_topics_are_listed_in_their_order(client, conference, staff):
    client.force_login(staff(conference, Role.ORGANIZER, "organizer@example.org"))
    Topic.objects.create(conference=conference, name_zh="第二", sort_order=2)
    Topic.objects.create(conference=conference, name_zh="第一", sort_order=1)
    Topic.objects.create(conference=conference, name_zh="第三", sort_order=3)

    html = client.get(reverse("submission_topics:index")).content.decode()

    assert html.index("第一") < html.index("第二") < html.index("第三")
