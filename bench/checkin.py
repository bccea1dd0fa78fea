"""Benchmark of the check-in desk: scans per second, p50 and p99, and SQL queries per scan, for
20 concurrent desks against 5,000 registrations, next to a bare Django view, on PostgreSQL.

Run from the project root: ``.venv/bin/python bench/checkin.py``. In one run it

1. recreates the PostgreSQL database ``flock_bench_checkin``, migrates it and seeds the demo;
   grows the demo conference to ``REGISTRATIONS`` confirmed registrations, each with its QR token,
   and adds ``DESKS`` check-in staff, each logged in with a session of its own;
2. counts the SQL queries of a scan that checks someone in and of one that finds them checked in
   already (the whole request: session and user included), with the test client;
3. starts gunicorn (2 sync workers, production settings) and, in the same run, drives with
   ``wrk``: the bare view ``/healthz``; one desk scanning alone (latency: p50, p99); then
   ``DESKS`` desks at once, each on its own connection and session, every scan a different
   attendee's code (scans/s, p50, p99);
4. checks the database: one check-in per scanned registration, none twice;
5. prints a table with the targets: at least 4.5 % of the bare view's requests per second, at most
   4 queries per scan, p99 under 50 ms for a single desk.

It exits non-zero only when a step fails to run, not when a target is missed.
"""

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402  (the shared helpers of the page benchmark)
from pages import BenchError, free_port, read_tail, run, stop, wait_until_ready  # noqa: E402

HOST = pages.HOST
PYTHON = pages.PYTHON
DB_NAME = "flock_bench_checkin"
DATABASE_URL = f"{pages.DB_SERVER}/{DB_NAME}"
CONFERENCE = "ncic2027"
BARE_PATH = "/healthz"
REGISTRATIONS = 5000
DESKS = 20
SINGLE_DESK_SECONDS = 5
RUN_SECONDS = 10
EMAIL_DOMAIN = "bench-desk.flock.example"
TARGET_RATIO_PERCENT = 4.5
TARGET_QUERIES = 4
TARGET_SINGLE_P99_MS = 50.0
RESULT_MARKER = pages.RESULT_MARKER

# Each wrk thread is one desk: its own session, its own share of the attendees' codes, one
# connection. Prints one parseable line with the rate and percentiles (microseconds).
SCAN_SCRIPT = """
local desks = {}
local count = 0
setup = function(thread)
  count = count + 1
  thread:set("number", count)
  table.insert(desks, thread)
end
init = function(args)
  local tokens = {}
  for line in io.lines(args[1]) do table.insert(tokens, line) end
  local cookies = {}
  for line in io.lines(args[2]) do table.insert(cookies, line) end
  local desk_count = tonumber(args[3])
  mine = {}
  for index = number, #tokens, desk_count do table.insert(mine, tokens[index]) end
  local cookie = cookies[number]
  wrk.method = "POST"
  wrk.headers["Cookie"] = cookie
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-CSRFToken"] = string.match(cookie, "csrftoken=([%w]+)")
  wrk.headers["Referer"] = "http://" .. args[4] .. "/admin/"
  position = 0
end
request = function()
  position = position % #mine + 1
  local body = '{"token": "' .. mine[position] .. '", "desk": "Desk ' .. number .. '"}'
  return wrk.format(nil, nil, nil, body)
end
done = function(summary, latency, requests)
  local seconds = summary.duration / 1000000
  io.write(string.format(
    "%s rps=%%.2f p50_us=%%d p99_us=%%d requests=%%d status_errors=%%d socket_errors=%%d\\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(99), summary.requests,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
""".replace("%s rps", f"{RESULT_MARKER} rps").replace("%%", "%")


def django_env(settings, **extra):
    return pages.django_env(settings, database_url=DATABASE_URL, FIELD_ENCRYPTION_KEY=pages.FIELD_KEY, **extra)


