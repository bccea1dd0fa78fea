"""Registering through the wizard: type → details → questions → review → submit.

The conference here has no website (the pages fall back to a plain layout); the attendee-only
pages' tests use one with a website. Visible text is asserted in English (``/en/`` addresses).
"""

import datetime
import html as html_lib
import re
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from attendance.enums import FeeTierKind, QuestionKind, RegistrationState
from attendance.models import Answer, Registration
from attendance.services.pricing import end_of_day
from attendance.services.setup import registration_settings_for
from attendance.wizards import UPLOAD_DIRECTORY, sweep_wizard_uploads
from cms.models import EmailLog
from commerce.enums import OrderState
from commerce.models import Order
from tests.attendance.conftest import (
    RegistrationTypeFactory,
    add_question,
    pdf_upload,
    png_upload,
    text_upload,
    today_local,
)

pytestmark = pytest.mark.django_db


def register_url(conference, language="en"):
    with translation.override(language):
        return reverse("attendance:register", kwargs={"conference_slug": conference.slug})


def my_url(conference, language="en"):
    with translation.override(language):
        return reverse("attendance:my_conference", kwargs={"conference_slug": conference.slug})


def text(response):
    """The visible text of a page, whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def field_value(response, name):
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', response.content.decode())
    if match is None:
        match = re.search(rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', response.content.decode())
    return html_lib.unescape(match.group(1)) if match else None


def current_step(response):
    return response.context["wizard"]["steps"].current


class Wizard:
    """Plays the wizard for one conference with a logged-in client."""

    def __init__(self, client, conference, language="en"):
        self.client, self.conference, self.language = client, conference, language
        self.url = register_url(conference, language)

    def start(self):
        return self.client.get(self.url)

    def post(self, step, data=None, **extra):
        payload = {f"register_{self.conference.pk}-current_step": step}
        for name, value in (data or {}).items():
            payload[f"{step}-{name}"] = value
        payload.update(extra)
        return self.client.post(self.url, payload)

    def choose(self, registration_type, currency="CNY"):
        return self.post("type", {"registration_type": registration_type.pk, "currency": currency})

    def details(self, **changes):
        data = {
            "name_zh": "李雷",
            "last_name": "Li",
            "first_name": "Lei",
            "title": "Professor",
            "affiliation": "清华大学计算机系",
            "country": "CN",
            "phone": "+86 138 0000 0000",
            "email": "li.lei@example.edu.cn",
        }
        data.update(changes)
        return self.post("details", data)

    def submit(self, review_page):
        return self.post("review", {"quote": field_value(review_page, "review-quote")})


@pytest.fixture(autouse=True)
def own_storage(settings, tmp_path):
    """This test's own private and public storage, so that files can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


@pytest.fixture
def wizard(client, attendee, conference):
    client.force_login(attendee)
    return Wizard(client, conference)


def nothing_saved():
    return Registration.objects.count() == 0 and Answer.objects.count() == 0 and Order.objects.count() == 0


def wizard_files():
    try:
        return storages["private"].listdir(UPLOAD_DIRECTORY)[1]
    except FileNotFoundError:
        return []


# The whole way, by kind of type ---------------------------------------------------------------------


def test_paid_type_ends_awaiting_payment_with_an_order_and_a_pay_now_button(wizard, regular, attendee):
    start = wizard.start()
    assert start.status_code == 200
    page = text(start)
    assert "Regular delegate" in page
    assert "¥2,400.00 CNY Early bird" in page
    assert "US$340.00 USD Early bird" in page

    details_page = wizard.choose(regular)
    assert current_step(details_page) == "details"
    review = wizard.details()
    assert current_step(review) == "review"
    shown = text(review)
    assert "Registration type Regular delegate" in shown
    assert "Fee Early bird · until" in shown
    assert "Amount ¥2,400.00 CNY" in shown
    assert "After you submit, you can pay at once." in shown

    done = wizard.submit(review)

    assert done.status_code == 302
    assert done["Location"] == my_url(wizard.conference)
    registration = Registration.objects.get()
    assert (
        registration.user,
        registration.state,
        registration.price,
        registration.currency,
        registration.fee_kind,
    ) == (
        attendee,
        RegistrationState.AWAITING_PAYMENT,
        Decimal("2400.00"),
        "CNY",
        FeeTierKind.EARLY_BIRD,
    )
    assert (registration.name_zh, registration.title, registration.language) == ("李雷", "Professor", "en")
    assert registration.order.state == OrderState.PENDING
    assert registration.order.total == Decimal("2400.00")
    my_page = wizard.client.get(done["Location"])
    my_text = text(my_page)
    assert f"Your registration {registration.code} is saved. Please pay the fee to confirm it." in my_text
    order_url = reverse("commerce:order", kwargs={"conference_slug": "ncic2027", "code": registration.order.code})
    assert f'<a class="button button-pay" href="{order_url}#pay">Pay now</a>' in my_page.content.decode()
    assert EmailLog.objects.filter(template_key="attendance.submitted").count() == 1


