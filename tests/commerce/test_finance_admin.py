"""The finance admin: orders, payments, proofs to review, invoice requests, summary, payment settings.

Every screen and export is scoped to the conferences where the user is finance staff or an
organizer; actions are finance only and each calls one service.
"""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from cms.enums import Role
from cms.services.conferences import grant_role
from commerce.admin_forms import provider_settings_form, restore_pem
from commerce.enums import Attention, InvoiceState, OrderState, PaymentState, ProofState, Provider, RefundState
from commerce.exceptions import RefundError
from commerce.models import Order, Payment, PaymentSettings, Receipt, Refund, TransferProof
from commerce.providers import base as providers
from commerce.services.invoices import request_invoice, uscc_check_character
from commerce.services.orders import create_order, expire_order, payment_settings_for
from commerce.services.payments import confirm_payment
from commerce.services.proofs import upload_proof
from commerce.services.refunds import refund_payment
from tests.commerce.conftest import item

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TAX_NUMBER = "91310000MA1FL0001" + uscc_check_character("91310000MA1FL0001")


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def other(make_conference):
    return make_conference(slug="other2027", acronym="OTHER 2027", name_zh="另一个会议", name_en="Another Conference")


@pytest.fixture
def staff(user_factory):
    """``staff(conference, role, email)``: a person holding a role, who reads the admin in English."""

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
def finance(staff, conference):
    return staff(conference, Role.FINANCE, "finance@example.org")


@pytest.fixture
def organizer(staff, conference):
    return staff(conference, Role.ORGANIZER, "organizer@example.org")


@pytest.fixture
def other_finance(staff, other):
    return staff(other, Role.FINANCE, "finance@other.org")


@pytest.fixture
def other_order(other, user_factory):
    payment_settings_for(other)
    return create_order(
        conference=other, purchaser=user_factory(email="zhang.san@other.example"), items=[item("999.00")]
    )


def pay(order, provider=Provider.BANK_TRANSFER, reported=None):
    """A payment of the order's total, confirmed for ``reported`` (by default the right amount)."""
    payment = Payment.objects.create(order=order, provider=provider, amount=order.total, currency=order.currency)
    confirm_payment(payment=payment, amount=payment.amount if reported is None else reported)
    payment.refresh_from_db()
    order.refresh_from_db()
    return payment


def proof_for(order, buyer, content=PNG, name="transfer.png"):
    return upload_proof(order=order, uploaded=SimpleUploadedFile(name, content), user=buyer)


def invoice_for(order, buyer, **details):
    details = {"kind": "ordinary", "title": "上海交通大学", "tax_number": TAX_NUMBER, **details}
    return request_invoice(order=order, details=details, user=buyer)


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def messages_of(response):
    return [str(message).strip() for message in response.context["messages"]] if response.context else []


# --- Menu and access -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.FINANCE, True), (Role.ORGANIZER, True), (Role.EDITOR, False), (Role.CHECKIN, False)],
)
def test_finance_menu_is_shown_to_finance_staff_and_organizers_only(client, staff, conference, role, shown):
    client.force_login(staff(conference, role, f"{role}@example.org"))

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert ("/admin/finance/orders/" in html) is shown
    assert ("/admin/finance/proofs/" in html) is shown


