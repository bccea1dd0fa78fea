"""My conference: the registration's state and what to do next in each state, paying (a lapsed
order is renewed once), the invoice and receipt, editing as the policy allows, withdrawing, and
another person's registration code answering 404."""

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from attendance.enums import EditPolicy, OrderLapsePolicy, QuestionKind, RegistrationState
from attendance.models import Registration
from attendance.services.registrations import reject_registration, withdraw_registration
from attendance.services.setup import registration_settings_for
from cms.enums import Role
from cms.models import ConferenceRole
from commerce.enums import OrderState
from commerce.models import Order, Payment
from commerce.services.orders import expire_order
from commerce.services.payments import confirm_payment
from tests.attendance.conftest import add_question, details_of, pdf_upload, png_upload, text_upload

pytestmark = pytest.mark.django_db
S = RegistrationState


def url(name, registration=None, *, language="en", slug="ncic2027"):
    kwargs = {"conference_slug": slug}
    if registration is not None:
        kwargs["code"] = registration.code
    with translation.override(language):
        return reverse(f"attendance:{name}", kwargs=kwargs)


def order_url(order, language="en"):
    with translation.override(language):
        return reverse("commerce:order", kwargs={"conference_slug": order.conference.slug, "code": order.code})


def text(response):
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def pay(order):
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency=order.currency)
    confirm_payment(payment=payment, amount=order.total, currency=order.currency)


def set_policy(conference, **fields):
    settings_row = registration_settings_for(conference)
    for name, value in fields.items():
        setattr(settings_row, name, value)
    settings_row.save()


@pytest.fixture
def attendee_client(client, attendee):
    client.force_login(attendee)
    return client


@pytest.fixture
def stranger_client(user_factory):
    client = Client()
    client.force_login(user_factory(email="zhang.san@example.org"))
    return client


# Every state ----------------------------------------------------------------------------------------


def test_not_registered_yet_offers_to_register(attendee_client, conference, regular):
    response = attendee_client.get(url("my_conference"))

    assert response.status_code == 200
    assert "You are not registered for this conference yet." in text(response)
    assert f'href="{url("register")}">Register now</a>' in response.content.decode()


def test_not_registered_and_closed_says_so(attendee_client, conference, regular):
    conference.registration_open = False
    conference.save()

    page = text(attendee_client.get(url("my_conference")))

    assert "Registration for this conference is not open." in page
    assert "Register now" not in page


def test_awaiting_approval_says_to_wait(attendee_client, make_type, register_as):
    registration = register_as(make_type(name_en="Member", requires_approval=True))

    page = text(attendee_client.get(url("my_conference")))

    assert f"{registration.code} Awaiting approval" in page
    assert "The organizers are reviewing your registration." in page
    assert "Fee ¥2,400.00 CNY · Early bird" in page
    assert "Pay now" not in page


def test_awaiting_payment_leads_to_the_order_to_pay(attendee_client, regular, register_as):
    registration = register_as(regular)
    order = registration.order

    response = attendee_client.get(url("my_conference"))

    page = text(response)
    assert f"{registration.code} Awaiting payment" in page
    assert "Please pay the fee to confirm your registration." in page
    assert f"Order {order.code} · Awaiting payment" in page
    assert "You can request an invoice once the fee is paid." in page
    html = response.content.decode()
    assert f'<a class="button button-pay" href="{order_url(order)}#pay">Pay now</a>' in html
    assert f'href="{order_url(order)}">{order.code}</a>' in html


def test_confirmed_offers_the_invoice_and_receipt(attendee_client, regular, register_as):
    registration = register_as(regular)
    pay(registration.order)

    response = attendee_client.get(url("my_conference"))

    page = text(response)
    assert f"{registration.code} Confirmed" in page
    assert "Your registration is confirmed. See you at the conference!" in page
    assert "Pay now" not in page
    invoice = reverse(
        "commerce:invoice_request", kwargs={"conference_slug": "ncic2027", "code": registration.order.code}
    )
    assert f'href="{invoice}">Request an invoice</a>' in response.content.decode()
    assert "Download the receipt" in page


def test_free_and_confirmed_needs_no_invoice(attendee_client, free_type, register_as):
    register_as(free_type)

    page = text(attendee_client.get(url("my_conference")))

    assert "Fee Free of charge" in page
    assert "invoice" not in page.lower()


def test_rejected_shows_the_reason_and_offers_to_register_again(attendee_client, make_type, register_as, organizer):
    registration = register_as(make_type(name_en="Member", requires_approval=True))
    reject_registration(registration=registration, user=organizer, reason="Membership could not be verified.")

    response = attendee_client.get(url("my_conference"))

    page = text(response)
    assert "Cancelled This registration was cancelled. Rejected by the organizer." in page
    assert "Membership could not be verified." in page
    assert "Register again" in page
    assert "Withdraw" not in page


def test_withdrawn_says_so(attendee_client, regular, register_as):
    withdraw_registration(registration=register_as(regular))

    page = text(attendee_client.get(url("my_conference")))

    assert "Withdrawn You withdrew this registration." in page
    assert "Register again" in page


