"""The receipt of a paid order as a PDF, in Chinese and English on the same page.

The document is bilingual by design (a receipt is shown to Chinese and foreign offices alike), so
its labels are written in both languages here rather than translated; ``language`` decides which
comes first and which language the lines are described in first. WeasyPrint is imported only
when a PDF is made.
"""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from commerce.enums import PaymentState, Provider, RefundState

STYLESHEET = Path(__file__).resolve().parent / "static" / "commerce" / "receipt.css"

# Label: (Chinese, English).
LABELS = {
    "title": ("收据", "Receipt"),
    "receipt_number": ("收据编号", "Receipt No."),
    "issued": ("开具日期", "Issued"),
    "order": ("订单号", "Order"),
    "payer": ("付款人", "Payer"),
    "email": ("电子邮箱", "Email"),
    "item": ("项目", "Item"),
    "unit_price": ("单价", "Unit price"),
    "quantity": ("数量", "Qty"),
    "amount": ("金额", "Amount"),
    "total": ("合计", "Total"),
    "payment": ("付款方式", "Payment"),
    "paid_at": ("付款时间", "Paid on"),
    "reference": ("付款编号", "Payment No."),
    "refunds": ("退款", "Refunds"),
    "refunded_at": ("退款时间", "Refunded on"),
    "net": ("实收金额", "Net amount received"),
    "page": ("页", "Page"),
    "note": (
        "本收据由会议注册系统根据已确认的付款自动生成。",
        "This receipt was issued by the conference registration system for a confirmed payment.",
    ),
}
PROVIDER_NAMES = {
    Provider.BANK_TRANSFER: ("银行转账", "Bank transfer"),
    Provider.STRIPE: ("银行卡（Stripe）", "Card (Stripe)"),
    Provider.ALIPAY: ("支付宝", "Alipay"),
}
DATETIME = "%Y-%m-%d %H:%M"


def _ordered(pair, chinese_first):
    return pair if chinese_first else (pair[1], pair[0])


def _local(moment, tz):
    return moment.astimezone(tz).strftime(DATETIME) if moment else ""


def receipt_context(*, receipt, language):
    order = receipt.order
    conference = receipt.conference
    chinese_first = not language.startswith("en")
    tz = conference.tz
    received = (PaymentState.CONFIRMED, PaymentState.REFUNDED)
    payments = [payment for payment in order.payments.all() if payment.state in received]
    payer = order.purchaser
    names = [name for name in (payer.name_zh, payer.latin_name) if name]
    return {
        "labels": {key: _ordered(pair, chinese_first) for key, pair in LABELS.items()},
        "language": language,
        "receipt": receipt,
        "order": order,
        "conference": conference,
        "conference_names": _ordered((conference.name_zh, conference.name_en), chinese_first),
        "payer_names": names if chinese_first else list(reversed(names)),
        "payer_email": payer.email,
        "lines": [
            {"line": line, "descriptions": _ordered((line.description_zh, line.description_en), chinese_first)}
            for line in order.lines.all()
        ],
        "payments": [
            {
                "payment": payment,
                "names": _ordered(PROVIDER_NAMES.get(payment.provider, (payment.provider,) * 2), chinese_first),
                "confirmed_at": _local(payment.confirmed_at or order.paid_at, tz),
            }
            for payment in payments
        ],
        "refunds": [
            {"refund": refund, "completed_at": _local(refund.completed_at or refund.created_at, tz)}
            for refund in order.refunds.all()
            if refund.state == RefundState.DONE
        ],
        "issued_at": _local(receipt.issued_at, tz),
        "time_zone": conference.time_zone,
    }


def render_receipt_pdf(*, receipt, language):
    """The receipt as PDF bytes: conference, receipt and order codes, payer, lines, total,
    payments (provider and date in the conference's time zone) and completed refunds."""
    from weasyprint import CSS, HTML

    with translation.override(language):
        html = render_to_string("commerce/pdf/receipt.html", receipt_context(receipt=receipt, language=language))
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
