"""Hotels and tours in the admin: scoped to the organizer's conferences; rooms per night in bulk;
occupancy per hotel and night; the rooming list and the participant list as XLSX read back
cell by cell; raising a tour's capacity offers the new places to the people waiting."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from attendance.booking_enums import TourBookingState
from attendance.models import Hotel, RoomNight, RoomType, Tour
from attendance.services.hotels import book_room
from attendance.services.tours import book_tour, join_waiting_list
from cms.enums import Role
from cms.services.conferences import grant_role
from commerce.models import Payment
from commerce.services.payments import confirm_payment
from tests.attendance.bookings.helpers import day, nights_taken

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(user_factory, conference):
    user = user_factory(email="organizer@example.org")
    grant_role(conference=conference, user=user, role=Role.ORGANIZER, notify=False)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def admin_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def outsider_client(client, user_factory, make_conference_row):
    other = make_conference_row(slug="other2027", acronym="OTHER 2027")
    user = user_factory(email="someone@other.example.org")
    grant_role(conference=other, user=user, role=Role.ORGANIZER, notify=False)
    client.force_login(user)
    return client


def workbook(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def pay(order):
    payment = Payment.objects.create(order=order, provider="bank_transfer", amount=order.total, currency=order.currency)
    confirm_payment(payment=payment, amount=order.total, currency=order.currency)


def test_another_conferences_organizer_sees_none_of_them(outsider_client, hotel, double, tour):
    for name in ("hotels", "room_types", "tours"):
        assert outsider_client.get(reverse(f"{name}:index")).status_code == 200
        content = outsider_client.get(reverse(f"{name}:index")).content.decode()
        assert "西湖国宾馆" not in content and "Deluxe double" not in content and "西溪湿地" not in content
    assert outsider_client.get(reverse("hotels:edit", args=[hotel.pk])).status_code == 404
    assert outsider_client.get(reverse("booking_screens:occupancy", args=[hotel.pk])).status_code == 404
    assert outsider_client.get(reverse("booking_screens:rooming_list", args=[hotel.pk])).status_code == 404
    assert outsider_client.get(reverse("booking_screens:participants", args=[tour.pk])).status_code == 404


def test_the_organizer_sees_their_hotels_and_tours(admin_client, hotel, double, tour):
    assert "西湖国宾馆" in admin_client.get(reverse("hotels:index")).content.decode()
    assert "Deluxe double" in admin_client.get(reverse("room_types:index")).content.decode()
    assert "西溪湿地半日游" in admin_client.get(reverse("tours:index")).content.decode()
    assert admin_client.get(reverse("hotels:edit", args=[hotel.pk])).status_code == 200


def test_adding_a_room_type_and_setting_20_rooms_every_night(admin_client, conference, hotel):
    response = admin_client.post(
        reverse("room_types:add"),
        {"hotel": hotel.pk, "kind": "twin", "name_zh": "标准双床房", "name_en": "Standard twin", "price": "560.00",
         "price_second": "", "active": "on", "sort_order": "1"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    twin = RoomType.objects.get(name_en="Standard twin")

    response = admin_client.post(
        reverse("booking_screens:conference", args=[conference.pk]),
        {"allotment-room_type": twin.pk, "allotment-first_night": day(conference, -1),
         "allotment-last_night": day(conference, 1), "allotment-rooms": "20"},
    )  # fmt: skip

    assert response.status_code == 302
    assert dict(twin.nights.values_list("night", "total")) == {day(conference, n): 20 for n in (-1, 0, 1)}


def test_allotment_below_the_booked_rooms_is_refused_on_the_screen(admin_client, conference, double, make_registration):
    book_room(
        registration=make_registration(), room_type=double, check_in=day(conference, 0), check_out=day(conference, 1)
    )

    response = admin_client.post(
        reverse("booking_screens:conference", args=[conference.pk]),
        {"allotment-room_type": double.pk, "allotment-first_night": day(conference, 0),
         "allotment-last_night": day(conference, 0), "allotment-rooms": "0"},
    )  # fmt: skip

    assert response.status_code == 200
    assert (
        f"More rooms are already booked on these nights: {day(conference, 0):%Y-%m-%d} (1)."
        in response.content.decode()
    )
    assert RoomNight.objects.get(room_type=double, night=day(conference, 0)).total == 5


def test_occupancy_shows_taken_and_total_per_room_type_and_night(
    admin_client, conference, hotel, double, single, make_registration
):
    for _ in range(2):
        book_room(
            registration=make_registration(),
            room_type=double,
            check_in=day(conference, 0),
            check_out=day(conference, 2),
        )
    book_room(
        registration=make_registration(), room_type=single, check_in=day(conference, 1), check_out=day(conference, 2)
    )

    response = admin_client.get(reverse("booking_screens:occupancy", args=[hotel.pk]))

    page = " ".join(response.content.decode().split())
    assert '<th scope="row">Deluxe double</th><td>0 / 5</td><td>2 / 5</td><td>2 / 5</td><td>0 / 5</td>' in page
    assert '<th scope="row">Standard single</th><td>0 / 5</td><td>0 / 5</td><td>1 / 5</td><td>0 / 5</td>' in page
    assert "<td>0 / 10</td><td>2 / 10</td><td>3 / 10</td><td>0 / 10</td>" in page


def test_the_rooming_list_cells(admin_client, conference, hotel, double, single, make_registration):
    paid = book_room(
        registration=make_registration(name_zh="李雷", first_name="Lei", last_name="Li", phone="+86 138 0000 0001"),
        room_type=double, check_in=day(conference, 0), check_out=day(conference, 2), roommate="韩梅梅", requests="无烟房",
    )  # fmt: skip
    pay(paid.order)
    unpaid = book_room(
        registration=make_registration(name_zh="", first_name="Grace", last_name="Hopper"),
        room_type=single, check_in=day(conference, -1), check_out=day(conference, 0),
    )  # fmt: skip
    book_room(
        registration=make_registration(), room_type=single, check_in=day(conference, 1), check_out=day(conference, 2)
    )
    from attendance.services.hotels import cancel_booking

    cancel_booking(booking=hotel.room_types.get(name_en="Standard single").bookings.order_by("pk").last())

    rows = workbook(admin_client.get(reverse("booking_screens:rooming_list", args=[hotel.pk]) + "?language=en"))

    assert rows[0] == ["Guest", "Roommate", "Room type", "Nights", "Check-in", "Check-out", "Special requests", "Payment",
                       "Registration code", "Email address", "Phone"]  # fmt: skip
    as_date = lambda offset: datetime.datetime.combine(day(conference, offset), datetime.time())  # noqa: E731
    assert rows[1:] == [
        ["Grace Hopper", None, "Standard single", 1, as_date(-1), as_date(0), None, "Awaiting payment",
         unpaid.registration.code, unpaid.registration.email, None],
        ["李雷 (Lei Li)", "韩梅梅", "Deluxe double", 2, as_date(0), as_date(2), "无烟房", "Paid",
         paid.registration.code, paid.registration.email, "+86 138 0000 0001"],
    ]  # fmt: skip
    chinese = workbook(admin_client.get(reverse("booking_screens:rooming_list", args=[hotel.pk]) + "?language=zh-hans"))
    assert chinese[2][2] == "豪华大床房"


def test_the_participant_list_and_the_waiting_list(admin_client, conference, tour, make_registration):
    first = book_tour(registration=make_registration(name_zh="张伟", first_name="Wei", last_name="Zhang"), tour=tour)
    pay(first.order)
    book_tour(registration=make_registration(name_zh="", first_name="Emma", last_name="Schmidt"), tour=tour)
    waiting = join_waiting_list(registration=make_registration(name_zh="王芳", first_name="", last_name=""), tour=tour)

    page = admin_client.get(reverse("booking_screens:participants", args=[tour.pk])).content.decode()
    rows = workbook(admin_client.get(reverse("booking_screens:participants_export", args=[tour.pk]) + "?language=en"))

    assert "2 of 2 places booked or offered; 1 waiting." in page
    assert [row[0] for row in rows] == ["Name", "张伟 (Wei Zhang)", "Emma Schmidt", "王芳"]
    assert [row[4] for row in rows[1:]] == ["Booked", "Booked", "On the waiting list"]
    assert [row[5] for row in rows[1:]] == [None, None, 1]
    assert [row[7] for row in rows[1:]] == ["Paid", "Awaiting payment", None]
    assert rows[3][1] == waiting.registration.code


def test_raising_a_tours_capacity_in_the_admin_offers_the_place(admin_client, conference, tour, make_registration):
    for _ in range(2):
        book_tour(registration=make_registration(), tour=tour)
    waiting = join_waiting_list(registration=make_registration(), tour=tour)
    starts = tour.starts_at.astimezone(conference.tz)

    response = admin_client.post(
        reverse("tours:edit", args=[tour.pk]),
        {"name_zh": tour.name_zh, "name_en": tour.name_en, "description_zh": "", "description_en": "",
         "meeting_point_zh": "", "meeting_point_en": "", "starts_at": starts.strftime("%Y-%m-%d %H:%M"), "ends_at": "",
         "capacity": "3", "price": "150.00", "price_second": "", "cutoff_date": "", "active": "on", "sort_order": "0"},
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[-3000:]
    waiting.refresh_from_db()
    assert waiting.state == TourBookingState.OFFERED


def test_a_tours_capacity_cannot_drop_below_its_booked_places(admin_client, conference, tour, make_registration):
    for _ in range(2):
        book_tour(registration=make_registration(), tour=tour)
    starts = tour.starts_at.astimezone(conference.tz)

    response = admin_client.post(
        reverse("tours:edit", args=[tour.pk]),
        {"name_zh": tour.name_zh, "starts_at": starts.strftime("%Y-%m-%d %H:%M"), "capacity": "1", "price": "150.00",
         "sort_order": "0"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "2 places are booked or offered: the tour needs at least as many." in response.content.decode()
    assert Tour.objects.get(pk=tour.pk).capacity == 2


def test_the_conference_screen_lists_hotels_and_tours(admin_client, conference, hotel, tour):
    response = admin_client.get(reverse("booking_screens:index"))
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "West Lake State Guesthouse" in page and "Xixi Wetland half-day tour" in page
    assert Hotel.objects.count() == 1


def test_adding_a_hotel_in_both_languages(admin_client, conference, lodging):
    response = admin_client.post(
        reverse("hotels:add"),
        {
            "conference": conference.pk,
            "name_zh": "钱江新城会议酒店",
            "name_en": "Qianjiang Conference Hotel",
            "address_zh": "杭州市上城区民心路1号",
            "address_en": "1 Minxin Road, Hangzhou",
            "description_zh": "",
            "description_en": "",
            "stars": "4",
            "distance_km": "0.8",
            "map_url": "https://map.example.org/?q=qianjiang",
            "cutoff_date": "",
            "active": "on",
            "sort_order": "0",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    hotel = Hotel.objects.get(name_en="Qianjiang Conference Hotel")
    assert (hotel.conference, hotel.stars, str(hotel.distance_km)) == (conference, 4, "0.8")


def test_another_conference_cannot_be_chosen_for_a_hotel(admin_client, conference, lodging, make_conference_row):
    other = make_conference_row(slug="theirs2027", acronym="THEIRS")

    response = admin_client.post(
        reverse("hotels:add"),
        {"conference": other.pk, "name_zh": "别人的酒店", "sort_order": "0", "photos-TOTAL_FORMS": "0",
         "photos-INITIAL_FORMS": "0", "photos-MIN_NUM_FORMS": "0", "photos-MAX_NUM_FORMS": "1000"},
    )  # fmt: skip

    assert response.status_code == 200
    assert not Hotel.objects.filter(name_zh="别人的酒店").exists()


def test_the_organizer_cancels_a_room_and_a_tour_place(
    admin_client, conference, hotel, double, tour, make_registration
):
    room = book_room(
        registration=make_registration(), room_type=double, check_in=day(conference, 0), check_out=day(conference, 2)
    )
    seat = book_tour(registration=make_registration(), tour=tour)

    rooming = admin_client.get(reverse("booking_screens:occupancy", args=[hotel.pk])).content.decode()
    first = admin_client.post(reverse("booking_screens:cancel_room", args=[room.pk]))
    second = admin_client.post(reverse("booking_screens:cancel_tour_place", args=[seat.pk]))

    assert room.registration.code in rooming
    assert first.status_code == second.status_code == 302
    room.refresh_from_db()
    seat.refresh_from_db()
    assert (room.state, room.cancel_cause, seat.state, seat.cancel_cause) == (
        "cancelled",
        "staff",
        "cancelled",
        "staff",
    )
    assert sum(nights_taken(double).values()) == 0


def test_another_conferences_organizer_cannot_cancel(outsider_client, conference, double, tour, make_registration):
    room = book_room(
        registration=make_registration(), room_type=double, check_in=day(conference, 0), check_out=day(conference, 1)
    )
    seat = book_tour(registration=make_registration(), tour=tour)

    assert outsider_client.post(reverse("booking_screens:cancel_room", args=[room.pk])).status_code == 404
    assert outsider_client.post(reverse("booking_screens:cancel_tour_place", args=[seat.pk])).status_code == 404
    room.refresh_from_db()
    assert room.state == "booked"
