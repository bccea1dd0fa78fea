"""The confirmation letter (参会注册表): a PDF in the registration's language read back as text, its
QR code decoded from the rendered page, the download from My conference (its owner only), the
attachment to the confirmation mail (unless the organizer switched letters off), the sections
other parts of Flock add, and the zip of many letters built by a task."""

import io
import re
import zipfile

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from attendance.enums import RegistrationState
from attendance.letters import LETTER_SECTIONS, render_letter_pdf
from attendance.models import PrintBatch, PrintBatchState, PrintKind, Registration, RegistrationSettings
from attendance.services.printing import request_print_batch
from attendance.services.registrations import cancel_registration
from attendance.services.setup import registration_settings_for
from attendance.services.tokens import checkin_url
from cms.enums import EmailStatus, Role
from cms.models import ConferenceRole, EmailLog
from cms.services import mail as mail_service
from cms.services.conferences import grant_role
from commerce.models import Payment
from commerce.services.payments import confirm_payment
from tests.attendance.conftest import RegistrationFactory, details_of

pytestmark = pytest.mark.django_db
S = RegistrationState


def pdf_text(data):
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \t]+", " ", text)


def qr_codes_in(data, *, page=0, scale=3):
    """The texts of the QR codes found on a rendered page of the PDF ``data``."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(data)
    image = document[page].render(scale=scale).to_pil()
    document.close()
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode]


def pay(order):
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency=order.currency)
    confirm_payment(payment=payment, amount=order.total, currency=order.currency)


def letter_url(registration, language="en"):
    with translation.override(language):
        return reverse(
            "attendance:letter", kwargs={"conference_slug": registration.conference.slug, "code": registration.code}
        )


def switch_letters(conference, enabled):
    settings_row = registration_settings_for(conference)
    settings_row.letters_enabled = enabled
    settings_row.save(update_fields=["letters_enabled"])


@pytest.fixture
def confirmed(register_as, regular):
    """李雷's registration, paid by bank transfer in CNY and confirmed, in Chinese."""
    registration = register_as(regular)
    pay(registration.order)
    registration.refresh_from_db()
    assert registration.state == S.CONFIRMED
    return registration


@pytest.fixture
def english_confirmed(register_as, regular, english_attendee):
    registration = register_as(
        regular, user=english_attendee, language="en", currency="USD", details=details_of(english_attendee)
    )
    pay(registration.order)
    registration.refresh_from_db()
    return registration


@pytest.fixture
def attendee_client(client, attendee):
    client.force_login(attendee)
    return client


@pytest.fixture
def hotel_section():
    """A section as the hotels module would add it."""

    def hotel(registration, language):
        with translation.override(language):
            label = "Hotel" if language == "en" else "酒店"
        return [(label, "Grand Hotel · 2027-03-01 – 2027-03-04")]

    LETTER_SECTIONS.append(hotel)
    yield hotel
    LETTER_SECTIONS.remove(hotel)


# The letter read back ---------------------------------------------------------------------------


