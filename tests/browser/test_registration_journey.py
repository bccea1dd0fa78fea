"""A new attendee registers for the demo conference in a real browser, from nothing to confirmed.

She signs up, confirms her address from the mail she receives, registers in English as a student
with her student card, is approved by the organizer in the admin, pays by bank transfer with a
photo of the slip, and finance accepts it: My conference then says that she is confirmed.
"""

import io
import re

import pytest
from django.core import mail

from cms.demo import DEMO_PASSWORD
from tests.browser.conftest import SCREENSHOTS, admin_login

pytestmark = pytest.mark.browser

EMAIL = "chen.yutong@example.edu.cn"
PASSWORD = "student-pass-2027"
REGISTER = "/en/_register/ncic2027/"
MY_CONFERENCE = "/en/_my/ncic2027/"


def url_is(path):
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def image_file(tmp_path, name, colour):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 300), colour)
    ImageDraw.Draw(image).rectangle((16, 16, 463, 283), outline="#1d2733", width=4)
    path = tmp_path / name
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_new_student_signs_up_registers_pays_by_transfer_and_is_confirmed(
    browser, page, demo_site, screenshot, tmp_path
):
    from playwright.sync_api import expect

    from attendance.enums import RegistrationState
    from attendance.models import Registration
    from cms.models import User
    from commerce.enums import OrderState, ProofState
    from commerce.models import TransferProof

    url = demo_site

    # Registering needs an account: the log-in page offers to create one.
    page.goto(url(REGISTER))
    expect(page).to_have_url(re.compile(r"/en/_account/login/\?"))
    page.locator("a[href*='/_account/signup/']").first.click()
    expect(page).to_have_url(re.compile(r"/en/_account/signup/"))
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    screenshot("01-sign-up")
    page.locator(".account-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/en/_account/signup/sent/"))
    assert not User.objects.get(email=EMAIL).is_active

    # The confirmation arrives by mail; following its link and confirming opens the account.
    [message] = [message for message in mail.outbox if message.to == [EMAIL]]
    assert message.subject == "Confirm your email address"
    [link] = re.findall(r"https?://\S+/_account/confirm/\S+", message.body)
    page.goto(url(re.sub(r"^https?://[^/]+", "", link)))
    expect(page.locator("main")).to_contain_text(f"Confirm that {EMAIL} is your address")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/en/_account/login/"))
    assert User.objects.get(email=EMAIL).is_active
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator(".account-form button[type=submit]").click()
    expect(page.locator(".account-menu, header")).to_be_visible()

    # Step 1: the type, with its early-bird fee in both currencies.
    page.goto(url(REGISTER))
    expect(page.locator("h1.page-title")).to_contain_text("Register for")
    student = page.locator("label.type-choice", has_text="Student")
    expect(student).to_contain_text("Upload: student card")
    expect(student).to_contain_text("1,200.00")
    screenshot("02-type")
    student.click()
    page.get_by_role("radio", name="CNY", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    # Step 2: details (the student card is required: continuing without it says so).
    expect(page.locator("li.register-step.is-current")).to_contain_text("Your details")
    page.get_by_label("Family name (Latin letters)").fill("Chen")
    page.get_by_label("Given name (Latin letters)").fill("Yutong")
    page.get_by_label("Name in Chinese").fill("陈雨桐")
    page.get_by_label("Affiliation").fill("Zhejiang University")
    page.get_by_label("Country").select_option("CN")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".has-error, .errorlist").first).to_be_visible()
    expect(page.get_by_label("Affiliation")).to_have_value("Zhejiang University")  # nothing typed is lost
    page.set_input_files("input[type=file][name$=document]", str(image_file(tmp_path, "student card.png", "#e8f0fa")))
    screenshot("03-details")
    page.get_by_role("button", name="Continue").click()

    # Step 3: the questions; the paper ID appears only for someone presenting.
    expect(page.locator("li.register-step.is-current")).to_contain_text("Questions")
    page.get_by_label("Vegetarian").check()
    paper = page.get_by_label("Paper ID")
    expect(paper).to_be_hidden()
    page.get_by_label("I am presenting a talk or a poster").check()
    expect(paper).to_be_visible()
    paper.fill("NCIC2027-0042")
    screenshot("04-questions")
    page.get_by_role("button", name="Continue").click()

    # Step 4: the review shows the server's price; submitting registers once.
    expect(page.locator("li.register-step.is-current")).to_contain_text("Review")
    expect(page.locator(".review-price")).to_contain_text("Early bird · until 2027-01-15")
    expect(page.locator(".review-price .review-total").last).to_contain_text("1,200.00")
    expect(page.locator("main")).to_contain_text("student card.png")
    screenshot("05-review")
    page.get_by_role("button", name="Submit registration").click()
    expect(page).to_have_url(url_is(MY_CONFERENCE))
    expect(page.locator(".next-step")).to_contain_text("The organizers are reviewing your registration.")
    screenshot("06-awaiting-approval")
    registration = Registration.objects.get(user__email=EMAIL)
    assert (registration.state, registration.registration_type.name_en, str(registration.price)) == (
        RegistrationState.AWAITING_APPROVAL,
        "Student",
        "1200.00",
    )
    assert (registration.affiliation, registration.country, registration.language) == (
        "Zhejiang University",
        "CN",
        "en",
    )
    answers = {answer.question.label_en: answer.value for answer in registration.answers.select_related("question")}
    assert answers["Dietary needs"] == "vegetarian"
    assert answers["Paper ID"] == "NCIC2027-0042"
    assert registration.document.name and registration.document_name == "student card.png"

    # The organizer approves the student in the admin (another browser window).
    organizer = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        desk = organizer.new_page()
        admin_login(desk, url, "organizer@ncic2027.flock.example", DEMO_PASSWORD)
        desk.goto(url(f"/admin/registration/registrations/inspect/{registration.pk}/"))
        expect(desk.locator("main")).to_contain_text("陈雨桐")
        desk.locator("a.flock-action-approve").click()
        desk.locator("form.flock-registration-action button[type=submit]").click()
        expect(desk.locator(".messages")).to_be_visible()
        desk.screenshot(path=str(SCREENSHOTS / "new_student_registration--07-organizer-approved.png"), full_page=True)
    finally:
        organizer.close()
    registration.refresh_from_db()
    assert registration.state == RegistrationState.AWAITING_PAYMENT
    assert any(message.to == [EMAIL] and "approved" in message.subject.lower() for message in mail.outbox)

    # She pays by bank transfer and uploads a photo of the slip.
    page.goto(url(MY_CONFERENCE))
    expect(page.locator(".next-step")).to_contain_text("Please pay the fee to confirm your registration.")
    page.locator(".button-pay").click()
    page.locator("#pay").get_by_role("button", name="Bank transfer").click()
    expect(page.locator(".pay-amount")).to_contain_text("1,200.00")
    page.set_input_files("input[type=file][name=file]", str(image_file(tmp_path, "transfer slip.png", "#f4f1e8")))
    page.get_by_role("button", name="Upload the proof").click()
    expect(page.locator(".proof-status")).to_contain_text("is waiting for review")
    screenshot("07b-proof-uploaded")
    proof = TransferProof.objects.get(payment__order__purchaser__email=EMAIL)
    assert proof.state == ProofState.PENDING

    # Finance accepts the proof: the order is paid and the registration confirmed.
    finance = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        desk = finance.new_page()
        admin_login(desk, url, "finance@ncic2027.flock.example", DEMO_PASSWORD)
        desk.goto(url("/admin/finance/proofs/"))
        card = desk.locator("article.flock-proof", has_text=proof.payment.order.code)
        card.locator("form.flock-proof-accept button").click()
        expect(desk.locator(".messages")).to_contain_text(proof.payment.order.code)  # finance reads Chinese
        desk.screenshot(path=str(SCREENSHOTS / "new_student_registration--08-finance-accepted.png"), full_page=True)
    finally:
        finance.close()
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CONFIRMED
    assert registration.order.state == OrderState.PAID

    page.goto(url(MY_CONFERENCE))
    expect(page.locator(".next-step")).to_contain_text("Your registration is confirmed.")
    expect(page.locator(".registration-actions")).to_contain_text("Download the receipt")
    screenshot("09-confirmed")
    subjects = [message.subject for message in mail.outbox if message.to == [EMAIL]]
    assert len(subjects) >= 4, subjects  # confirm address, received, approved, payment confirmed