def production_env(static_root, secret_key):
    return pages.production_env(static_root, secret_key, database_url=DATABASE_URL)


def step_output(step, environment):
    output = run([PYTHON, __file__, "--step", step], environment=environment, capture=True, timeout=1800)
    if RESULT_MARKER not in output:
        raise BenchError(f"step {step} printed no result:\n{output[-2000:]}")
    return json.loads(output.split(RESULT_MARKER, 1)[1].strip())


def scans(wrk, script, port, conference_pk, tokens_file, cookies_file, *, desks, seconds):
    """``desks`` wrk threads of one connection each scanning for ``seconds``."""
    command = [
        wrk,
        f"--threads={desks}",
        f"--connections={desks}",
        f"--duration={seconds}s",
        "--timeout=5s",
        "--latency",
        f"--script={script}",
        f"http://{HOST}:{port}/checkin/{conference_pk}/scan/",
        "--",
        str(tokens_file),
        str(cookies_file),
        str(desks),
        f"{HOST}:{port}",
    ]
    output = run(command, timeout=seconds + 60, capture=True)
    for line in output.splitlines():
        if line.startswith(RESULT_MARKER):
            fields = dict(item.split("=", 1) for item in line.split()[1:])
            return {
                "rps": float(fields["rps"]),
                "p50_ms": int(fields["p50_us"]) / 1000,
                "p99_ms": int(fields["p99_us"]) / 1000,
                "requests": int(fields["requests"]),
                "errors": int(fields["status_errors"]) + int(fields["socket_errors"]),
            }
    raise BenchError(f"wrk printed no result line:\n{output[-2000:]}")


def benchmark():
    import secrets
    import string

    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed (apt-get install -y wrk)")
    started = time.monotonic()
    secret_key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    with tempfile.TemporaryDirectory(prefix="flock-bench-checkin-") as temp:
        temp_dir = Path(temp)
        print(f"Recreating database {DB_NAME} and seeding the demo …", flush=True)
        pages.recreate_database(DB_NAME)
        dev = django_env("cms.settings.dev")
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], environment=dev, timeout=600)
        run([PYTHON, "manage.py", "seed_demo"], environment=dev, timeout=600)
        production = production_env(temp_dir / "static", secret_key)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], environment=production)
        print(f"Growing the conference to {REGISTRATIONS} registrations and {DESKS} desks …", flush=True)
        prepared = step_output("data", production)
        queries = step_output("queries", production)
        print(f"  a scan: {queries['new']} queries (check-in), {queries['again']} (already checked in)", flush=True)
        tokens_file, cookies_file = temp_dir / "tokens.txt", temp_dir / "cookies.txt"
        tokens = prepared["tokens"]
        single_tokens, many_tokens = tokens[:1000], tokens[1000:]
        (temp_dir / "single.txt").write_text("\n".join(single_tokens) + "\n")
        tokens_file.write_text("\n".join(many_tokens) + "\n")
        cookies_file.write_text("\n".join(prepared["cookies"]) + "\n")
        script = temp_dir / "scan.lua"
        script.write_text(SCAN_SCRIPT)
        bare_script = temp_dir / "report.lua"
        bare_script.write_text(pages.WRK_SCRIPT)
        port = free_port()
        error_log = temp_dir / "gunicorn.log"
        server = pages.start_gunicorn(production, port, error_log)
        try:
            wait_until_ready(server, port, error_log)
            print(f"gunicorn ready on {HOST}:{port} …", flush=True)
            bare = pages.measure(wrk, bare_script, port, BARE_PATH)
            print(f"  bare view: {bare.rps:.1f} req/s", flush=True)
            conference = prepared["conference"]
            single = scans(
                wrk,
                script,
                port,
                conference,
                temp_dir / "single.txt",
                cookies_file,
                desks=1,
                seconds=SINGLE_DESK_SECONDS,
            )
            print(f"  one desk: {single['rps']:.1f} scans/s, p99 {single['p99_ms']:.1f} ms", flush=True)
            many = scans(wrk, script, port, conference, tokens_file, cookies_file, desks=DESKS, seconds=RUN_SECONDS)
            print(f"  {DESKS} desks: {many['rps']:.1f} scans/s, p99 {many['p99_ms']:.1f} ms", flush=True)
        finally:
            stop(server)
        if single["errors"] or many["errors"] or bare.status_errors:
            raise BenchError(f"error responses during the load\n{read_tail(error_log)}")
        check = step_output("check", production)
    print_report(bare, single, many, queries, check, len(many_tokens))
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")