def test_chinese_letter_names_conference_attendee_registration_and_payment(attendee_client, confirmed, conference):
    response = attendee_client.get(letter_url(confirmed, "zh-hans"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{confirmed.code}-letter.pdf"'
    text = pdf_text(response.content)
    start, end = conference.start_date, conference.end_date
    for expected in [
        "第十届全国智能计算学术会议",
        f"会议日期 {start:%Y-%m-%d} – {end:%Y-%m-%d}",
        "姓名 李雷 / Lei Li",
        "工作单位 清华大学计算机系",
        f"注册编号 {confirmed.code}",
        "注册类型 正式代表",
        "¥2,400.00 CNY · 早鸟价",
        f"已缴费 · 订单 {confirmed.order.code}",
    ]:
        assert expected in text, expected
    assert "Hotel" not in text and "酒店" not in text  # no bookings, no section


def test_english_letter_with_sections_and_its_qr_code(client, english_confirmed, english_attendee, hotel_section):
    client.force_login(english_attendee)

    data = client.get(letter_url(english_confirmed, "zh-hans")).content  # the registration's language wins

    text = pdf_text(data)
    for expected in [
        "Confirmation letter",
        "The 10th National Conference on Intelligent Computing",
        "Dear Grace Hopper,",
        "Name Grace Hopper",
        "Affiliation Yale University",
        f"Registration code {english_confirmed.code}",
        "Registration type Regular delegate",
        "US$340.00 USD · Early bird",
        "Paid · Order",
        "Hotel and tours",
        "Hotel Grand Hotel · 2027-03-01 – 2027-03-04",
    ]:
        assert expected in text, expected
    assert qr_codes_in(data) == [checkin_url(english_confirmed)]


# Who may download it ----------------------------------------------------------------------------


def test_another_persons_code_is_404(confirmed, user_factory):
    stranger = Client()
    stranger.force_login(user_factory(email="zhang.san@example.org"))

    assert stranger.get(letter_url(confirmed)).status_code == 404


def test_anonymous_visitor_is_asked_to_log_in(client, confirmed):
    response = client.get(letter_url(confirmed))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_no_letter_before_the_registration_is_confirmed(attendee_client, register_as, regular):
    registration = register_as(regular)

    assert attendee_client.get(letter_url(registration)).status_code == 404
    assert letter_url(registration) not in attendee_client.get(my_conference_url()).content.decode()


def test_no_letter_when_the_organizer_switched_letters_off(attendee_client, confirmed, conference):
    switch_letters(conference, False)

    assert attendee_client.get(letter_url(confirmed)).status_code == 404
    assert letter_url(confirmed) not in attendee_client.get(my_conference_url()).content.decode()


def test_my_conference_links_to_the_letter(attendee_client, confirmed):
    body = attendee_client.get(my_conference_url()).content.decode()

    assert f'href="{letter_url(confirmed)}"' in body


def my_conference_url():
    with translation.override("en"):
        return reverse("attendance:my_conference", kwargs={"conference_slug": "ncic2027"})


# The confirmation mail --------------------------------------------------------------------------


def test_confirmation_mail_carries_the_letter(register_as, regular, django_capture_on_commit_callbacks):
    registration = register_as(regular)

    with django_capture_on_commit_callbacks(execute=True):
        pay(registration.order)

    registration.refresh_from_db()
    subject = EmailLog.objects.get(template_key="attendance.confirmed").subject
    confirmed = next(message for message in mail.outbox if message.subject == subject)
    assert [(name, mimetype) for name, _content, mimetype in confirmed.attachments] == [
        (f"{registration.code}-letter.pdf", "application/pdf")
    ]
    assert f"注册编号 {registration.code}" in pdf_text(confirmed.attachments[0][1])
    others = [message for message in mail.outbox if message is not confirmed]
    assert all(message.attachments == [] for message in others)


def test_confirmation_mail_without_letter_when_switched_off(
    register_as, regular, conference, django_capture_on_commit_callbacks
):
    switch_letters(conference, False)
    registration = register_as(regular)

    with django_capture_on_commit_callbacks(execute=True):
        pay(registration.order)

    keys = list(EmailLog.objects.order_by("id").values_list("template_key", "status"))
    assert ("attendance.confirmed", EmailStatus.SENT) in keys
    assert all(message.attachments == [] for message in mail.outbox)


def test_mail_goes_out_without_attachments_when_making_them_fails(
    conference, attendee, django_capture_on_commit_callbacks, caplog
):
    def broken(log):
        raise RuntimeError("no fonts")

    mail_service.register_attachments("cms.role_granted", broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            log = mail_service.send_templated_mail(
                key="cms.role_granted",
                to=attendee,
                conference=conference,
                context={"role": ConferenceRole(role=Role.FINANCE), "admin_url": "http://127.0.0.1:8000/admin/"},
            )
    finally:
        mail_service.ATTACHMENT_MAKERS["cms.role_granted"].remove(broken)

    log.refresh_from_db()
    assert log.status == EmailStatus.SENT
    assert [message.attachments for message in mail.outbox] == [[]]
    assert "Could not make the attachments" in caplog.text


# Many letters in a zip ---------------------------------------------------------------------------


@pytest.fixture
def organizer_client(user_factory, conference):
    organizer = user_factory(email="boss@example.org", preferred_language="en")
    grant_role(conference=conference, user=organizer, role=Role.ORGANIZER, notify=False)
    client = Client()
    client.force_login(organizer)
    return client, organizer


def test_zip_of_letters_has_one_per_confirmed_registration_in_its_language(
    organizer_client, conference, regular, english_confirmed, confirmed, django_capture_on_commit_callbacks
):
    client, organizer = organizer_client
    RegistrationFactory(conference=conference, registration_type=regular, state=S.AWAITING_PAYMENT, code="NCIC2027-Z")
    selection = reverse("registration_print:conference", args=[conference.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(selection, {"which": "live", "codes": "", "kind": "letters"})

    batch = PrintBatch.objects.get()
    assert response["Location"] == reverse("registration_print:batch", args=[batch.pk])
    assert (batch.kind, batch.state, batch.total, batch.done, batch.percent) == ("letters", "ready", 2, 2, 100)
    status = client.get(reverse("registration_print:batch_status", args=[batch.pk])).json()
    assert (status["state"], status["done"], status["total"], status["percent"]) == ("ready", 2, 2, 100)
    download = client.get(reverse("registration_print:batch_download", args=[batch.pk]))
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith('attachment; filename="ncic2027-letters-')
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert bundle.namelist() == sorted([f"{confirmed.code}-letter.pdf", f"{english_confirmed.code}-letter.pdf"])
    assert "注册编号" in pdf_text(bundle.read(f"{confirmed.code}-letter.pdf"))
    assert "Registration code" in pdf_text(bundle.read(f"{english_confirmed.code}-letter.pdf"))


def test_letters_are_built_run_by_run_with_progress_and_a_late_cancellation_is_left_out(
    conference, confirmed, english_confirmed, organizer, monkeypatch
):
    from attendance.services import printing
    from attendance.tasks import task_build_print_batch

    monkeypatch.setattr(printing, "PER_RUN", 1)
    batch = request_print_batch(
        conference=conference, user=organizer, registrations=Registration.objects.all(), kind=PrintKind.LETTERS
    )
    first, second = sorted([confirmed, english_confirmed], key=lambda registration: registration.code)

    task_build_print_batch(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.state, batch.done, batch.total, batch.percent) == (PrintBatchState.BUILDING, 1, 2, 50)
    cancel_registration(registration=second, user=organizer)
    task_build_print_batch(batch_id=batch.pk)
    task_build_print_batch(batch_id=batch.pk)  # puts the parts together

    batch.refresh_from_db()
    assert (batch.state, batch.done, batch.total) == (PrintBatchState.READY, 2, 2)
    with batch.file.open("rb") as stored:
        assert zipfile.ZipFile(stored).namelist() == [f"{first.code}-letter.pdf"]
    task_build_print_batch(batch_id=batch.pk)  # a ready job is left alone
    batch.refresh_from_db()
    assert batch.state == PrintBatchState.READY


def test_another_conferences_organizer_cannot_see_the_zip(conference, confirmed, organizer, user_factory):
    from tests.factories import ConferenceFactory

    batch = request_print_batch(
        conference=conference, user=organizer, registrations=Registration.objects.all(), kind=PrintKind.LETTERS
    )
    other = ConferenceFactory(slug="other2027")
    stranger = user_factory(email="boss@other.example")
    grant_role(conference=other, user=stranger, role=Role.ORGANIZER, notify=False)
    client = Client()
    client.force_login(stranger)

    for name in ["batch", "batch_status", "batch_download"]:
        assert client.get(reverse(f"registration_print:{name}", args=[batch.pk])).status_code == 404, name


def test_check_in_staff_may_neither_ask_for_letters_nor_see_a_zip(conference, confirmed, organizer, user_factory):
    batch = request_print_batch(
        conference=conference, user=organizer, registrations=Registration.objects.all(), kind=PrintKind.LETTERS
    )
    desk = user_factory(email="desk@example.org")
    grant_role(conference=conference, user=desk, role=Role.CHECKIN, notify=False)
    client = Client()
    client.force_login(desk)

    response = client.post(
        reverse("registration_print:conference", args=[conference.pk]), {"which": "confirmed", "kind": "letters"}
    )

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert PrintBatch.objects.count() == 1
    assert client.get(reverse("registration_print:batch", args=[batch.pk])).status_code == 404


def test_letter_renders_without_a_qr_code_once_revoked(confirmed, organizer):
    from attendance.services.tokens import revoke_token

    revoke_token(registration=confirmed, by=organizer)

    data = render_letter_pdf(registration=confirmed)

    assert qr_codes_in(data) == []


def test_organizer_switches_letters_off_in_the_registration_settings(organizer_client, conference):
    client, organizer = organizer_client
    url = reverse("registration_settings:edit", args=[conference.pk])
    fields = {"edit_policy": "until_paid", "on_order_lapse": "reopen"}

    def enabled():
        return RegistrationSettings.objects.get(conference=conference).letters_enabled

    client.post(url, {**fields, "letters_enabled": "False"})
    assert enabled() is False
    client.post(url, fields)  # a form without the field keeps the choice
    assert enabled() is False
    client.post(url, {**fields, "letters_enabled": "True"})

    assert enabled() is True
    entries = ModelLogEntry.objects.filter(action="flock.registration_settings.change").order_by("pk")
    assert [entry.data["fields"] for entry in entries] == [["letters_enabled"], ["letters_enabled"]]
