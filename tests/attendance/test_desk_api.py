"""The check-in desk's API: only check-in staff and organizers of the conference get answers, a
scan runs at most four queries in all (session and user included), queued offline scans upload
once however often they are sent, search finds people by name, phone or code, the offline list
carries everyone's current code, undo and payment at the desk, and bad input is a 400."""

import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.enums import RegistrationState
from attendance.models import CheckIn
from attendance.services.registering import register
from attendance.services.tokens import checkin_url, token_for
from cms.enums import Role
from cms.services.conferences import grant_role
from tests.attendance.conftest import RegistrationFactory, details_of

pytestmark = pytest.mark.django_db
S = RegistrationState


@pytest.fixture
def desk_staff(conference, user_factory):
    user = user_factory(email="desk@example.org")
    grant_role(conference=conference, user=user, role=Role.CHECKIN, notify=False)
    return user


@pytest.fixture
def desk(desk_staff):
    client = Client()
    client.force_login(desk_staff)
    return client


@pytest.fixture
def people(conference, regular, student):
    return [
        RegistrationFactory(
            conference=conference,
            registration_type=regular,
            state=S.CONFIRMED,
            code="NCIC-R0001",
            name_zh="李雷",
            first_name="Lei",
            last_name="Li",
            phone="+86 138 0000 1234",
            language="zh-hans",
        ),
        RegistrationFactory(
            conference=conference,
            registration_type=student,
            state=S.CONFIRMED,
            code="NCIC-R0002",
            first_name="Grace",
            last_name="Hopper",
            language="en",
        ),
    ]


def api(name, conference):
    return reverse(f"desk:{name}", args=[conference.pk])


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_a_scan_answers_with_the_person_and_a_second_says_already(conference, desk, people):
    first = post(desk, api("scan", conference), {"token": checkin_url(people[0]), "desk": "Desk 2"}).json()
    second = post(desk, api("scan", conference), {"token": token_for(people[0]), "desk": "Desk 4"}).json()

    assert first["status"] == "checked_in"
    assert first["person"]["name"] == "李雷" and first["person"]["code"] == "NCIC-R0001"
    assert first["person"]["payment"] == "unpaid"  # a bare row without an order
    assert second["status"] == "already"
    assert second["check_in"]["desk"] == "Desk 2"
    assert second["check_in"]["id"] == first["check_in"]["id"]


def test_a_scan_runs_at_most_four_queries_in_all(conference, desk, people):
    with CaptureQueriesContext(connection) as queries:
        response = post(desk, api("scan", conference), {"token": token_for(people[1]), "desk": "1"})
    assert response.json()["status"] == "checked_in"
    assert len(queries) <= 4, [q["sql"][:80] for q in queries.captured_queries]
    with CaptureQueriesContext(connection) as queries:
        assert post(desk, api("scan", conference), {"token": token_for(people[1])}).json()["status"] == "already"
    assert len(queries) <= 4


def test_not_a_flock_code_whatever_was_scanned(conference, desk, people):
    for text in ["", "x" * 5000, "https://example.org/", token_for(people[0])[:-1], "12.abc", 42]:
        response = post(desk, api("scan", conference), {"token": text})
        assert response.status_code == 200 and response.json() == {"status": "not_a_code"}, text
    assert desk.post(api("scan", conference), "{not json", content_type="application/json").status_code == 400
    assert desk.post(api("scan", conference), "[1, 2]", content_type="application/json").status_code == 400
    assert not CheckIn.objects.exists()


def test_only_the_conferences_check_in_staff_get_answers(conference, people, user_factory, make_conference_row):
    other = make_conference_row(slug="other2027", acronym="OTHER 2027")
    outsider = user_factory(email="outsider@example.org")
    grant_role(conference=other, user=outsider, role=Role.CHECKIN, notify=False)
    client = Client()
    client.force_login(outsider)
    assert post(client, api("scan", conference), {"token": token_for(people[0])}).json() == {"status": "not_a_code"}
    for name in ("people", "counts"):
        assert client.get(api(name, conference)).status_code == 403
    assert client.get(api("search", conference), {"q": "李雷"}).status_code == 403
    assert post(client, api("sync", conference), {"scans": []}).status_code == 403
    assert Client().get(api("people", conference)).status_code == 403
    assert not CheckIn.objects.exists()


