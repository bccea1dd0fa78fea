"""The realistic bilingual demo that ``manage.py seed_demo`` builds.

The core creates the people and the conferences; each app that adds to the demo registers a
seeder (in its ``ready()``) that receives the ``DemoContext``. Every step checks what exists
first, so running the command twice changes nothing.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone

from cms.enums import ConferenceStatus, Language, Role
from cms.models import Conference, User
from cms.services.conferences import create_conference, grant_role, set_conference_status

SEEDERS = []
DEMO_PASSWORD = "flock-demo-2027"

# The demo tells of NCIC 2027 as it stands on this evening: its calls for papers and its
# registration open, its hotels taking bookings. Its dates are fixed (its pages' text names them),
# and its first deadline is the abstracts' on 10 January 2027. Seeded after that, the demo is made
# as of this moment (the services that check deadlines read this clock while it is seeded); the
# site then shows its records as they stand on the real day.
SCENARIO_NOW = datetime.datetime(2026, 11, 26, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SCENARIO_HOLDS_UNTIL = datetime.datetime(2027, 1, 9, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@contextlib.contextmanager
def scenario_clock():
    """``django.utils.timezone.now`` runs from ``SCENARIO_NOW`` inside the block when the real
    clock is past ``SCENARIO_HOLDS_UNTIL``; yields whether it does."""
    real_now = timezone.now
    if real_now() <= SCENARIO_HOLDS_UNTIL:
        yield False
        return
    offset = SCENARIO_NOW - real_now()
    timezone.now = lambda: real_now() + offset
    try:
        yield True
    finally:
        timezone.now = real_now


@dataclass
class DemoContext:
    conferences: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)
    as_of_scenario: bool = False  # seeded on the scenario's clock (``scenario_clock``)


def register_seeder(function, *, order):
    SEEDERS.append((order, function))
    SEEDERS.sort(key=lambda entry: entry[0])


def seed_demo():
    context = DemoContext()
    with scenario_clock() as context.as_of_scenario:
        seed_core(context)
        for _order, seeder in SEEDERS:
            seeder(context)
    return context


CONFERENCES = [
    {
        "slug": "ncic2027",
        "acronym": "NCIC 2027",
        "name_zh": "第十届全国智能计算学术会议",
        "name_en": "The 10th National Conference on Intelligent Computing",
        "start_date": datetime.date(2027, 4, 16),
        "end_date": datetime.date(2027, 4, 18),
        "venue_zh": "上海国际会议中心",
        "venue_en": "Shanghai International Convention Center",
        "city_zh": "上海",
        "city_en": "Shanghai",
        "second_currency": "USD",
        "contact_email": "ncic2027@flock.example",
        "mail_from_name": "NCIC 2027",
        "mail_from_email": "noreply@ncic2027.flock.example",
        "registration_open": True,
        "submissions_open": True,
        "hotels_enabled": True,
        "tours_enabled": True,
        "theme": "classic",
        "colour_style": "ocean",
        "status": ConferenceStatus.PUBLISHED,
    },
    {
        "slug": "ncic2025",
        "acronym": "NCIC 2025",
        "name_zh": "第九届全国智能计算学术会议",
        "name_en": "The 9th National Conference on Intelligent Computing",
        "start_date": datetime.date(2025, 10, 17),
        "end_date": datetime.date(2025, 10, 19),
        "venue_zh": "成都世纪城国际会议中心",
        "venue_en": "Chengdu Century City International Convention Center",
        "city_zh": "成都",
        "city_en": "Chengdu",
        "contact_email": "ncic2025@flock.example",
        "theme": "magazine",
        "colour_style": "crimson",
        "status": ConferenceStatus.ARCHIVED,
    },
]


def seed_core(context):
    admin = _user(
        context,
        "admin",
        email="admin@flock.example",
        is_superuser=True,
        is_staff=True,
        first_name="Platform",
        last_name="Admin",
        name_zh="平台管理员",
    )
    organizer = _user(
        context,
        "organizer",
        email="organizer@ncic2027.flock.example",
        first_name="Wei",
        last_name="Zhang",
        name_zh="张伟",
        title="教授",
        affiliation="复旦大学计算机科学技术学院",
        country="CN",
        preferred_language=Language.CHINESE,
    )
    context.logins += [("platform administrator", admin.email), ("organizer of NCIC 2027", organizer.email)]
    for data in CONFERENCES:
        data = dict(data)
        target_status = data.pop("status")
        conference = Conference.objects.filter(slug=data["slug"]).first()
        if conference is None:
            conference = create_conference(conference=Conference(**data), created_by=admin)
            if target_status == ConferenceStatus.ARCHIVED:
                set_conference_status(conference=conference, status=ConferenceStatus.PUBLISHED, user=admin)
            set_conference_status(conference=conference, status=target_status, user=admin)
        context.conferences[conference.slug] = conference
    grant_role(conference=context.conferences["ncic2027"], user=organizer, role=Role.ORGANIZER, notify=False)
    grant_role(conference=context.conferences["ncic2025"], user=organizer, role=Role.ORGANIZER, notify=False)


def _user(context, key, *, email, **fields):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, **fields)
    context.users[key] = user
    return user