def test_second_currency_is_charged_in_that_currency(wizard, regular):
    wizard.start()
    wizard.choose(regular, currency="USD")
    review = wizard.details()
    assert "Amount US$340.00 USD" in text(review)

    wizard.submit(review)

    registration = Registration.objects.get()
    assert (registration.price, registration.currency, registration.order.currency) == (Decimal("340.00"), "USD", "USD")


def test_free_type_is_confirmed_at_once(wizard, free_type):
    wizard.start()
    wizard.choose(free_type)
    review = wizard.details()
    assert "There is no fee: your registration is confirmed as soon as you submit it." in text(review)

    done = wizard.submit(review)

    registration = Registration.objects.get()
    assert (registration.state, registration.price, registration.order) == (
        RegistrationState.CONFIRMED,
        Decimal("0.00"),
        None,
    )
    assert "is confirmed. See you at the conference!" in text(wizard.client.get(done["Location"]))
    assert Order.objects.count() == 0


def test_type_that_needs_approval_awaits_it_without_an_order(wizard, make_type):
    reviewed = make_type(name_en="Member", requires_approval=True)
    wizard.start()
    wizard.choose(reviewed)
    review = wizard.details()
    assert "The organizers review each registration of this type." in text(review)

    done = wizard.submit(review)

    registration = Registration.objects.get()
    assert (registration.state, registration.order) == (RegistrationState.AWAITING_APPROVAL, None)
    page = text(wizard.client.get(done["Location"]))
    assert "The organizers will review it and write to you." in page
    assert "The organizers are reviewing your registration." in page
    assert "Pay now" not in page


def test_student_card_survives_the_steps_in_private_storage_and_is_saved(wizard, student, settings):
    wizard.start()
    wizard.choose(student)
    missing = wizard.details()
    assert current_step(missing) == "details"
    assert missing.context["form"].errors.as_data()["document"][0].code == "required"

    review = wizard.details(document=pdf_upload("学生证.pdf"))
    assert current_step(review) == "review"
    assert "Student card 学生证.pdf" in text(review)
    assert len(wizard_files()) == 1
    assert not settings.MEDIA_ROOT.exists()  # nothing under the public media directory

    wizard.submit(review)

    registration = Registration.objects.get()
    assert registration.document_name == "学生证.pdf"
    assert registration.document_content_type == "application/pdf"
    with registration.document.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")
    assert wizard_files() == []  # the wizard's copy is deleted once registered


def test_going_back_keeps_the_uploaded_document(wizard, student):
    wizard.start()
    wizard.choose(student)
    wizard.details(document=png_upload("card.png"))
    back = wizard.post("review", {}, wizard_goto_step="details")
    assert current_step(back) == "details"
    assert "Received: card.png. Choose a file only to replace it." in text(back)

    review = wizard.details(affiliation="北京大学")  # no new file

    assert current_step(review) == "review"
    assert "card.png" in text(review)
    wizard.submit(review)
    registration = Registration.objects.get()
    assert (registration.affiliation, registration.document_name) == ("北京大学", "card.png")


def test_replacing_the_document_deletes_the_first_copy(wizard, student):
    wizard.start()
    wizard.choose(student)
    wizard.details(document=png_upload("first.png"))
    wizard.post("review", {}, wizard_goto_step="details")

    review = wizard.details(document=pdf_upload("second.pdf"))

    assert len(wizard_files()) == 1
    wizard.submit(review)
    assert Registration.objects.get().document_name == "second.pdf"
    assert wizard_files() == []


def test_abandoned_uploads_are_swept_after_a_day(wizard, student, monkeypatch):
    wizard.start()
    wizard.choose(student)
    wizard.details(document=pdf_upload())
    assert len(wizard_files()) == 1

    assert sweep_wizard_uploads() == 0
    later = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert sweep_wizard_uploads() == 1
    assert wizard_files() == []


