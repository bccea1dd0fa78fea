"""Demo orders for NCIC 2027: one in every state, a proof waiting for review, an invoice request,
and the three providers configured (Stripe and Alipay in test mode)."""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cms.enums import Language, Role
from cms.services.conferences import grant_role
from commerce.models import Order, Payment
from commerce.sellables import OrderItem
from commerce.services.invoices import request_invoice
from commerce.services.orders import cancel_order, create_order, expire_order, payment_settings_for
from commerce.services.payments import confirm_payment
from commerce.services.proofs import upload_proof
from commerce.services.refunds import refund_payment

ATTENDEES = [
    ("li.na@pku.example.edu.cn", "李娜", "Na", "Li", "北京大学信息科学技术学院", Language.CHINESE),
    ("wang.fang@zju.example.edu.cn", "王芳", "Fang", "Wang", "浙江大学计算机科学与技术学院", Language.CHINESE),
    ("chen.jie@sjtu.example.edu.cn", "陈杰", "Jie", "Chen", "上海交通大学电子信息与电气工程学院", Language.CHINESE),
    ("liu.yang@ustc.example.edu.cn", "刘洋", "Yang", "Liu", "中国科学技术大学", Language.CHINESE),
    ("maria.garcia@upm.example.es", "", "María", "García", "Universidad Politécnica de Madrid", Language.ENGLISH),
    ("james.smith@ed.example.ac.uk", "", "James", "Smith", "University of Edinburgh", Language.ENGLISH),
    ("zhao.lei@nju.example.edu.cn", "赵磊", "Lei", "Zhao", "南京大学人工智能学院", Language.CHINESE),
]
REGULAR = ("正式代表注册费", "Registration fee, regular", Decimal("2800.00"))
STUDENT = ("学生代表注册费", "Registration fee, student", Decimal("1500.00"))
BANQUET = ("会议晚宴", "Conference banquet", Decimal("300.00"))


def seed_commerce(context):
    from cms.demo import _user

    conference = context.conferences["ncic2027"]
    _configure(conference)
    finance = _user(
        context,
        "finance",
        email="finance@ncic2027.flock.example",
        first_name="Min",
        last_name="Sun",
        name_zh="孙敏",
        affiliation="中国智能计算学会秘书处",
        country="CN",
        preferred_language=Language.CHINESE,
    )
    grant_role(conference=conference, user=finance, role=Role.FINANCE, notify=False)
    context.logins.append(("finance staff of NCIC 2027", finance.email))
    people = [
        _user(
            context,
            email,
            email=email,
            name_zh=name_zh,
            first_name=first,
            last_name=last,
            affiliation=affiliation,
            country="CN" if language == Language.CHINESE else "",
            preferred_language=language,
        )
        for email, name_zh, first, last, affiliation, language in ATTENDEES
    ]
    context.logins.append(("attendee with orders", people[0].email))
    if Order.objects.filter(conference=conference).exists():
        return
    _seed_orders(conference, people, finance)


def _configure(conference):
    settings_row = payment_settings_for(conference)
    if settings_row.bank_account_number:
        return
    settings_row.bank_account_name = "中国智能计算学会"
    settings_row.bank_name = "中国工商银行上海徐汇支行"
    settings_row.bank_account_number = "1001 2345 0910 0088 888"
    settings_row.bank_swift = "ICBKCNBJSHI"
    settings_row.bank_notes_zh = "转账时请在附言中注明订单号和参会人姓名；公务卡转账请保留回单。"
    settings_row.bank_notes_en = "Quote the order code and the attendee's name in the transfer remark."
    # Test mode: the keys below are placeholders for the demo; set real test keys through the
    # admin (or STRIPE_SECRET_KEY / ALIPAY_* in the environment) to pay against the sandboxes.
    settings_row.stripe_enabled = True
    settings_row.stripe_secret_key = "sk_test_flock_demo_placeholder"
    settings_row.stripe_webhook_secret = "whsec_flock_demo_placeholder"
    settings_row.stripe_payment_methods = "card, alipay"
    settings_row.alipay_enabled = True
    settings_row.alipay_sandbox = True
    settings_row.alipay_app_id = "9021000000000000"
    settings_row.alipay_app_private_key, settings_row.alipay_public_key = _demo_alipay_keys()
    settings_row.save()


