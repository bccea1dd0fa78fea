"""The demo's registration for NCIC 2027: open, four types with fees in CNY and USD, questions with
a condition, about sixty registrations in every state and both languages whose orders agree with
them; built the same way every time, fast, and only once."""

import time
from collections import Counter
from decimal import Decimal

import pytest

from attendance.enums import FeeTierKind, RegistrationState
from attendance.models import Answer, Question, Registration, RegistrationType
from attendance.services.setup import registration_is_open
from cms.demo import SEEDERS, DemoContext, seed_core, seed_demo
from commerce.enums import OrderState
from commerce.models import Order

pytestmark = pytest.mark.django_db
S = RegistrationState


def counts():
    return (
        Registration.objects.count(),
        RegistrationType.objects.count(),
        Question.objects.count(),
        Answer.objects.count(),
        Order.objects.count(),
    )


def check_set_up(demo):
    types = list(RegistrationType.objects.filter(conference=demo).order_by("sort_order"))
    assert registration_is_open(demo)
    assert demo.second_currency == "USD"
    assert [(t.name_zh, t.name_en) for t in types] == [
        ("正式代表", "Regular"),
        ("学生", "Student"),
        ("会员", "Member"),
        ("陪同人员", "Accompanying person"),
    ]
    student = types[1]
    assert (student.requires_approval, student.document_required, student.document_label_zh) == (True, True, "学生证")
    for registration_type in types:
        tiers = {tier.kind: tier for tier in registration_type.fee_tiers.all()}
        assert set(tiers) == {FeeTierKind.EARLY_BIRD, FeeTierKind.REGULAR, FeeTierKind.ON_SITE}
        assert all(tier.price > 0 and tier.price_second > 0 for tier in tiers.values())
    questions = {q.label_en: q for q in Question.objects.filter(conference=demo).select_related("depends_on")}
    assert questions["Dietary needs"].kind == "single_choice"
    assert questions["I am presenting a talk or a poster"].kind == "checkbox"
    paper = questions["Paper ID"]
    assert (paper.depends_on, paper.depends_value) == (questions["I am presenting a talk or a poster"], "yes")
    assert questions["Please describe your dietary needs"].depends_value == "other"


def check_registrations(demo):
    registrations = Registration.objects.filter(conference=demo)
    assert registrations.count() == 60
    assert len(set(registrations.values_list("user", flat=True))) == 60
    states = Counter(registrations.values_list("state", flat=True))
    assert set(states) == set(S.values)
    assert states[S.AWAITING_APPROVAL] >= 3 and states[S.CONFIRMED] >= 20
    assert set(registrations.values_list("language", flat=True)) == {"zh-hans", "en"}
    assert set(registrations.values_list("currency", flat=True)) == {"CNY", "USD"}
    assert registrations.filter(walk_in=True).count() == 2
    assert registrations.filter(cancel_cause="rejected").exclude(reason="").exists()
    assert Answer.objects.filter(registration__conference=demo).count() > 60
    students = registrations.filter(registration_type__name_en="Student")
    assert students.exclude(document="").count() == students.count()
    assert ("xu.haiyan@ia.ac.example.edu.cn", S.CONFIRMED) in set(registrations.values_list("email", "state"))


def check_orders(demo):
    """Every paid registration was paid through commerce (a confirmed bank transfer)."""
    registrations = Registration.objects.filter(conference=demo).select_related("order")
    for registration in registrations:
        order = registration.order
        if registration.state == S.CONFIRMED:
            assert order.state == OrderState.PAID and order.total == registration.price > Decimal("0")
            assert order.payments.get().provider == "bank_transfer"
        elif registration.state == S.AWAITING_PAYMENT:
            assert order.state == OrderState.PENDING and order.total == registration.price
        elif registration.state == S.AWAITING_APPROVAL:
            assert order is None
        else:
            assert order is None or order.state == OrderState.CANCELLED
    paid = Order.objects.filter(conference=demo, lines__kind=Registration.ORDER_KIND, state=OrderState.PAID)
    assert paid.count() == registrations.filter(state=S.CONFIRMED).count()


def check_desk(demo, context):
    from attendance.models import CheckIn
    from cms.demo import DEMO_PASSWORD
    from cms.enums import Role
    from cms.models import User
    from cms.permissions import has_role

    email = dict(context.logins)["check-in staff (admin menu Check-in desk)"]
    staff = User.objects.get(email=email)
    assert staff.check_password(DEMO_PASSWORD) and has_role(staff, demo, Role.CHECKIN)
    check_ins = CheckIn.objects.filter(conference=demo, undone_at__isnull=True)
    assert check_ins.count() == 6
    assert {c.registration.state for c in check_ins} == {RegistrationState.CONFIRMED}


def test_demo_registration_is_complete_fast_and_added_once(demo_clock):
    """The demo's registration set-up, registrations and orders; its part of ``seed_demo``
    measured alone (on SQLite in the tests); a second ``seed_demo`` adds nothing."""
    from attendance.demo import seed_attendance

    context = DemoContext()
    seed_core(context)
    for order, seeder in SEEDERS:
        if order < 40:
            seeder(context)
    started = time.perf_counter()
    seed_attendance(context)
    elapsed = time.perf_counter() - started
    demo = context.conferences["ncic2027"]
    check_set_up(demo)  # one seeding serves every check: it is the slow part
    check_registrations(demo)
    check_orders(demo)
    check_desk(demo, context)
    before = counts()
    people = sorted(Registration.objects.values_list("email", "registration_type__name_en", "state"))

    seed_demo()

    assert elapsed < 10, f"the registration demo took {elapsed:.1f} s"
    assert counts() == before
    assert sorted(Registration.objects.values_list("email", "registration_type__name_en", "state")) == people
