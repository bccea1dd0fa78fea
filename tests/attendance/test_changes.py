"""Staff change a registration's type or price (with an audit entry); attendees edit details and
answers as the organizer's edit policy allows."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from attendance.enums import EditPolicy, FeeTierKind, QuestionKind, RegistrationState
from attendance.exceptions import EditNotAllowed, RegistrationFull, TypeNotAvailable
from attendance.services.changes import adjust_registration_price, change_registration_type, update_registration
from attendance.signals import registration_changed
from commerce.enums import OrderState
from tests.attendance.conftest import RegistrationTypeFactory, add_question, details_of, pdf_upload, png_upload

S = RegistrationState


@pytest.fixture
def changed():
    seen = []

    def receive(sender, registration, user, changes, **kwargs):
        seen.append(changes)

    registration_changed.connect(receive)
    yield seen
    registration_changed.disconnect(receive)


def set_edit_policy(conference, policy):
    conference.registration_settings.edit_policy = policy
    conference.registration_settings.save()


def test_changing_the_type_reprices_and_replaces_the_pending_order(register_as, regular, student, organizer, changed):
    registration = register_as(regular)
    old_order = registration.order

    change_registration_type(
        registration=registration, registration_type=student, user=organizer, reason="学生证已核验"
    )

    registration.refresh_from_db()
    old_order.refresh_from_db()
    assert (registration.registration_type, registration.price, registration.fee_kind) == (
        student,
        Decimal("1500.00"),
        FeeTierKind.REGULAR,
    )
    assert old_order.state == OrderState.CANCELLED
    assert (registration.order.total, registration.order.state) == (Decimal("1500.00"), OrderState.PENDING)
    assert registration.state == S.AWAITING_PAYMENT
    entry = ModelLogEntry.objects.get(object_id=str(registration.pk), action="flock.registration.change_type")
    assert entry.user_id == organizer.pk
    order_change = [old_order.code, registration.order.code]
    assert entry.data == {
        "registration_type": [regular.pk, student.pk],
        "price": ["2400.00", "1500.00"],
        "order": order_change,
        "currency": "CNY",
        "reason": "学生证已核验",
    }
    assert changed == [
        {"registration_type": [regular.pk, student.pk], "price": ["2400.00", "1500.00"], "order": order_change}
    ]


def test_changing_the_type_takes_a_place_of_the_new_type(register_as, regular, make_type, organizer, user_factory):
    full = make_type(capacity=1)
    register_as(full, user=user_factory())
    registration = register_as(regular)

    with pytest.raises(RegistrationFull):
        change_registration_type(registration=registration, registration_type=full, user=organizer)

    registration.refresh_from_db()
    assert registration.registration_type == regular


def test_a_type_of_another_conference_cannot_be_chosen(register_as, regular, make_conference_row, organizer):
    with pytest.raises(TypeNotAvailable):
        change_registration_type(
            registration=register_as(regular),
            registration_type=RegistrationTypeFactory(conference=make_conference_row()),
            user=organizer,
        )


def test_lowering_the_price_to_zero_confirms_a_registration_awaiting_payment(register_as, regular, organizer):
    registration = register_as(regular)
    order = registration.order

    adjust_registration_price(registration=registration, price="0", user=organizer, reason="特邀嘉宾")

    registration.refresh_from_db()
    order.refresh_from_db()
    assert (registration.state, registration.price, registration.price_adjusted) == (S.CONFIRMED, Decimal("0.00"), True)
    assert order.state == OrderState.CANCELLED
    entry = ModelLogEntry.objects.get(object_id=str(registration.pk), action="flock.registration.adjust_price")
    assert entry.data["price"] == ["2400.00", "0.00"]


def test_a_new_price_of_a_confirmed_registration_is_recorded_only(register_as, free_type, organizer):
    registration = register_as(free_type)

    adjust_registration_price(registration=registration, price=Decimal("100"), user=organizer)

    registration.refresh_from_db()
    assert (registration.state, registration.price, registration.order) == (S.CONFIRMED, Decimal("100.00"), None)


@pytest.mark.parametrize("price", ["-1", "abc", "NaN"])
def test_a_price_must_be_an_amount_of_zero_or_more(register_as, regular, organizer, price):
    with pytest.raises(ValidationError):
        adjust_registration_price(registration=register_as(regular), price=price, user=organizer)


def test_an_attendee_edits_details_and_answers_with_an_audit_entry(register_as, conference, regular, attendee, changed):
    diet = add_question(
        conference, QuestionKind.SINGLE_CHOICE, choices=[("regular", "普通", "Regular"), ("halal", "清真", "Halal")]
    )
    note = add_question(conference, QuestionKind.SHORT_TEXT, depends_on=diet, depends_value="halal")
    registration = register_as(regular, answers={diet.pk: "halal", note.pk: "无"})

    update_registration(
        registration=registration,
        details=details_of(attendee, affiliation="北京大学", phone=""),
        answers={diet.pk: "regular", note.pk: "隐藏后丢弃"},
    )

    registration.refresh_from_db()
    assert (registration.affiliation, registration.phone) == ("北京大学", "")
    assert {answer.question_id: answer.value for answer in registration.answers.all()} == {diet.pk: "regular"}
    entry = ModelLogEntry.objects.get(object_id=str(registration.pk), action="flock.registration.edit")
    assert entry.user_id == attendee.pk
    assert entry.data["details"] == {
        "affiliation": ["清华大学计算机系", "北京大学"],
        "phone": ["+86 138 0000 0000", ""],
    }
    assert entry.data["answers"] == sorted([diet.pk, note.pk])
    assert changed[-1]["answers"] == sorted([diet.pk, note.pk])


def test_an_edit_keeps_files_not_uploaded_again_and_replaces_the_document(register_as, conference, student):
    poster = add_question(conference, QuestionKind.FILE, required=True)
    registration = register_as(student, files={"document": pdf_upload(), poster.pk: png_upload()})
    old_file = registration.answers.get().file.name

    update_registration(registration=registration, answers={}, files={"document": png_upload("新学生证.png")})

    registration.refresh_from_db()
    assert registration.answers.get().file.name == old_file
    assert (registration.document_name, registration.document_content_type) == ("新学生证.png", "image/png")


def test_an_invalid_edit_changes_nothing(register_as, conference, regular, attendee):
    essay = add_question(conference, QuestionKind.LONG_TEXT)
    registration = register_as(regular, answers={essay.pk: "短文"})

    with pytest.raises(ValidationError):
        update_registration(
            registration=registration,
            details=details_of(attendee, affiliation="新单位"),
            answers={essay.pk: "长" * 10_000},
        )

    registration.refresh_from_db()
    assert registration.affiliation == "清华大学计算机系"
    assert registration.answers.get().value == "短文"


@pytest.mark.parametrize(
    ("policy", "state", "allowed"),
    [
        (EditPolicy.ALWAYS, S.CONFIRMED, True),
        (EditPolicy.UNTIL_PAID, S.AWAITING_PAYMENT, True),
        (EditPolicy.UNTIL_PAID, S.CONFIRMED, False),
        (EditPolicy.NEVER, S.AWAITING_PAYMENT, False),
        (EditPolicy.ALWAYS, S.WITHDRAWN, False),
    ],
)
def test_the_edit_policy_decides_what_attendees_may_change(conference, regular, attendee, policy, state, allowed):
    from tests.attendance.conftest import RegistrationFactory

    set_edit_policy(conference, policy)
    registration = RegistrationFactory(conference=conference, registration_type=regular, user=attendee, state=state)
    details = details_of(attendee, affiliation="新单位")

    if allowed:
        update_registration(registration=registration, details=details)
        registration.refresh_from_db()
        assert registration.affiliation == "新单位"
    else:
        with pytest.raises(EditNotAllowed):
            update_registration(registration=registration, details=details)


def test_staff_may_edit_whatever_the_policy(register_as, conference, free_type, attendee, organizer):
    set_edit_policy(conference, EditPolicy.NEVER)
    registration = register_as(free_type)

    update_registration(registration=registration, details=details_of(attendee, title="教授"), by_staff=organizer)

    registration.refresh_from_db()
    assert registration.title == "教授"
    entry = ModelLogEntry.objects.get(object_id=str(registration.pk), action="flock.registration.edit")
    assert entry.user_id == organizer.pk