def test_starting_again_deletes_the_files_of_the_last_attempt(wizard, student):
    wizard.start()
    wizard.choose(student)
    wizard.details(document=pdf_upload())
    assert len(wizard_files()) == 1

    wizard.start()

    assert wizard_files() == []


# Questions ------------------------------------------------------------------------------------------


@pytest.fixture
def every_kind_of_question(conference):
    diet = add_question(
        conference,
        QuestionKind.SINGLE_CHOICE,
        label_en="Diet",
        required=True,
        choices=[("regular", "普通", "Regular"), ("vegetarian", "素食", "Vegetarian"), ("other", "其他", "Other")],
    )
    return {
        "short": add_question(conference, QuestionKind.SHORT_TEXT, label_en="Badge name", required=True),
        "long": add_question(conference, QuestionKind.LONG_TEXT, label_en="Remarks"),
        "diet": diet,
        "diet_other": add_question(
            conference,
            QuestionKind.SHORT_TEXT,
            label_en="Which diet?",
            required=True,
            depends_on=diet,
            depends_value="other",
        ),
        "topics": add_question(
            conference,
            QuestionKind.MULTIPLE_CHOICE,
            label_en="Topics",
            choices=[("ai", "人工智能", "AI"), ("hpc", "高性能计算", "HPC")],
        ),
        "dinner": add_question(conference, QuestionKind.CHECKBOX, label_en="Banquet"),
        "arrival": add_question(conference, QuestionKind.DATE, label_en="Arrival"),
        "passport": add_question(conference, QuestionKind.COUNTRY, label_en="Passport"),
        "poster": add_question(conference, QuestionKind.FILE, label_en="Poster draft"),
    }


def answers_for(questions, **values):
    return {questions[key].field_name: value for key, value in values.items()}


def test_questions_of_every_kind_with_a_condition_met(wizard, regular, every_kind_of_question):
    q = every_kind_of_question
    wizard.start()
    wizard.choose(regular)
    questions_page = wizard.details()
    assert current_step(questions_page) == "questions"
    html = questions_page.content.decode()
    assert f'data-show-if="q_{q["diet"].pk}"' in html
    assert 'data-show-value="other"' in html

    review = wizard.post(
        "questions",
        answers_for(
            q,
            short="Prof. Li",
            long="Arriving late.\nThank you.",
            diet="other",
            diet_other="Halal",
            topics=["ai", "hpc"],
            dinner="on",
            arrival="2027-05-09",
            passport="DE",
            poster=pdf_upload("poster.pdf"),
        ),
    )

    assert current_step(review) == "review"
    shown = text(review)
    for line in [
        "Badge name Prof. Li",
        "Diet Other",
        "Which diet? Halal",
        "Topics AI, HPC",
        "Banquet Yes",
        "Arrival 2027-05-09",
        "Passport Germany",
        "Poster draft poster.pdf",
    ]:
        assert line in shown
    wizard.submit(review)
    registration = Registration.objects.get()
    stored = {answer.question_id: answer for answer in registration.answers.all()}
    assert {pk: answer.value for pk, answer in stored.items() if answer.value is not None} == {
        q["short"].pk: "Prof. Li",
        q["long"].pk: "Arriving late.\nThank you.",
        q["diet"].pk: "other",
        q["diet_other"].pk: "Halal",
        q["topics"].pk: ["ai", "hpc"],
        q["dinner"].pk: True,
        q["arrival"].pk: "2027-05-09",
        q["passport"].pk: "DE",
    }
    assert stored[q["poster"].pk].file_name == "poster.pdf"


def test_a_hidden_question_is_not_required_and_its_answer_is_dropped(wizard, regular, every_kind_of_question):
    q = every_kind_of_question
    wizard.start()
    wizard.choose(regular)
    wizard.details()

    review = wizard.post("questions", answers_for(q, short="Li", diet="regular", diet_other="sneaked in"))

    assert current_step(review) == "review"
    wizard.submit(review)
    values = dict(Registration.objects.get().answers.values_list("question_id", "value"))
    assert q["diet_other"].pk not in values
    assert values[q["diet"].pk] == "regular"


def test_a_shown_conditional_question_is_required(wizard, regular, every_kind_of_question):
    q = every_kind_of_question
    wizard.start()
    wizard.choose(regular)
    wizard.details()

    again = wizard.post("questions", answers_for(q, short="Li", diet="other"))

    assert current_step(again) == "questions"
    assert again.context["form"].errors.as_data()[q["diet_other"].field_name][0].code == "required"
    assert nothing_saved()


