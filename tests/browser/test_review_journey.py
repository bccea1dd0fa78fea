"""Review from invitation to released decision, in a real browser: the demo's review chair works
in Chinese, the new reviewer in English.

The chair invites a reviewer by mail; the reviewer opens the link and accepts, chooses a password
through the link of the accounts' mail that follows, logs in and lands in the reviewer's panel; the chair gives her a submission under review with a
due date; she reads it (double-blind: no author's name anywhere), saves a draft, then submits her
review; the chair sees the scores, records a decision, releases it, and the authors get the mail
with her comments.
"""

import re

import pytest
from django.core import mail

from cms.demo import DEMO_PASSWORD
from tests.browser.conftest import admin_login

pytestmark = pytest.mark.browser


def reviewer_shot(page, step):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"review-journey--{step}.png"), full_page=True)


CHAIR = "chair@ncic2027.flock.example"
REVIEWER = "grace.lin@review-example.org"
PASSWORD = "reviewer-pass-2027"
COMMENT = "A careful study; the second experiment needs a larger sample."


def test_a_reviewer_in_english_and_a_chair_in_chinese_from_invitation_to_released_decision(
    page, browser, demo_site, screenshot
):
    from playwright.sync_api import expect

    from cms.models import Conference
    from reviewing.models import Decision, Review
    from submissions.enums import SubmissionState
    from submissions.models import Submission

    url = demo_site
    conference = Conference.objects.get(slug="ncic2027")
    paper = (
        Submission.objects.filter(conference=conference, state=SubmissionState.UNDER_REVIEW, decision__isnull=True)
        .order_by("code")
        .first()
    )
    author_names = [author.name for author in paper.authors.all()]

    # The chair, in Chinese: the review menu opens the conference's progress.
    admin_login(page, url, CHAIR, DEMO_PASSWORD)
    page.goto(url("/admin/reviewing/"))
    expect(page).to_have_url(re.compile(rf"/admin/reviewing/{conference.pk}/$"))
    expect(page.locator("table.flock-review-progress")).to_contain_text("机器学习与视觉组")
    screenshot("01-chair-progress")

    # She invites a reviewer whose account does not exist yet, in English.
    page.locator(".flock-chair-tabs a").nth(2).click()
    page.fill("textarea[name=emails]", REVIEWER)
    page.select_option("select[name=language]", value="en")
    page.locator("input[name=topics]").first.check()
    page.locator("button[name=invite]").click()
    expect(page.locator("table.flock-reviewers")).to_contain_text(REVIEWER)
    screenshot("02-chair-invited")
    links = {
        link
        for message in mail.outbox
        if message.to == [REVIEWER]
        for link in re.findall(r"https?://\S+/_review/invitation/\S+", message.body)
    }
    link = sorted(links, key=len)[0]  # the page; the others ask for an answer (?answer=…)
    assert "/en/" in link

    # The reviewer, in another browser: the link, accept, the password mail, log in, the panel.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    reviewer_page = context.new_page()
    reviewer_page.set_default_timeout(15000)
    try:
        reviewer_page.goto(url(re.sub(r"^https?://[^/]+", "", link)))
        expect(reviewer_page.locator("h1.page-title")).to_have_text("Invitation to review")
        reviewer_shot(reviewer_page, "03-reviewer-invitation")
        expect(reviewer_page.locator("form[data-answer-form=accept] input[type=password]")).to_have_count(0)
        reviewer_page.locator("form[data-answer-form=accept] button[type=submit]").click()
        expect(reviewer_page.locator("[data-check-mailbox]")).to_contain_text("check your mailbox")
        [reset_link] = [
            link
            for message in mail.outbox
            if message.to == [REVIEWER]
            for link in re.findall(r"https?://\S+/_account/password/reset/\S+", message.body)
        ]
        reviewer_page.goto(url(re.sub(r"^https?://[^/]+", "", reset_link)))
        reviewer_page.fill("input[name=new_password1]", PASSWORD)
        reviewer_page.fill("input[name=new_password2]", PASSWORD)
        reviewer_page.locator(".account-form button[type=submit]").click()
        expect(reviewer_page).to_have_url(re.compile(r"/en/_account/login/\?"))
        reviewer_page.fill("input[name=email]", REVIEWER)
        reviewer_page.fill("input[name=password]", PASSWORD)
        reviewer_page.locator(".account-form button[type=submit]").click()
        expect(reviewer_page).to_have_url(re.compile(r"/admin/reviews/mine/$"))
        expect(reviewer_page.locator("main")).to_contain_text("No submissions are assigned to you yet.")

        # The chair gives her the submission, due on 1 March.
        page.goto(url(f"/admin/reviewing/{conference.pk}/submissions/{paper.pk}/"))
        page.get_by_role("checkbox", name=re.compile(re.escape(REVIEWER))).check()
        page.fill("input[name=due]", "2027-03-01")
        page.locator("button[name=action][value=assign]").click()
        expect(page.locator(".flock-chair-assignments table")).to_contain_text(REVIEWER)
        screenshot("04-chair-assigned")

        # She reads it without any author's name, saves a draft, then submits.
        reviewer_page.goto(url("/admin/reviews/mine/"))
        reviewer_page.get_by_role("link", name=paper.code).click()
        expect(reviewer_page.locator(".flock-review-submission")).to_contain_text(
            "Hidden: this review is double-blind."
        )
        body = reviewer_page.content()
        assert not [name for name in author_names if name and name in body]
        scores = reviewer_page.locator("select[name^=score_]")
        for index in range(scores.count()):
            scores.nth(index).select_option(value="4")
        reviewer_page.fill("textarea[name=comments_to_authors]", COMMENT)
        reviewer_page.locator("button[name=draft]").click()
        expect(reviewer_page.locator(".messages")).to_contain_text("Your draft is saved.")
        reviewer_page.select_option("select[name=recommendation]", value="accept_oral")
        reviewer_page.select_option("select[name=confidence]", value="3")
        reviewer_page.locator("button[name=submit]").click()
        expect(reviewer_page.locator(".messages")).to_contain_text("Your review is submitted.")
        reviewer_shot(reviewer_page, "05-reviewer-submitted")
        review = Review.objects.get(assignment__submission=paper, assignment__reviewer__user__email=REVIEWER)
        assert review.state == "submitted" and review.recommendation == "accept_oral"
    finally:
        context.close()

    # The chair reads the review, records the decision and releases it.
    page.goto(url(f"/admin/reviewing/{conference.pk}/submissions/{paper.pk}/"))
    expect(page.locator(".flock-chair-reviews")).to_contain_text(COMMENT)
    page.select_option(".flock-chair-decision select[name=outcome]", value="accept_oral")
    page.locator(".flock-chair-decision button[name=action][value=decide]").click()
    expect(page.locator(".flock-chair-decision button[name=action][value=release]")).to_be_visible()
    assert Decision.objects.get(submission=paper).released_at is None
    screenshot("06-chair-decided")
    sent_before = len(mail.outbox)
    page.locator(".flock-chair-decision button[name=action][value=release]").click()
    expect(page.locator(".messages")).to_be_visible()
    screenshot("07-chair-released")

    paper.refresh_from_db()
    assert paper.state == SubmissionState.ACCEPTED_ORAL
    decision_mails = mail.outbox[sent_before:]
    assert decision_mails and all(COMMENT in message.body for message in decision_mails)
    assert REVIEWER not in "".join(message.body for message in decision_mails)
