"""Benchmark of the payment webhook (Alipay's asynchronous notification) against a bare Django view.

Run from the project root: ``.venv/bin/python bench/webhooks.py``. In one run it

1. recreates the PostgreSQL database ``flock_bench_webhooks``, migrates it, seeds the demo and
   opens ``ORDERS`` pending orders on NCIC 2027, each with an Alipay payment waiting for its
   notification; it generates an app key pair and a key pair standing in for Alipay's, so every
   notification is signed exactly as Alipay signs it (RSA2) and verified by the real handler;
2. writes the signed notifications with every one delivered twice (half the requests are
   duplicates, as providers retry), the second copy a few requests after the first;
3. counts the SQL queries of one first delivery and of one duplicate with the test client;
4. starts gunicorn (production settings) and drives ``/healthz`` and the webhook with ``wrk`` at
   ``CONNECTIONS`` concurrent deliveries, in the same run. The webhook verifies, records and
   answers; the fulfilment (order paid, receipt, mail) is a queued task, which the benchmark then
   runs in one process, timed, before checking every notified order is paid exactly once;
5. prints a table with the targets: p95 under 50 ms and at least 8 % of the bare view's req/s.

It exits non-zero only when a step fails to run, not when a target is missed.
"""

import json
import os
import secrets
import shutil
import string
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402  (the shared helpers of the page benchmark)
from pages import BenchError, free_port, read_tail, run, stop, wait_until_ready  # noqa: E402

ROOT = pages.ROOT
PYTHON = pages.PYTHON
HOST = pages.HOST
DB_NAME = "flock_bench_webhooks"
DATABASE_URL = f"{pages.DB_SERVER}/{DB_NAME}"
CONFERENCE = "ncic2027"
WEBHOOK_PATH = f"/payments/alipay/{CONFERENCE}/"
BARE_PATH = "/healthz"
ORDERS = 7000
QUERY_ORDERS = 2  # kept apart for the query count
WARMUP_ORDERS = 300
CONNECTIONS = 16
THREADS = 2
WORKERS = 2
WARMUP_SECONDS = 2
RUN_SECONDS = 10
DUPLICATE_DISTANCE = 7
TARGET_P95_MS = 50.0
TARGET_RATIO_PERCENT = 8.0
RESULT_MARKER = pages.RESULT_MARKER
APP_ID = "2021000000000001"
PAYER = "bench.payer@flock.example"

