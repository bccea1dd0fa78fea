"""Registrations in the admin: the listing (filters, search, scope, queries), the registration's
screen and its staff-only files, the actions (each through a service, with an audit entry and a
mail, refused to others, done once when submitted twice) and registering someone by hand."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from attendance.enums import CancelCause, FeeTierKind, QuestionKind, RegistrationState
from attendance.models import Registration
from attendance.services.walk_ins import record_transfer, register_walk_in_by_email
from cms.accounts.models import EmailConfirmation
from cms.accounts.services import Links, find_or_create_account, request_password_reset
from cms.enums import Role
from cms.models import EmailLog, User
from cms.services.conferences import grant_role
from commerce.enums import OrderState
from tests.attendance.conftest import add_question, details_of, pdf_upload

pytestmark = pytest.mark.django_db
S = RegistrationState


@pytest.fixture
def staff(user_factory):
    def make(conference, role, email):
        user = user_factory(email=email)
        if role:
            grant_role(conference=conference, user=user, role=role, notify=False)
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()
        return user

    return make


@pytest.fixture
def organizer(staff, conference):
    return staff(conference, Role.ORGANIZER, "organizer@example.org")


@pytest.fixture
def other(make_conference_row):
    return make_conference_row(slug="other2027", acronym="OTHER 2027")


@pytest.fixture
def other_registration(other, user_factory):
    from attendance.services.registering import register
    from tests.attendance.conftest import RegistrationTypeFactory

    theirs = RegistrationTypeFactory(conference=other, is_free=True, name_en="Theirs")
    person = user_factory(email="zhang.san@other.example")
    return register(conference=other, user=person, registration_type=theirs, details=details_of(person))


@pytest.fixture
def student(student):
    """Students are approved one by one here."""
    student.requires_approval = True
    student.save()
    return student


@pytest.fixture
def payment_ready(conference):
    from commerce.services.orders import payment_settings_for

    settings_row = payment_settings_for(conference)
    settings_row.bank_account_name = "中国智能计算学会"
    settings_row.bank_account_number = "0200 0045 0908 8123 456"
    settings_row.save()
    return settings_row


def mails(registration):
    return list(
        EmailLog.objects.filter(recipient=registration.email, template_key__startswith="attendance.")
        .order_by("pk")
        .values_list("template_key", flat=True)
    )


def entries(registration, action):
    return list(ModelLogEntry.objects.filter(object_id=str(registration.pk), action=action).order_by("pk"))


def read(response):
    """A file response's bytes (reading them to the end closes the file)."""
    return b"".join(response.streaming_content)


def codes(response, name="object_list"):
    return sorted(row.code for row in response.context[name])


# --- Listing -------------------------------------------------------------------------------------


def test_listing_shows_only_own_conference(client, organizer, register_as, regular, other_registration):
    mine = register_as(regular)
    client.force_login(organizer)

    response = client.get(reverse("registrations:index"))

    assert codes(response) == [mine.code]
    html = response.content.decode()
    assert other_registration.code not in html and "OTHER 2027" not in html
    assert "li.lei@example.edu.cn" in html
    assert "¥2,400.00 CNY" in html


def test_listing_filters_by_type_state_country_and_payment(
    client, organizer, register_as, regular, student, free_type, english_attendee, user_factory, payment_ready
):
    chinese = register_as(regular)
    english = register_as(regular, user=english_attendee)
    record_transfer(registration=english, by_staff=organizer)
    waiting = register_as(student, user=user_factory(), files={"document": pdf_upload()})
    free = register_as(free_type, user=user_factory())
    client.force_login(organizer)

    def listed(**query):
        return codes(client.get(reverse("registrations:index"), query))

    assert listed(registration_type=regular.pk) == sorted([chinese.code, english.code])
    assert listed(state=[S.AWAITING_APPROVAL, S.CONFIRMED]) == sorted([english.code, waiting.code, free.code])
    assert listed(country="US") == [english.code]
    assert listed(paid="paid") == [english.code]
    assert listed(paid="unpaid") == sorted([chinese.code, waiting.code])
    assert listed(paid="free") == [free.code]


def test_listing_search_by_name_email_code_and_affiliation(client, organizer, register_as, regular, english_attendee):
    chinese = register_as(regular)
    english = register_as(regular, user=english_attendee)
    client.force_login(organizer)

    def found(query):
        return codes(client.get(reverse("registrations:index"), {"q": query}))

    assert found("李雷") == [chinese.code]
    assert found("Hopper") == [english.code]
    assert found("grace@") == [english.code]
    assert found(chinese.code.lower()) == [chinese.code]
    assert found("Yale") == [english.code]


