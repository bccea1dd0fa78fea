"""Benchmark of registering: the registration start page and completed registrations, next to a bare
Django view, on PostgreSQL.

Run from the project root: ``.venv/bin/python bench/registration.py``. In one run it

1. recreates the PostgreSQL database ``flock_bench_registration``, migrates it and seeds the demo;
   adds a registration type "Bench delegate" whose capacity is ``REFUSED`` places short of the
   attempts below, and one account per attendee, each logged in with a session of its own. Every
   attendee then walks the real wizard (type → details → questions → review) in-process, so that
   only the last step, the submission that makes the registration, the order and the mail, is
   left for the load;
2. counts the SQL queries of a warm request to the start page (``/en/_register/ncic2027/``, a
   logged-in person without a registration) with the test client;
3. starts gunicorn (2 sync workers, production settings) and, in the same run:
   * drives ``/healthz`` and the start page with ``wrk`` (requests/s, p50, p95);
   * **paced**: ``PACED_ATTENDEES`` attendees submit at ``PACED_RATE`` per second from
     ``CONCURRENCY`` concurrent connections; the latency of each submission is measured from the
     moment it was due, so a slow server cannot hide its queue (p95 target under 200 ms);
   * **flat out**: ``FLAT_OUT_ATTENDEES`` attendees, ``CONCURRENCY`` at a time, each submitting as
     soon as the previous one is answered: completed registrations per second (target at least
     25). The type fills up during this pass: the last ``REFUSED`` attempts must be refused;
4. checks the database: exactly as many registrations as places, each with its order, none over;
5. prints a table with the targets.

It exits non-zero only when a step fails to run, not when a target is missed.
"""

import http.client
import json
import re
import secrets
import shutil
import string
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402  (the shared helpers of the page benchmark)
from pages import BenchError, free_port, read_tail, run, stop, wait_until_ready  # noqa: E402

ROOT = pages.ROOT
PYTHON = pages.PYTHON
HOST = pages.HOST
DB_NAME = "flock_bench_registration"
DATABASE_URL = f"{pages.DB_SERVER}/{DB_NAME}"
CONFERENCE = "ncic2027"
START_PATH = f"/en/_register/{CONFERENCE}/"
BARE_PATH = "/healthz"
CONCURRENCY = 50
WARM_ATTENDEES = 20
PACED_ATTENDEES = 250
PACED_RATE = 25.0  # submissions per second
FLAT_OUT_ATTENDEES = 300
REFUSED = 30  # attempts beyond the capacity, all in the flat-out pass
TYPE_NAME_EN = "Bench delegate"
EMAIL_DOMAIN = "bench.flock.example"
TARGET_START_RATIO_PERCENT = 2.5
TARGET_REGISTRATIONS_PER_SECOND = 25.0
TARGET_P95_MS = 200.0
RESULT_MARKER = pages.RESULT_MARKER
FIELD_KEY = pages.FIELD_KEY


def attempts():
    return WARM_ATTENDEES + PACED_ATTENDEES + FLAT_OUT_ATTENDEES


def capacity():
    return attempts() - REFUSED


def django_env(settings, **extra):
    return pages.django_env(settings, database_url=DATABASE_URL, **extra)


def production_env(static_root, secret_key):
    return pages.production_env(static_root, secret_key, database_url=DATABASE_URL)


def step_output(step, environment):
    output = run([PYTHON, __file__, "--step", step], environment=environment, capture=True, timeout=1200)
    if RESULT_MARKER not in output:
        raise BenchError(f"step {step} printed no result:\n{output[-2000:]}")
    return json.loads(output.split(RESULT_MARKER, 1)[1].strip())


# --- The load ------------------------------------------------------------------------------------