def print_report(bare, single, many, queries, check, offered):
    print()
    print(f"{'endpoint':<44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'SQL':>5}")
    print(f"{'bare view ' + BARE_PATH:<44} {bare.rps:>9.1f} {bare.p50_ms:>8.2f} {'-':>8} {'-':>5}")
    print(
        f"{'scan, one desk':<44} {single['rps']:>9.1f} {single['p50_ms']:>8.2f} {single['p99_ms']:>8.2f} "
        f"{queries['new']:>5}"
    )
    print(
        f"{f'scan, {DESKS} desks at once':<44} {many['rps']:>9.1f} {many['p50_ms']:>8.2f} {many['p99_ms']:>8.2f} "
        f"{queries['new']:>5}"
    )
    print(
        f"  database: {check['check_ins']} check-ins of {check['registrations']} registrations, "
        f"{check['twice']} registrations checked in twice; one desk scanned {single['requests']} codes, "
        f"the {DESKS} desks {many['requests']} (from {offered} others; a code scanned again answers "
        "'already checked in')"
    )
    print()
    ratio = 100 * many["rps"] / bare.rps if bare.rps else 0.0
    worst = max(queries["new"], queries["again"])
    target_line(
        "scans / bare view req/s", f"{ratio:.1f} %", f">= {TARGET_RATIO_PERCENT} %", ratio >= TARGET_RATIO_PERCENT
    )
    target_line("SQL queries per scan", f"{worst}", f"<= {TARGET_QUERIES}", worst <= TARGET_QUERIES)
    target_line(
        "p99, one desk",
        f"{single['p99_ms']:.1f} ms",
        f"< {TARGET_SINGLE_P99_MS:.0f} ms",
        single["p99_ms"] < TARGET_SINGLE_P99_MS,
    )
    target_line("no registration checked in twice", "yes" if check["twice"] == 0 else "NO", "none", check["twice"] == 0)


def target_line(label, value, target, met):
    print(f"{label:<40} {value:>10}   target {target:<16} {pages.verdict(met)}")


# --- Steps that run inside a Django process (``--step``) -----------------------------------------