def test_superuser_sees_the_finance_menu(client, superuser):
    client.force_login(superuser)

    assert "/admin/finance/summary/" in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize(
    "url_name",
    ["finance_orders:index", "finance_payments:index", "finance_proofs:index", "finance_invoices:index"]
    + ["finance_summary:index", "finance_settings:index"],
)
def test_editors_are_refused_every_finance_screen(client, staff, conference, order, url_name):
    client.force_login(staff(conference, Role.EDITOR, "editor@example.org"))

    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_person_without_role_is_sent_to_login(client, user_factory):
    client.force_login(user_factory())

    response = client.get(reverse("finance_orders:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_editor_opening_an_order_or_the_settings_gets_404(client, staff, conference, order):
    client.force_login(staff(conference, Role.EDITOR, "editor@example.org"))

    assert client.get(reverse("finance_orders:inspect", args=[order.pk])).status_code == 404
    assert client.get(reverse("finance_settings:edit", args=[conference.pk])).status_code == 404
    assert client.post(reverse("finance_orders:cancel", args=[order.pk])).status_code == 404
    order.refresh_from_db()
    assert order.state == OrderState.PENDING


# --- Orders listing, filters, search, export -----------------------------------------------------


def test_orders_listing_shows_only_own_conference(client, finance, order, other_order):
    client.force_login(finance)

    response = client.get(reverse("finance_orders:index"))

    html = response.content.decode()
    assert [row.code for row in response.context["object_list"]] == [order.code]
    assert order.code in html and other_order.code not in html
    assert "li.lei@example.edu.cn" in html
    assert "¥1,200.00 CNY" in html
    assert "OTHER 2027" not in html  # not even in the conference filter


def test_other_conference_finance_sees_only_theirs(client, other_finance, order, other_order):
    client.force_login(other_finance)

    response = client.get(reverse("finance_orders:index"))

    assert [row.code for row in response.context["object_list"]] == [other_order.code]


def test_orders_filter_by_state_provider_kind_line_attention_and_date(client, finance, make_order, buyer):
    pending = make_order(items=[item(kind="attendance.registration")])
    paid_by_bank = make_order(items=[item("300.00", kind="attendance.tour")])
    pay(paid_by_bank)
    flagged = make_order(items=[item("500.00", kind="attendance.hotel")])
    flagged.created_at = timezone.now() - timedelta(days=40)
    flagged.save(update_fields=["created_at"])
    pay(flagged, provider=Provider.ALIPAY, reported=Decimal("1.00"))  # a mismatch: flagged, still pending
    client.force_login(finance)

    def codes(**params):
        return {row.code for row in client.get(reverse("finance_orders:index"), params).context["object_list"]}

    assert codes(state="paid") == {paid_by_bank.code}
    assert codes(state=["pending", "paid"]) == {pending.code, paid_by_bank.code, flagged.code}
    assert codes(provider="alipay") == {flagged.code}
    assert codes(kind="attendance.tour") == {paid_by_bank.code}
    assert codes(line="Regular") == {pending.code, paid_by_bank.code, flagged.code}
    assert codes(line="no such thing") == set()
    assert codes(attention="any") == {flagged.code}
    assert codes(attention=Attention.AMOUNT_MISMATCH) == {flagged.code}
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert codes(created_from=since) == {pending.code, paid_by_bank.code}


def test_what_was_bought_is_named_by_the_selling_app(client, finance, make_order, monkeypatch):
    monkeypatch.setattr("commerce.sellables._KIND_LABELS", {"attendance.tour": "Tour seat"})
    make_order(items=[item(kind="attendance.tour"), item("10.00", kind="other.thing")])
    client.force_login(finance)

    response = client.get(reverse("finance_orders:index"))

    choices = dict(response.context["filters"].filters["kind"].extra["choices"])
    assert choices == {"attendance.tour": "Tour seat", "other.thing": "other.thing"}


def test_orders_search_by_code_email_invoice_title_and_tax_number(client, finance, make_order, buyer, user_factory):
    with_invoice = make_order()
    pay(with_invoice)
    invoice_for(with_invoice, buyer, title="复旦大学计算机学院")
    someone = make_order(purchaser=user_factory(email="wang.fang@example.com", name_zh="王芳"))
    client.force_login(finance)

    def codes(query):
        return {row.code for row in client.get(reverse("finance_orders:index"), {"q": query}).context["object_list"]}

    assert codes(TAX_NUMBER) == {with_invoice.code}
    assert codes("复旦大学") == {with_invoice.code}
    assert codes("wang.fang@") == {someone.code}
    assert codes("王芳") == {someone.code}
    assert codes(someone.code) == {someone.code}


def test_orders_export_xlsx_has_lines_providers_and_invoice_details(client, finance, make_order, buyer, other_order):
    order = make_order(items=[item("1200.00"), item("150.00", quantity=2, kind="attendance.tour")])
    payment = pay(order)
    invoice_for(order, buyer)
    pay(other_order)
    client.force_login(finance)

    rows = xlsx_rows(client.get(reverse("finance_orders:index"), {"export": "xlsx"}))

    assert rows[0] == [
        "Order code",
        "Conference",
        "Purchaser",
        "Email",
        "What was bought",
        "Total",
        "Refunded",
        "Currency",
        "State",
        "Created",
        "Paid at",
        "Paid with",
        "Invoice title",
        "Taxpayer number",
    ]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Order code"] == order.code
    assert row["Conference"] == "NCIC 2027"
    assert row["Email"] == "li.lei@example.edu.cn"
    assert row["What was bought"] == "Regular registration; Regular registration × 2"
    assert Decimal(str(row["Total"])) == Decimal("1500.00")
    assert row["Currency"] == "CNY"
    assert row["State"] == "Paid"
    assert row["Paid at"] == timezone.localtime(payment.confirmed_at, order.conference.tz).replace(
        tzinfo=None, microsecond=row["Paid at"].microsecond
    )
    assert row["Paid with"] == "Bank transfer"
    assert row["Invoice title"] == "上海交通大学"
    assert row["Taxpayer number"] == TAX_NUMBER


def test_orders_export_csv_is_scoped(client, other_finance, order, other_order):
    client.force_login(other_finance)

    rows = csv_rows(client.get(reverse("finance_orders:index"), {"export": "csv"}))

    assert [row[0] for row in rows[1:]] == [other_order.code]


def test_orders_export_makes_the_same_number_of_queries_for_more_orders(client, finance, make_order, buyer):
    def export_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("finance_orders:index"), {"export": "xlsx"})
            xlsx_rows(response)
        return len(queries)

    for _ in range(2):
        order = make_order(items=[item(), item("10.00", kind="x.y")])
        pay(order)
        invoice_for(order, buyer)
    client.force_login(finance)
    few = export_queries()
    for _ in range(5):
        order = make_order(items=[item(), item("10.00", kind="x.y")])
        pay(order)
        invoice_for(order, buyer)

    assert export_queries() == few


def test_orders_listing_makes_the_same_number_of_queries_for_more_orders(client, finance, make_order):
    def listing_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("finance_orders:index"))
        assert response.status_code == 200
        return len(queries)

    for _ in range(2):
        pay(make_order())
    client.force_login(finance)
    few = listing_queries()
    for _ in range(8):
        pay(make_order())
    make_order()

    assert Order.objects.count() == 11
    assert listing_queries() == few


