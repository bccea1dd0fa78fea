"""A small stand-in for the Stripe API, so the real ``stripe`` library can be tested offline.

``FakeStripe`` serves the calls Flock makes (create and retrieve a Checkout Session, create and
retrieve a refund) on 127.0.0.1 with in-memory state. It behaves like Stripe where Flock relies on it: a
repeated ``Idempotency-Key`` replays the first answer, and the same key with other parameters is
refused; a session's ``expires_at`` must lie 30 minutes to 24 hours ahead. Tests play the payer and
Stripe's dashboard with ``mark_paid`` and ``expire``, and sign webhook events with ``signed_event``.
Test modules make fixtures of ``running_fake_stripe`` and ``enable_stripe``.
"""

import json
import re
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

SECRET_KEY = "sk_test_flock_fake"
WEBHOOK_SECRET = "whsec_flock_fake"


@dataclass
class Received:
    method: str
    path: str
    idempotency_key: str
    params: dict


class FakeStripe:
    def __init__(self):
        self.sessions = {}
        self.refunds = {}
        self.refund_status = "succeeded"  # the status new refunds get ("pending" for slow methods)
        self.received = []
        self.failures = {}  # (method, path) -> (HTTP status, Stripe error): the next such request fails
        self._replies = {}
        self._lock = threading.Lock()
        self._server = None

    # The test's side ----------------------------------------------------------------------------

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}"

    def fail(self, method, path, status, kind, message, code=None):
        """Answer the next ``method`` request to ``path`` with a Stripe error."""
        self.failures[(method, path)] = error(status, kind, message, code)

    def posts(self, path):
        return [request for request in self.received if request.method == "POST" and request.path == path]

    def mark_paid(self, session_id, *, payment_status="paid", amount_total=None):
        """The payer completed the Checkout page (``payment_status`` "unpaid" for a delayed method)."""
        session = self.sessions[session_id]
        session.update(status="complete", payment_status=payment_status, payment_intent=f"pi_{secrets.token_hex(12)}")
        if amount_total is not None:
            session["amount_total"] = amount_total
        return session

    def settle_refund(self, refund_id, status):
        """Stripe finished a refund that was pending: ``status`` is "succeeded" or "failed"."""
        self.refunds[refund_id]["status"] = status
        if status == "failed":
            self.refunds[refund_id]["failure_reason"] = "expired_or_canceled_card"
        return self.refunds[refund_id]

    def expire(self, session_id):
        self.sessions[session_id].update(status="expired")
        return self.sessions[session_id]

    # The API's side -----------------------------------------------------------------------------

    def handle(self, method, path, key, params):
        with self._lock:
            self.received.append(Received(method, path, key, params))
            if (method, path) in self.failures:
                return self.failures.pop((method, path))
            if method == "GET":
                match = re.fullmatch(r"/v1/(checkout/sessions|refunds)/([\w-]+)", path)
                found = match and {"checkout/sessions": self.sessions, "refunds": self.refunds}[match[1]].get(match[2])
                if found:
                    return 200, found
                return error(404, "invalid_request_error", "No such object", code="resource_missing")
            if key in self._replies:
                replied_path, replied_params, reply = self._replies[key]
                if (replied_path, replied_params) != (path, params):
                    return error(
                        400,
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same parameters.",
                    )
                return reply
            routes = {"/v1/checkout/sessions": self._create_session, "/v1/refunds": self._create_refund}
            reply = routes[path](params) if path in routes else error(404, "invalid_request_error", "Unknown path")
            if reply[0] == 200:
                self._replies[key] = (path, params, reply)
            return reply

    def _create_session(self, params):
        now = int(time.time())
        expires_at = int(params.get("expires_at", now + 86400))
        if not now + 1800 <= expires_at <= now + 86400:
            return error(400, "invalid_request_error", "expires_at must be 30 minutes to 24 hours ahead.")
        lines = params["line_items"]
        session_id = f"cs_test_{secrets.token_hex(16)}"
        self.sessions[session_id] = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "amount_total": sum(int(line["price_data"]["unit_amount"]) * int(line["quantity"]) for line in lines),
            "currency": lines[0]["price_data"]["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "success_url": params["success_url"],
            "cancel_url": params["cancel_url"],
            "expires_at": expires_at,
            "payment_method_types": params.get("payment_method_types", ["card"]),
            "payment_method_options": params.get("payment_method_options", {}),
        }
        return 200, self.sessions[session_id]

    def _create_refund(self, params):
        session = next((s for s in self.sessions.values() if s["payment_intent"] == params["payment_intent"]), None)
        if session is None:
            return error(400, "invalid_request_error", "No such payment_intent", code="resource_missing")
        amount = int(params.get("amount", session["amount_total"]))
        refunded = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == params["payment_intent"])
        if amount + refunded > session["amount_total"]:
            return error(400, "invalid_request_error", "Refund exceeds the charge.", code="amount_too_large")
        refund_id = f"re_{secrets.token_hex(12)}"
        self.refunds[refund_id] = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "currency": session["currency"],
            "payment_intent": params["payment_intent"],
            "metadata": params.get("metadata", {}),
            "status": self.refund_status,
        }
        return 200, self.refunds[refund_id]


def error(status, kind, message, code=None):
    return status, {"error": {"type": kind, "message": message, "code": code}}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self._answer("GET", {})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self._answer("POST", decode_form(body))

    def _answer(self, method, params):
        if not self.headers.get("Authorization", "").startswith("Bearer sk_"):
            status, payload = error(401, "invalid_request_error", "Invalid API key provided.")
        else:
            key = self.headers.get("Idempotency-Key", "")
            status, payload = self.server.fake.handle(method, self.path.split("?")[0], key, params)
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def decode_form(body):
    """Stripe's form encoding (``line_items[0][price_data][currency]=cny``) as nested data."""
    data = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        target = data
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return _lists(data)


def _lists(node):
    if not isinstance(node, dict):
        return node
    node = {key: _lists(value) for key, value in node.items()}
    if node and all(key.isdigit() for key in node):
        return [node[key] for key in sorted(node, key=int)]
    return node


def signed_event(kind, session, *, event_id=None, secret=WEBHOOK_SECRET, timestamp=None):
    """A webhook delivery as Stripe makes it: ``(body, Stripe-Signature header)``. ``session``
    is the object the event carries (what it claims, which Flock must check with the API)."""
    import stripe

    body = json.dumps(
        {
            "id": event_id or f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "type": kind,
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": dict(session)},
        }
    )
    return body, stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)


@contextmanager
def running_fake_stripe(settings):
    """The fake API, running, with Flock's Stripe client pointed at it (``settings`` is
    pytest-django's fixture, which restores ``STRIPE_API_BASE`` afterwards)."""
    fake = FakeStripe().start()
    settings.STRIPE_API_BASE = fake.url
    try:
        yield fake
    finally:
        fake.stop()


def enable_stripe(payment_settings):
    """The conference takes cards, Alipay and WeChat Pay through Stripe."""
    payment_settings.stripe_enabled = True
    payment_settings.stripe_secret_key = SECRET_KEY
    payment_settings.stripe_webhook_secret = WEBHOOK_SECRET
    payment_settings.stripe_payment_methods = "card, alipay, wechat_pay"
    payment_settings.save()
    return payment_settings
