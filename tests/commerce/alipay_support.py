"""Alipay offline: real RSA2 keys, notifications signed as Alipay signs them, and a fake gateway.

Two RSA-2048 key pairs are made once per test session: the app's (Flock signs requests with it)
and one standing in for Alipay's (it signs notifications and the gateway's answers; Flock holds its
public half). ``FakeGateway`` is a small HTTP server on 127.0.0.1 that the real SDK talks to.
"""

import base64
import json
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from Cryptodome.Hash import SHA256
from Cryptodome.PublicKey import RSA
from Cryptodome.Signature import pkcs1_15

APP_ID = "2021004100000001"


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: str

    @property
    def public_base64(self):
        """The public key as Alipay's console shows it: bare base64, no PEM lines."""
        return "".join(line for line in self.public_pem.splitlines() if not line.startswith("-----"))


def _key_pair():
    key = RSA.generate(2048)
    return KeyPair(key.export_key(pkcs=8).decode(), key.publickey().export_key().decode())


@cache
def keys():
    """``(app, alipay)`` key pairs, generated once per session."""
    return _key_pair(), _key_pair()


@cache
def forger_key():
    """A third key: what someone who is not Alipay would sign with."""
    return _key_pair()


def rsa2_sign(message, private_pem):
    signature = pkcs1_15.new(RSA.import_key(private_pem)).sign(SHA256.new(message.encode()))
    return base64.b64encode(signature).decode()


def rsa2_verify(message, signature, public_pem):
    try:
        pkcs1_15.new(RSA.import_key(public_pem)).verify(SHA256.new(message.encode()), base64.b64decode(signature))
    except ValueError:
        return False
    return True


def signing_string(params, *, exclude):
    return "&".join(f"{key}={value}" for key, value in sorted(params.items()) if key not in exclude)


def sign_notification(params, private_pem=None):
    """``params`` with ``sign`` and ``sign_type`` as Alipay sends them: SHA256withRSA over the
    sorted ``k=v&…`` of every parameter except those two, in base64."""
    private_pem = private_pem or keys()[1].private_pem
    unsigned = {key: value for key, value in params.items() if key not in ("sign", "sign_type")}
    return {**unsigned, "sign_type": "RSA2", "sign": rsa2_sign(signing_string(unsigned, exclude=()), private_pem)}


def notification(*, out_trade_no, total_amount, trade_no, trade_status="TRADE_SUCCESS", notify_id=None, **extra):
    """An asynchronous notification of a trade, as Alipay posts it (unsigned)."""
    return {
        "gmt_create": "2027-03-01 10:00:00",
        "charset": "utf-8",
        "gmt_payment": "2027-03-01 10:00:12",
        "notify_time": "2027-03-01 10:00:13",
        "subject": "NCIC 2027 注册费",
        "buyer_id": "2088102177846880",
        "invoice_amount": total_amount,
        "version": "1.0",
        "notify_id": notify_id or f"notify-{trade_no}-{trade_status}",
        "fund_bill_list": json.dumps([{"amount": total_amount, "fundChannel": "ALIPAYACCOUNT"}]),
        "notify_type": "trade_status_sync",
        "out_trade_no": out_trade_no,
        "total_amount": total_amount,
        "trade_status": trade_status,
        "trade_no": trade_no,
        "auth_app_id": APP_ID,
        "receipt_amount": total_amount,
        "point_amount": "0.00",
        "app_id": APP_ID,
        "buyer_pay_amount": total_amount,
        "seller_id": "2088102176956423",
        **extra,
    }


def verify_request(params, public_pem=None):
    """Whether Flock signed a gateway request with the app key (every parameter except ``sign``)."""
    public_pem = public_pem or keys()[0].public_pem
    return rsa2_verify(signing_string(params, exclude=("sign",)), params.get("sign", ""), public_pem)


@dataclass
class Trade:
    total_amount: str
    status: str = "WAIT_BUYER_PAY"
    trade_no: str = ""
    refunds: dict = field(default_factory=dict)  # out_request_no -> amount


