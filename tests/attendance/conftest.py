"""Factories and fixtures of the registration tests.

The conference here is a bare ``Conference`` row (no website: registration does not need one),
open for registration, in Asia/Shanghai, paid in CNY or USD. Its fee dates are relative to today
so that "now" falls in the early-bird period; tests of the tier boundaries pass ``at=``.
"""

import datetime
import io
from decimal import Decimal

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from attendance.enums import FeeTierKind, QuestionKind, RegistrationState
from attendance.models import FeeTier, Question, QuestionChoice, Registration, RegistrationType
from attendance.services.setup import registration_settings_for
from commerce.services.orders import payment_settings_for
from tests.factories import ConferenceFactory, UserFactory


def today_local():
    return timezone.localtime(timezone.now(), datetime.timezone(datetime.timedelta(hours=8))).date()


class RegistrationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationType

    name_zh = "正式代表"
    name_en = "Regular delegate"
    sort_order = factory.Sequence(int)


class FeeTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeTier

    kind = FeeTierKind.REGULAR
    price = Decimal("2800.00")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    kind = QuestionKind.SHORT_TEXT
    label_zh = factory.Sequence(lambda n: f"问题{n}")
    label_en = factory.Sequence(lambda n: f"Question {n}")
    sort_order = factory.Sequence(int)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration row in any state, for tests of the transitions (no order, no answers)."""

    class Meta:
        model = Registration

    user = factory.SubFactory(UserFactory)
    code = factory.Sequence(lambda n: f"REG-T{n:03d}")
    state = RegistrationState.AWAITING_PAYMENT
    email = factory.LazyAttribute(lambda registration: registration.user.email)
    last_name = "Lovelace"
    affiliation = "北京大学"
    country = "CN"
    price = Decimal("2800.00")
    currency = "CNY"
    fee_kind = FeeTierKind.REGULAR


@pytest.fixture
def conference(db):
    start = today_local() + datetime.timedelta(days=90)
    conference = ConferenceFactory(
        slug="ncic2027",
        acronym="NCIC 2027",
        name_zh="第十届全国智能计算学术会议",
        name_en="The 10th National Conference on Intelligent Computing",
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        second_currency="USD",
        registration_open=True,
        contact_email="office@ncic2027.example.org",
    )
    payment_settings_for(conference)
    registration_settings_for(conference)
    return conference


@pytest.fixture
def make_type(conference):
    """A registration type with an early-bird (until today + 30 days), a regular (until + 60) and
    an on-site fee, unless ``tiers`` says otherwise (``(kind, valid_until, price, price_second)``)."""

    def make(*, tiers=None, **fields):
        registration_type = RegistrationTypeFactory(conference=conference, **fields)
        if tiers is None:
            today = today_local()
            tiers = [
                (FeeTierKind.EARLY_BIRD, today + datetime.timedelta(days=30), "2400.00", "340.00"),
                (FeeTierKind.REGULAR, today + datetime.timedelta(days=60), "2800.00", "400.00"),
                (FeeTierKind.ON_SITE, None, "3200.00", "460.00"),
            ]
        for kind, valid_until, price, price_second in tiers:
            FeeTierFactory(
                registration_type=registration_type,
                kind=kind,
                valid_until=valid_until,
                price=Decimal(price),
                price_second=Decimal(price_second) if price_second is not None else None,
            )
        return registration_type

    return make


@pytest.fixture
def regular(make_type):
    return make_type()


@pytest.fixture
def student(make_type):
    return make_type(
        name_zh="学生",
        name_en="Student",
        document_required=True,
        document_label_zh="学生证",
        document_label_en="student card",
        tiers=[(FeeTierKind.REGULAR, None, "1500.00", "210.00")],
    )


@pytest.fixture
def free_type(make_type):
    return make_type(name_zh="陪同人员", name_en="Accompanying person", is_free=True, tiers=[])


@pytest.fixture
def attendee(db):
    return UserFactory(
        email="li.lei@example.edu.cn",
        name_zh="李雷",
        first_name="Lei",
        last_name="Li",
        affiliation="清华大学计算机系",
        country="CN",
        phone="+86 138 0000 0000",
        preferred_language="zh-hans",
    )


@pytest.fixture
def english_attendee(db):
    return UserFactory(
        email="grace@example.org",
        name_zh="",
        first_name="Grace",
        last_name="Hopper",
        affiliation="Yale University",
        country="US",
        preferred_language="en",
    )


@pytest.fixture
def organizer(db):
    return UserFactory(email="organizer@example.org", is_staff=True)


def details_of(user, **changes):
    from attendance.services.inputs import details_from_user

    details = details_from_user(user)
    details["affiliation"] = details["affiliation"] or "北京大学"
    details["country"] = details["country"] or "CN"
    return {**details, **changes}


def add_question(conference, kind, *, choices=(), **fields):
    question = QuestionFactory(conference=conference, kind=kind, **fields)
    for index, (value, label_zh, label_en) in enumerate(choices):
        QuestionChoice.objects.create(
            question=question, value=value, label_zh=label_zh, label_en=label_en, sort_order=index
        )
    return question


def pdf_upload(name="学生证.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", content_type="application/pdf"
    )


def png_upload(name="card.png"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#2a6").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text_upload(name="card.pdf"):
    """A file that claims to be a PDF but is not."""
    return SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="application/pdf")


@pytest.fixture
def register_as(conference, attendee):
    """Register ``user`` (the attendee by default) through the service with valid details."""
    from attendance.services.registering import register

    def make(registration_type, *, user=None, **kwargs):
        user = user or attendee
        kwargs.setdefault("details", details_of(user))
        return register(conference=conference, user=user, registration_type=registration_type, **kwargs)

    return make


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is tested on PostgreSQL.")


@pytest.fixture
def make_conference_row(db):
    """Another bare conference."""
    return lambda **fields: ConferenceFactory(registration_open=True, **fields)