@pytest.mark.parametrize("url_name", ["finance_payments:index", "finance_invoices:index", "finance_proofs:index"])
def test_other_finance_lists_make_the_same_number_of_queries_for_more_rows(
    client, finance, make_order, buyer, url_name
):
    def add_rows(count):
        for _ in range(count):
            invoice_for(pay(make_order()).order, buyer)
            proof_for(make_order(), buyer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name)).status_code == 200
        return len(captured)

    add_rows(2)
    client.force_login(finance)
    few = queries()
    add_rows(6)

    assert queries() == few


# --- Order screen and its actions ----------------------------------------------------------------


def test_order_screen_shows_lines_payments_proofs_refunds_invoice_receipt_and_history(
    client, finance, order, buyer, django_capture_on_commit_callbacks
):
    proof = proof_for(order, buyer)
    client.force_login(finance)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("finance_proofs:accept", args=[proof.pk]))
    payment = Payment.objects.get(order=order)
    refund_payment(payment=payment, amount=Decimal("200.00"), reason="少住一晚", user=finance, request_key="a" * 32)
    invoice_for(order, buyer)

    response = client.get(reverse("finance_orders:inspect", args=[order.pk]))

    html = response.content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.PARTIALLY_REFUNDED
    assert "Regular registration" in html
    assert payment.number in html
    assert reverse("finance_proofs:file", args=[proof.pk]) in html
    assert "少住一晚" in html and "¥200.00 CNY" in html
    assert "上海交通大学" in html and TAX_NUMBER in html
    assert Receipt.objects.get(order=order).code in html
    assert "Proof of transfer accepted" in html and "Order paid" in html and "Refund finished" in html
    assert reverse("finance_orders:refund", args=[order.pk]) in html


