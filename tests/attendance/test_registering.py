"""Registering: the first state, the order, the price recomputed on the server, the answers and
the document saved; closed, full, already registered and bad input refused with nothing saved."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from attendance.enums import FeeTierKind, QuestionKind, RegistrationState
from attendance.exceptions import (
    AlreadyRegistered,
    PriceNotAvailable,
    RegistrationClosed,
    RegistrationFull,
    TypeNotAvailable,
)
from attendance.models import Answer, Registration
from attendance.services.registering import CODE_ALPHABET, register_walk_in
from attendance.services.registrations import withdraw_registration
from attendance.services.setup import registration_is_open
from cms.models import EmailLog
from commerce.enums import OrderState
from commerce.models import Order
from tests.attendance.conftest import (
    RegistrationFactory,
    add_question,
    details_of,
    pdf_upload,
    png_upload,
    text_upload,
    today_local,
)


def nothing_saved():
    return (Registration.objects.count(), Answer.objects.count(), Order.objects.count(), EmailLog.objects.count())


def error_codes(error):
    return {name: [item.code for item in items] for name, items in error.error_dict.items()}


def test_registering_for_a_fee_makes_an_order_at_the_tier_in_force(register_as, regular, attendee):
    registration = register_as(regular)

    assert registration.state == RegistrationState.AWAITING_PAYMENT
    assert re.fullmatch(rf"REG-[{CODE_ALPHABET}]{{4}}", registration.code)
    assert (registration.price, registration.currency, registration.fee_kind) == (
        Decimal("2400.00"),
        "CNY",
        FeeTierKind.EARLY_BIRD,
    )
    order = registration.order
    assert (order.state, order.total, order.currency, order.purchaser, order.language) == (
        OrderState.PENDING,
        Decimal("2400.00"),
        "CNY",
        attendee,
        "zh-hans",
    )
    line = order.lines.get()
    assert (line.kind, line.object_id, line.amount) == (
        "attendance.registration",
        str(registration.pk),
        Decimal("2400.00"),
    )
    assert line.description_zh.startswith(f"会议注册 {registration.code} · 正式代表")
    assert line.description_en.startswith(f"Registration {registration.code} · Regular delegate")
    assert (registration.name_zh, registration.affiliation, registration.email) == (
        "李雷",
        "清华大学计算机系",
        "li.lei@example.edu.cn",
    )
    entry = ModelLogEntry.objects.get(object_id=str(registration.pk), action="flock.registration.create")
    assert entry.data["price"] == "2400.00"


def test_registering_in_the_second_currency_charges_its_price(register_as, regular):
    registration = register_as(regular, currency="USD", language="en")

    assert (registration.price, registration.currency, registration.language) == (Decimal("340.00"), "USD", "en")
    assert (registration.order.total, registration.order.currency, registration.order.language) == (
        Decimal("340.00"),
        "USD",
        "en",
    )


def test_a_tampered_price_type_or_tier_from_the_browser_is_ignored(register_as, regular, attendee):
    details = details_of(attendee, price="0.01", fee_kind="on_site", currency="USD", state="confirmed")

    registration = register_as(regular, details=details, answers={"price": "0.01", "tier": "x"})

    assert (registration.price, registration.currency, registration.state) == (
        Decimal("2400.00"),
        "CNY",
        RegistrationState.AWAITING_PAYMENT,
    )
    assert registration.order.total == Decimal("2400.00")


def test_a_type_of_another_conference_or_not_offered_is_refused(register_as, make_conference_row, make_type):
    from tests.attendance.conftest import RegistrationTypeFactory

    elsewhere = RegistrationTypeFactory(conference=make_conference_row())
    hidden = make_type(active=False)

    for registration_type in (elsewhere, elsewhere.pk, hidden):
        with pytest.raises(TypeNotAvailable):
            register_as(registration_type)

    assert nothing_saved() == (0, 0, 0, 0)


def test_a_currency_without_a_price_is_refused(register_as, make_type):
    cny_only = make_type(tiers=[(FeeTierKind.REGULAR, None, "1000.00", None)])

    with pytest.raises(PriceNotAvailable):
        register_as(cny_only, currency="USD")
    with pytest.raises(PriceNotAvailable):
        register_as(cny_only, currency="EUR")


def test_the_fee_follows_midnight_in_the_conference_time_zone(register_as, regular, monkeypatch, user_factory):
    early_bird_ends = today_local() + datetime.timedelta(days=30)
    midnight = datetime.datetime.combine(
        early_bird_ends + datetime.timedelta(days=1), datetime.time.min, tzinfo=regular.conference.tz
    )

    monkeypatch.setattr(timezone, "now", lambda: midnight - datetime.timedelta(minutes=1))
    before = register_as(regular, user=user_factory())
    monkeypatch.setattr(timezone, "now", lambda: midnight + datetime.timedelta(minutes=1))
    after = register_as(regular, user=user_factory())

    assert (before.fee_kind, before.price) == (FeeTierKind.EARLY_BIRD, Decimal("2400.00"))
    assert (after.fee_kind, after.price) == (FeeTierKind.REGULAR, Decimal("2800.00"))


def test_a_free_type_is_confirmed_at_once_without_an_order(register_as, free_type):
    registration = register_as(free_type)

    assert (registration.state, registration.order, registration.price) == (
        RegistrationState.CONFIRMED,
        None,
        Decimal("0.00"),
    )
    assert registration.confirmed_at is not None
    assert not Order.objects.exists()
    assert list(EmailLog.objects.values_list("template_key", flat=True)) == ["attendance.confirmed"]


def test_a_type_that_needs_approval_waits_without_an_order(register_as, make_type):
    registration = register_as(make_type(requires_approval=True))

    assert (registration.state, registration.order) == (RegistrationState.AWAITING_APPROVAL, None)
    assert registration.price == Decimal("2400.00")  # fixed now, charged on approval
    assert not Order.objects.exists()


def test_answers_and_the_document_are_saved_privately_under_generated_names(register_as, conference, student):
    diet = add_question(conference, QuestionKind.SINGLE_CHOICE, choices=[("halal", "清真", "Halal")])
    poster = add_question(conference, QuestionKind.FILE)

    registration = register_as(
        student, answers={diet.pk: "halal"}, files={"document": pdf_upload(), poster.pk: png_upload("海报.png")}
    )

    assert registration.document_name == "学生证.pdf"
    assert registration.document_content_type == "application/pdf"
    assert registration.document.name.startswith("registrations/documents/")
    assert "学生证" not in registration.document.name
    assert registration.document.storage.exists(registration.document.name)
    assert registration.document.storage is registration.document.field.storage
    answers = {answer.question_id: answer for answer in registration.answers.all()}
    assert answers[diet.pk].value == "halal"
    assert (answers[poster.pk].file_name, answers[poster.pk].file_content_type) == ("海报.png", "image/png")
    assert answers[poster.pk].file.name.startswith("registrations/answers/")
    with translation.override("en"):
        assert answers[diet.pk].display() == "Halal"


def test_the_document_of_the_type_is_required_and_checked_by_content(register_as, student):
    with pytest.raises(ValidationError) as missing:
        register_as(student)
    with pytest.raises(ValidationError) as wrong:
        register_as(student, files={"document": text_upload()})

    assert error_codes(missing.value) == {"document": ["required"]}
    assert error_codes(wrong.value) == {"document": ["file_type"]}
    assert nothing_saved() == (0, 0, 0, 0)


def test_a_ten_thousand_character_answer_is_refused_and_nothing_is_saved(register_as, conference, regular):
    add_question(conference, QuestionKind.SHORT_TEXT, required=True)
    essay = add_question(conference, QuestionKind.LONG_TEXT)

    with pytest.raises(ValidationError) as caught:
        register_as(regular, answers={essay.pk: "长" * 10_000})

    codes = error_codes(caught.value)
    assert codes[essay.field_name] == ["max_length"]
    assert nothing_saved() == (0, 0, 0, 0)


def test_every_problem_is_reported_at_once(register_as, conference, regular, attendee):
    question = add_question(conference, QuestionKind.DATE, required=True)

    with pytest.raises(ValidationError) as caught:
        register_as(regular, details=details_of(attendee, email="li.lei@", affiliation=""))

    assert error_codes(caught.value) == {
        "email": ["invalid"],
        "affiliation": ["required"],
        question.field_name: ["required"],
    }


def test_registering_is_refused_while_registration_is_closed(register_as, conference, regular):
    settings_row = conference.registration_settings
    now = timezone.now()
    cases = [
        {"registration_open": False},
        {"opens_at": now + datetime.timedelta(hours=1)},
        {"closes_at": now - datetime.timedelta(minutes=1)},
    ]
    for case in cases:
        conference.registration_open = case.get("registration_open", True)
        settings_row.opens_at = case.get("opens_at")
        settings_row.closes_at = case.get("closes_at")
        assert not registration_is_open(conference)
        with pytest.raises(RegistrationClosed):
            register_as(regular)

    assert nothing_saved() == (0, 0, 0, 0)


def test_closed_registration_says_when_it_opens_in_local_time(register_as, conference, regular):
    conference.registration_settings.opens_at = datetime.datetime(2099, 3, 1, 1, 0, tzinfo=datetime.UTC)

    with translation.override("en"), pytest.raises(RegistrationClosed) as caught:
        register_as(regular)

    assert "(Asia/Shanghai)" in str(caught.value.message)
    assert "2099-03-01 09:00 (Asia/Shanghai)" in str(caught.value.message)  # 01:00 UTC


def test_staff_may_register_someone_by_hand_while_closed_and_without_approval(
    register_as, conference, make_type, organizer, attendee
):
    conference.registration_open = False
    registration_type = make_type(requires_approval=True, active=False, document_required=True)

    registration = register_as(registration_type, by_staff=organizer)

    assert registration.state == RegistrationState.AWAITING_PAYMENT
    assert (registration.created_by, registration.user) == (organizer, attendee)
    assert registration.approved_at is not None
    entry = ModelLogEntry.objects.get(object_id=str(registration.pk), action="flock.registration.create")
    assert entry.user_id == organizer.pk


def test_a_full_type_refuses_and_saves_nothing(register_as, make_type, user_factory):
    capped = make_type(capacity=1)
    register_as(capped, user=user_factory())
    before = nothing_saved()

    with pytest.raises(RegistrationFull):
        register_as(capped)

    assert nothing_saved() == before


def test_a_cancelled_or_withdrawn_registration_frees_its_place(register_as, make_type, user_factory):
    capped = make_type(capacity=1)
    first = register_as(capped, user=user_factory())
    withdraw_registration(registration=first)

    second = register_as(capped)

    assert second.state == RegistrationState.AWAITING_PAYMENT


def test_registering_twice_is_refused_with_the_existing_registration(register_as, regular, free_type):
    existing = register_as(regular)
    before = nothing_saved()

    with pytest.raises(AlreadyRegistered) as caught:
        register_as(free_type)

    assert caught.value.registration == existing
    assert nothing_saved() == before


def test_after_withdrawing_one_may_register_again(register_as, regular):
    first = register_as(regular)
    withdraw_registration(registration=first)

    second = register_as(regular)

    assert second.pk != first.pk
    assert Registration.objects.live().get() == second


def test_the_database_allows_one_live_registration_per_person(conference, regular, attendee):
    from django.db import IntegrityError, transaction

    RegistrationFactory(conference=conference, user=attendee, registration_type=regular)
    RegistrationFactory(
        conference=conference, user=attendee, registration_type=regular, state=RegistrationState.WITHDRAWN
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(
            conference=conference, user=attendee, registration_type=regular, state=RegistrationState.CONFIRMED
        )


def test_a_walk_in_pays_the_on_site_fee_and_needs_no_approval(conference, make_type, organizer, attendee):
    registration_type = make_type(requires_approval=True)

    registration = register_walk_in(
        conference=conference,
        user=attendee,
        registration_type=registration_type,
        details=details_of(attendee),
        by_staff=organizer,
    )

    assert (registration.state, registration.walk_in, registration.fee_kind, registration.price) == (
        RegistrationState.AWAITING_PAYMENT,
        True,
        FeeTierKind.ON_SITE,
        Decimal("3200.00"),
    )
    assert registration.order.total == Decimal("3200.00")


def test_submission_mail_goes_to_the_attendee_in_the_registration_language(
    register_as, regular, make_type, english_attendee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        paid = register_as(regular)
        approval = register_as(make_type(requires_approval=True), user=english_attendee)

    logs = list(EmailLog.objects.order_by("id").values_list("template_key", "recipient", "language"))
    assert logs == [
        ("attendance.submitted", "li.lei@example.edu.cn", "zh-hans"),
        ("attendance.submitted", "grace@example.org", "en"),
    ]
    assert [message.to for message in mailoutbox] == [["li.lei@example.edu.cn"], ["grace@example.org"]]
    assert mailoutbox[1].subject == f"[NCIC 2027] Registration {approval.code} received, awaiting approval"
    assert "Dear Grace Hopper," in mailoutbox[1].body
    assert paid.code in mailoutbox[0].subject
    assert paid.order.code in mailoutbox[0].body
