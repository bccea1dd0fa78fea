"""Name badges: one attendee's badge and sheets of eight per A4 for a selection, for organizers and
check-in staff of the conference; read back as text (both scripts) and their QR codes decoded
from the rendered pages."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from attendance.enums import RegistrationState
from attendance.models import PrintBatch
from attendance.services.tokens import checkin_url
from cms.enums import Role
from cms.services.conferences import grant_role
from tests.attendance.conftest import RegistrationFactory
from tests.attendance.test_letters import pdf_text, qr_codes_in

pytestmark = pytest.mark.django_db
S = RegistrationState


def staff_client(user_factory, conference, role, email):
    user = user_factory(email=email, preferred_language="en")
    grant_role(conference=conference, user=user, role=role, notify=False)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk(user_factory, conference):
    return staff_client(user_factory, conference, Role.CHECKIN, "desk@example.org")


@pytest.fixture
def li(conference, regular):
    return RegistrationFactory(
        conference=conference,
        registration_type=regular,
        code="NCIC2027-R0001",
        state=S.CONFIRMED,
        name_zh="李雷",
        first_name="Lei",
        last_name="Li",
        affiliation="清华大学计算机系",
    )


@pytest.fixture
def crowd(conference, regular, student):
    """Nine more: eight confirmed regulars and one student awaiting payment."""
    people = [
        RegistrationFactory(
            conference=conference,
            registration_type=regular,
            code=f"NCIC2027-R{number:04d}",
            state=S.CONFIRMED,
            name_zh="",
            first_name="Grace",
            last_name=f"Hopper{number}",
            affiliation="Yale University",
        )
        for number in range(2, 10)
    ]
    waiting = RegistrationFactory(
        conference=conference, registration_type=student, code="NCIC2027-S0001", state=S.AWAITING_PAYMENT
    )
    return people, waiting


def test_one_badge_has_both_names_affiliation_type_and_qr_code(desk, li):
    response = desk.get(reverse("registration_print:badge", args=[li.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="NCIC2027-R0001-badge.pdf"'
    text = pdf_text(response.content)
    for expected in [
        "NCIC 2027",
        "李雷",
        "Lei Li",
        "清华大学计算机系",
        "正式代表 · Regular delegate",
        "NCIC2027-R0001",
    ]:
        assert expected in text, expected
    assert qr_codes_in(response.content) == [checkin_url(li)]


def sheets(client, conference, **choice):
    return client.post(reverse("registration_print:conference", args=[conference.pk]), {"kind": "badges", **choice})


def test_sheets_hold_eight_badges_per_page_for_the_chosen_registrations(desk, conference, li, crowd):
    people, waiting = crowd

    response = sheets(desk, conference, which="confirmed")

    assert response["Content-Disposition"] == 'attachment; filename="ncic2027-badges.pdf"'
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 2
    first = pages[0].extract_text()
    assert "李雷" in first and "Lei Li" in first and first.count("Yale University") == 7
    assert "NCIC2027-S0001" not in pdf_text(response.content)
    chosen = [li, *people]
    assert sorted(qr_codes_in(response.content, page=0)) == sorted(checkin_url(r) for r in chosen[:8])
    assert qr_codes_in(response.content, page=1) == [checkin_url(chosen[8])]


def test_many_badges_are_made_by_a_task_in_runs(
    desk, conference, li, crowd, monkeypatch, django_capture_on_commit_callbacks
):
    from attendance.services import printing
    from attendance.viewsets import badges

    monkeypatch.setattr(badges, "BADGES_AT_ONCE", 4)
    monkeypatch.setattr(printing, "PER_RUN", 8)

    with django_capture_on_commit_callbacks(execute=True):
        response = sheets(desk, conference, which="confirmed")

    batch = PrintBatch.objects.get()
    assert response["Location"] == reverse("registration_print:batch", args=[batch.pk])
    assert (batch.kind, batch.state, batch.done, batch.total) == ("badges", "ready", 9, 9)
    download = desk.get(reverse("registration_print:batch_download", args=[batch.pk]))
    assert download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    assert len(PdfReader(io.BytesIO(data)).pages) == 2
    assert qr_codes_in(data, page=1) == [checkin_url(crowd[0][-1])]
    page = desk.get(reverse("registration_print:batch", args=[batch.pk])).content.decode()
    assert reverse("registration_print:batch_status", args=[batch.pk]) in page


def test_print_jobs_and_their_files_are_deleted_after_a_week(
    desk, conference, li, crowd, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from attendance.services import printing
    from attendance.viewsets import badges

    monkeypatch.setattr(badges, "BADGES_AT_ONCE", 4)
    with django_capture_on_commit_callbacks(execute=True):
        sheets(desk, conference, which="confirmed")
    batch = PrintBatch.objects.get()
    storage, name = batch.file.storage, batch.file.name
    assert storage.exists(name)

    assert printing.sweep_print_batches() == 0
    assert printing.sweep_print_batches(now=timezone.now() + datetime.timedelta(days=8)) == 1
    assert not PrintBatch.objects.exists() and not storage.exists(name)


def test_sheets_for_a_type_or_a_list_of_codes(desk, conference, li, crowd, student):
    by_type = pdf_text(sheets(desk, conference, which="live", registration_type=student.pk).content)
    by_codes = pdf_text(sheets(desk, conference, which="confirmed", codes="ncic2027-r0001, NCIC2027-R0003").content)

    assert "NCIC2027-S0001" in by_type and "NCIC2027-R0001" not in by_type
    assert "NCIC2027-R0001" in by_codes and "NCIC2027-R0003" in by_codes and "NCIC2027-R0002" not in by_codes


def test_a_choice_that_matches_nobody_says_so(desk, conference):
    response = sheets(desk, conference, codes="NOBODY")

    assert response.status_code == 200
    assert "No registration matches this choice." in response.content.decode()
    assert not PrintBatch.objects.exists()


def test_selection_screen_offers_badges_to_check_in_staff_and_letters_to_organizers(desk, user_factory, conference):
    url = reverse("registration_print:conference", args=[conference.pk])
    organizer = staff_client(user_factory, conference, Role.ORGANIZER, "boss@example.org")

    for_desk = desk.get(url).content.decode()
    for_organizer = organizer.get(url).content.decode()

    assert 'value="badges"' in for_desk and 'value="letters"' not in for_desk
    assert 'value="badges"' in for_organizer and 'value="letters"' in for_organizer


def test_another_conferences_staff_get_404(li, user_factory, make_conference_row):
    other = make_conference_row(slug="other2027", acronym="OTHER 2027")
    client = staff_client(user_factory, other, Role.CHECKIN, "desk@other.example")

    assert client.get(reverse("registration_print:badge", args=[li.pk])).status_code == 404
    assert client.get(reverse("registration_print:conference", args=[li.conference_id])).status_code == 404
    assert sheets(client, li.conference).status_code == 404


def test_people_without_a_role_are_turned_away(li, user_factory):
    client = Client()
    client.force_login(user_factory(email="nobody@example.org", is_staff=True))

    response = client.get(reverse("registration_print:badge", args=[li.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/")  # no admin access: to the log-in page