def test_details_and_answers_are_listed(attendee_client, conference, regular, register_as):
    diet = add_question(
        conference,
        QuestionKind.SINGLE_CHOICE,
        label_en="Diet",
        choices=[("regular", "普通", "Regular"), ("vegetarian", "素食", "Vegetarian")],
    )
    register_as(regular, answers={diet.pk: "vegetarian"})

    page = text(attendee_client.get(url("my_conference")))

    assert "Name in Chinese 李雷" in page
    assert "Affiliation 清华大学计算机系" in page
    assert "Country China" in page
    assert "Diet Vegetarian" in page


def test_anonymous_visitors_log_in_first(client, conference):
    response = client.get(url("my_conference"))

    assert response.status_code == 302
    assert response["Location"] == "/en/_account/login/?conference=ncic2027&next=%2Fen%2F_my%2Fncic2027%2F"


def test_unknown_conference_is_404(attendee_client, conference):
    assert attendee_client.get(url("my_conference", slug="nothing")).status_code == 404


@pytest.mark.parametrize("answer_count", [1, 6])
def test_my_conference_runs_a_fixed_number_of_queries(
    attendee_client, conference, regular, register_as, django_assert_max_num_queries, answer_count
):
    questions = [
        add_question(conference, QuestionKind.MULTIPLE_CHOICE, choices=[("a", "甲", "A"), ("b", "乙", "B")])
        for _index in range(answer_count)
    ]
    register_as(regular, answers={question.pk: ["a", "b"] for question in questions})

    with django_assert_max_num_queries(10):
        response = attendee_client.get(url("my_conference"))

    assert text(response).count("A, B") == answer_count


# Paying -----------------------------------------------------------------------------------------------


def test_pay_now_renews_a_lapsed_order_once(attendee_client, conference, regular, register_as):
    set_policy(conference, on_order_lapse=OrderLapsePolicy.REOPEN)
    registration = register_as(regular)
    first = registration.order
    expire_order(order=first)
    registration.refresh_from_db()
    assert registration.order is None

    page = attendee_client.get(url("my_conference"))
    assert "Your last order was not paid in time" in text(page)
    assert f'action="{url("pay", registration)}"' in page.content.decode()

    first_press = attendee_client.post(url("pay", registration))
    second_press = attendee_client.post(url("pay", registration))

    registration.refresh_from_db()
    assert registration.order.state == OrderState.PENDING
    assert registration.order.total == Decimal("2400.00")
    assert Order.objects.filter(state=OrderState.PENDING).count() == 1
    assert first_press["Location"] == second_press["Location"] == f"{order_url(registration.order)}#pay"


def test_pay_now_with_a_pending_order_makes_no_new_one(attendee_client, regular, register_as):
    registration = register_as(regular)

    response = attendee_client.post(url("pay", registration))

    assert response["Location"] == f"{order_url(registration.order)}#pay"
    assert Order.objects.count() == 1


def test_pay_now_for_a_confirmed_registration_explains(attendee_client, free_type, register_as):
    registration = register_as(free_type)

    response = attendee_client.post(url("pay", registration), follow=True)

    assert "Only a registration awaiting payment can be paid." in text(response)
    assert Order.objects.count() == 0


def test_pay_is_post_only(attendee_client, regular, register_as):
    registration = register_as(regular)

    assert attendee_client.get(url("pay", registration)).status_code == 405


# Editing ----------------------------------------------------------------------------------------------