def test_conference_without_questions_skips_the_step(wizard, regular):
    wizard.start()
    wizard.choose(regular)

    review = wizard.details()

    assert current_step(review) == "review"
    assert [step["key"] for step in review.context["step_list"]] == ["type", "details", "review"]


# Prefill ----------------------------------------------------------------------------------------------


def test_details_are_prefilled_from_the_profile(wizard, regular, attendee):
    wizard.start()

    details = wizard.choose(regular)

    form = details.context["form"]
    assert {name: form[name].value() for name in ("name_zh", "first_name", "last_name", "affiliation", "email")} == {
        "name_zh": "李雷",
        "first_name": "Lei",
        "last_name": "Li",
        "affiliation": "清华大学计算机系",
        "email": "li.lei@example.edu.cn",
    }
    assert 'value="清华大学计算机系"' in details.content.decode()


# Never trusted: type, tier, price ----------------------------------------------------------------------


def test_tampered_price_fields_are_ignored(wizard, regular):
    wizard.start()
    wizard.post("type", {"registration_type": regular.pk, "currency": "CNY", "price": "1", "fee_kind": "on_site"})
    review = wizard.details(price="0.01", amount="0.01")

    wizard.post("review", {"quote": field_value(review, "review-quote"), "price": "0.01", "amount": "1"})

    registration = Registration.objects.get()
    assert (registration.price, registration.order.total) == (Decimal("2400.00"), Decimal("2400.00"))


def test_a_type_of_another_conference_or_an_inactive_type_is_refused(wizard, regular, make_type, make_conference_row):
    foreign = RegistrationTypeFactory(conference=make_conference_row(slug="aicon2026"), name_en="Foreign", is_free=True)
    hidden = make_type(name_en="Invited", is_free=True, tiers=[], active=False)
    wizard.start()

    for chosen in (foreign, hidden):
        again = wizard.post("type", {"registration_type": chosen.pk, "currency": "CNY"})
        assert current_step(again) == "type"
        assert again.context["form"].errors.as_data()["registration_type"][0].code == "invalid_choice"
    assert nothing_saved()


def test_a_forged_quote_only_shows_the_review_again(wizard, regular):
    wizard.start()
    wizard.choose(regular)
    wizard.details()

    again = wizard.post("review", {"quote": f"{regular.pk}:0:1.00:CNY"})

    assert current_step(again) == "review"
    assert "The fee has changed since you chose" in text(again)
    assert nothing_saved()
    wizard.submit(again)
    assert Registration.objects.get().price == Decimal("2400.00")


@pytest.fixture
def ending_today(make_type):
    """A type whose early-bird fee ends at midnight tonight (the conference's time), so that the
    tests move the clock a few hours at most (a session lasts two weeks)."""
    today = today_local()
    return make_type(
        tiers=[
            (FeeTierKind.EARLY_BIRD, today, "2400.00", "340.00"),
            (FeeTierKind.REGULAR, today + datetime.timedelta(days=60), "2800.00", "400.00"),
        ]
    )


def test_tier_that_ends_between_steps_shows_the_new_price_on_the_review(wizard, ending_today, monkeypatch):
    regular = ending_today
    early_bird_end = end_of_day(today_local(), wizard.conference.tz)
    monkeypatch.setattr(timezone, "now", lambda: early_bird_end - datetime.timedelta(minutes=1))
    wizard.start()
    wizard.choose(regular)
    monkeypatch.setattr(timezone, "now", lambda: early_bird_end + datetime.timedelta(minutes=1))

    review = wizard.details()

    shown = text(review)
    assert "The fee has changed since you chose your registration type" in shown
    assert "Amount ¥2,800.00 CNY" in shown
    assert "Fee Regular" in shown
    wizard.submit(review)
    registration = Registration.objects.get()
    assert (registration.price, registration.fee_kind) == (Decimal("2800.00"), FeeTierKind.REGULAR)


def test_tier_that_ends_while_the_review_is_open_registers_nothing_and_shows_the_new_price(
    wizard, ending_today, monkeypatch
):
    regular = ending_today
    early_bird_end = end_of_day(today_local(), wizard.conference.tz)
    monkeypatch.setattr(timezone, "now", lambda: early_bird_end - datetime.timedelta(minutes=1))
    wizard.start()
    wizard.choose(regular)
    review = wizard.details()
    assert "Amount ¥2,400.00 CNY" in text(review)
    monkeypatch.setattr(timezone, "now", lambda: early_bird_end + datetime.timedelta(minutes=1))

    again = wizard.submit(review)

    assert current_step(again) == "review"
    assert "Amount ¥2,800.00 CNY" in text(again)
    assert "The fee has changed" in text(again)
    assert nothing_saved()
    wizard.submit(again)
    assert Registration.objects.get().price == Decimal("2800.00")