def _demo_alipay_keys():
    """A freshly generated app key (and, standing in for Alipay's, its public half): enough for
    the demo to build signed sandbox requests."""
    from Cryptodome.PublicKey import RSA

    key = RSA.generate(2048)
    return key.export_key().decode(), key.publickey().export_key().decode()


def _item(kind, description, quantity=1):
    zh, en, price = description
    return OrderItem(
        kind="demo.fee",
        object_id=kind,
        description_zh=zh,
        description_en=en,
        unit_price=price,
        quantity=quantity,
    )


def _paid(order, provider, reference):
    payment = Payment.objects.create(
        order=order, provider=provider, amount=order.total, currency=order.currency, method=""
    )
    confirm_payment(payment=payment, amount=order.total, currency=order.currency, reference=reference)
    return payment


def _seed_orders(conference, people, finance):
    li, wang, chen, liu, garcia, smith, zhao = people
    # Pending, with a proof of transfer waiting for review.
    pending = create_order(conference=conference, purchaser=li, items=[_item("regular", REGULAR)])
    upload_proof(order=pending, uploaded=_proof_image(pending.code), user=li)
    # Pending, nothing done yet.
    create_order(conference=conference, purchaser=garcia, items=[_item("regular", REGULAR), _item("banquet", BANQUET)])
    # Paid by Stripe, with an invoice request.
    card = create_order(conference=conference, purchaser=wang, items=[_item("regular", REGULAR)])
    _paid(card, "stripe", "cs_test_demo_a1b2c3")
    request_invoice(
        order=card,
        details={
            "kind": "ordinary",
            "title": "浙江大学",
            "tax_number": "12100000470095016Q",
            "email": "caiwu@zju.example.edu.cn",
        },
        user=wang,
    )
    # Paid by Alipay.
    _paid(
        create_order(conference=conference, purchaser=chen, items=[_item("student", STUDENT)]),
        "alipay",
        "2027031522001",
    )
    # Paid by bank transfer, then partly refunded (the banquet was cancelled for this guest).
    partly = create_order(
        conference=conference, purchaser=smith, items=[_item("regular", REGULAR), _item("banquet", BANQUET, 2)]
    )
    payment = _paid(partly, "bank_transfer", "")
    refund_payment(
        payment=payment, amount="300.00", reason="One banquet seat cancelled", user=finance, request_key="demo-1"
    )
    # Paid, then fully refunded (the attendee could not come).
    full = create_order(conference=conference, purchaser=zhao, items=[_item("student", STUDENT)])
    payment = _paid(full, "bank_transfer", "")
    refund_payment(payment=payment, amount=full.total, reason="Visa refused", user=finance, request_key="demo-2")
    # Cancelled and expired.
    cancel_order(
        order=create_order(conference=conference, purchaser=liu, items=[_item("regular", REGULAR)]),
        user=finance,
        reason="Registered twice",
    )
    late = create_order(conference=conference, purchaser=liu, items=[_item("student", STUDENT)])
    Order.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    expire_order(order=late)


def _proof_image(code):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 560), "#f4f6f8")
    draw = ImageDraw.Draw(image)
    draw.rectangle([30, 30, 870, 530], outline="#9aa5b1", width=3)
    lines = ["ICBC  e-receipt / 电子回单", f"Remark / 附言: {code}", "Amount / 金额: CNY 2,800.00", "Status: SUCCESS"]
    for number, text in enumerate(lines):
        draw.text((70, 90 + number * 90), text, fill="#1f2933")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("回单.png", buffer.getvalue(), content_type="image/png")
