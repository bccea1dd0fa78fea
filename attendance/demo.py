"""Demo registration for NCIC 2027: registration open, four registration types with early-bird,
regular and on-site fees in CNY and USD, a few questions (two shown only on a condition), and
about sixty registrations in every state and both languages.

Everything goes through the services, as on the real site: people register (students with a
student card, for the organizer to approve), the organizer approves, rejects and cancels, some
attendees withdraw, finance confirms bank transfers (``commerce``'s payments: the orders are paid
and ``order_paid`` confirms the registrations), the organizer registers two walk-ins at the desk.
The choices come from a fixed random seed, so every run builds the same demo; a second run adds
nothing. Last, ``attendance.booking_demo`` adds the hotels and tours these attendees book.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile

from attendance.booking_demo import seed_bookings
from attendance.enums import CHECKED, EditPolicy, FeeTierKind, OrderLapsePolicy, QuestionKind, RegistrationState
from attendance.models import FeeTier, Question, QuestionChoice, Registration, RegistrationType
from attendance.services.registering import register
from attendance.services.registrations import (
    approve_registration,
    cancel_registration,
    reject_registration,
    withdraw_registration,
)
from attendance.services.setup import registration_settings_for
from attendance.services.walk_ins import record_transfer, register_walk_in_by_email
from cms.demo import DEMO_PASSWORD, register_seeder
from cms.enums import Language, Role
from cms.models import User
from cms.services.conferences import grant_role

__all__ = ["register_seeder", "seed_attendance"]  # apps.py registers the seeder with one import

SEED = 2027
OPENS = (2026, 9, 1, 9, 0)  # local time of the conference; registration stays open (no closing date)
EARLY_UNTIL = datetime.date(2027, 1, 15)
REGULAR_UNTIL = datetime.date(2027, 4, 12)

# name_zh, name_en, description_zh, description_en, (early, regular, on-site) in CNY, the same in USD, extra
TYPES = [
    (
        "正式代表",
        "Regular",
        "高校、科研院所及企业的正式参会代表。",
        "Delegates from universities, research institutes and companies.",
        ("2400", "2800", "3200"),
        ("340", "400", "450"),
        {},
    ),
    (
        "学生",
        "Student",
        "全日制在读学生（含博士后以外的研究生），需上传学生证，经会务组审核。",
        "Full-time students; upload your student card, which the organizers check.",
        ("1200", "1500", "1800"),
        ("170", "210", "250"),
        {
            "requires_approval": True,
            "document_required": True,
            "document_label_zh": "学生证",
            "document_label_en": "student card",
            "capacity": 120,
        },
    ),
    (
        "会员",
        "Member",
        "中国智能计算学会有效会员。",
        "Members of the Chinese Society for Intelligent Computing.",
        ("2000", "2400", "2800"),
        ("285", "340", "400"),
        {},
    ),
    (
        "陪同人员",
        "Accompanying person",
        "参会代表的陪同家属，可参加开幕式、欢迎晚宴和文化活动，不含会议资料。",
        "Family members of delegates: opening ceremony, welcome dinner and social events; no conference kit.",
        ("800", "1000", "1200"),
        ("115", "140", "170"),
        {"capacity": 40},
    ),
]

DIET_CHOICES = [
    ("none", "无特殊要求", "No special needs"),
    ("vegetarian", "素食", "Vegetarian"),
    ("halal", "清真", "Halal"),
    ("other", "其他", "Other"),
]

SURNAMES = [
    ("张", "Zhang"), ("王", "Wang"), ("李", "Li"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"), ("黄", "Huang"),
    ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"),
    ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("罗", "Luo"), ("高", "Gao"), ("郑", "Zheng"),
    ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"),
]  # fmt: skip
GIVEN_NAMES = [
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("强", "Qiang"), ("磊", "Lei"),
    ("洋", "Yang"), ("艳", "Yan"), ("勇", "Yong"), ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"),
    ("霞", "Xia"), ("晓东", "Xiaodong"), ("海燕", "Haiyan"), ("志强", "Zhiqiang"), ("雨桐", "Yutong"),
    ("子涵", "Zihan"), ("浩然", "Haoran"), ("思远", "Siyuan"), ("嘉怡", "Jiayi"), ("文博", "Wenbo"),
]  # fmt: skip
CHINESE_AFFILIATIONS = [
    ("清华大学计算机科学与技术系", "tsinghua"),
    ("北京大学信息科学技术学院", "pku"),
    ("浙江大学计算机科学与技术学院", "zju"),
    ("上海交通大学电子信息与电气工程学院", "sjtu"),
    ("复旦大学计算机科学技术学院", "fudan"),
    ("南京大学人工智能学院", "nju"),
    ("中国科学技术大学计算机科学与技术学院", "ustc"),
    ("哈尔滨工业大学计算学部", "hit"),
    ("武汉大学计算机学院", "whu"),
    ("中山大学计算机学院", "sysu"),
    ("西安交通大学人工智能学院", "xjtu"),
    ("华中科技大学计算机科学与技术学院", "hust"),
    ("中国科学院自动化研究所", "ia.ac"),
    ("同济大学电子与信息工程学院", "tongji"),
]
FOREIGN_PEOPLE = [
    ("Emma", "Schmidt", "Technical University of Munich", "DE", "tum.example.de"),
    ("Lucas", "Martin", "Université Paris-Saclay", "FR", "universite-paris-saclay.example.fr"),
    ("Sofia", "Rossi", "Politecnico di Milano", "IT", "polimi.example.it"),
    ("Hiroshi", "Tanaka", "The University of Tokyo", "JP", "u-tokyo.example.jp"),
    ("Min-jun", "Kim", "KAIST", "KR", "kaist.example.kr"),
    ("Olivia", "Brown", "University of Toronto", "CA", "utoronto.example.ca"),
    ("Noah", "Wilson", "The University of Melbourne", "AU", "unimelb.example.au"),
    ("Ananya", "Sharma", "Indian Institute of Science", "IN", "iisc.example.in"),
    ("Jakob", "Nielsen", "Technical University of Denmark", "DK", "dtu.example.dk"),
    ("Isabela", "Costa", "Universidade de São Paulo", "BR", "usp.example.br"),
    ("Ethan", "Miller", "Carnegie Mellon University", "US", "cmu.example.edu"),
    ("Chloe", "Taylor", "University of Cambridge", "GB", "cam.example.ac.uk"),
    ("Lars", "Andersson", "KTH Royal Institute of Technology", "SE", "kth.example.se"),
    ("Mei Ling", "Tan", "National University of Singapore", "SG", "nus.example.sg"),
    ("David", "Cohen", "Technion – Israel Institute of Technology", "IL", "technion.example.il"),
    ("Aisha", "Rahman", "Universiti Malaya", "MY", "um.example.my"),
]
TITLES_ZH = ["教授", "副教授", "研究员", "助理研究员", "讲师", "高级工程师", ""]
TITLES_EN = ["Professor", "Associate Professor", "Dr.", "Senior Lecturer", ""]

# How many registrations of each type end in each state: (type index, final state, count).
PLAN = [
    (0, "paid", 16),
    (0, "awaiting_payment", 7),
    (0, "withdrawn", 2),
    (0, "cancelled", 1),
    (1, "awaiting_approval", 5),
    (1, "approved_paid", 4),
    (1, "approved", 3),
    (1, "rejected", 2),
    (2, "paid", 7),
    (2, "awaiting_payment", 3),
    (2, "cancelled", 1),
    (3, "paid", 4),
    (3, "awaiting_payment", 2),
    (3, "withdrawn", 1),
]
FOREIGN_SHARE = 4  # about one registration in four is by someone from abroad, in English
REJECTION = "学生证信息无法核实（照片模糊），请在“我的会议”页面重新上传清晰的学生证后再次注册。"
CANCELLATION = "重复注册：已保留您较早提交的注册。"


def seed_attendance(context):
    conference = context.conferences["ncic2027"]
    organizer = context.users["organizer"]
    finance = context.users.get("finance") or organizer
    _configure(conference)
    types = _types(conference)
    questions = _questions(conference)
    if not Registration.objects.filter(conference=conference).exists():
        people = _people(random.Random(SEED))  # noqa: S311 - a demo, the same every run
        rng = random.Random(SEED + 1)  # noqa: S311
        _register_everyone(conference, types, questions, people, organizer, finance, rng)
        _walk_ins(conference, types, organizer, finance)
    confirmed = Registration.objects.filter(
        conference=conference, state=RegistrationState.CONFIRMED, walk_in=False, language=Language.CHINESE
    )
    attendee = confirmed.order_by("pk").values_list("email", flat=True).first()
    if attendee:
        context.logins.append(("attendee with a confirmed registration", attendee))
    seed_bookings(context)  # hotels and tours (attendance.booking_demo), booked by these registrations
    _check_in_desk(context, conference)


# --- Set-up --------------------------------------------------------------------------------------


def _configure(conference):
    settings_row = registration_settings_for(conference)
    if settings_row.opens_at is not None:
        return
    settings_row.opens_at = datetime.datetime(*OPENS, tzinfo=conference.tz)
    settings_row.edit_policy = EditPolicy.UNTIL_PAID
    settings_row.on_order_lapse = OrderLapsePolicy.REOPEN
    settings_row.save()


def _types(conference):
    existing = list(RegistrationType.objects.filter(conference=conference).order_by("sort_order", "id"))
    if existing:
        return existing
    types = []
    for order, (name_zh, name_en, text_zh, text_en, cny, usd, extra) in enumerate(TYPES, 1):
        registration_type = RegistrationType.objects.create(
            conference=conference,
            name_zh=name_zh,
            name_en=name_en,
            description_zh=text_zh,
            description_en=text_en,
            sort_order=order * 10,
            **extra,
        )
        kinds = [
            (FeeTierKind.EARLY_BIRD, EARLY_UNTIL),
            (FeeTierKind.REGULAR, REGULAR_UNTIL),
            (FeeTierKind.ON_SITE, None),
        ]
        FeeTier.objects.bulk_create(
            FeeTier(
                registration_type=registration_type,
                kind=kind,
                valid_until=until,
                price=Decimal(price),
                price_second=Decimal(second),
            )
            for (kind, until), price, second in zip(kinds, cny, usd, strict=True)
        )
        types.append(registration_type)
    return types


def _questions(conference):
    existing = {question.label_en: question for question in Question.objects.filter(conference=conference)}
    if existing:
        return existing
    diet = Question.objects.create(
        conference=conference,
        kind=QuestionKind.SINGLE_CHOICE,
        label_zh="饮食要求",
        label_en="Dietary needs",
        help_zh="会议午餐和欢迎晚宴将据此准备。",
        help_en="For the conference lunches and the welcome dinner.",
        required=True,
        sort_order=10,
    )
    QuestionChoice.objects.bulk_create(
        QuestionChoice(question=diet, value=value, label_zh=zh, label_en=en, sort_order=index)
        for index, (value, zh, en) in enumerate(DIET_CHOICES)
    )
    other = Question.objects.create(
        conference=conference,
        kind=QuestionKind.SHORT_TEXT,
        label_zh="请说明您的饮食要求",
        label_en="Please describe your dietary needs",
        sort_order=20,
        depends_on=diet,
        depends_value="other",
    )
    presenting = Question.objects.create(
        conference=conference,
        kind=QuestionKind.CHECKBOX,
        label_zh="我将在会上作口头报告或张贴海报",
        label_en="I am presenting a talk or a poster",
        sort_order=30,
    )
    paper = Question.objects.create(
        conference=conference,
        kind=QuestionKind.SHORT_TEXT,
        label_zh="论文编号",
        label_en="Paper ID",
        help_zh="投稿系统中的论文编号，例如 NCIC2027-0123。",
        help_en="As in the submission system, for example NCIC2027-0123.",
        required=True,
        sort_order=40,
        depends_on=presenting,
        depends_value=CHECKED,
    )
    return {q.label_en: q for q in (diet, other, presenting, paper)}


# --- People --------------------------------------------------------------------------------------


def _people(rng):
    """Sixty people, the same every run: about three in four Chinese (in Chinese), the others
    from abroad (in English). Accounts are made with one password hash, shared (it is a demo)."""
    password = make_password(DEMO_PASSWORD)
    count = sum(count for _type, _state, count in PLAN)
    foreign = list(FOREIGN_PEOPLE)
    rng.shuffle(foreign)
    people, emails = [], set()
    for index in range(count):
        if index % FOREIGN_SHARE == 3 and foreign:
            first, last, affiliation, country, domain = foreign.pop()
            fields = {
                "first_name": first,
                "last_name": last,
                "affiliation": affiliation,
                "country": country,
                "title": rng.choice(TITLES_EN),
                "preferred_language": Language.ENGLISH,
            }
            stem = f"{first.split()[0]}.{last}".lower().replace("-", "")
        else:
            (surname, surname_latin), (given, given_latin) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
            affiliation, domain = rng.choice(CHINESE_AFFILIATIONS)
            domain = f"{domain}.example.edu.cn"
            fields = {
                "name_zh": surname + given,
                "first_name": given_latin,
                "last_name": surname_latin,
                "affiliation": affiliation,
                "country": "CN",
                "title": rng.choice(TITLES_ZH),
                "phone": f"+86 1{rng.randint(30, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                "preferred_language": Language.CHINESE,
            }
            stem = f"{given_latin}.{surname_latin}".lower()
        email = f"{stem}@{domain}"
        number = 2
        while email in emails:
            email, number = f"{stem}{number}@{domain}", number + 1
        emails.add(email)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, password=password, **fields)
            user.save()
        people.append(user)
    return people


def _student_card(person):
    """A tiny PDF standing in for a scanned student card."""
    body = f"%PDF-1.4\n% student card of {person.email}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    return SimpleUploadedFile("学生证.pdf", body.encode(), content_type="application/pdf")


def _answers(questions, rng, person):
    diet = rng.choices(["none", "vegetarian", "halal", "other"], weights=[14, 4, 1, 1])[0]
    answers = {questions["Dietary needs"].pk: diet}
    if diet == "other":
        answers[questions["Please describe your dietary needs"].pk] = (
            "No nuts, please (allergy)." if person.preferred_language == Language.ENGLISH else "海鲜过敏"
        )
    if rng.random() < 0.45:
        answers[questions["I am presenting a talk or a poster"].pk] = True
        answers[questions["Paper ID"].pk] = f"NCIC2027-{rng.randint(1, 420):04d}"
    return answers


# --- Registrations -------------------------------------------------------------------------------


def _register_everyone(conference, types, questions, people, organizer, finance, rng):
    plan = [(types[index], state) for index, state, count in PLAN for _ in range(count)]
    rng.shuffle(plan)
    for person, (registration_type, outcome) in zip(people, plan, strict=True):
        details = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "name_zh": person.name_zh,
            "title": person.title,
            "affiliation": person.affiliation,
            "country": str(person.country),
            "phone": person.phone,
            "email": person.email,
        }
        english = person.preferred_language == Language.ENGLISH
        registration = register(
            conference=conference,
            user=person,
            registration_type=registration_type,
            details=details,
            answers=_answers(questions, rng, person),
            files={"document": _student_card(person)} if registration_type.document_required else None,
            currency="USD" if english and rng.random() < 0.7 else conference.currency,
        )
        _follow(registration, outcome, person, organizer, finance)


def _follow(registration, outcome, person, organizer, finance):
    """Take a fresh registration to its planned end: as the organizer, finance or the attendee would."""
    if outcome in ("approved", "approved_paid"):
        registration = approve_registration(registration=registration, user=organizer)
    if outcome in ("paid", "approved_paid"):
        record_transfer(registration=registration, by_staff=finance, reference=f"ICBC {registration.code}")
    elif outcome == "rejected":
        reject_registration(registration=registration, user=organizer, reason=REJECTION)
    elif outcome == "cancelled":
        cancel_registration(registration=registration, user=organizer, reason=CANCELLATION)
    elif outcome == "withdrawn":
        withdraw_registration(registration=registration, user=person)
    # "awaiting_approval", "awaiting_payment" and "approved" stay as they are.


def _walk_ins(conference, types, staff, finance):
    """Two people registered at the desk at the on-site fee; the first paid there by transfer."""
    regular = types[0]
    first = register_walk_in_by_email(
        conference=conference,
        email="xu.haiyan@ia.ac.example.edu.cn",
        registration_type=regular,
        details={
            "name_zh": "许海燕",
            "last_name": "Xu",
            "first_name": "Haiyan",
            "affiliation": "中国科学院自动化研究所",
            "country": "CN",
        },
        language=Language.CHINESE,
        by_staff=staff,
    )
    record_transfer(registration=first, by_staff=finance, reference=f"ICBC {first.code}")
    register_walk_in_by_email(
        conference=conference,
        email="p.novak@cvut.example.cz",
        registration_type=regular,
        details={
            "first_name": "Petr",
            "last_name": "Novák",
            "affiliation": "Czech Technical University in Prague",
            "country": "CZ",
        },
        currency="USD",
        language=Language.ENGLISH,
        by_staff=staff,
    )


def _check_in_desk(context, conference):
    """A check-in staff account (its log-in printed) and the first few confirmed attendees
    checked in at desk 1, so that the desk's counts show something."""
    from attendance.models import CheckIn
    from attendance.services.checkin import check_in

    email = "checkin@ncic2027.flock.example"
    staff = User.objects.filter(email=email).first()
    if staff is None:
        staff = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, first_name="Ming", last_name="Sun", name_zh="孙明"
        )
    grant_role(conference=conference, user=staff, role=Role.CHECKIN, notify=False)
    context.logins.append(("check-in staff (admin menu Check-in desk)", email))
    if CheckIn.objects.filter(conference=conference).exists():
        return
    confirmed = Registration.objects.filter(conference=conference, state=RegistrationState.CONFIRMED).order_by("pk")
    for registration in confirmed[:6]:
        check_in(registration=registration, by=staff, desk="1号台 Desk 1")