class FakeGateway:
    """Answers ``alipay.trade.precreate``, ``.query`` and ``.refund`` as Alipay's gateway does:
    a JSON body whose ``<method>_response`` object is signed with the stand-in Alipay key.

    ``calls`` lists ``(method, biz_content)`` of every request (all must be signed by the app
    key); ``trades`` maps ``out_trade_no`` to a ``Trade``; ``forge`` signs answers with another
    key; ``refuse_refunds`` makes refunds fail with that ``sub_msg``.
    """

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.lock = threading.Lock()
        self.reset()

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/gateway.do"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def reset(self):
        self.calls = []
        self.trades = {}
        self.forge = False
        self.refuse_refunds = ""
        self.bad_requests = []
        self._trade_numbers = 0

    def pay(self, out_trade_no, total_amount, status="TRADE_SUCCESS"):
        """The payer pays (or Alipay closes) the trade; returns Alipay's ``trade_no``."""
        with self.lock:
            trade = self.trades.setdefault(out_trade_no, Trade(total_amount=total_amount))
            trade.status = status
            trade.trade_no = trade.trade_no or self._next_trade_no()
            return trade.trade_no

    def _next_trade_no(self):
        self._trade_numbers += 1
        return f"2027030122001446{self._trade_numbers:012d}"

    def answer(self, params):
        method = params.get("method", "")
        if not verify_request(params) or params.get("app_id") != APP_ID:
            self.bad_requests.append(params)
            return {
                "error_response": {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"}
            }
        biz = json.loads(params.get("biz_content") or "{}")
        with self.lock:
            self.calls.append((method, biz))
            body = getattr(self, "_" + method.replace(".", "_"), self._unknown)(biz, params)
        if "code" not in body:
            body = {"code": "10000", "msg": "Success", **body}
        return method.replace(".", "_") + "_response", body

    def _alipay_trade_precreate(self, biz, params):
        self.trades.setdefault(biz["out_trade_no"], Trade(total_amount=biz["total_amount"]))
        return {"out_trade_no": biz["out_trade_no"], "qr_code": f"https://qr.alipay.com/bax0{len(self.trades)}ncic2027"}

    def _alipay_trade_query(self, biz, params):
        trade = self.trades.get(biz["out_trade_no"])
        if trade is None or not trade.trade_no:
            return _business_failure("ACQ.TRADE_NOT_EXIST", "交易不存在")
        return {
            "out_trade_no": biz["out_trade_no"],
            "trade_no": trade.trade_no,
            "trade_status": trade.status,
            "total_amount": trade.total_amount,
            "buyer_logon_id": "lil***@example.edu.cn",
        }

    def _alipay_trade_refund(self, biz, params):
        trade = self.trades.get(biz["out_trade_no"])
        if self.refuse_refunds:
            return _business_failure("ACQ.TRADE_STATUS_ERROR", self.refuse_refunds)
        if trade is None or trade.status != "TRADE_SUCCESS":
            return _business_failure("ACQ.TRADE_NOT_EXIST", "交易不存在")
        request_no = biz["out_request_no"]
        fund_change = "N" if request_no in trade.refunds else "Y"
        trade.refunds.setdefault(request_no, Decimal(biz["refund_amount"]))
        refunded = sum(trade.refunds.values(), start=Decimal("0.00"))
        if refunded > Decimal(trade.total_amount):
            del trade.refunds[request_no]
            return _business_failure("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
        return {
            "out_trade_no": biz["out_trade_no"],
            "trade_no": trade.trade_no,
            "refund_fee": str(refunded),
            "fund_change": fund_change,
        }

    def _unknown(self, biz, params):
        return _business_failure("isv.invalid-method", "不存在的方法名")

    def signed_body(self, params):
        result = self.answer(params)
        if isinstance(result, dict):
            return json.dumps(result)
        response_type, body = result
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        key = forger_key() if self.forge else keys()[1]
        signature = rsa2_sign(content, key.private_pem)
        return f'{{"{response_type}":{content},"sign":"{signature}"}}'

    def _handler_class(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # the SDK sends every call as a signed query string
                self._reply(dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True)))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self._reply(dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)))

            def _reply(self, params):
                body = gateway.signed_body(params).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):
                pass

        return Handler


def _business_failure(sub_code, sub_msg):
    return {"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg}