def test_edit_until_paid_saves_details_and_answers(attendee_client, conference, regular, register_as):
    set_policy(conference, edit_policy=EditPolicy.UNTIL_PAID)
    badge = add_question(conference, QuestionKind.SHORT_TEXT, label_en="Badge name")
    registration = register_as(regular, answers={badge.pk: "Li Lei"})
    form_page = attendee_client.get(url("edit", registration))
    assert form_page.status_code == 200
    assert 'value="清华大学计算机系"' in form_page.content.decode()

    data = {f"details-{name}": value for name, value in details_of(registration.user, affiliation="北京大学").items()}
    data[f"questions-{badge.field_name}"] = "Prof. Li"
    response = attendee_client.post(url("edit", registration), data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.affiliation == "北京大学"
    assert registration.answers.get().value == "Prof. Li"
    assert "Your changes are saved." in text(attendee_client.get(response["Location"]))


def test_edit_keeps_the_document_unless_a_new_one_is_given(attendee_client, student, register_as):
    registration = register_as(student, files={"document": pdf_upload("学生证.pdf")})
    page = attendee_client.get(url("edit", registration))
    assert "Received: 学生证.pdf. Choose a file only to replace it." in text(page)

    data = {f"details-{name}": value for name, value in details_of(registration.user, phone="+86 10 1234").items()}
    attendee_client.post(url("edit", registration), data)
    registration.refresh_from_db()
    assert (registration.phone, registration.document_name) == ("+86 10 1234", "学生证.pdf")

    data["details-document"] = png_upload("new-card.png")
    attendee_client.post(url("edit", registration), data)
    registration.refresh_from_db()
    assert registration.document_name == "new-card.png"


def test_edit_with_bad_input_saves_nothing(attendee_client, student, register_as):
    registration = register_as(student, files={"document": pdf_upload()})
    data = {f"details-{name}": value for name, value in details_of(registration.user).items()}
    data["details-affiliation"] = "x" * 10_000
    data["details-document"] = text_upload()

    response = attendee_client.post(url("edit", registration), data)

    assert response.status_code == 200
    errors = response.context["details_form"].errors.as_data()
    assert errors["affiliation"][0].code == "max_length"
    assert errors["document"][0].code == "file_type"
    registration.refresh_from_db()
    assert registration.affiliation == "清华大学计算机系"


@pytest.mark.parametrize(
    ("policy", "paid", "allowed"),
    [
        (EditPolicy.ALWAYS, True, True),
        (EditPolicy.UNTIL_PAID, False, True),
        (EditPolicy.UNTIL_PAID, True, False),
        (EditPolicy.NEVER, False, False),
    ],
)
def test_edit_follows_the_policy(attendee_client, conference, regular, register_as, policy, paid, allowed):
    set_policy(conference, edit_policy=policy)
    registration = register_as(regular)
    if paid:
        pay(registration.order)
    data = {f"details-{name}": value for name, value in details_of(registration.user, title="Dr").items()}

    my_page = text(attendee_client.get(url("my_conference")))
    response = attendee_client.post(url("edit", registration), data, follow=True)

    registration.refresh_from_db()
    assert (registration.title == "Dr") is allowed
    assert ("Change your details and answers" in my_page) is allowed
    if not allowed:
        assert "This registration can no longer be changed. Please contact the organizers." in text(response)
        assert "Your details can no longer be changed here" in my_page


# Withdrawing ------------------------------------------------------------------------------------------


def test_withdraw_asks_first_then_withdraws_and_cancels_the_order(attendee_client, regular, register_as):
    registration = register_as(regular)
    order = registration.order

    confirm_page = attendee_client.get(url("withdraw", registration))
    assert "Yes, withdraw my registration" in text(confirm_page)
    assert "The order that is waiting for payment is cancelled." in text(confirm_page)
    registration.refresh_from_db()
    assert registration.state == S.AWAITING_PAYMENT

    response = attendee_client.post(url("withdraw", registration))

    registration.refresh_from_db()
    order.refresh_from_db()
    assert (registration.state, order.state) == (S.WITHDRAWN, OrderState.CANCELLED)
    assert "Your registration is withdrawn." in text(attendee_client.get(response["Location"]))


def test_withdrawing_a_paid_registration_says_the_fee_is_not_refunded_automatically(
    attendee_client, regular, register_as
):
    registration = register_as(regular)
    pay(registration.order)

    page = text(attendee_client.get(url("withdraw", registration)))

    assert "You paid ¥2,400.00 CNY. It is not refunded automatically" in page


def test_withdrawing_twice_explains(attendee_client, regular, register_as):
    registration = register_as(regular)
    attendee_client.post(url("withdraw", registration))

    response = attendee_client.post(url("withdraw", registration), follow=True)

    assert "This registration cannot be withdrawn." in text(response)


# Someone else's registration --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "method"), [("pay", "post"), ("edit", "get"), ("edit", "post"), ("withdraw", "post")])
def test_another_persons_registration_is_404(stranger_client, regular, register_as, name, method):
    registration = register_as(regular)

    response = getattr(stranger_client, method)(url(name, registration))

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.state == S.AWAITING_PAYMENT
    assert Order.objects.count() == 1


def test_an_organizer_of_the_conference_gets_404_too_on_the_attendee_pages(regular, register_as, organizer, conference):
    """Staff manage registrations in the admin; these pages are the attendee's own."""
    ConferenceRole.objects.create(user=organizer, conference=conference, role=Role.ORGANIZER)
    registration = register_as(regular)
    client = Client()
    client.force_login(organizer)

    assert client.post(url("withdraw", registration)).status_code == 404


def test_a_code_of_another_conference_is_404(attendee_client, regular, register_as, make_conference_row):
    registration = register_as(regular)
    make_conference_row(slug="aicon2026")

    assert attendee_client.get(url("edit", registration, slug="aicon2026")).status_code == 404


def test_my_conference_in_chinese(client, attendee, regular, register_as):
    register_as(regular)
    client.force_login(attendee)

    response = client.get(url("my_conference", language="zh-hans"))

    assert '<html lang="zh-hans">' in response.content.decode()
    assert "正式代表" in text(response)
    assert Registration.objects.count() == 1


def test_a_post_without_logging_in_comes_back_to_my_conference(client, regular, register_as):
    registration = register_as(regular)

    response = client.post(url("pay", registration))

    assert response["Location"] == "/en/_account/login/?conference=ncic2027&next=%2Fen%2F_my%2Fncic2027%2F"
    assert Order.objects.count() == 1