def test_other_conference_order_is_404_everywhere(client, finance, other_order, user_factory):
    proof = proof_for(other_order, other_order.purchaser)
    client.force_login(finance)

    for url in [
        reverse("finance_orders:inspect", args=[other_order.pk]),
        reverse("finance_orders:refund", args=[other_order.pk]),
        reverse("finance_proofs:file", args=[proof.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("finance_orders:cancel", args=[other_order.pk]),
        reverse("finance_orders:reactivate", args=[other_order.pk]),
        reverse("finance_orders:settle", args=[other_order.pk]),
        reverse("finance_orders:refund", args=[other_order.pk]),
        reverse("finance_proofs:accept", args=[proof.pk]),
        reverse("finance_proofs:reject", args=[proof.pk]),
    ]:
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    other_order.refresh_from_db()
    proof.refresh_from_db()
    assert (other_order.state, proof.state) == (OrderState.PENDING, ProofState.PENDING)


def test_finance_cancels_a_pending_order(client, finance, order):
    client.force_login(finance)

    response = client.post(reverse("finance_orders:cancel", args=[order.pk]), {"reason": "重复下单"}, follow=True)

    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED
    assert f"Order {order.code} is cancelled." in messages_of(response)
    entry = ModelLogEntry.objects.get(object_id=str(order.pk), action="flock.order.cancel")
    assert (entry.user, entry.data["reason"]) == (finance, "重复下单")


def test_cancelling_a_paid_order_is_refused_with_a_message(client, finance, order):
    pay(order)
    client.force_login(finance)

    response = client.post(reverse("finance_orders:cancel", args=[order.pk]), follow=True)

    order.refresh_from_db()
    assert order.state == OrderState.PAID
    assert messages_of(response) == ["An order that is Paid cannot become Cancelled."]


def test_finance_clears_a_flag_they_dealt_with_and_the_note_stays_in_the_history(client, finance, order):
    from commerce.services.payments import flag_refund_due

    pay(order)
    flag_refund_due(order=order, data={"booking": 7})
    client.force_login(finance)
    page = client.get(reverse("finance_orders:inspect", args=[order.pk])).content.decode()
    assert "Paid, then what it paid for was cancelled: a refund is due" in page and "Mark as dealt with" in page

    response = client.post(
        reverse("finance_orders:settle", args=[order.pk]), {"note": "不退款（会议条款第 4 条）"}, follow=True
    )

    order.refresh_from_db()
    assert order.attention == "" and order.state == OrderState.PAID
    assert messages_of(response) == [f"Order {order.code} no longer needs attention."]
    entry = ModelLogEntry.objects.get(object_id=str(order.pk), action="flock.order.settled")
    assert (entry.user, entry.data) == (finance, {"attention": "refund_due", "note": "不退款（会议条款第 4 条）"})
    again = client.post(reverse("finance_orders:settle", args=[order.pk]), follow=True)
    assert messages_of(again) == ["This order does not need attention."]
    assert "Mark as dealt with" not in again.content.decode()


def test_organizer_may_look_but_not_act(client, organizer, order):
    client.force_login(organizer)

    html = client.get(reverse("finance_orders:inspect", args=[order.pk])).content.decode()
    response = client.post(reverse("finance_orders:cancel", args=[order.pk]))
    settle = client.post(reverse("finance_orders:settle", args=[order.pk]))

    assert order.code in html and "Cancel this order" not in html
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert settle.status_code == 302 and settle["Location"] == reverse("wagtailadmin_home")
    order.refresh_from_db()
    assert order.state == OrderState.PENDING


def test_finance_reactivates_an_expired_order_paid_late(client, finance, order, django_capture_on_commit_callbacks):
    expire_order(order=order)
    pay(order)
    assert (order.state, order.attention) == (OrderState.EXPIRED, Attention.LATE_PAYMENT)
    client.force_login(finance)
    assert "Accept the late payment" in client.get(reverse("finance_orders:inspect", args=[order.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("finance_orders:reactivate", args=[order.pk]))

    order.refresh_from_db()
    assert (order.state, order.attention) == (OrderState.PAID, "")
    assert Receipt.objects.filter(order=order).count() == 1


# --- Refunds -------------------------------------------------------------------------------------


def test_refund_form_offers_the_refundable_amount_and_a_request_key(client, finance, order):
    payment = pay(order)
    refund_payment(payment=payment, amount=Decimal("200.00"), user=finance, request_key="b" * 32)
    client.force_login(finance)

    form = client.get(reverse("finance_orders:refund", args=[order.pk])).context["form"]

    assert form.initial["payment"] == payment.pk
    assert form.initial["amount"] == Decimal("1000.00")
    assert len(form.initial["request_key"]) == 32


def test_refund_double_submit_with_the_same_key_makes_one_refund(
    client, finance, order, mailoutbox, django_capture_on_commit_callbacks
):
    payment = pay(order)
    client.force_login(finance)
    key = client.get(reverse("finance_orders:refund", args=[order.pk])).context["form"].initial["request_key"]
    data = {"payment": payment.pk, "amount": "300.00", "reason": "取消一个旅游项目", "request_key": key}
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("finance_orders:refund", args=[order.pk]), data)
        second = client.post(reverse("finance_orders:refund", args=[order.pk]), data)

    assert first.status_code == second.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount, refund.state, refund.reference, refund.created_by) == (
        Decimal("300.00"),
        RefundState.DONE,
        "manual",
        finance,
    )
    order.refresh_from_db()
    assert (order.state, order.refunded_total) == (OrderState.PARTIALLY_REFUNDED, Decimal("300.00"))
    assert [message.to for message in mailoutbox] == [["li.lei@example.edu.cn"]]


def test_refund_of_more_than_refundable_is_refused_and_saves_nothing(client, finance, order):
    payment = pay(order)
    client.force_login(finance)
    data = {"payment": payment.pk, "amount": "1200.01", "reason": "全部退款", "request_key": "c" * 32}

    response = client.post(reverse("finance_orders:refund", args=[order.pk]), data)

    assert response.status_code == 200
    assert messages_of(response) == ["A refund must be more than zero and at most 1200.00 CNY."]
    assert not Refund.objects.exists()
    order.refresh_from_db()
    assert (order.state, order.refunded_total) == (OrderState.PAID, Decimal("0.00"))


def test_a_refused_refund_is_reported_and_a_retry_gets_a_new_key(client, finance, order, monkeypatch):
    payment = pay(order)

    def refuse(*, refund):
        raise RefundError("The bank account is closed.")

    monkeypatch.setattr(providers.get_provider(Provider.BANK_TRANSFER), "refund", refuse)
    client.force_login(finance)
    url = reverse("finance_orders:refund", args=[order.pk])
    data = {"payment": payment.pk, "amount": "100.00", "reason": "退会", "request_key": "f" * 32}

    refused = client.post(url, data)
    repeated = client.post(url, data, follow=True)

    assert messages_of(refused) == ["The bank account is closed."]
    assert refused.context["form"]["request_key"].value() not in ("", "f" * 32)
    assert "This refund failed: The bank account is closed." in messages_of(repeated)
    assert list(Refund.objects.values_list("state", "failure_reason")) == [
        (RefundState.FAILED, "The bank account is closed.")
    ]
    order.refresh_from_db()
    assert (order.state, order.refunded_total) == (OrderState.PAID, Decimal("0.00"))


def test_refund_of_another_order_payment_is_not_offered(client, finance, make_order):
    mine, another = make_order(), make_order()
    pay(mine)
    foreign_payment = pay(another)
    client.force_login(finance)
    data = {"payment": foreign_payment.pk, "amount": "10.00", "reason": "x", "request_key": "d" * 32}

    response = client.post(reverse("finance_orders:refund", args=[mine.pk]), data)

    assert "payment" in response.context["form"].errors
    assert not Refund.objects.exists()


# --- Proofs to review ----------------------------------------------------------------------------


def test_proof_queue_lists_pending_proofs_oldest_first_for_own_conferences(
    client, finance, make_order, buyer, other_order
):
    newer_order, older_order = make_order(), make_order()
    newer = proof_for(newer_order, buyer)
    older = proof_for(older_order, buyer, content=PDF, name="回单.pdf")
    TransferProof.objects.filter(pk=older.pk).update(uploaded_at=timezone.now() - timedelta(hours=5))
    proof_for(other_order, other_order.purchaser)
    client.force_login(finance)

    response = client.get(reverse("finance_proofs:index"))

    html = response.content.decode()
    assert [proof.pk for proof in response.context["proofs"]] == [older.pk, newer.pk]
    assert f'<img src="{reverse("finance_proofs:file", args=[newer.pk])}"' in html
    assert "回单.pdf" in html and reverse("finance_proofs:file", args=[older.pk]) in html
    assert other_order.code not in html
    assert "¥1,200.00 CNY" in html


def test_proof_file_is_served_to_staff_of_its_conference(client, finance, order, buyer, other_finance):
    proof = proof_for(order, buyer)
    client.force_login(finance)

    response = client.get(reverse("finance_proofs:file", args=[proof.pk]))

    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    client.force_login(other_finance)
    assert client.get(reverse("finance_proofs:file", args=[proof.pk])).status_code == 404


def test_accepting_a_proof_pays_the_order_with_one_mail_and_a_receipt(
    client, finance, order, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    proof = proof_for(order, buyer)
    client.force_login(finance)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("finance_proofs:accept", args=[proof.pk]), follow=True)

    order.refresh_from_db()
    proof.refresh_from_db()
    assert (order.state, proof.state, proof.reviewed_by) == (OrderState.PAID, ProofState.ACCEPTED, finance)
    assert Payment.objects.get(order=order).state == PaymentState.CONFIRMED
    assert Receipt.objects.filter(order=order).count() == 1
    assert [message.to for message in mailoutbox] == [["li.lei@example.edu.cn"]]
    assert f"Proof accepted: order {order.code} is paid." in messages_of(response)
    assert response.context["proofs"] == []


def test_double_accept_makes_one_change(client, finance, order, buyer, mailoutbox, django_capture_on_commit_callbacks):
    proof = proof_for(order, buyer)
    client.force_login(finance)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("finance_proofs:accept", args=[proof.pk]))
        second = client.post(reverse("finance_proofs:accept", args=[proof.pk]), follow=True)

    logs = ModelLogEntry.objects.filter(object_id=str(order.pk))
    assert logs.filter(action="flock.proof.accept").count() == 1
    assert logs.filter(action="flock.order.paid").count() == 1
    assert Receipt.objects.filter(order=order).count() == 1
    assert len(mailoutbox) == 1
    assert f"This proof of order {order.code} was reviewed already." in messages_of(second)


def test_rejecting_without_a_reason_is_refused(client, finance, order, buyer, mailoutbox):
    proof = proof_for(order, buyer)
    client.force_login(finance)

    response = client.post(reverse("finance_proofs:reject", args=[proof.pk]), {"reason": "   "}, follow=True)

    proof.refresh_from_db()
    assert proof.state == ProofState.PENDING
    assert "Please tell the payer why the proof is rejected." in messages_of(response)
    assert mailoutbox == []


def test_rejecting_with_a_reason_tells_the_payer(
    client, finance, order, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    proof = proof_for(order, buyer)
    client.force_login(finance)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("finance_proofs:reject", args=[proof.pk]), {"reason": "金额与订单不符"})

    proof.refresh_from_db()
    order.refresh_from_db()
    assert (proof.state, proof.reason, order.state) == (ProofState.REJECTED, "金额与订单不符", OrderState.PENDING)
    assert [message.to for message in mailoutbox] == [["li.lei@example.edu.cn"]]
    assert "金额与订单不符" in mailoutbox[0].body


def test_organizer_sees_the_queue_but_cannot_accept(client, organizer, order, buyer):
    proof = proof_for(order, buyer)
    client.force_login(organizer)

    html = client.get(reverse("finance_proofs:index")).content.decode()
    response = client.post(reverse("finance_proofs:accept", args=[proof.pk]))

    assert order.code in html and reverse("finance_proofs:accept", args=[proof.pk]) not in html
    assert response.status_code == 302
    proof.refresh_from_db()
    assert proof.state == ProofState.PENDING


# --- Payments ------------------------------------------------------------------------------------


def test_payments_listing_filters_and_export_are_scoped(client, finance, make_order, buyer, other_order):
    by_bank = pay(make_order())
    by_alipay = pay(make_order(), provider=Provider.ALIPAY)
    invoice_for(by_alipay.order, buyer)
    expired = make_order()
    expire_order(order=expired)
    late = pay(expired, provider=Provider.STRIPE)
    pay(other_order)
    client.force_login(finance)
    url = reverse("finance_payments:index")

    def numbers(**params):
        return {payment.number for payment in client.get(url, params).context["object_list"]}

    assert numbers() == {by_bank.number, by_alipay.number, late.number}
    assert numbers(provider="alipay") == {by_alipay.number}
    assert numbers(late="true") == {late.number}
    assert numbers(state="confirmed", provider="bank_transfer") == {by_bank.number}
    rows = xlsx_rows(client.get(url, {"export": "xlsx", "provider": "alipay"}))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert (row["Payment"], row["Order code"], row["Provider"]) == (by_alipay.number, by_alipay.order.code, "Alipay")
    assert (row["Invoice title"], row["Taxpayer number"]) == ("上海交通大学", TAX_NUMBER)


# --- Invoice requests ----------------------------------------------------------------------------


@pytest.fixture
def invoice(order, buyer):
    pay(order)
    return invoice_for(
        order,
        buyer,
        kind="special",
        address="上海市闵行区东川路800号",
        phone="021-54740000",
        bank_name="中国银行上海闵行支行",
        bank_account="4377 5820 0000",
        email="caiwu@sjtu.example.edu.cn",
    )


def test_invoice_export_for_the_finance_office(client, finance, invoice, other_order):
    pay(other_order)
    invoice_for(other_order, other_order.purchaser, title="Other Org")
    client.force_login(finance)

    rows = xlsx_rows(client.get(reverse("finance_invoices:index"), {"export": "xlsx"}))

    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    paid_on = timezone.localtime(invoice.order.paid_at, invoice.order.conference.tz).date()
    assert row == {
        "Order code": invoice.order.code,
        "Invoice title": "上海交通大学",
        "Taxpayer number": TAX_NUMBER,
        "Invoice type": "Special VAT invoice (专用发票)",
        "Registered address": "上海市闵行区东川路800号",
        "Registered phone": "021-54740000",
        "Bank": "中国银行上海闵行支行",
        "Bank account": "4377 5820 0000",
        "Send the invoice to": "caiwu@sjtu.example.edu.cn",
        "Amount": 1200,
        "Currency": "CNY",
        "Paid on": paid_on,
        "State": "Requested",
        "Invoice number": None,
        "Conference": "NCIC 2027",
        "Requested": row["Requested"],
    }


def test_invoice_listing_filters_and_search(client, finance, invoice, make_order, buyer):
    ordinary = make_order()
    pay(ordinary)
    invoice_for(ordinary, buyer, title="个人", tax_number="")
    client.force_login(finance)
    url = reverse("finance_invoices:index")

    def titles(**params):
        return {row.title for row in client.get(url, params).context["object_list"]}

    assert titles() == {"上海交通大学", "个人"}
    assert titles(kind="special") == {"上海交通大学"}
    assert titles(q=TAX_NUMBER) == {"上海交通大学"}
    assert titles(state="issued") == set()


def test_issuing_an_invoice_with_a_non_pdf_is_refused_and_saves_nothing(client, finance, invoice, mailoutbox):
    client.force_login(finance)

    response = client.post(
        reverse("finance_invoices:issue", args=[invoice.pk]),
        {"invoice_number": "24312000000012345678", "file": SimpleUploadedFile("invoice.pdf", PNG)},
    )

    assert response.status_code == 200
    assert "Please attach the electronic invoice as a PDF." in response.content.decode()
    invoice.refresh_from_db()
    assert (invoice.state, invoice.invoice_number, invoice.file.name) == (InvoiceState.REQUESTED, "", "")
    assert mailoutbox == []


def test_issuing_an_invoice_stores_the_pdf_and_tells_the_payer(
    client, finance, invoice, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(finance)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("finance_invoices:issue", args=[invoice.pk]),
            {"invoice_number": "24312000000012345678", "file": SimpleUploadedFile("fapiao.pdf", PDF)},
        )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.state, invoice.invoice_number, invoice.issued_by) == (
        InvoiceState.ISSUED,
        "24312000000012345678",
        finance,
    )
    assert [message.to for message in mailoutbox] == [["li.lei@example.edu.cn"]]
    pdf = client.get(reverse("finance_invoices:file", args=[invoice.pk]))
    assert b"".join(pdf.streaming_content) == PDF