WRK_POST_SCRIPT = """
-- Each wrk thread posts its own share of the notifications, in order; one body per line.
local bodies = {}
local next_index = 0
local thread_count = %(threads)d
local counter = 0

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
end

function init(args)
  for line in io.lines("%(bodies)s") do bodies[#bodies + 1] = line end
  next_index = thread_index
end

request = function()
  local body = bodies[(next_index %% #bodies) + 1]
  next_index = next_index + thread_count
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""


def django_env(settings, **extra):
    return pages.django_env(settings, database_url=DATABASE_URL, **extra)


def production_env(static_root, secret_key):
    return pages.production_env(static_root, secret_key, database_url=DATABASE_URL)


FIELD_KEY = pages.FIELD_KEY


def start_gunicorn(environment, port, error_log):
    command = [
        str(Path(PYTHON).with_name("gunicorn")),
        "cms.wsgi:application",
        "--workers", str(WORKERS),
        "--worker-class", "sync",
        "--bind", f"{HOST}:{port}",
        "--error-logfile", str(error_log),
        "--log-level", "warning",
    ]  # fmt: skip
    return pages.subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)  # noqa: S603


def drive(wrk, script, port, path, seconds):
    return pages.drive(wrk, script, port, path, seconds, threads=THREADS, connections=CONNECTIONS)


def sanity_check(port, body):
    """One delivery through gunicorn before the load: it must be applied and answered ``success``."""
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": f"{HOST}:{port}"}
        connection.request("POST", WEBHOOK_PATH, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
    finally:
        connection.close()
    if response.status != 200 or answer != b"success":
        raise BenchError(f"the webhook answered {response.status}: {answer[:300]!r}")


def post_script(temp_dir, name, bodies_file):
    script = temp_dir / name
    script.write_text(
        WRK_POST_SCRIPT % {"threads": THREADS, "bodies": bodies_file, "path": WEBHOOK_PATH} + pages.WRK_SCRIPT
    )
    return script


def benchmark():
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed (apt-get install -y wrk)")
    started = time.monotonic()
    secret_key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    with tempfile.TemporaryDirectory(prefix="flock-bench-webhooks-") as temp:
        temp_dir = Path(temp)
        print(f"Recreating database {DB_NAME}, seeding the demo and {ORDERS} orders …", flush=True)
        pages.recreate_database(DB_NAME)
        environment = django_env("cms.settings.dev", FIELD_ENCRYPTION_KEY=FIELD_KEY, BENCH_DIR=str(temp_dir))
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], environment=environment, timeout=600)
        run([PYTHON, "manage.py", "seed_demo"], environment=environment, timeout=600)
        run([PYTHON, __file__, "--step", "orders"], environment=environment, timeout=900)
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
        production = production_env(temp_dir / "static", secret_key)
        production["BENCH_DIR"] = str(temp_dir)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], environment=production)
        queries = json.loads(
            run([PYTHON, __file__, "--step", "queries"], environment=production, capture=True)
            .split(RESULT_MARKER, 1)[1]
            .strip()
        )
        print(f"  SQL queries: first delivery {queries['first']}, duplicate {queries['duplicate']}", flush=True)
        bare_script = temp_dir / "report.lua"
        bare_script.write_text(pages.WRK_SCRIPT)
        warm_script = post_script(temp_dir, "warm.lua", temp_dir / "warm.txt")
        run_script = post_script(temp_dir, "run.lua", temp_dir / "run.txt")
        port = free_port()
        error_log = temp_dir / "gunicorn.log"
        server = start_gunicorn(production, port, error_log)
        try:
            wait_until_ready(server, port, error_log)
            sanity_check(port, (temp_dir / "sanity.txt").read_text().strip())
            print(f"gunicorn ready on {HOST}:{port}; {CONNECTIONS} concurrent connections …", flush=True)
            drive(wrk, bare_script, port, BARE_PATH, WARMUP_SECONDS)
            bare = drive(wrk, bare_script, port, BARE_PATH, RUN_SECONDS)
            drive(wrk, warm_script, port, WEBHOOK_PATH, WARMUP_SECONDS)
            webhook = drive(wrk, run_script, port, WEBHOOK_PATH, RUN_SECONDS)
        finally:
            stop(server)
        if bare.status_errors or webhook.status_errors or bare.socket_errors or webhook.socket_errors:
            print(f"bare: {bare}\nwebhook: {webhook}")
            raise BenchError(f"error responses during the load:\n{read_tail(error_log)}")
        check = json.loads(
            run([PYTHON, __file__, "--step", "check"], environment=production, capture=True)
            .split(RESULT_MARKER, 1)[1]
            .strip()
        )
    print_report(bare, webhook, queries, check)
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")


def print_report(bare, webhook, queries, check):
    print()
    print(f"{'endpoint':<46} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'non-2xx':>8} {'SQL':>9}")
    print(f"{'bare view ' + BARE_PATH:<46} {bare.rps:>9.1f} {bare.p50_ms:>8.2f} {bare.p95_ms:>8.2f} {0:>8} {'-':>9}")
    sql = f"{queries['first']} / {queries['duplicate']}"
    print(
        f"{'Alipay webhook (50 % duplicates)':<46} {webhook.rps:>9.1f} {webhook.p50_ms:>8.2f} "
        f"{webhook.p95_ms:>8.2f} {webhook.status_errors:>8} {sql:>9}"
    )
    print("  (SQL: queries of a first delivery / of a duplicate)")
    rate = check["applied"] / check["apply_seconds"] if check["apply_seconds"] else 0.0
    print(
        f"  fulfilment after the answer (the queued task, one process): {check['applied']} notifications "
        f"in {check['apply_seconds']:.1f} s = {rate:.0f}/s"
    )
    print(
        f"  orders paid: {check['paid']}, receipts: {check['receipts']}, "
        f"payment mails: {check['mails']}, events recorded: {check['events']}"
    )
    print()
    ratio = 100 * webhook.rps / bare.rps if bare.rps else 0.0
    p95_met = webhook.p95_ms < TARGET_P95_MS
    ratio_met = ratio >= TARGET_RATIO_PERCENT
    print(f"{'webhook p95':<36} {webhook.p95_ms:6.1f} ms   target < {TARGET_P95_MS:.0f} ms   {pages.verdict(p95_met)}")
    target = f"target >= {TARGET_RATIO_PERCENT:.0f} %"
    print(f"{'webhook req/s / bare req/s':<36} {ratio:6.1f} %    {target}    {pages.verdict(ratio_met)}")
    once = check["paid"] == check["receipts"] == check["mails"] == check["events"]
    print(
        f"{'each paid order: 1 receipt, 1 mail':<36} {'yes' if once else 'NO':>6}               {pages.verdict(once)}"
    )


# Steps that run inside a Django process (``--step``).


def make_orders():
    """Open the orders, give each an Alipay payment, and write the signed notifications."""
    pages.setup_django()
    from decimal import Decimal

    from Cryptodome.PublicKey import RSA
    from django.db import transaction

    from cms.models import Conference, User
    from commerce.models import Order, Payment
    from commerce.sellables import OrderItem
    from commerce.services.orders import create_order, payment_settings_for

    bench_dir = Path(os.environ["BENCH_DIR"])
    conference = Conference.objects.get(slug=CONFERENCE)
    app_key, alipay_key = RSA.generate(2048), RSA.generate(2048)
    settings_row = payment_settings_for(conference)
    settings_row.alipay_enabled = True
    settings_row.alipay_app_id = APP_ID
    settings_row.alipay_app_private_key = app_key.export_key().decode()
    settings_row.alipay_public_key = alipay_key.publickey().export_key().decode()
    settings_row.order_expiry_hours = 72
    settings_row.save()
    purchaser = User.objects.filter(email=PAYER).first() or User.objects.create_user(email=PAYER, name_zh="压测")
    item = OrderItem(
        kind="bench.fee",
        object_id="regular",
        description_zh="正式代表注册费",
        description_en="Registration fee",
        unit_price=Decimal("2800.00"),
    )
    payments = []
    for start in range(0, ORDERS, 500):
        with transaction.atomic():
            for _ in range(min(500, ORDERS - start)):
                order = create_order(conference=conference, purchaser=purchaser, items=[item])
                payments.append(
                    Payment.objects.create(
                        order=order, provider="alipay", method="page", amount=order.total, currency=order.currency,
                        state="pending",
                    )
                )  # fmt: skip
    notices = [signed_notice(payment, alipay_key) for payment in payments]
    query_notices, notices = notices[:QUERY_ORDERS], notices[QUERY_ORDERS:]
    (bench_dir / "sanity.txt").write_text(notices.pop() + "\n")
    warm, measured = notices[:WARMUP_ORDERS], notices[WARMUP_ORDERS:]
    (bench_dir / "queries.json").write_text(json.dumps(query_notices))
    (bench_dir / "warm.txt").write_text("\n".join(with_duplicates(warm)) + "\n")
    (bench_dir / "run.txt").write_text("\n".join(with_duplicates(measured)) + "\n")
    pending = Order.objects.filter(conference=conference, state="pending").count()
    print(f"  {pending} pending orders on {CONFERENCE}", flush=True)


def signed_notice(payment, alipay_key):
    """An asynchronous notification exactly as Alipay signs it: SHA256withRSA over the sorted
    ``k=v&…`` string of every parameter but ``sign`` and ``sign_type``."""
    import base64
    from urllib.parse import urlencode

    from Cryptodome.Hash import SHA256
    from Cryptodome.Signature import PKCS1_v1_5

    trade_no = f"2027{payment.pk:016d}"
    params = {
        "app_id": APP_ID,
        "buyer_id": "2088102177846875",
        "charset": "utf-8",
        "gmt_create": "2027-03-15 10:00:00",
        "gmt_payment": "2027-03-15 10:00:05",
        "notify_id": f"bench-{payment.pk}-{secrets.token_hex(8)}",
        "notify_time": "2027-03-15 10:00:06",
        "notify_type": "trade_status_sync",
        "out_trade_no": payment.number,
        "receipt_amount": f"{payment.amount:.2f}",
        "subject": payment.order.code,
        "total_amount": f"{payment.amount:.2f}",
        "trade_no": trade_no,
        "trade_status": "TRADE_SUCCESS",
        "version": "1.0",
    }
    message = "&".join(f"{key}={params[key]}" for key in sorted(params))
    signature = PKCS1_v1_5.new(alipay_key).sign(SHA256.new(message.encode()))
    return urlencode({**params, "sign_type": "RSA2", "sign": base64.b64encode(signature).decode()})


def with_duplicates(notices):
    """Every notification twice, the copy ``DUPLICATE_DISTANCE`` places after the original."""
    sequence = []
    for index, notice in enumerate(notices):
        sequence.append(notice)
        if index >= DUPLICATE_DISTANCE:
            sequence.append(notices[index - DUPLICATE_DISTANCE])
    sequence.extend(notices[max(0, len(notices) - DUPLICATE_DISTANCE) :])
    return sequence


def capture_queries():
    """Print the SQL query counts of a first delivery and of a duplicate."""
    pages.setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    notices = json.loads((Path(os.environ["BENCH_DIR"]) / "queries.json").read_text())
    client = Client(HTTP_HOST=HOST)
    counts = {}
    post = lambda body: client.post(WEBHOOK_PATH, body, content_type="application/x-www-form-urlencoded")  # noqa: E731
    post(notices[0])  # warm: the first request of a process imports and connects
    for label, body in (("first", notices[1]), ("duplicate", notices[1])):
        with CaptureQueriesContext(connection) as captured:
            response = post(body)
        if response.status_code != 200 or response.content != b"success":
            raise BenchError(f"the {label} delivery answered {response.status_code}: {response.content[:200]!r}")
        counts[label] = len(captured.captured_queries)
    print(RESULT_MARKER + json.dumps(counts))


def check_outcome():
    """Apply the notifications the webhook queued (as the task workers would, timed), then check
    every notified order is paid once: as many receipts and payment mails as paid orders."""
    pages.setup_django()
    from datetime import timedelta

    from django.utils import timezone

    from cms.models import EmailLog
    from commerce.models import Order, ProviderEvent, Receipt
    from commerce.providers.alipay import apply_stale_queued_events

    started = time.perf_counter()
    applied = len(apply_stale_queued_events(now=timezone.now() + timedelta(days=1)))
    seconds = time.perf_counter() - started

    paid = Order.objects.filter(purchaser__email=PAYER, state="paid")
    result = {
        "paid": paid.count(),
        "receipts": Receipt.objects.filter(order__in=paid).count(),
        "mails": EmailLog.objects.filter(template_key="commerce.order_paid", user__email=PAYER).count(),
        "events": ProviderEvent.objects.filter(provider="alipay").count(),
        "applied": applied,
        "apply_seconds": seconds,
    }
    print(RESULT_MARKER + json.dumps(result))


STEPS = {"orders": make_orders, "queries": capture_queries, "check": check_outcome}


if __name__ == "__main__":
    sys.exit(pages.main(__file__, STEPS, benchmark, __doc__))
