"""Registrations to and from XLSX: the export has every answer as a column (read back with
openpyxl); the import previews every row with its errors and writes the whole file or nothing."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.users.models import UserProfile

from attendance.enums import QuestionKind, RegistrationState
from attendance.models import Registration
from attendance.services.walk_ins import record_transfer
from cms.enums import Role
from cms.models import User
from cms.services.conferences import grant_role
from commerce.enums import OrderState
from commerce.services.invoices import request_invoice
from commerce.services.orders import payment_settings_for
from tests.attendance.conftest import add_question, details_of, pdf_upload

pytestmark = pytest.mark.django_db
S = RegistrationState


@pytest.fixture
def staff(user_factory):
    def make(conference, role, email, language="en"):
        user = user_factory(email=email)
        grant_role(conference=conference, user=user, role=role, notify=False)
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        return user

    return make


@pytest.fixture
def organizer(staff, conference):
    return staff(conference, Role.ORGANIZER, "organizer@example.org")


@pytest.fixture
def bank(conference):
    settings_row = payment_settings_for(conference)
    settings_row.bank_account_name = "中国智能计算学会"
    settings_row.bank_account_number = "0200 0045 0908 8123 456"
    settings_row.save()
    return settings_row


@pytest.fixture
def questions(conference):
    diet = add_question(
        conference,
        QuestionKind.SINGLE_CHOICE,
        label_zh="饮食要求",
        label_en="Dietary needs",
        choices=[("none", "无", "None"), ("vegetarian", "素食", "Vegetarian"), ("other", "其他", "Other")],
    )
    topics = add_question(
        conference,
        QuestionKind.MULTIPLE_CHOICE,
        label_zh="感兴趣的专题",
        label_en="Topics",
        choices=[("ml", "机器学习", "Machine learning"), ("cv", "计算机视觉", "Computer vision")],
    )
    presenting = add_question(conference, QuestionKind.CHECKBOX, label_zh="我将作报告", label_en="I am presenting")
    paper = add_question(
        conference,
        QuestionKind.SHORT_TEXT,
        label_zh="论文编号",
        label_en="Paper ID",
        depends_on=presenting,
        depends_value="yes",
    )
    poster = add_question(conference, QuestionKind.FILE, label_zh="海报", label_en="Poster")
    return {"diet": diet, "topics": topics, "presenting": presenting, "paper": paper, "poster": poster}


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


def records(response):
    rows = xlsx_rows(response)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- Export --------------------------------------------------------------------------------------


def test_export_has_every_answer_and_the_order(
    client, organizer, conference, register_as, regular, questions, bank, attendee
):
    registration = register_as(
        regular,
        answers={
            questions["diet"].pk: "vegetarian",
            questions["topics"].pk: ["ml", "cv"],
            questions["presenting"].pk: True,
            questions["paper"].pk: "P-0042",
        },
        files={questions["poster"].pk: pdf_upload("poster.pdf")},
    )
    registration = record_transfer(registration=registration, by_staff=organizer)
    request_invoice(order=registration.order, details={"title": "清华大学", "tax_number": ""}, user=attendee)
    client.force_login(organizer)

    [record] = records(client.get(reverse("registrations:index"), {"export": "xlsx"}))

    assert {key: record[key] for key in ["Dietary needs", "Topics", "I am presenting", "Paper ID", "Poster"]} == {
        "Dietary needs": "Vegetarian",
        "Topics": "Machine learning, Computer vision",
        "I am presenting": "Yes",
        "Paper ID": "P-0042",
        "Poster": "File: poster.pdf",
    }
    assert {
        key: record[key]
        for key in [
            "Registration code",
            "Registration type",
            "State",
            "Price",
            "Currency",
            "Paid",
            "Order code",
            "Invoice title",
            "Email address",
            "Name in Chinese",
        ]
    } == {
        "Registration code": registration.code,
        "Registration type": "Regular delegate",
        "State": "Confirmed",
        "Price": 2400,
        "Currency": "CNY",
        "Paid": "Paid",
        "Order code": registration.order.code,
        "Invoice title": "清华大学",
        "Email address": "li.lei@example.edu.cn",
        "Name in Chinese": "李雷",
    }


def test_export_headings_follow_the_admin_user_language(client, staff, conference, register_as, regular, questions):
    register_as(regular, answers={questions["diet"].pk: "none"})
    client.force_login(staff(conference, Role.ORGANIZER, "zh@example.org", language="zh-hans"))

    rows = xlsx_rows(client.get(reverse("registrations:index"), {"export": "xlsx"}))

    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["饮食要求"] == "无"
    assert "Dietary needs" not in rows[0]
    csv_text = b"".join(client.get(reverse("registrations:index"), {"export": "csv"}).streaming_content).decode()
    assert "饮食要求" in csv_text.splitlines()[0]
    assert csv_text.splitlines()[1].count("无") == 1


def test_export_is_scoped_filtered_and_leaves_other_answers_empty(
    client, organizer, register_as, regular, student, questions, user_factory, make_conference_row
):
    from attendance.services.registering import register
    from tests.attendance.conftest import RegistrationTypeFactory

    other = make_conference_row(slug="other2027", acronym="OTHER 2027")
    theirs = RegistrationTypeFactory(conference=other, is_free=True)
    outsider = user_factory()
    register(conference=other, user=outsider, registration_type=theirs, details=details_of(outsider))
    first = register_as(regular, answers={questions["presenting"].pk: False})
    second = register_as(student, user=user_factory(), files={"document": pdf_upload("card.pdf")})
    client.force_login(organizer)

    everything = records(client.get(reverse("registrations:index"), {"export": "xlsx"}))
    students = records(client.get(reverse("registrations:index"), {"export": "xlsx", "registration_type": student.pk}))

    assert sorted(record["Registration code"] for record in everything) == sorted([first.code, second.code])
    by_code = {record["Registration code"]: record for record in everything}
    assert by_code[first.code]["I am presenting"] == "No"
    assert by_code[first.code]["Paper ID"] is None
    assert by_code[second.code]["Document"] == "File: card.pdf"
    assert [record["Registration code"] for record in students] == [second.code]


def test_export_makes_the_same_number_of_queries_for_more_registrations(
    client, organizer, register_as, regular, questions, user_factory
):
    def add(count):
        for _ in range(count):
            register_as(
                regular,
                user=user_factory(),
                answers={questions["diet"].pk: "none", questions["topics"].pk: ["ml"]},
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            xlsx_rows(client.get(reverse("registrations:index"), {"export": "xlsx"}))
        return len(captured)

    add(2)
    client.force_login(organizer)
    few = queries()
    add(6)

    assert queries() == few


# --- Import --------------------------------------------------------------------------------------

HEADERS = ["email", "name_zh", "last_name", "first_name", "affiliation", "country", "type", "state"]


def xlsx_upload(rows, headers=HEADERS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "registrations.xlsx"
    return buffer


def import_url(conference):
    return reverse("registrations:import_into", args=[conference.pk])


def row_errors(response):
    """``{row number: {column: [messages]}}`` of the preview."""
    rows = enumerate(response.context["result"].rows, 1)
    return {number: row.validation_error.message_dict for number, row in rows if row.validation_error}


def test_import_preview_then_confirm(
    client, organizer, conference, regular, student, questions, attendee, bank, django_capture_on_commit_callbacks
):
    client.force_login(organizer)
    headers = [*HEADERS, "饮食要求", "Topics", "I am presenting", "Paper ID"]
    rows = [
        [
            "wang.fang@zju.example.edu.cn",
            "王芳",
            "Wang",
            "Fang",
            "浙江大学",
            "CN",
            "正式代表",
            "confirmed",
            "素食",
            "机器学习; Computer vision",
            "是",
            "P-7",
        ],
        ["Li.Lei@example.edu.cn", "", "", "", "", "", "Student", "", "None", "", "no", ""],
        [
            "ada@example.org",
            "",
            "Lovelace",
            "Ada",
            "University of London",
            "United Kingdom",
            "学生",
            "awaiting payment",
            "",
            "",
            "",
            "",
        ],
    ]

    preview = client.post(import_url(conference), {"file": xlsx_upload(rows, headers)})

    assert preview.status_code == 200
    assert row_errors(preview) == {}
    assert preview.context["token"]
    assert not Registration.objects.exists()
    assert User.objects.filter(email__in=["wang.fang@zju.example.edu.cn", "ada@example.org"]).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(import_url(conference), {"confirm": "1", "token": preview.context["token"]})
    assert confirmed.status_code == 302
    wang = Registration.objects.get(email="wang.fang@zju.example.edu.cn")
    assert (wang.state, wang.registration_type, wang.order.state, wang.created_by) == (
        S.CONFIRMED,
        regular,
        OrderState.PAID,
        organizer,
    )
    answers = {answer.question_id: answer.value for answer in wang.answers.all()}
    assert answers == {
        questions["diet"].pk: "vegetarian",
        questions["topics"].pk: ["ml", "cv"],
        questions["presenting"].pk: True,
        questions["paper"].pk: "P-7",
    }
    assert wang.user.is_active is False
    li = Registration.objects.get(user=attendee)
    assert (li.state, li.registration_type, li.affiliation) == (S.AWAITING_PAYMENT, student, "清华大学计算机系")
    ada = Registration.objects.get(email="ada@example.org")
    assert (ada.state, ada.country.code, ada.price) == (S.AWAITING_PAYMENT, "GB", Decimal("1500.00"))


def test_import_preview_shows_every_row_error_and_saves_nothing(
    client, organizer, conference, regular, make_type, questions, register_as, user_factory
):
    full = make_type(name_zh="满员", name_en="Full", capacity=1)
    register_as(full, user=user_factory())
    registered = user_factory(email="registered@example.org")
    register_as(regular, user=registered)
    client.force_login(organizer)
    headers = [*HEADERS, "Dietary needs", "currency"]
    ok = ["ok@example.org", "王五", "", "", "北京大学", "CN", "正式代表", "", "无", ""]
    rows = [
        ok,
        ["not-an-email", "赵六", "", "", "北京大学", "CN", "正式代表", "", "", ""],
        ["new@example.org", "钱七", "", "", "北京大学", "CN", "贵宾", "", "", ""],
        ["registered@example.org", "", "", "", "", "", "正式代表", "", "", ""],
        ["ok@example.org", "王五", "", "", "北京大学", "CN", "正式代表", "", "", ""],
        ["late@example.org", "孙八", "", "", "北京大学", "CN", "Full", "", "", ""],
        ["picky@example.org", "周九", "", "", "北京大学", "CN", "正式代表", "", "beef", ""],
        ["odd@example.org", "吴十", "", "", "北京大学", "CN", "正式代表", "maybe", "", ""],
        ["yen@example.org", "郑一", "", "", "北京大学", "CN", "正式代表", "", "", "JPY"],
    ]

    response = client.post(import_url(conference), {"file": xlsx_upload(rows, headers)})

    errors = row_errors(response)
    assert sorted(errors) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert list(errors[2]) == ["email"]
    assert list(errors[3]) == ["type"]
    assert list(errors[4]) == ["email"] and "registered already" in errors[4]["email"][0]
    assert list(errors[5]) == ["email"] and "twice" in errors[5]["email"][0]
    assert list(errors[6]) == ["type"]
    assert list(errors[7]) == ["Dietary needs"]
    assert list(errors[8]) == ["state"]
    assert list(errors[9]) == ["currency"]
    assert response.context["token"] == ""
    assert not User.objects.filter(email="ok@example.org").exists()
    assert Registration.objects.count() == 2


def test_import_is_all_or_nothing_when_the_file_turns_invalid_before_confirming(
    client, organizer, conference, make_type, user_factory, register_as
):
    one_place = make_type(name_zh="名额有限", name_en="Limited", capacity=1)
    client.force_login(organizer)
    rows = [
        ["first@example.org", "甲", "", "", "北京大学", "CN", "正式代表", ""],
        ["second@example.org", "乙", "", "", "北京大学", "CN", "Limited", ""],
    ]
    make_type()  # 正式代表
    preview = client.post(import_url(conference), {"file": xlsx_upload(rows)})
    assert row_errors(preview) == {}
    register_as(one_place, user=user_factory())  # the last place goes meanwhile

    confirmed = client.post(import_url(conference), {"confirm": "1", "token": preview.context["token"]})

    assert confirmed.status_code == 200
    assert list(row_errors(confirmed)) == [2]
    assert not Registration.objects.filter(email__in=["first@example.org", "second@example.org"]).exists()
    assert not User.objects.filter(email="first@example.org").exists()


def test_import_unknown_columns_and_files_are_reported(client, organizer, conference, regular, questions):
    client.force_login(organizer)
    headers = [*HEADERS, "Shoe size", "海报"]
    rows = [["a@example.org", "甲", "", "", "北京大学", "CN", "正式代表", "", "42", "poster.pdf"]]

    errors = row_errors(client.post(import_url(conference), {"file": xlsx_upload(rows, headers)}))

    assert sorted(errors[1]) == ["Shoe size", "海报"]


def test_import_of_another_conference_is_404_and_needs_an_organizer(
    client, organizer, staff, conference, make_conference_row
):
    other = make_conference_row(slug="other2027")
    client.force_login(organizer)
    assert client.get(import_url(other)).status_code == 404
    chooser = client.get(reverse("registrations:import"))
    assert chooser["Location"] == import_url(conference)

    client.force_login(staff(conference, Role.CHECKIN, "desk@example.org"))
    refused = client.get(import_url(conference))
    assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))


def test_a_preview_cannot_be_confirmed_into_another_conference(
    client, organizer, staff, conference, regular, make_conference_row
):
    other = make_conference_row(slug="other2027")
    grant_role(conference=other, user=organizer, role=Role.ORGANIZER, notify=False)
    client.force_login(organizer)
    rows = [["a@example.org", "甲", "", "", "北京大学", "CN", "正式代表", ""]]
    preview = client.post(import_url(conference), {"file": xlsx_upload(rows)})

    response = client.post(import_url(other), {"confirm": "1", "token": preview.context["token"]})

    assert response.status_code == 302
    assert not Registration.objects.exists()