# Who may register -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_and_back(client, conference, regular):
    response = client.get(register_url(conference))

    assert response.status_code == 302
    assert response["Location"] == ("/en/_account/login/?conference=ncic2027&next=%2Fen%2F_register%2Fncic2027%2F")


def test_closed_registration_says_so_and_saves_nothing(wizard, regular, conference):
    conference.registration_open = False
    conference.save()

    response = wizard.start()

    assert response.status_code == 200
    assert "Registration for this conference is not open." in text(response)
    assert "form" not in response.context or response.context.get("wizard") is None
    assert wizard.choose(regular).status_code == 200
    assert nothing_saved()


def test_registration_not_yet_open_says_when_it_opens(wizard, regular, conference):
    settings_row = registration_settings_for(conference)
    settings_row.opens_at = timezone.now() + datetime.timedelta(days=3)
    settings_row.save()

    page = text(wizard.start())

    assert "Registration opens on" in page
    assert "(Asia/Shanghai)" in page


def test_closing_while_the_wizard_is_open_saves_nothing(wizard, regular, conference):
    wizard.start()
    wizard.choose(regular)
    review = wizard.details()
    conference.registration_open = False
    conference.save()

    response = wizard.submit(review)

    assert "Registration for this conference is not open." in text(response)
    assert nothing_saved()


def test_full_types_are_marked_and_refused(wizard, make_type, regular, user_factory, register_as):
    small = make_type(name_en="Workshop only", capacity=1)
    register_as(small, user=user_factory())
    start = wizard.start()
    assert "Workshop only" in text(start)
    assert "Full" in text(start)

    again = wizard.choose(small)

    assert current_step(again) == "type"
    assert again.context["form"].errors.as_data()["registration_type"][0].code == "full"
    assert Registration.objects.count() == 1


def test_every_type_full_says_so(wizard, make_type, user_factory, register_as):
    only = make_type(name_en="Workshop only", capacity=1)
    register_as(only, user=user_factory())

    page = text(wizard.start())

    assert "Sorry, no registration type has places left at the moment." in page


def test_the_last_place_taken_during_the_wizard_registers_nothing(wizard, make_type, user_factory, register_as):
    small = make_type(name_en="Workshop only", capacity=1)
    wizard.start()
    wizard.choose(small)
    review = wizard.details()
    register_as(small, user=user_factory())

    response = wizard.submit(review)

    assert "Sorry, no registration type has places left at the moment." in text(response)
    assert Registration.objects.count() == 1


def test_already_registered_shows_the_registration(wizard, regular, register_as):
    registration = register_as(regular)

    response = wizard.start()

    page = text(response)
    assert "You are already registered for this conference." in page
    assert f"Your registration {registration.code} is Awaiting payment." in page
    assert f'href="{my_url(wizard.conference)}"' in response.content.decode()
    assert Registration.objects.count() == 1


def test_registered_in_another_tab_saves_nothing_more(wizard, regular, register_as):
    wizard.start()
    wizard.choose(regular)
    review = wizard.details()
    register_as(regular)

    response = wizard.submit(review)

    assert "You are already registered for this conference." in text(response)
    assert Registration.objects.count() == 1


def test_a_withdrawn_person_may_register_again(wizard, regular, register_as, attendee):
    from attendance.services.registrations import withdraw_registration

    withdraw_registration(registration=register_as(regular))
    wizard.start()
    wizard.choose(regular)

    wizard.submit(wizard.details())

    assert Registration.objects.filter(user=attendee, state=RegistrationState.AWAITING_PAYMENT).count() == 1


# Bad input ---------------------------------------------------------------------------------------------


def test_ten_thousand_characters_get_a_clear_message_and_nothing_is_saved(wizard, regular, conference):
    remarks = add_question(conference, QuestionKind.LONG_TEXT, label_en="Remarks")
    wizard.start()
    wizard.choose(regular)
    wizard.details()

    again = wizard.post("questions", {remarks.field_name: "长" * 10_000})

    assert current_step(again) == "questions"
    assert again.context["form"].errors.as_data()[remarks.field_name][0].code == "max_length"
    assert "Ensure this value has at most 5000 characters (it has 10000)." in text(again)
    assert nothing_saved()


