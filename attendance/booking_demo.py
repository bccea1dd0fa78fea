"""Demo hotels and tours for NCIC 2027: a hotel window of a week (two nights before the first day
to two nights after the last), two hotels with five room types and their rooms on every night,
two tours (an evening cruise with room to spare and a small water-town tour that is full, with a
waiting list), and bookings by registered attendees: some paid by bank transfer, some awaiting
payment, one cancelled.

Everything goes through the services, as on the real site; a second run adds nothing.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from attendance.booking_enums import RoomKind
from attendance.enums import LIVE_STATES, RegistrationState
from attendance.models import Hotel, Registration, RoomType, Tour
from attendance.services.hotels import book_room, cancel_booking, lodging_settings_for, set_allotment
from attendance.services.tours import book_tour, join_waiting_list
from commerce.enums import Provider
from commerce.services.payments import confirm_payment, start_payment

__all__ = ["seed_bookings"]

HOTELS = [
    {
        "name_zh": "东方滨江会议酒店",
        "name_en": "Oriental Riverside Conference Hotel",
        "address_zh": "上海市浦东新区滨江大道2727号",
        "address_en": "2727 Riverside Avenue, Pudong, Shanghai",
        "description_zh": "与会议中心相连，步行两分钟即到主会场；客房可眺望黄浦江和外滩。",
        "description_en": "Connected to the convention center, two minutes' walk to the main hall; rooms overlook "
        "the Huangpu River and the Bund.",
        "stars": 5,
        "distance_km": Decimal("0.2"),
        "map_url": "https://www.openstreetmap.org/search?query=Shanghai%20International%20Convention%20Center",
        "rooms": [
            (RoomKind.DOUBLE, "豪华大床房", "Deluxe king", "880.00", "128.00", True, 20),
            (RoomKind.TWIN, "豪华双床房", "Deluxe twin", "880.00", "128.00", True, 15),
            (RoomKind.SINGLE, "行政单人间", "Executive single", "1080.00", "158.00", True, 5),
        ],
    },
    {
        "name_zh": "陆家嘴枫林酒店",
        "name_en": "Lujiazui Maple Hotel",
        "address_zh": "上海市浦东新区东方路88号",
        "address_en": "88 Dongfang Road, Pudong, Shanghai",
        "description_zh": "经济舒适，距会议中心约1.5公里，会议期间每天早晚有班车接送。",
        "description_en": "Comfortable and affordable, about 1.5 km from the venue, with a shuttle bus every "
        "morning and evening during the conference.",
        "stars": 4,
        "distance_km": Decimal("1.5"),
        "map_url": "https://www.openstreetmap.org/search?query=Lujiazui%20Shanghai",
        "rooms": [
            (RoomKind.DOUBLE, "高级大床房", "Superior double", "520.00", "76.00", True, 25),
            (RoomKind.TWIN, "标准双床房", "Standard twin", "480.00", "70.00", False, 25),
        ],
    },
]

TOURS = [
    {
        "name_zh": "黄浦江游船夜游",
        "name_en": "Huangpu River night cruise",
        "description_zh": "乘游船欣赏外滩与陆家嘴夜景，约90分钟，含饮料。",
        "description_en": "See the Bund and Lujiazui lit up at night from the river: about 90 minutes, drinks "
        "included.",
        "meeting_point_zh": "会议中心北门",
        "meeting_point_en": "North gate of the convention center",
        "day": 1,
        "time": (19, 30),
        "hours": 2,
        "capacity": 40,
        "price": "180.00",
        "price_second": "26.00",
    },
    {
        "name_zh": "朱家角古镇半日游",
        "name_en": "Zhujiajiao water town half-day tour",
        "description_zh": "游览明清古镇、放生桥与课植园，含往返大巴、导游与午餐。",
        "description_en": "The Ming and Qing water town, the Fangsheng Bridge and the Kezhi Garden: coach, guide "
        "and lunch included.",
        "meeting_point_zh": "东方滨江会议酒店大堂",
        "meeting_point_en": "Lobby of the Oriental Riverside Conference Hotel",
        "day": 3,
        "time": (8, 30),
        "hours": 5,
        "capacity": 6,
        "price": "280.00",
        "price_second": "40.00",
    },
]


def seed_bookings(context):
    conference = context.conferences["ncic2027"]
    finance = context.users.get("finance") or context.users["organizer"]
    _window(conference)
    room_types = _hotels(conference)
    tours = _tours(conference)
    if any(room_type.bookings.exists() for room_type in room_types):
        return
    people = list(
        Registration.objects.filter(conference=conference, state__in=LIVE_STATES, walk_in=False).order_by("pk")[:24]
    )
    _book_rooms(conference, room_types, people[:14], finance)
    _book_tours(tours, people[10:24], finance)


def _window(conference):
    window = lodging_settings_for(conference)
    first, last = conference.start_date - datetime.timedelta(days=2), conference.end_date + datetime.timedelta(days=2)
    if (window.first_night, window.last_night) != (first, last):
        window.first_night, window.last_night = first, last
        window.save(update_fields=["first_night", "last_night"])


def _hotels(conference):
    window = lodging_settings_for(conference)
    room_types = []
    for order, data in enumerate(HOTELS):
        fields = {key: value for key, value in data.items() if key != "rooms"}
        hotel, created = Hotel.objects.get_or_create(
            conference=conference,
            name_zh=data["name_zh"],
            defaults={
                **fields,
                "sort_order": order,
                "cutoff_date": conference.start_date - datetime.timedelta(days=14),
            },
        )
        for position, (kind, name_zh, name_en, price, price_second, breakfast, rooms) in enumerate(data["rooms"]):
            room_type, made = RoomType.objects.get_or_create(
                hotel=hotel,
                name_zh=name_zh,
                defaults={
                    "kind": kind,
                    "name_en": name_en,
                    "price": Decimal(price),
                    "price_second": Decimal(price_second),
                    "breakfast": breakfast,
                    "sort_order": position,
                },
            )
            if made:
                set_allotment(
                    room_type=room_type, first_night=window.first_night, last_night=window.last_night, rooms=rooms
                )
            room_types.append(room_type)
    return room_types


def _tours(conference):
    tours = []
    for order, data in enumerate(TOURS):
        day = conference.start_date + datetime.timedelta(days=data["day"] - 1)
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(*data["time"])), conference.tz)
        tour, _created = Tour.objects.get_or_create(
            conference=conference,
            name_zh=data["name_zh"],
            defaults={
                "name_en": data["name_en"],
                "description_zh": data["description_zh"],
                "description_en": data["description_en"],
                "meeting_point_zh": data["meeting_point_zh"],
                "meeting_point_en": data["meeting_point_en"],
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=data["hours"]),
                "capacity": data["capacity"],
                "price": Decimal(data["price"]),
                "price_second": Decimal(data["price_second"]),
                "sort_order": order,
            },
        )
        tours.append(tour)
    return tours


def _pay(order, finance):
    payment, _result = start_payment(order=order, provider_key=Provider.BANK_TRANSFER, user=finance)
    confirm_payment(payment=payment, amount=payment.amount, reference=f"ICBC {order.code}", user=finance)


def _book_rooms(conference, room_types, people, finance):
    """Stays of one to five nights around the conference; most shared rooms with a roommate; the
    confirmed attendees' bookings are paid, one booking is cancelled."""
    first = conference.start_date
    stays = [(-1, 3), (-1, 2), (0, 3), (-2, 3), (0, 2), (-1, 4), (0, 1), (1, 3)]
    roommates = ["王芳", "Chen Jing", "", "刘洋", "", "Sofia Rossi", "", "赵敏"]
    requests = ["无烟房，高楼层", "", "Late arrival, around 23:00", "", "需要婴儿床", "", "", "Quiet room, please"]
    for index, registration in enumerate(people):
        room_type = room_types[index % len(room_types)]
        start, end = stays[index % len(stays)]
        booking = book_room(
            registration=registration,
            room_type=room_type,
            check_in=first + datetime.timedelta(days=start),
            check_out=first + datetime.timedelta(days=end),
            roommate=roommates[index % len(roommates)] if room_type.is_shared else "",
            requests=requests[index % len(requests)],
            by=registration.user,
        )
        if index == 5:
            cancel_booking(booking=booking, by=registration.user)
        elif registration.state == RegistrationState.CONFIRMED and booking.order is not None:
            _pay(booking.order, finance)


def _book_tours(tours, people, finance):
    """Ten places on the cruise; the water-town tour full (six places) with three people waiting."""
    cruise, water_town = tours
    for registration in people[:10]:
        booking = book_tour(registration=registration, tour=cruise, by=registration.user)
        if registration.state == RegistrationState.CONFIRMED and booking.order is not None:
            _pay(booking.order, finance)
    for index, registration in enumerate(people[4:13]):
        if index < water_town.capacity:
            booking = book_tour(registration=registration, tour=water_town, by=registration.user)
            if registration.state == RegistrationState.CONFIRMED and booking.order is not None:
                _pay(booking.order, finance)
        else:
            join_waiting_list(registration=registration, tour=water_town, by=registration.user)