def prepare_data():
    """The registrations with their tokens, the desks and their sessions."""
    pages.setup_django()
    import random
    import secrets

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.test import Client

    from attendance.enums import RegistrationState
    from attendance.models import CheckIn, Registration, RegistrationType
    from attendance.models.registrations import new_token_nonce
    from attendance.services.tokens import token_for
    from cms.enums import Role
    from cms.models import Conference, User
    from cms.services.conferences import grant_role

    conference = Conference.objects.get(slug=CONFERENCE)
    types = list(RegistrationType.objects.filter(conference=conference))
    rng = random.Random(2027)
    password = make_password(secrets.token_urlsafe(16))
    with transaction.atomic():
        CheckIn.objects.filter(conference=conference).delete()  # the demo's few, so every scan is measured alike
        start = Registration.objects.filter(conference=conference).count()
        people = [
            User(email=f"attendee{number:05d}@{EMAIL_DOMAIN}", password=password, preferred_language="zh-hans")
            for number in range(REGISTRATIONS - start)
        ]
        User.objects.bulk_create(people, batch_size=1000)
        people = list(User.objects.filter(email__startswith="attendee", email__endswith=f"@{EMAIL_DOMAIN}"))
        rows = [
            Registration(
                conference=conference,
                user=person,
                registration_type=rng.choice(types),
                code=f"{conference.code_prefix}-B{number:05d}",
                state=RegistrationState.CONFIRMED,
                name_zh=f"参会者{number}",
                first_name="Bench",
                last_name=f"Attendee {number}",
                affiliation="复旦大学",
                email=person.email,
                price=0,
                currency=conference.currency,
                token_nonce=new_token_nonce(),
            )
            for number, person in enumerate(people)
        ]
        Registration.objects.bulk_create(rows, batch_size=1000)
        desks = [
            User(email=f"desk{number:02d}@{EMAIL_DOMAIN}", password=password, preferred_language="zh-hans")
            for number in range(DESKS)
        ]
        User.objects.bulk_create(desks)
        desks = list(
            User.objects.filter(email__startswith="desk", email__endswith=f"@{EMAIL_DOMAIN}").order_by("email")
        )
        for desk in desks:
            grant_role(conference=conference, user=desk, role=Role.CHECKIN, notify=False)
    registrations = Registration.objects.filter(conference=conference, state=RegistrationState.CONFIRMED)
    if registrations.count() < REGISTRATIONS * 0.99:
        raise BenchError("the conference does not have the expected number of confirmed registrations")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    tokens = [token_for(registration) for registration in registrations.order_by("?")]
    cookie_name = settings.SESSION_COOKIE_NAME
    cookies = []
    for desk in desks:
        client = Client(HTTP_HOST=HOST)
        client.force_login(desk)
        client.get(f"/admin/checkin/{conference.pk}/")
        cookies.append(
            f"{cookie_name}={client.cookies[cookie_name].value}; csrftoken={client.cookies['csrftoken'].value}"
        )
    print(RESULT_MARKER + json.dumps({"conference": conference.pk, "tokens": tokens, "cookies": cookies}))


def capture_queries():
    """The queries of whole scan requests, session and user included (then undone)."""
    pages.setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from attendance.models import CheckIn, Registration
    from attendance.services.tokens import token_for
    from cms.models import Conference, User

    conference = Conference.objects.get(slug=CONFERENCE)
    desk = User.objects.get(email=f"desk00@{EMAIL_DOMAIN}")
    client = Client(HTTP_HOST=HOST, enforce_csrf_checks=False)
    client.force_login(desk)
    registration = Registration.objects.filter(conference=conference, check_ins__isnull=True).first()
    path = f"/checkin/{conference.pk}/scan/"
    body = json.dumps({"token": token_for(registration), "desk": "query count"})
    client.get(f"/admin/checkin/{conference.pk}/")
    counted = {}
    for name in ("new", "again"):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(path, body, content_type="application/json")
        expected = "checked_in" if name == "new" else "already"
        if response.status_code != 200 or response.json()["status"] != expected:
            raise BenchError(f"the scan answered {response.status_code} {response.content[:200]!r}")
        counted[name] = len(captured.captured_queries)
    CheckIn.objects.filter(registration=registration).delete()
    print(RESULT_MARKER + json.dumps(counted))


def check_database():
    pages.setup_django()
    from django.db.models import Count

    from attendance.models import CheckIn, Registration
    from cms.models import Conference

    conference = Conference.objects.get(slug=CONFERENCE)
    check_ins = CheckIn.objects.filter(conference=conference, undone_at__isnull=True)
    twice = check_ins.values("registration").annotate(n=Count("pk")).filter(n__gt=1).count()
    result = {
        "check_ins": check_ins.count(),
        "registrations": Registration.objects.filter(conference=conference).count(),
        "twice": twice,
    }
    print(RESULT_MARKER + json.dumps(result))


STEPS = {"data": prepare_data, "queries": capture_queries, "check": check_database}


if __name__ == "__main__":
    sys.exit(pages.main(__file__, STEPS, benchmark, __doc__))