def test_offline_scans_uploaded_twice_count_once(conference, desk, people):
    scanned_at = (timezone.now() - timezone.timedelta(minutes=5)).isoformat()
    batch = {
        "desk": "Desk 3 (offline)",
        "scans": [
            {"scan_id": str(uuid.uuid4()), "token": token_for(people[0]), "at": scanned_at},
            {"scan_id": str(uuid.uuid4()), "token": "garbage", "at": scanned_at},
        ],
    }
    first = post(desk, api("sync", conference), batch).json()["results"]
    again = post(desk, api("sync", conference), batch).json()["results"]

    assert [r["status"] for r in first] == ["checked_in", "not_a_code"]
    assert [r["status"] for r in again] == ["already", "not_a_code"]
    stored = CheckIn.objects.get()
    assert stored.offline and stored.desk == "Desk 3 (offline)"
    assert stored.checked_in_at.isoformat()[:19] == timezone.datetime.fromisoformat(scanned_at).isoformat()[:19]
    assert post(desk, api("sync", conference), {"scans": "nope"}).status_code == 400


def test_search_by_name_phone_or_code_and_the_offline_list(conference, desk, people, regular):
    RegistrationFactory(conference=conference, registration_type=regular, state=S.CANCELLED, code="NCIC-R0003")
    by_name = desk.get(api("search", conference), {"q": "李雷"}).json()["results"]
    by_phone = desk.get(api("search", conference), {"q": "1234"}).json()["results"]
    by_latin = desk.get(api("search", conference), {"q": "grace hopper"}).json()["results"]
    by_code = desk.get(api("search", conference), {"q": "r0002"}).json()["results"]
    assert [p["code"] for p in by_name] == ["NCIC-R0001"] == [p["code"] for p in by_phone]
    assert [p["code"] for p in by_latin] == ["NCIC-R0002"] == [p["code"] for p in by_code]
    assert by_name[0]["token"] == token_for(people[0])

    listing = desk.get(api("people", conference)).json()
    assert {p["code"]: p["token"] for p in listing["people"]} == {p.code: token_for(p) for p in people}
    assert listing["time_zone"] == conference.time_zone


def test_undo_and_counts(conference, desk, people):
    scanned = post(desk, api("scan", conference), {"token": token_for(people[0])}).json()
    counts = desk.get(api("counts", conference)).json()
    assert (counts["registered"], counts["checked_in"]) == (2, 1)

    assert post(desk, api("undo", conference), {"check_in": scanned["check_in"]["id"]}).json()["status"] == "undone"
    assert desk.get(api("counts", conference)).json()["checked_in"] == 0
    assert post(desk, api("undo", conference), {"check_in": "1; drop table"}).status_code == 400


