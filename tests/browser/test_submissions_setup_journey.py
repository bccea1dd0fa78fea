"""An organizer sets up the call for papers in the Wagtail admin: the deadlines in the
conference's time zone and a new topic."""

import datetime
import re

import pytest

from cms.demo import DEMO_PASSWORD
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_organizer_sets_the_call_for_papers_and_adds_a_topic(page, demo_site, screenshot):
    from playwright.sync_api import expect
    from wagtail.users.models import UserProfile

    from cms.models import Conference, User
    from submissions.models import SubmissionSettings, Topic

    organizer = User.objects.get(email="organizer@ncic2027.flock.example")
    profile = UserProfile.get_for_user(organizer)
    profile.preferred_language = "en"
    profile.save()
    conference = Conference.objects.get(slug="ncic2027")
    call = SubmissionSettings.objects.get(conference=conference)

    page.goto(demo_site("/admin/login/"))
    page.fill("input[name=username]", organizer.email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(demo_site("/admin/submissions/call/"))
    row = page.locator("table.listing tbody tr", has_text="NCIC 2027")
    expect(row).to_contain_text("2027-02-01 00:00")  # the full-paper deadline, in Shanghai time
    screenshot("01-calls")
    row.locator("a", has_text="NCIC 2027").first.click()
    expect(page).to_have_url(re.compile(rf"/admin/submissions/call/edit/{call.pk}/$"))
    page.fill("input[name=abstract_closes_at]", "2027-01-20 00:00")
    page.fill("input[name=max_per_person]", "3")
    page.keyboard.press("Escape")  # closes the date picker
    screenshot("02-call-edit")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_be_visible()
    call.refresh_from_db()
    assert call.abstract_closes_at == datetime.datetime(2027, 1, 20, tzinfo=conference.tz)
    assert call.max_per_person == 3

    page.goto(demo_site("/admin/submissions/topics/new/"))
    page.select_option("select[name=conference]", value=str(conference.pk))
    page.fill("input[name=name_zh]", "具身智能")
    page.fill("input[name=name_en]", "Embodied intelligence")
    page.locator("input[name=active]").check()
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/admin/submissions/topics/$"))
    expect(page.locator("table.listing")).to_contain_text("具身智能")
    page.screenshot(path=str(SCREENSHOTS / "organizer_sets_the_call_for_papers_and_adds_a_topic--03-topics.png"))
    assert Topic.objects.filter(conference=conference, name_en="Embodied intelligence", active=True).exists()