def test_listing_makes_the_same_number_of_queries_for_more_registrations(
    client, organizer, conference, register_as, regular, student, user_factory
):
    diet = add_question(conference, QuestionKind.SINGLE_CHOICE, choices=[("none", "无", "None")])

    def add(count):
        for index in range(count):
            person = user_factory(country="US" if index % 2 else "CN")
            register_as(
                regular if index % 3 else student,
                user=person,
                answers={diet.pk: "none"},
                files={"document": pdf_upload()},
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("registrations:index")).status_code == 200
        return len(captured)

    add(2)
    client.force_login(organizer)
    few = queries()
    add(9)

    assert Registration.objects.count() == 11
    assert queries() == few


@pytest.mark.parametrize("role", [Role.FINANCE, Role.EDITOR, Role.CHECKIN])
def test_other_roles_do_not_see_the_registrations(client, staff, conference, role, register_as, regular):
    registration = register_as(regular)
    client.force_login(staff(conference, role, "someone@example.org"))

    assert client.get(reverse("registrations:index")).status_code == 302
    assert client.get(reverse("registrations:inspect", args=[registration.pk])).status_code in (302, 404)
    assert client.post(reverse("registrations:approve", args=[registration.pk])).status_code == 404
    assert client.get(reverse("registrations:document", args=[registration.pk])).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, register_as, regular):
    registration = register_as(regular)

    for url in [
        reverse("registrations:index"),
        reverse("registrations:inspect", args=[registration.pk]),
        reverse("registrations:cancel", args=[registration.pk]),
        reverse("registrations:document", args=[registration.pk]),
        reverse("registration_walk_ins:index"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_another_conference_registration_is_404_everywhere(client, organizer, other_registration):
    client.force_login(organizer)
    pk = other_registration.pk

    assert client.get(reverse("registrations:inspect", args=[pk])).status_code == 404
    for name in ["approve", "reject", "cancel", "change_type", "adjust_price"]:
        assert client.get(reverse(f"registrations:{name}", args=[pk])).status_code == 404
        assert client.post(reverse(f"registrations:{name}", args=[pk]), {"reason": "x"}).status_code == 404
    other_registration.refresh_from_db()
    assert other_registration.state == S.CONFIRMED


# --- The registration's screen and its files ------------------------------------------------------


def test_screen_shows_details_answers_files_order_and_history(client, organizer, conference, register_as, student):
    diet = add_question(
        conference,
        QuestionKind.MULTIPLE_CHOICE,
        label_en="Meals",
        choices=[("veg", "素食", "Vegetarian"), ("halal", "清真", "Halal")],
    )
    poster = add_question(conference, QuestionKind.FILE, label_en="Poster")
    registration = register_as(
        student,
        answers={diet.pk: ["veg", "halal"]},
        files={"document": pdf_upload("学生证.pdf"), poster.pk: pdf_upload("poster.pdf")},
    )
    client.force_login(organizer)

    response = client.get(reverse("registrations:inspect", args=[registration.pk]))

    html = response.content.decode()
    assert registration.code in html and "清华大学计算机系" in html
    assert "Vegetarian, Halal" in html
    answer = registration.answers.get(question=poster)
    assert reverse("registrations:answer_file", args=[registration.pk, answer.pk]) in html
    assert reverse("registrations:document", args=[registration.pk]) in html
    assert "Registration submitted" in html
    assert reverse("registration_codes:attendee", args=[registration.pk]) in html
    assert reverse("registration_print:badge", args=[registration.pk]) in html
    assert response.context["venue"]["check_in"] is None and response.context["venue"]["hotel"] == ""
    assert [action["name"] for action in response.context["actions"]] == [
        "approve",
        "reject",
        "change_type",
        "adjust_price",
        "cancel",
    ]


def test_files_are_served_to_staff_of_the_conference_only(
    client, organizer, staff, other, conference, register_as, student, attendee
):
    poster = add_question(conference, QuestionKind.FILE, label_en="Poster")
    registration = register_as(
        student, files={"document": pdf_upload("学生证.pdf"), poster.pk: pdf_upload("poster.pdf")}
    )
    answer = registration.answers.get(question=poster)
    document_url = reverse("registrations:document", args=[registration.pk])
    answer_url = reverse("registrations:answer_file", args=[registration.pk, answer.pk])

    client.force_login(organizer)
    document = client.get(document_url)
    file_answer = client.get(answer_url)
    client.force_login(staff(other, Role.ORGANIZER, "chair@other.org"))
    other_organizer = [client.get(document_url).status_code, client.get(answer_url).status_code]
    client.force_login(attendee)
    owner = client.get(document_url)

    assert read(document).startswith(b"%PDF")
    assert read(file_answer).startswith(b"%PDF")
    assert document["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= {part.strip() for part in document["Cache-Control"].split(",")}
    assert "filename*=utf-8''%E5%AD%A6%E7%94%9F%E8%AF%81.pdf" in document["Content-Disposition"]
    assert other_organizer == [404, 404]
    assert owner.status_code == 302  # not admin staff: to the admin's log-in


# --- Actions -------------------------------------------------------------------------------------


def test_approving_makes_the_order_with_an_audit_entry_and_a_mail(client, organizer, register_as, student):
    registration = register_as(student, files={"document": pdf_upload()})
    client.force_login(organizer)
    url = reverse("registrations:approve", args=[registration.pk])
    form = client.get(url).context["form"]

    response = client.post(url, {"version": form.initial["version"]})

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == S.AWAITING_PAYMENT
    assert registration.order.state == OrderState.PENDING
    [entry] = entries(registration, "flock.registration.approve")
    assert entry.user == organizer
    assert mails(registration) == ["attendance.submitted", "attendance.approved"]


def test_approving_twice_with_the_same_form_approves_once(client, organizer, register_as, student):
    registration = register_as(student, files={"document": pdf_upload()})
    client.force_login(organizer)
    url = reverse("registrations:approve", args=[registration.pk])
    data = {"version": client.get(url).context["form"].initial["version"]}

    client.post(url, data)
    second = client.post(url, data, follow=True)

    assert len(entries(registration, "flock.registration.approve")) == 1
    assert mails(registration) == ["attendance.submitted", "attendance.approved"]
    with translation.override("en"):
        assert any("changed in the meantime" in str(message) for message in second.context["messages"])


def test_rejecting_needs_a_reason_and_tells_the_attendee(client, organizer, register_as, student):
    registration = register_as(student, files={"document": pdf_upload()})
    client.force_login(organizer)
    url = reverse("registrations:reject", args=[registration.pk])
    version = client.get(url).context["form"].initial["version"]

    refused = client.post(url, {"version": version, "reason": "   "})
    rejected = client.post(url, {"version": version, "reason": "学生证已过期"})

    assert {name: [e.code for e in errors] for name, errors in refused.context["form"].errors.as_data().items()} == {
        "reason": ["required"]
    }
    assert rejected.status_code == 302
    registration.refresh_from_db()
    assert (registration.state, registration.cancel_cause, registration.reason) == (
        S.CANCELLED,
        CancelCause.REJECTED,
        "学生证已过期",
    )
    [entry] = entries(registration, "flock.registration.reject")
    assert (entry.user, entry.data["reason"]) == (organizer, "学生证已过期")
    assert mails(registration) == ["attendance.submitted", "attendance.rejected"]


def test_cancelling_with_a_reason_cancels_the_pending_order(client, organizer, register_as, regular):
    registration = register_as(regular)
    order = registration.order
    client.force_login(organizer)
    url = reverse("registrations:cancel", args=[registration.pk])
    version = client.get(url).context["form"].initial["version"]

    client.post(url, {"version": version, "reason": "重复注册"})

    registration.refresh_from_db()
    order.refresh_from_db()
    assert (registration.state, registration.cancel_cause, registration.reason) == (
        S.CANCELLED,
        CancelCause.STAFF,
        "重复注册",
    )
    assert order.state == OrderState.CANCELLED
    assert len(entries(registration, "flock.registration.cancel")) == 1
    assert mails(registration) == ["attendance.submitted", "attendance.cancelled"]


def test_changing_the_type_with_a_price(client, organizer, register_as, regular, student):
    registration = register_as(regular)
    client.force_login(organizer)
    url = reverse("registrations:change_type", args=[registration.pk])
    form = client.get(url).context["form"]

    client.post(
        url,
        {
            "version": form.initial["version"],
            "registration_type": student.pk,
            "price": "1000.00",
            "reason": "学生证已核验",
        },
    )

    assert list(form.fields["registration_type"].queryset) == [student]
    registration.refresh_from_db()
    assert (registration.registration_type, registration.price, registration.price_adjusted) == (
        student,
        Decimal("1000.00"),
        True,
    )
    assert registration.order.total == Decimal("1000.00")
    [entry] = entries(registration, "flock.registration.change_type")
    assert entry.data["price"] == ["2400.00", "1000.00"]
    assert entry.data["registration_type"] == [regular.pk, student.pk]
    assert entry.data["reason"] == "学生证已核验"


def test_changing_to_another_conference_type_is_refused(client, organizer, register_as, regular, other):
    from tests.attendance.conftest import RegistrationTypeFactory

    theirs = RegistrationTypeFactory(conference=other)
    registration = register_as(regular)
    client.force_login(organizer)
    url = reverse("registrations:change_type", args=[registration.pk])
    version = client.get(url).context["form"].initial["version"]

    response = client.post(url, {"version": version, "registration_type": theirs.pk})

    assert list(response.context["form"].errors) == ["registration_type"]
    registration.refresh_from_db()
    assert registration.registration_type == regular


def test_adjusting_the_price_records_old_and_new_and_needs_a_reason(client, organizer, register_as, regular):
    registration = register_as(regular)
    client.force_login(organizer)
    url = reverse("registrations:adjust_price", args=[registration.pk])
    version = client.get(url).context["form"].initial["version"]

    without_reason = client.post(url, {"version": version, "price": "2000.00", "reason": ""})
    negative = client.post(url, {"version": version, "price": "-1", "reason": "折扣"})
    client.post(url, {"version": version, "price": "2000.00", "reason": "会员折扣"})
    again = client.post(url, {"version": version, "price": "2000.00", "reason": "会员折扣"})

    assert list(without_reason.context["form"].errors) == ["reason"]
    assert [e.code for e in negative.context["form"].errors.as_data()["price"]] == ["min_value"]
    assert again.status_code == 302
    registration.refresh_from_db()
    assert (registration.price, registration.order.total) == (Decimal("2000.00"), Decimal("2000.00"))
    [entry] = entries(registration, "flock.registration.adjust_price")
    assert (entry.user, entry.data["price"], entry.data["reason"]) == (organizer, ["2400.00", "2000.00"], "会员折扣")


def test_lowering_the_price_to_zero_confirms(client, organizer, register_as, regular):
    registration = register_as(regular)
    client.force_login(organizer)
    url = reverse("registrations:adjust_price", args=[registration.pk])
    version = client.get(url).context["form"].initial["version"]

    client.post(url, {"version": version, "price": "0", "reason": "特邀嘉宾"})

    registration.refresh_from_db()
    assert registration.state == S.CONFIRMED
    assert mails(registration)[-1] == "attendance.confirmed"


def test_an_action_not_possible_in_the_state_is_refused_with_a_message(client, organizer, register_as, regular):
    registration = register_as(regular)
    client.force_login(organizer)
    url = reverse("registrations:approve", args=[registration.pk])

    shown = client.get(url)
    forced = client.post(
        url, {"version": Registration.objects.get(pk=registration.pk).updated_at.isoformat()}, follow=True
    )

    assert shown.status_code == 302
    registration.refresh_from_db()
    assert registration.state == S.AWAITING_PAYMENT
    assert not entries(registration, "flock.registration.approve")
    assert forced.status_code == 200


def test_superuser_may_act_in_any_conference(client, superuser, other_registration):
    client.force_login(superuser)
    url = reverse("registrations:cancel", args=[other_registration.pk])
    version = client.get(url).context["form"].initial["version"]

    client.post(url, {"version": version, "reason": "测试"})

    other_registration.refresh_from_db()
    assert other_registration.state == S.CANCELLED


# --- Registering someone by hand -----------------------------------------------------------------


def walk_in_data(registration_type, **fields):
    return {
        "email": "wang.fang@zju.example.edu.cn",
        "name_zh": "王芳",
        "last_name": "Wang",
        "first_name": "Fang",
        "title": "",
        "affiliation": "浙江大学",
        "country": "CN",
        "phone": "",
        "language": "zh-hans",
        "registration_type": registration_type.pk,
        "currency": "CNY",
        **fields,
    }


def test_walk_in_with_a_new_account(client, organizer, conference, regular):
    client.force_login(organizer)
    url = reverse("registration_walk_ins:add", args=[conference.pk])

    response = client.post(url, walk_in_data(regular))

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:inspect", args=[registration.pk])
    person = registration.user
    assert (person.email, person.name_zh, person.is_active, person.has_usable_password()) == (
        "wang.fang@zju.example.edu.cn",
        "王芳",
        False,
        False,
    )
    assert EmailConfirmation.objects.get(user=person).confirmed_at is None
    assert (registration.walk_in, registration.created_by, registration.fee_kind, registration.price) == (
        True,
        organizer,
        FeeTierKind.ON_SITE,
        Decimal("3200.00"),
    )
    assert registration.order.state == OrderState.PENDING
    assert entries(person, "flock.registration.account")[0].user == organizer


def test_a_walk_in_account_can_set_its_password_later(client, organizer, conference, regular):
    registration = register_walk_in_by_email(
        conference=conference,
        email="Wang.Fang@ZJU.example.edu.cn",
        registration_type=regular,
        details=walk_in_data(regular),
        by_staff=organizer,
    )

    request_password_reset(email="wang.fang@zju.example.edu.cn", links=Links(base_url="http://testserver"))

    assert registration.user.email == "wang.fang@zju.example.edu.cn"
    assert EmailLog.objects.filter(recipient="wang.fang@zju.example.edu.cn", template_key__contains="password").exists()


def test_walk_in_with_an_existing_account_takes_blank_details_from_the_profile(
    client, organizer, conference, regular, attendee
):
    client.force_login(organizer)
    data = walk_in_data(
        regular, email="LI.LEI@example.edu.cn", name_zh="", last_name="", first_name="", affiliation="", country=""
    )

    client.post(reverse("registration_walk_ins:add", args=[conference.pk]), data)

    registration = Registration.objects.get()
    assert registration.user == attendee
    assert (registration.name_zh, registration.affiliation, registration.country.code) == (
        "李雷",
        "清华大学计算机系",
        "CN",
    )
    assert User.objects.count() == 2


def test_walk_in_submitted_twice_registers_once(client, organizer, conference, regular):
    client.force_login(organizer)
    url = reverse("registration_walk_ins:add", args=[conference.pk])

    client.post(url, walk_in_data(regular))
    second = client.post(url, walk_in_data(regular))

    assert Registration.objects.count() == 1
    assert [e.code for e in second.context["form"].errors.as_data()["email"]] == ["already_registered"]
    assert second.context["existing_url"] == reverse("registrations:inspect", args=[Registration.objects.get().pk])


def test_walk_in_errors_save_nothing(client, organizer, conference, regular, make_type):
    full = make_type(capacity=0, name_en="Full")
    client.force_login(organizer)
    url = reverse("registration_walk_ins:add", args=[conference.pk])

    bad_email = client.post(url, walk_in_data(regular, email="not-an-email"))
    no_details = client.post(url, walk_in_data(regular, affiliation="", name_zh="", last_name="", first_name=""))
    over = client.post(url, walk_in_data(full))

    assert list(bad_email.context["form"].errors) == ["email"]
    assert {"affiliation", "last_name"} <= set(no_details.context["form"].errors)
    assert [e.code for e in over.context["form"].errors.as_data()["registration_type"]] == ["not_available"]
    assert (Registration.objects.count(), User.objects.filter(email="wang.fang@zju.example.edu.cn").count()) == (0, 0)


def test_walk_in_answers_are_checked_and_saved(client, organizer, conference, regular):
    diet = add_question(conference, QuestionKind.SINGLE_CHOICE, required=True, choices=[("veg", "素食", "Vegetarian")])
    client.force_login(organizer)
    url = reverse("registration_walk_ins:add", args=[conference.pk])

    invalid = client.post(url, {**walk_in_data(regular), diet.field_name: "beef"})
    skipped = client.post(url, walk_in_data(regular))  # staff may leave a required answer out

    assert diet.field_name in invalid.context["questions"].errors
    assert skipped.status_code == 302
    assert not Registration.objects.get().answers.exists()


def test_checkin_staff_register_walk_ins_and_return_to_the_form(client, staff, conference, regular):
    desk = staff(conference, Role.CHECKIN, "desk@example.org")
    client.force_login(desk)
    url = reverse("registration_walk_ins:add", args=[conference.pk])

    chooser = client.get(reverse("registration_walk_ins:index"))
    response = client.post(url, walk_in_data(regular))

    assert chooser["Location"] == url
    assert response["Location"] == url
    assert Registration.objects.get().created_by == desk


def test_walk_in_for_another_conference_is_404(client, organizer, other):
    client.force_login(organizer)

    assert client.get(reverse("registration_walk_ins:add", args=[other.pk])).status_code == 404


def test_finance_staff_cannot_register_walk_ins(client, staff, conference):
    client.force_login(staff(conference, Role.FINANCE, "finance@example.org"))

    assert client.get(reverse("registration_walk_ins:index")).status_code in (302, 403)
    assert client.get(reverse("registration_walk_ins:add", args=[conference.pk])).status_code == 404


def test_find_or_create_account_refuses_a_bad_address(organizer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        find_or_create_account(email="nobody at all", by_staff=organizer, action="flock.registration.account")

    assert [e.code for e in caught.value.error_dict["email"]] == ["invalid"]
    assert not User.objects.filter(email="nobody at all").exists()
