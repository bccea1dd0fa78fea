"""Custom questions: every kind valid and invalid, every kind of condition, and the forms."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from attendance.enums import QuestionKind
from attendance.forms import DetailsForm, QuestionsForm, questions_form
from attendance.selectors import questions_for, visible_questions
from attendance.services.inputs import clean_answers, clean_details
from tests.attendance.conftest import add_question, details_of, pdf_upload, png_upload, text_upload

MEALS = [("regular", "普通", "Regular"), ("vegetarian", "素食", "Vegetarian"), ("halal", "清真", "Halal")]
TOPICS = [("ml", "机器学习", "Machine learning"), ("nlp", "自然语言处理", "NLP"), ("cv", "计算机视觉", "Vision")]


def codes(error):
    return {name: [item.code for item in items] for name, items in error.error_dict.items()}


def check(conference, answers, files=None, **kwargs):
    return clean_answers(questions=questions_for(conference), answers=answers, files=files or {}, **kwargs)


def one(conference, kind, **fields):
    choices = MEALS if kind == QuestionKind.SINGLE_CHOICE else TOPICS if kind == QuestionKind.MULTIPLE_CHOICE else ()
    return add_question(conference, kind, choices=choices, **fields)


VALID = [
    (QuestionKind.SHORT_TEXT, "  清华大学  ", "清华大学"),
    (QuestionKind.SHORT_TEXT, "x" * 255, "x" * 255),
    (QuestionKind.LONG_TEXT, "第一行\r\n第二行", "第一行\n第二行"),
    (QuestionKind.LONG_TEXT, "y" * 5000, "y" * 5000),
    (QuestionKind.SINGLE_CHOICE, "vegetarian", "vegetarian"),
    (QuestionKind.MULTIPLE_CHOICE, ["cv", "ml"], ["ml", "cv"]),
    (QuestionKind.MULTIPLE_CHOICE, "nlp", ["nlp"]),
    (QuestionKind.CHECKBOX, True, True),
    (QuestionKind.CHECKBOX, "yes", True),
    (QuestionKind.DATE, "2027-05-09", "2027-05-09"),
    (QuestionKind.COUNTRY, "cn", "CN"),
]


@pytest.mark.parametrize(("kind", "raw", "stored"), VALID)
def test_valid_answer_of_each_kind_is_stored_normalised(conference, kind, raw, stored):
    question = one(conference, kind)

    checked = check(conference, {question.pk: raw})

    assert checked.values == {question.pk: stored}


INVALID = [
    (QuestionKind.SHORT_TEXT, "x" * 256, "max_length"),
    (QuestionKind.LONG_TEXT, "y" * 5001, "max_length"),
    (QuestionKind.LONG_TEXT, "长" * 10_000, "max_length"),
    (QuestionKind.SINGLE_CHOICE, "pizza", "invalid_choice"),
    (QuestionKind.MULTIPLE_CHOICE, ["ml", "astrology"], "invalid_choice"),
    (QuestionKind.CHECKBOX, "maybe", "invalid"),
    (QuestionKind.DATE, "2027-02-30", "invalid"),
    (QuestionKind.COUNTRY, "XX", "invalid_choice"),
]


@pytest.mark.parametrize(("kind", "raw", "code"), INVALID)
def test_invalid_answer_of_each_kind_is_refused_with_a_code(conference, kind, raw, code):
    question = one(conference, kind)

    with pytest.raises(ValidationError) as caught:
        check(conference, {question.pk: raw})

    assert codes(caught.value) == {question.field_name: [code]}


@pytest.mark.parametrize(
    "kind",
    [kind for kind in QuestionKind.values],
)
def test_required_question_of_each_kind_must_be_answered(conference, kind):
    question = one(conference, kind, required=True)

    with pytest.raises(ValidationError) as caught:
        check(conference, {})

    assert codes(caught.value) == {question.field_name: ["required"]}


def test_staff_may_leave_required_questions_empty(conference):
    one(conference, QuestionKind.SHORT_TEXT, required=True)

    assert check(conference, {}, enforce_required=False).values == {}


def test_file_answer_is_judged_by_its_content(conference):
    question = one(conference, QuestionKind.FILE)

    assert check(conference, {}, files={question.pk: pdf_upload()}).uploads[question.pk][1] == "application/pdf"
    assert check(conference, {}, files={question.pk: png_upload()}).uploads[question.pk][1] == "image/png"
    with pytest.raises(ValidationError) as caught:
        check(conference, {}, files={question.pk: text_upload()})
    assert codes(caught.value) == {question.field_name: ["file_type"]}


def test_too_large_file_is_refused(conference, settings):
    settings.MAX_REGISTRATION_UPLOAD_SIZE = 1024
    question = one(conference, QuestionKind.FILE)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf")

    with pytest.raises(ValidationError) as caught:
        check(conference, {}, files={question.pk: big})

    assert codes(caught.value) == {question.field_name: ["file_too_large"]}


def test_a_file_answered_before_counts_for_a_required_file_question(conference):
    question = one(conference, QuestionKind.FILE, required=True)

    assert check(conference, {}, existing_files={question.pk}).uploads == {}


def test_unknown_questions_and_other_conferences_questions_are_ignored(conference, make_conference_row):
    question = one(conference, QuestionKind.SHORT_TEXT)
    elsewhere = one(make_conference_row(), QuestionKind.SHORT_TEXT)

    checked = check(conference, {question.pk: "a", elsewhere.pk: "b", 999999: "c"})

    assert checked.values == {question.pk: "a"}


# Conditions ------------------------------------------------------------------------------------


CONDITIONS = [
    # (kind of the tested question, condition value, answer that shows, answer that hides)
    (QuestionKind.SINGLE_CHOICE, "vegetarian", "vegetarian", "regular"),
    (QuestionKind.MULTIPLE_CHOICE, "nlp", ["ml", "nlp"], ["ml"]),
    (QuestionKind.CHECKBOX, "yes", True, False),
    (QuestionKind.CHECKBOX, "no", False, True),
    (QuestionKind.SHORT_TEXT, "PhD", "PhD", "MSc"),
    (QuestionKind.COUNTRY, "CN", "cn", "US"),
]


@pytest.mark.parametrize(("kind", "value", "shows", "hides"), CONDITIONS)
def test_condition_shows_a_question_only_for_the_matching_answer(conference, kind, value, shows, hides):
    tested = one(conference, kind)
    follow_up = one(conference, QuestionKind.SHORT_TEXT, required=True, depends_on=tested, depends_value=value)

    # Shown: its answer is required and stored.
    with pytest.raises(ValidationError) as caught:
        check(conference, {tested.pk: shows})
    assert codes(caught.value) == {follow_up.field_name: ["required"]}
    assert check(conference, {tested.pk: shows, follow_up.pk: "详见附件"}).values[follow_up.pk] == "详见附件"
    # Hidden: not required, and an answer sent anyway is dropped.
    assert follow_up.pk not in check(conference, {tested.pk: hides, follow_up.pk: "tampered"}).values


def test_a_question_hidden_by_its_condition_hides_the_questions_that_depend_on_it(conference):
    diet = one(conference, QuestionKind.SINGLE_CHOICE)
    allergy = one(conference, QuestionKind.CHECKBOX, depends_on=diet, depends_value="vegetarian")
    details = one(conference, QuestionKind.LONG_TEXT, required=True, depends_on=allergy, depends_value="yes")
    questions = questions_for(conference)

    assert visible_questions(questions, {diet.pk: "vegetarian", allergy.pk: True}) == [diet, allergy, details]
    assert visible_questions(questions, {diet.pk: "regular", allergy.pk: True}) == [diet]
    assert details.pk not in check(conference, {diet.pk: "regular", allergy.pk: True}).values


def test_an_invalid_answer_to_a_hidden_question_is_not_an_error(conference):
    diet = one(conference, QuestionKind.SINGLE_CHOICE)
    follow_up = one(conference, QuestionKind.SHORT_TEXT, depends_on=diet, depends_value="halal")

    assert check(conference, {diet.pk: "regular", follow_up.pk: "x" * 10_000}).values == {diet.pk: "regular"}


def test_question_condition_must_test_an_earlier_kind_and_a_real_value(conference):
    diet = one(conference, QuestionKind.SINGLE_CHOICE)
    essay = one(conference, QuestionKind.LONG_TEXT)

    with pytest.raises(ValidationError) as caught:
        one(conference, QuestionKind.SHORT_TEXT, depends_on=diet, depends_value="pizza").full_clean()
    assert "depends_value" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        one(conference, QuestionKind.SHORT_TEXT, depends_on=essay, depends_value="x").full_clean()
    assert "depends_on" in caught.value.error_dict


def test_conditions_cannot_go_round_in_a_circle(conference):
    first = one(conference, QuestionKind.CHECKBOX)
    second = one(conference, QuestionKind.CHECKBOX, depends_on=first, depends_value="yes")
    first.depends_on, first.depends_value = second, "yes"

    with pytest.raises(ValidationError) as caught:
        first.full_clean()

    assert "depends_on" in caught.value.error_dict


# Forms -----------------------------------------------------------------------------------------


def test_questions_form_has_a_field_of_the_right_type_per_kind(conference):
    for kind in QuestionKind.values:
        one(conference, kind, required=True)

    form = questions_form(conference=conference)

    assert [type(field).__name__ for field in form.fields.values()] == [
        "CharField",
        "CharField",
        "ChoiceField",
        "MultipleChoiceField",
        "BooleanField",
        "DateField",
        "ChoiceField",
        "FileField",
    ]
    assert [field.required for field in form.fields.values()] == [True] * 7 + [False]  # files: checked in clean()


def test_questions_form_labels_follow_the_active_language(conference):
    question = add_question(conference, QuestionKind.SINGLE_CHOICE, label_zh="饮食", label_en="Diet", choices=MEALS)

    with translation.override("en"):
        form = questions_form(conference=conference)
        assert form.fields[question.field_name].label == "Diet"
        assert list(form.fields[question.field_name].choices)[1] == ("vegetarian", "Vegetarian")
    assert questions_form(conference=conference).fields[question.field_name].label == "饮食"


def test_questions_form_validates_on_the_server_with_codes_and_gives_answers(conference):
    diet = one(conference, QuestionKind.SINGLE_CHOICE, required=True)
    reason = one(conference, QuestionKind.LONG_TEXT, required=True, depends_on=diet, depends_value="halal")
    essay = one(conference, QuestionKind.LONG_TEXT)
    card = one(conference, QuestionKind.FILE)
    data = {diet.field_name: "halal", essay.field_name: "长" * 10_000}

    form = QuestionsForm(data=data, files={card.field_name: text_upload()}, conference=conference)

    assert not form.is_valid()
    assert {name: [e.code for e in errors] for name, errors in form.errors.as_data().items()} == {
        essay.field_name: ["max_length"],
        reason.field_name: ["required"],
        card.field_name: ["file_type"],
    }

    form = QuestionsForm(
        data={diet.field_name: "regular", reason.field_name: "ignored: hidden"},
        files={card.field_name: pdf_upload()},
        conference=conference,
    )
    assert form.is_valid(), form.errors
    assert form.answers() == {diet.pk: "regular"}
    assert list(form.uploads()) == [card.pk]


def test_conditional_field_tells_the_browser_what_it_depends_on(conference):
    diet = one(conference, QuestionKind.SINGLE_CHOICE)
    reason = one(conference, QuestionKind.SHORT_TEXT, depends_on=diet, depends_value="halal")

    attrs = questions_form(conference=conference).fields[reason.field_name].widget.attrs

    assert (attrs["data-show-if"], attrs["data-show-value"]) == (diet.field_name, "halal")


def test_details_form_is_prefilled_from_the_profile(attendee):
    form = DetailsForm(user=attendee)

    assert form.initial["name_zh"] == "李雷"
    assert form.initial["affiliation"] == "清华大学计算机系"
    assert form.initial["email"] == "li.lei@example.edu.cn"
    assert "document" not in form.fields


def test_details_form_asks_for_the_types_document_and_checks_it(attendee, student):
    data = details_of(attendee)

    form = DetailsForm(data=data, files={"document": text_upload()}, user=attendee, registration_type=student)
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["document"]] == ["file_type"]

    form = DetailsForm(data=data, files={"document": png_upload()}, user=attendee, registration_type=student)
    assert form.is_valid(), form.errors
    assert form.details()["email"] == "li.lei@example.edu.cn"
    assert list(form.uploads()) == ["document"]


def test_details_need_a_name_a_valid_email_an_affiliation_and_a_country(attendee):
    with pytest.raises(ValidationError) as caught:
        clean_details({"email": "not-an-email", "country": "ZZ", "affiliation": "a" * 300})

    assert codes(caught.value) == {
        "last_name": ["name_required"],
        "email": ["invalid"],
        "country": ["invalid_choice"],
        "affiliation": ["max_length"],
    }


def test_type_form_offers_only_this_conferences_active_types_and_currencies(
    conference, regular, make_type, make_conference_row
):
    from attendance.forms import RegistrationTypeForm
    from tests.attendance.conftest import RegistrationTypeFactory

    hidden = make_type(active=False)
    elsewhere = RegistrationTypeFactory(conference=make_conference_row())

    assert RegistrationTypeForm({"registration_type": regular.pk, "currency": "USD"}, conference=conference).is_valid()
    for tampered in (
        {"registration_type": hidden.pk, "currency": "CNY"},
        {"registration_type": elsewhere.pk, "currency": "CNY"},
        {"registration_type": regular.pk, "currency": "EUR"},
    ):
        form = RegistrationTypeForm(tampered, conference=conference)
        assert not form.is_valid()
        assert {e.code for errors in form.errors.as_data().values() for e in errors} == {"invalid_choice"}
    staff_form = RegistrationTypeForm(
        {"registration_type": hidden.pk, "currency": "CNY"}, conference=conference, include_inactive=True
    )
    assert staff_form.is_valid()