def submit(port, attendee):
    """POST one attendee's last wizard step; return ``(status, seconds)``. 302 is registered."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    started = time.perf_counter()
    try:
        headers = {
            "Host": f"{HOST}:{port}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": attendee["cookie"],
        }
        connection.request("POST", START_PATH, body=attendee["body"], headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def run_pass(port, attendees, *, rate=None):
    """Submit ``attendees`` from ``CONCURRENCY`` threads, at ``rate`` per second (paced: latency
    counts from the moment each was due) or as fast as the server answers (``rate=None``).
    Returns the statuses, the latencies in ms and the wall time of the pass."""
    lock = threading.Lock()
    queue = list(enumerate(attendees))
    statuses, latencies = [], []
    failures = []
    started = time.perf_counter()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                index, attendee = queue.pop(0)
            due = started + index / rate if rate else time.perf_counter()
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            try:
                status, _seconds = submit(port, attendee)
            except OSError as error:
                with lock:
                    failures.append(repr(error))
                continue
            finished = time.perf_counter()
            with lock:
                statuses.append(status)
                latencies.append(1000 * (finished - due))

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise BenchError(f"{len(failures)} submissions failed to connect: {failures[:3]}")
    return statuses, latencies, time.perf_counter() - started


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(share / 100 * (len(ordered) - 1))))]


def start_page_script(temp_dir, cookie):
    script = temp_dir / "start.lua"
    script.write_text(f'wrk.headers["Cookie"] = "{cookie}"\n' + pages.WRK_SCRIPT)
    return script


def benchmark():
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed (apt-get install -y wrk)")
    started = time.monotonic()
    secret_key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    with tempfile.TemporaryDirectory(prefix="flock-bench-registration-") as temp:
        temp_dir = Path(temp)
        print(f"Recreating database {DB_NAME} and seeding the demo …", flush=True)
        pages.recreate_database(DB_NAME)
        dev = django_env("cms.settings.dev", FIELD_ENCRYPTION_KEY=FIELD_KEY)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], environment=dev, timeout=600)
        run([PYTHON, "manage.py", "seed_demo"], environment=dev, timeout=600)
        production = production_env(temp_dir / "static", secret_key)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], environment=production)
        print(f"Preparing {attempts()} attendees, each at the last step of the wizard …", flush=True)
        prepared = step_output("attendees", production)
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
        queries = step_output("queries", production)
        print(f"  start page: {len(queries['sql'])} SQL queries (warm, test client)", flush=True)

        bare_script = temp_dir / "report.lua"
        bare_script.write_text(pages.WRK_SCRIPT)
        start_script = start_page_script(temp_dir, prepared["start_cookie"])
        port = free_port()
        error_log = temp_dir / "gunicorn.log"
        server = start_gunicorn(production, port, error_log)
        try:
            wait_until_ready(server, port, error_log)
            status, body = pages.fetch(port, BARE_PATH)
            print(f"gunicorn ready on {HOST}:{port} …", flush=True)
            bare = pages.measure(wrk, bare_script, port, BARE_PATH)
            start_page = measure_start_page(wrk, start_script, port, prepared["start_cookie"])
            print(f"  start page: {start_page.rps:.1f} req/s (bare view {bare.rps:.1f})", flush=True)
            attendees = prepared["attendees"]
            warm = attendees[:WARM_ATTENDEES]
            paced = attendees[WARM_ATTENDEES : WARM_ATTENDEES + PACED_ATTENDEES]
            flat_out = attendees[WARM_ATTENDEES + PACED_ATTENDEES :]
            run_pass(port, warm)
            print(f"  paced: {PACED_ATTENDEES} submissions at {PACED_RATE:.0f}/s …", flush=True)
            paced_result = run_pass(port, paced, rate=PACED_RATE)
            print(f"  flat out: {FLAT_OUT_ATTENDEES} submissions, {CONCURRENCY} at a time …", flush=True)
            flat_result = run_pass(port, flat_out)
        finally:
            stop(server)
        unexpected = [s for s in paced_result[0] + flat_result[0] if s not in (200, 302)]
        if unexpected or bare.status_errors or start_page.status_errors:
            raise BenchError(f"error responses during the load: {unexpected[:10]}\n{read_tail(error_log)}")
        check = step_output("check", production)
    print_report(bare, start_page, queries, paced_result, flat_result, check)
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")


def measure_start_page(wrk, script, port, cookie):
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", START_PATH, headers={"Host": f"{HOST}:{port}", "Cookie": cookie})
        response = connection.getresponse()
        body = response.read().decode()
    finally:
        connection.close()
    if response.status != 200 or TYPE_NAME_EN not in body:
        raise BenchError(f"the start page answered {response.status} without the registration types")
    pages.drive(wrk, script, port, START_PATH, pages.WARMUP_SECONDS)
    return pages.drive(wrk, script, port, START_PATH, pages.RUN_SECONDS)


def start_gunicorn(environment, port, error_log):
    return pages.start_gunicorn(environment, port, error_log)


def print_report(bare, start_page, queries, paced_result, flat_result, check):
    print()
    print(f"{'endpoint':<52} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>5}")
    print(f"{'bare view ' + BARE_PATH:<52} {bare.rps:>9.1f} {bare.p50_ms:>8.2f} {bare.p95_ms:>8.2f} {'-':>5}")
    print(
        f"{'registration start page (logged in)':<52} {start_page.rps:>9.1f} {start_page.p50_ms:>8.2f} "
        f"{start_page.p95_ms:>8.2f} {len(queries['sql']):>5}"
    )
    rows = []
    for label, (statuses, latencies, seconds) in (
        (f"submit, paced {PACED_RATE:.0f}/s, {CONCURRENCY} concurrent", paced_result),
        (f"submit, flat out, {CONCURRENCY} concurrent", flat_result),
    ):
        registered = statuses.count(302)
        rows.append((label, registered, statuses.count(200), registered / seconds, latencies))
        print(
            f"{label:<52} {registered / seconds:>9.1f} {percentile(latencies, 50):>8.2f} "
            f"{percentile(latencies, 95):>8.2f} {'-':>5}"
        )
    print("  (submit req/s: completed registrations per second; latency from the moment each was due)")
    for label, registered, refused, _rate, _latencies in rows:
        print(f"  {label}: {registered} registered, {refused} refused")
    print(
        f"  database: {check['registrations']} registrations of {check['capacity']} places, "
        f"{check['with_order']} with their order, {check['mails']} submission mails queued or sent"
    )
    print()
    ratio = 100 * start_page.rps / bare.rps if bare.rps else 0.0
    paced_p95 = percentile(rows[0][4], 95)
    flat_rate = rows[1][3]
    exact = check["registrations"] == check["capacity"] == check["with_order"]
    refused = rows[1][2] == REFUSED and rows[0][2] == 0
    verdict = pages.verdict
    print(
        f"{'start page req/s / bare req/s':<40} {ratio:7.1f} %    target >= {TARGET_START_RATIO_PERCENT} %    "
        f"{verdict(ratio >= TARGET_START_RATIO_PERCENT)}"
    )
    print(
        f"{'registrations per second (flat out)':<40} {flat_rate:7.1f}      target >= "
        f"{TARGET_REGISTRATIONS_PER_SECOND:.0f}      {verdict(flat_rate >= TARGET_REGISTRATIONS_PER_SECOND)}"
    )
    print(
        f"{'submit p95 at ' + f'{PACED_RATE:.0f}/s':<40} {paced_p95:7.1f} ms   target < {TARGET_P95_MS:.0f} ms   "
        f"{verdict(paced_p95 < TARGET_P95_MS)}"
    )
    print(
        f"{'places sold = capacity, rest refused':<40} {'yes' if exact and refused else 'NO':>7}                    "
        f"{verdict(exact and refused)}"
    )


# --- Steps that run inside a Django process (``--step``) -----------------------------------------


QUOTE = re.compile(r'name="review-quote"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="review-quote"')


def prepare_attendees():
    """The bench type, the accounts and their sessions, each wizard walked up to the review."""
    pages.setup_django()
    import datetime
    from decimal import Decimal
    from urllib.parse import urlencode

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from attendance.enums import FeeTierKind
    from attendance.models import FeeTier, Question, RegistrationType
    from cms.models import Conference, User

    conference = Conference.objects.get(slug=CONFERENCE)
    bench_type = RegistrationType.objects.create(
        conference=conference,
        name_zh="压测代表",
        name_en=TYPE_NAME_EN,
        capacity=capacity(),
        sort_order=0,
    )
    FeeTier.objects.create(
        registration_type=bench_type,
        kind=FeeTierKind.REGULAR,
        valid_until=datetime.date(2099, 12, 31),
        price=Decimal("2800.00"),
        price_second=Decimal("400.00"),
    )
    password = make_password(secrets.token_urlsafe(16))
    people = [
        User(email=f"attendee{number:04d}@{EMAIL_DOMAIN}", password=password, name_zh=f"压测{number}",
             first_name="Bench", last_name=f"Attendee {number}", preferred_language="en")
        for number in range(attempts() + 1)
    ]  # fmt: skip
    User.objects.bulk_create(people, batch_size=500)
    people = list(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("email"))
    diet = Question.objects.get(conference=conference, label_en="Dietary needs")
    prefix = f"register_{conference.pk}"
    cookie_name = settings.SESSION_COOKIE_NAME

    def cookie_of(client):
        return f"{cookie_name}={client.cookies[cookie_name].value}; csrftoken={client.cookies['csrftoken'].value}"

    start_client = Client(HTTP_HOST=HOST)
    start_client.force_login(people[0])
    start_client.get(START_PATH)
    result = {"start_cookie": cookie_of(start_client), "attendees": []}
    for person in people[1:]:
        client = Client(HTTP_HOST=HOST)
        client.force_login(person)
        client.get(START_PATH)
        steps = [
            ("type", {"type-registration_type": bench_type.pk, "type-currency": "CNY"}),
            ("details", {
                "details-name_zh": person.name_zh, "details-first_name": "Bench",
                "details-last_name": person.last_name, "details-affiliation": "Flock Benchmark Institute",
                "details-country": "CN", "details-email": person.email,
            }),
            ("questions", {f"questions-q_{diet.pk}": "none"}),
        ]  # fmt: skip
        for step, data in steps:
            response = client.post(START_PATH, {f"{prefix}-current_step": step, **data})
            if response.status_code != 200:
                raise BenchError(f"step {step} answered {response.status_code}")
        page = response.content.decode()
        match = QUOTE.search(page)
        if match is None:
            raise BenchError(f"no review step for {person.email}:\n{page[-1500:]}")
        token = client.cookies["csrftoken"].value
        body = urlencode(
            {"csrfmiddlewaretoken": token, f"{prefix}-current_step": "review", "review-quote": match[1] or match[2]}
        )
        result["attendees"].append({"cookie": cookie_of(client), "body": body})
    print(RESULT_MARKER + json.dumps(result))


def capture_queries():
    pages.setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cms.models import User

    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(email=f"attendee0000@{EMAIL_DOMAIN}"))
    client.get(START_PATH)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(START_PATH)
    if response.status_code != 200:
        raise BenchError(f"the start page answered {response.status_code}")
    print(RESULT_MARKER + json.dumps({"sql": [query["sql"] for query in captured.captured_queries]}))


def check_outcome():
    pages.setup_django()
    from attendance.models import Registration, RegistrationType
    from cms.models import EmailLog

    bench_type = RegistrationType.objects.get(name_en=TYPE_NAME_EN)
    registrations = Registration.objects.filter(registration_type=bench_type)
    result = {
        "capacity": bench_type.capacity,
        "registrations": registrations.count(),
        "with_order": registrations.filter(order__isnull=False).values("order").distinct().count(),
        "mails": EmailLog.objects.filter(recipient__endswith=f"@{EMAIL_DOMAIN}").count(),
    }
    print(RESULT_MARKER + json.dumps(result))


STEPS = {"attendees": prepare_attendees, "queries": capture_queries, "check": check_outcome}


if __name__ == "__main__":
    sys.exit(pages.main(__file__, STEPS, benchmark, __doc__))
