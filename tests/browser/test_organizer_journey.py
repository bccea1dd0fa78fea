"""The organizer's journey in the Wagtail admin: sign in, find the conference, import the
committee from a spreadsheet with a preview, and see the people listed."""

import re

import pytest

from cms.demo import DEMO_PASSWORD
from cms.enums import Role
from cms.models import ConferenceRole

pytestmark = pytest.mark.browser

ROLES_CSV = (
    "conference,email,role,name_zh,first_name,last_name\n"
    "ncic2027,chen.jing@example.org,editor,陈静,Jing,Chen\n"
    "ncic2027,wang.qiang@example.org,review_chair,王强,Qiang,Wang\n"
)


def test_organizer_imports_committee_with_preview(page, demo_site, screenshot, tmp_path):
    from playwright.sync_api import expect

    page.goto(demo_site("/admin/login/"))
    page.fill("input[name=username]", "organizer@ncic2027.flock.example")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(demo_site("/admin/conferences/"))
    listing = page.locator("table.listing")
    expect(listing).to_contain_text("NCIC 2027")
    expect(listing).to_contain_text("NCIC 2025")
    screenshot("01-conferences")

    page.goto(demo_site("/admin/conference-roles/"))
    page.get_by_role("link", name=re.compile("导入|Import")).first.click()
    expect(page).to_have_url(re.compile(r"/admin/conference-roles/import/$"))
    upload = tmp_path / "committee.csv"
    upload.write_text(ROLES_CSV, encoding="utf-8")
    page.set_input_files("input[type=file]", str(upload))
    page.locator("form.flock-import-upload button[type=submit]").click()

    preview = page.locator("section.flock-import-preview")
    expect(preview).to_contain_text("chen.jing@example.org")
    expect(preview.locator("tr.flock-import-row")).to_have_count(2)
    assert not ConferenceRole.objects.filter(user__email="chen.jing@example.org").exists()
    screenshot("02-import-preview")

    page.locator("form.flock-import-confirm button").click()
    expect(page).to_have_url(re.compile(r"/admin/conference-roles/$"))
    expect(page.locator("table.listing")).to_contain_text("陈静")
    screenshot("03-roles-after-import")
    assert sorted(ConferenceRole.objects.filter(conference__slug="ncic2027").values_list("user__email", "role")) == [
        ("chair@ncic2027.flock.example", Role.REVIEW_CHAIR),
        ("checkin@ncic2027.flock.example", Role.CHECKIN),
        ("chen.jing@example.org", Role.EDITOR),
        ("finance@ncic2027.flock.example", Role.FINANCE),
        ("organizer@ncic2027.flock.example", Role.ORGANIZER),
        ("wang.qiang@example.org", Role.REVIEW_CHAIR),
    ]