def test_invoice_screens_of_another_conference_are_404(client, other_finance, invoice):
    client.force_login(other_finance)

    assert client.get(reverse("finance_invoices:issue", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("finance_invoices:file", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("finance_invoices:index")).context["object_list"].count() == 0
    assert len(xlsx_rows(client.get(reverse("finance_invoices:index"), {"export": "xlsx"}))) == 1


# --- Summary -------------------------------------------------------------------------------------


def at(conference, day, hour):
    """An aware time on ``day`` at ``hour`` in the conference's time zone."""
    return datetime.combine(day, datetime.min.time(), tzinfo=conference.tz) + timedelta(hours=hour)


def test_summary_totals_by_provider_and_by_conference_day(client, finance, conference, make_order, other_order):
    day1, day2 = date(2027, 3, 1), date(2027, 3, 2)
    bank = pay(make_order(items=[item("1200.00")]))
    alipay = pay(make_order(items=[item("800.50")]), provider=Provider.ALIPAY)
    stripe = pay(make_order(items=[item("99.99")]), provider=Provider.STRIPE)
    outside = pay(make_order(items=[item("5000.00")]))
    Payment.objects.filter(pk=bank.pk).update(confirmed_at=at(conference, day1, 9))
    # 23:30 on day 1 in Shanghai is still day 1 there (15:30 UTC).
    Payment.objects.filter(pk=alipay.pk).update(confirmed_at=at(conference, day1, 23.5))
    Payment.objects.filter(pk=stripe.pk).update(confirmed_at=at(conference, day2, 0.25))
    Payment.objects.filter(pk=outside.pk).update(confirmed_at=at(conference, day2 + timedelta(days=1), 10))
    refund = refund_payment(payment=bank, amount=Decimal("100.25"), user=finance, request_key="e" * 32)
    Refund.objects.filter(pk=refund.pk).update(completed_at=at(conference, day2, 11))
    make_order()
    Order.objects.filter(conference=conference).update(created_at=at(conference, day1, 8))
    Order.objects.filter(pk=outside.order_id).update(created_at=at(conference, day2 + timedelta(days=1), 8))
    pay(other_order)
    Payment.objects.filter(order=other_order).update(confirmed_at=at(conference, day1, 10))
    client.force_login(finance)

    response = client.get(reverse("finance_summary:index"), {"date_from": "2027-03-01", "date_to": "2027-03-02"})

    [summary] = response.context["summaries"]
    assert summary.conference == conference
    with translation.override("en"):
        by_provider = [
            (str(row.label), row.currency, row.received, row.refunded, row.net) for row in summary.by_provider
        ]
    assert by_provider == [
        ("Alipay", "CNY", Decimal("800.50"), Decimal("0.00"), Decimal("800.50")),
        ("Bank transfer", "CNY", Decimal("1200.00"), Decimal("100.25"), Decimal("1099.75")),
        ("Card (Stripe)", "CNY", Decimal("99.99"), Decimal("0.00"), Decimal("99.99")),
    ]
    assert [(row.label, row.received, row.refunded, row.net) for row in summary.by_day] == [
        (day1, Decimal("2000.50"), Decimal("0.00"), Decimal("2000.50")),
        (day2, Decimal("99.99"), Decimal("100.25"), Decimal("-0.26")),
    ]
    assert [(row.currency, row.net) for row in summary.totals] == [("CNY", Decimal("2000.24"))]
    assert {state.value: count for state, count in summary.orders_by_state} == {
        "pending": 1,
        "paid": 2,
        "cancelled": 0,
        "expired": 0,
        "partially_refunded": 1,
        "refunded": 0,
    }
    assert "¥2,000.24 CNY" in response.content.decode()
    assert "OTHER 2027" not in response.content.decode()


def test_summary_of_another_finance_user_shows_only_their_conference(client, other_finance, other, order):
    pay(order)
    client.force_login(other_finance)

    response = client.get(reverse("finance_summary:index"), {"conference": order.conference_id})

    assert [summary.conference for summary in response.context["summaries"]] == [other]
    assert response.context["form"].errors["conference"]


# --- Payment settings ----------------------------------------------------------------------------


class FakeCardProvider(providers.PaymentProvider):
    key = Provider.STRIPE
    label = "Card (Stripe)"
    enabled_field = "stripe_enabled"
    settings_fields = ("stripe_enabled", "stripe_payment_methods")
    secret_fields = ("stripe_secret_key", "stripe_webhook_secret")


@pytest.fixture
def card_provider(monkeypatch):
    """A provider with secrets, standing in for Stripe whatever its state of development."""
    providers.all_providers()  # import (and register) the real providers first
    monkeypatch.setitem(providers._REGISTRY, Provider.STRIPE, FakeCardProvider())


def settings_data(client, url, **changes):
    """The settings form as the browser would post it unchanged, with ``changes``."""
    response = client.get(url)
    data = {}
    for form in response.context["forms"]:
        for field in form:
            value = form.initial.get(field.name, field.initial) if field.name in form.initial else field.initial
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value
    data.update(changes)
    return data


def test_settings_keep_a_secret_left_empty_and_never_show_it(client, finance, conference, card_provider):
    payment_settings = payment_settings_for(conference)
    payment_settings.stripe_secret_key = "sk_test_kept_secret_123"
    payment_settings.save()
    url = reverse("finance_settings:edit", args=[conference.pk])
    client.force_login(finance)

    html = client.get(url).content.decode()
    response = client.post(url, settings_data(client, url, **{"stripe-stripe_payment_methods": "card, alipay"}))

    assert "sk_test_kept_secret_123" not in html
    assert 'type="password" name="stripe-stripe_secret_key"' in html
    assert 'data-secret="stripe_secret_key"' in html and "flock-secret-set" in html
    assert response.status_code == 302
    payment_settings = PaymentSettings.objects.get(conference=conference)
    assert payment_settings.stripe_secret_key == "sk_test_kept_secret_123"
    assert payment_settings.stripe_payment_methods == "card, alipay"
    entry = ModelLogEntry.objects.get(action="flock.payment_settings.change")
    assert entry.data == {"fields": ["stripe_payment_methods"]}
    assert "sk_test" not in str(entry.data)


def test_settings_store_a_new_secret_and_clear_one(client, finance, conference, card_provider):
    payment_settings = payment_settings_for(conference)
    payment_settings.stripe_webhook_secret = "whsec_old"
    payment_settings.last_receipt_number = 41
    payment_settings.save()
    url = reverse("finance_settings:edit", args=[conference.pk])
    client.force_login(finance)
    data = settings_data(
        client,
        url,
        **{"stripe-stripe_secret_key": "sk_test_new", "stripe-stripe_webhook_secret_clear": "on"},
    )
    PaymentSettings.objects.filter(pk=payment_settings.pk).update(last_receipt_number=42)  # a receipt meanwhile

    client.post(url, data)

    payment_settings.refresh_from_db()
    assert (payment_settings.stripe_secret_key, payment_settings.stripe_webhook_secret) == ("sk_test_new", "")
    assert payment_settings.last_receipt_number == 42
    entry = ModelLogEntry.objects.get(action="flock.payment_settings.change")
    assert entry.data == {"fields": ["stripe_secret_key", "stripe_webhook_secret"]}


def test_secret_from_the_environment_is_shown_as_such(client, finance, conference, card_provider, settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_from_env"
    client.force_login(finance)

    response = client.get(reverse("finance_settings:edit", args=[conference.pk]))

    html = response.content.decode()
    stripe_form = next(form for form in response.context["forms"] if form.prefix == "stripe")
    assert {secret["field"].name: secret["status"] for secret in stripe_form.secrets()} == {
        "stripe_secret_key": "not_set",
        "stripe_webhook_secret": "environment",
    }
    assert "from the environment" in html and "whsec_from_env" not in html


def test_settings_expiry_and_reminder_hours(client, organizer, conference):
    url = reverse("finance_settings:edit", args=[conference.pk])
    client.force_login(organizer)

    refused = client.post(
        url, settings_data(client, url, **{"rules-order_expiry_hours": 24, "rules-reminder_hours": 30})
    )
    client.post(url, settings_data(client, url, **{"rules-order_expiry_hours": 48, "rules-reminder_hours": 12}))

    assert "The reminder must come before the order expires." in refused.content.decode()
    payment_settings = PaymentSettings.objects.get(conference=conference)
    assert (payment_settings.order_expiry_hours, payment_settings.reminder_hours) == (48, 12)


def test_settings_of_another_conference_are_404(client, finance, other):
    client.force_login(finance)

    assert client.get(reverse("finance_settings:edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("finance_settings:edit", args=[other.pk]), {}).status_code == 404
    assert "OTHER 2027" not in client.get(reverse("finance_settings:index")).content.decode()


def test_provider_settings_form_restores_a_pasted_pem_key(conference, card_provider):
    form_class = provider_settings_form(providers.get_provider(Provider.STRIPE))
    body = "A" * 100

    form = form_class(
        {
            "stripe_payment_methods": "card",
            "stripe_secret_key": f"-----BEGIN PRIVATE KEY-----{body}-----END PRIVATE KEY-----",
        },
        instance=payment_settings_for(conference),
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["stripe_secret_key"] == (
        f"-----BEGIN PRIVATE KEY-----\n{'A' * 64}\n{'A' * 36}\n-----END PRIVATE KEY-----\n"
    )
    assert restore_pem(" sk_live_x ") == "sk_live_x"


def test_entering_and_clearing_a_secret_together_is_an_error(conference, card_provider):
    form_class = provider_settings_form(providers.get_provider(Provider.STRIPE))

    form = form_class(
        {"stripe_payment_methods": "card", "stripe_secret_key": "sk_x", "stripe_secret_key_clear": "on"},
        instance=payment_settings_for(conference),
    )

    with translation.override("en"):
        assert form.errors == {"stripe_secret_key": ["Enter a new secret or clear it, not both."]}


def test_site_history_links_finance_rows_to_their_screens(client, superuser, order):
    pay(order)
    client.force_login(superuser)

    html = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()

    assert reverse("finance_orders:inspect", args=[order.pk]) in html
