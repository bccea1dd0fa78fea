import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from wagtail.models import GroupPagePermission, Page

from cms.enums import ConferenceStatus, EmailStatus, Role
from cms.exceptions import IllegalTransition
from cms.models import ConferenceRole, EmailLog
from cms.services.conferences import create_conference, grant_role, revoke_role, set_conference_status
from conference_pages.models import ColumnPage, ConferenceHomePage
from conference_pages.services import DEFAULT_COLUMNS
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_create_conference_builds_home_pages_in_both_locales(conference):
    homes = ConferenceHomePage.objects.filter(conference=conference).select_related("locale")

    assert sorted((home.locale.language_code, home.title, home.slug) for home in homes) == [
        ("en", "The 10th National Conference on Intelligent Computing", "ncic2027"),
        ("zh-hans", "第十届全国智能计算学术会议", "ncic2027"),
    ]
    assert all(home.live for home in homes)


def test_create_conference_adds_default_columns_in_each_locale(conference):
    for language, titles in [("zh-hans", [c[1] for c in DEFAULT_COLUMNS]), ("en", [c[2] for c in DEFAULT_COLUMNS])]:
        home = ConferenceHomePage.objects.get(conference=conference, locale__language_code=language)
        columns = ColumnPage.objects.child_of(home).order_by("path")
        assert [column.title for column in columns] == titles
        assert all(column.show_in_menus and column.live for column in columns)


def test_english_pages_are_translations_of_the_chinese_ones(conference):
    zh = ConferenceHomePage.objects.get(conference=conference, locale__language_code="zh-hans")
    en = ConferenceHomePage.objects.get(conference=conference, locale__language_code="en")

    assert zh.translation_key == en.translation_key
    assert en.alias_of_id is None


def test_create_conference_rejects_end_before_start(portal):
    conference = ConferenceFactory.build(start_date=datetime.date(2027, 5, 2), end_date=datetime.date(2027, 5, 1))

    with pytest.raises(ValidationError) as error:
        create_conference(conference=conference)

    assert "end_date" in error.value.message_dict
    assert not ConferenceHomePage.objects.exists()


def test_create_conference_makes_creator_organizer(portal, user_factory):
    creator = user_factory()

    conference = create_conference(conference=ConferenceFactory.build(), created_by=creator)

    assert list(ConferenceRole.objects.values_list("user", "conference", "role")) == [
        (creator.pk, conference.pk, Role.ORGANIZER)
    ]


def test_status_follows_transition_table(make_conference):
    conference = make_conference(status=ConferenceStatus.DRAFT)

    set_conference_status(conference=conference, status=ConferenceStatus.PUBLISHED)
    set_conference_status(conference=conference, status=ConferenceStatus.ARCHIVED)

    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.ARCHIVED
    with pytest.raises(IllegalTransition):
        set_conference_status(conference=conference, status=ConferenceStatus.DRAFT)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.ARCHIVED


def test_grant_role_joins_group_with_page_permissions_and_mails_in_user_language(
    conference, user_factory, django_capture_on_commit_callbacks
):
    editor = user_factory(preferred_language="en", first_name="Grace", last_name="Hopper")

    with django_capture_on_commit_callbacks(execute=True):
        grant_role(conference=conference, user=editor, role=Role.EDITOR)

    group = editor.groups.get()
    assert group.name == "ncic2027 · Editor"
    home_ids = set(ConferenceHomePage.objects.filter(conference=conference).values_list("pk", flat=True))
    assert set(GroupPagePermission.objects.filter(group=group).values_list("page_id", flat=True)) == home_ids
    assert editor.has_perm("wagtailadmin.access_admin")
    assert [message.subject for message in mail.outbox] == [
        "[The 10th National Conference on Intelligent Computing] You are now Editor"
    ]
    assert mail.outbox[0].to == [editor.email]
    assert EmailLog.objects.get().status == EmailStatus.SENT


def test_editor_may_edit_own_conference_pages_only(make_conference, conference, user_factory):
    other = make_conference(slug="other2027")
    editor = user_factory()
    grant_role(conference=conference, user=editor, role=Role.EDITOR, notify=False)
    own_home = ConferenceHomePage.objects.get(conference=conference, locale__language_code="zh-hans")
    other_home = ConferenceHomePage.objects.get(conference=other, locale__language_code="zh-hans")

    assert own_home.permissions_for_user(editor).can_edit()
    assert own_home.get_children().first().permissions_for_user(editor).can_publish()
    assert not other_home.permissions_for_user(editor).can_edit()
    assert not Page.get_first_root_node().permissions_for_user(editor).can_edit()


def test_granting_a_held_role_again_changes_nothing(conference, user_factory, django_capture_on_commit_callbacks):
    person = user_factory()
    with django_capture_on_commit_callbacks(execute=True):
        grant_role(conference=conference, user=person, role=Role.FINANCE)
        grant_role(conference=conference, user=person, role=Role.FINANCE)

    assert ConferenceRole.objects.filter(user=person).count() == 1
    assert len(mail.outbox) == 1


def test_revoke_role_leaves_group(conference, user_factory):
    person = user_factory()
    role = grant_role(conference=conference, user=person, role=Role.CHECKIN, notify=False)

    revoke_role(conference_role=role)

    assert not ConferenceRole.objects.filter(user=person).exists()
    assert not person.groups.exists()


def test_admin_language_follows_preferred_language(user_factory):
    from wagtail.users.models import UserProfile

    person = user_factory(preferred_language="en")
    assert UserProfile.get_for_user(person).preferred_language == "en"

    person.preferred_language = "zh-hans"
    person.save()

    assert UserProfile.get_for_user(person).preferred_language == "zh-hans"


def test_the_site_of_a_request_is_cached_until_a_site_changes(client, django_assert_num_queries):
    """The lookup of the Wagtail site by host name is cached; adding a site is seen at once."""
    from django.test import RequestFactory
    from wagtail.models import Page, Site

    from conference_pages.middleware import site_for_request

    default = Site.objects.get(is_default_site=True)
    request = RequestFactory().get("/", HTTP_HOST="ncic.example.org")
    assert site_for_request(request) == default
    with django_assert_num_queries(0):
        assert site_for_request(RequestFactory().get("/", HTTP_HOST="ncic.example.org")) == default

    own = Site.objects.create(hostname="ncic.example.org", root_page=Page.objects.get(depth=1))
    assert site_for_request(RequestFactory().get("/", HTTP_HOST="ncic.example.org")) == own
    assert Site.find_for_request(request) == default  # one request keeps the site it started with