def test_ten_thousand_characters_in_a_detail_are_refused(wizard, regular):
    wizard.start()
    wizard.choose(regular)

    again = wizard.details(affiliation="x" * 10_000)

    assert current_step(again) == "details"
    assert again.context["form"].errors.as_data()["affiliation"][0].code == "max_length"
    assert nothing_saved()


def test_invalid_email_gets_a_clear_message(wizard, regular):
    wizard.start()
    wizard.choose(regular)

    again = wizard.details(email="li.lei@")

    assert current_step(again) == "details"
    assert "Enter a valid email address." in text(again)
    assert nothing_saved()


def test_a_file_of_the_wrong_type_gets_a_clear_message_and_is_not_kept(wizard, student):
    wizard.start()
    wizard.choose(student)

    again = wizard.details(document=text_upload("card.pdf"))

    assert current_step(again) == "details"
    assert again.context["form"].errors.as_data()["document"][0].code == "file_type"
    assert "Please upload a PDF or a JPEG, PNG or WebP image." in text(again)
    assert wizard_files() == []
    assert nothing_saved()


def test_a_file_too_large_gets_a_clear_message(wizard, student, settings):
    settings.MAX_REGISTRATION_UPLOAD_SIZE = 1024
    wizard.start()
    wizard.choose(student)

    again = wizard.details(document=SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 4096, "application/pdf"))

    assert again.context["form"].errors.as_data()["document"][0].code == "file_too_large"
    assert "The file is too large" in text(again)
    assert wizard_files() == []


def test_the_wizard_works_in_chinese(client, attendee, conference, regular):
    client.force_login(attendee)
    chinese = Wizard(client, conference, language="zh-hans")

    start = chinese.start()

    assert '<html lang="zh-hans">' in start.content.decode()
    assert "正式代表" in text(start)
    chinese.choose(regular)
    chinese.submit(chinese.details())
    assert Registration.objects.get().language == "zh-hans"


def test_no_type_set_up_yet_says_so(wizard):
    page = text(wizard.start())

    assert "Sorry, no registration type can be chosen at the moment." in page
    assert nothing_saved()


def test_the_sweeps_of_abandoned_uploads_and_old_print_jobs_are_scheduled_once(db):
    from django_q.models import Schedule

    from attendance.tasks import SCHEDULES, ensure_schedules

    Schedule.objects.filter(func__startswith="attendance.").delete()
    ensure_schedules()
    Schedule.objects.filter(func="attendance.tasks.task_sweep_wizard_uploads").update(minutes=30)
    ensure_schedules()

    schedules = Schedule.objects.filter(func__startswith="attendance.tasks.").order_by("func")
    assert list(schedules.values_list("func", "minutes")) == [
        ("attendance.tasks.task_sweep_print_batches", 24 * 60),
        ("attendance.tasks.task_sweep_wizard_uploads", 30),  # the operator's change is kept
    ]
    assert SCHEDULES == (
        ("attendance.tasks.task_sweep_wizard_uploads", 60),
        ("attendance.tasks.task_sweep_print_batches", 24 * 60),
    )


def test_the_scheduled_sweep_deletes_abandoned_uploads(wizard, student, monkeypatch):
    from attendance.tasks import task_sweep_wizard_uploads

    wizard.start()
    wizard.choose(student)
    wizard.details(document=pdf_upload())
    later = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert task_sweep_wizard_uploads() == 1
    assert wizard_files() == []


@pytest.mark.parametrize("types", [1, 5])
def test_the_start_page_runs_a_fixed_number_of_queries_and_does_not_rewrite_the_session(
    wizard, make_type, conference, types
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(types):
        make_type(name_en=f"Type {number}", capacity=100)
    add_question(conference, QuestionKind.SHORT_TEXT, label_en="Dietary needs")
    wizard.start()  # the first visit stores the empty attempt and fills the caches of the chrome

    with CaptureQueriesContext(connection) as captured:
        response = wizard.start()

    assert current_step(response) == "type"
    assert len(response.context["form"].offers) == types
    statements = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in statements if not sql.startswith("SELECT")], statements  # nothing written
    # Session, user, live registration, settings, types, their tiers, places taken, whether there
    # are questions (the site and the conference come from caches kept until they change).
    assert len(statements) == 8, statements