def test_an_unpaid_attendee_pays_at_the_desk(conference, desk, regular, attendee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(
            conference=conference, user=attendee, registration_type=regular.pk, details=details_of(attendee)
        )
    assert post(desk, api("scan", conference), {"token": token_for(registration)}).json()["status"] == "unpaid"
    with django_capture_on_commit_callbacks(execute=True):
        paid = post(desk, api("pay", conference), {"registration": registration.pk, "reference": "现金"}).json()
    assert paid["status"] == "paid" and paid["person"]["payment"] == "paid" and paid["person"]["valid"]
    assert post(desk, api("scan", conference), {"token": token_for(registration)}).json()["status"] == "checked_in"
    again = post(desk, api("pay", conference), {"registration": registration.pk})
    assert again.status_code == 400 and again.json()["error"]


def test_the_desk_page_is_for_the_conferences_check_in_staff(
    conference, desk, people, user_factory, make_conference_row
):
    page = desk.get(reverse("checkin_desk:desk", args=[conference.pk]), {"code": token_for(people[0])})
    assert page.status_code == 200
    config = page.context["desk_config"]
    assert config["code"] == token_for(people[0]) and config["api"]["scan"] == api("scan", conference)
    assert "vendor/jsqr/jsQR.js" in page.content.decode()
    assert desk.get(reverse("checkin_desk:index")).status_code == 302

    other = make_conference_row(slug="other2027", acronym="OTHER 2027")
    elsewhere = user_factory(email="desk@other.example.org")
    grant_role(conference=other, user=elsewhere, role=Role.CHECKIN, notify=False)
    outsider = Client()
    outsider.force_login(elsewhere)
    assert outsider.get(reverse("checkin_desk:desk", args=[other.pk])).status_code == 200
    assert outsider.get(reverse("checkin_desk:desk", args=[conference.pk])).status_code == 404


def test_the_desk_and_the_letter_show_booked_rooms_and_tours(conference, desk, people):
    import datetime

    from attendance.booking_enums import HotelBookingState, RoomKind, TourBookingState
    from attendance.models import Hotel, HotelBooking, RoomType, Tour, TourBooking

    hotel = Hotel.objects.create(conference=conference, name_zh="国际饭店", name_en="Park Hotel")
    room = RoomType.objects.create(
        hotel=hotel, name_zh="大床房", name_en="Double room", kind=RoomKind.DOUBLE, price=600
    )
    day = conference.start_date
    HotelBooking.objects.create(
        conference=conference,
        rate=600,
        currency="CNY",
        registration=people[0],
        room_type=room,
        check_in=day,
        check_out=day + datetime.timedelta(days=2),
        state=HotelBookingState.BOOKED,
    )
    tour = Tour.objects.create(
        conference=conference,
        name_zh="黄浦江游船",
        name_en="River cruise",
        capacity=10,
        price=100,
        starts_at=timezone.now() + datetime.timedelta(days=90),
    )
    TourBooking.objects.create(
        conference=conference, registration=people[0], tour=tour, state=TourBookingState.BOOKED, currency="CNY"
    )

    [found] = desk.get(api("search", conference), {"q": "李雷"}).json()["results"]
    assert found["hotel"].startswith("国际饭店 · 大床房 · ")
    assert [text.split(" · ")[0] for text in found["tours"]] == ["黄浦江游船"]
    listing = {p["code"]: p for p in desk.get(api("people", conference)).json()["people"]}
    assert listing["NCIC-R0001"]["hotel"] == found["hotel"] and listing["NCIC-R0002"]["hotel"] == ""

    from attendance.letters import render_letter_pdf
    from tests.attendance.test_letters import pdf_text

    text = pdf_text(render_letter_pdf(registration=people[0], language="zh-hans"))
    assert "国际饭店 · 大床房" in text and "黄浦江游船" in text


def test_the_registration_screen_shows_the_check_in(conference, desk, people, user_factory):
    scan_result = post(desk, api("scan", conference), {"token": token_for(people[0]), "desk": "Desk 7"}).json()
    organizer = user_factory(email="boss@example.org")
    grant_role(conference=conference, user=organizer, role=Role.ORGANIZER, notify=False)
    client = Client()
    client.force_login(organizer)
    response = client.get(reverse("registrations:inspect", args=[people[0].pk]))
    assert response.context["venue"]["check_in"].pk == scan_result["check_in"]["id"]
    assert "Desk 7" in response.content.decode()


def test_a_scanned_address_opens_the_attendee_without_checking_them_in(conference, desk, people):
    found = desk.get(api("lookup", conference), {"token": checkin_url(people[1])}).json()
    assert found["status"] == "found" and found["person"]["code"] == "NCIC-R0002"
    assert found["person"]["token"] == token_for(people[1]) and found["person"]["check_in"] is None
    assert not CheckIn.objects.exists()
    assert desk.get(api("lookup", conference), {"token": "forged.aaaaaaaaaaaaaaaaaaaaaaaa"}).json() == {
        "status": "not_a_code"
    }


def test_the_service_worker_is_served_to_control_the_desk_pages(client, conference, desk):
    worker = client.get(reverse("desk:worker"))  # no log-in needed: it holds no data

    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == reverse("checkin_desk:index") == "/admin/checkin/"
    body = worker.content.decode()
    assert 'const SCOPE = new URL("/admin/checkin/", self.location).pathname;' in body
    assert 'const CACHE = "flock-desk-1";' in body
    config = desk.get(reverse("checkin_desk:desk", args=[conference.pk])).context["desk_config"]
    assert (config["worker"], config["workerScope"]) == ("/checkin/worker.js", "/admin/checkin/")
