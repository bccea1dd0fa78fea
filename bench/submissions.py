"""Benchmark of submissions: the call-for-papers page, the organizers' submission list in the
admin with 2,000 submissions, and 5 MB uploads at 20 concurrent authors, next to a bare Django
view, on PostgreSQL.

Run from the project root: ``.venv/bin/python bench/submissions.py``. In one run it

1. recreates the PostgreSQL database ``flock_bench_submissions``, migrates it and seeds the demo;
   grows the demo conference to ``SUBMISSIONS`` submissions (three authors each), adds a review
   chair and ``AUTHORS`` authors with a draft each, each logged in with a session of its own;
2. counts the SQL queries of a warm request to the call for papers (anonymous, served by the page
   cache, and logged in, uncached) and to the admin list at two page sizes (20 and 100 rows), with
   the test client;
3. starts gunicorn (2 sync workers, production settings; private files in a temporary directory)
   and, in the same run:
   * drives ``/healthz``, the call for papers (anonymous, then with an author's session, which
     the page cache does not serve: the target is judged on that) and the admin list with
     ``wrk`` (requests/s, p50, p95);
   * uploads papers of 1 MB, then 5 MB, then 15 MB, ``AUTHORS`` at a time, ``UPLOADS_PER_AUTHOR``
     each: accepted uploads per second and the workers' peak resident memory (``VmHWM``) after
     each size — the target is that it does not grow with the file size;
4. checks the database: every upload is a stored revision of its size;
5. prints a table with the targets.

It exits non-zero only when a step fails to run, not when a target is missed.
"""

import http.client
import json
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

HOST = pages.HOST
PYTHON = pages.PYTHON
DB_NAME = "flock_bench_submissions"
DATABASE_URL = f"{pages.DB_SERVER}/{DB_NAME}"
CONFERENCE = "ncic2027"
CALL_PATH = f"/zh-hans/_submit/{CONFERENCE}/"
LIST_PATH = "/admin/submissions/all/"
BARE_PATH = "/healthz"
SUBMISSIONS = 2000
AUTHORS = 20
UPLOADS_PER_AUTHOR = 4
SIZES_MB = (1, 5, 15)
EMAIL_DOMAIN = "bench-authors.flock.example"
CHAIR_EMAIL = "chair@bench-authors.flock.example"
TARGET_CALL_RATIO_PERCENT = 2.0
TARGET_LIST_RPS = 20.0
TARGET_LIST_QUERIES = 15
TARGET_MEMORY_GROWTH_MB = 16  # the peak may move a little between runs, not with the file size
RESULT_MARKER = pages.RESULT_MARKER
BOUNDARY = "----flockbenchboundary7d3e"


def django_env(settings, private_root, **extra):
    return pages.django_env(
        settings,
        database_url=DATABASE_URL,
        PRIVATE_MEDIA_ROOT=str(private_root),
        FIELD_ENCRYPTION_KEY=pages.FIELD_KEY,
        **extra,
    )


def production_env(static_root, secret_key, private_root):
    return pages.production_env(
        static_root, secret_key, database_url=DATABASE_URL, PRIVATE_MEDIA_ROOT=str(private_root)
    )


def step_output(step, environment):
    output = run([PYTHON, __file__, "--step", step], environment=environment, capture=True, timeout=1800)
    if RESULT_MARKER not in output:
        raise BenchError(f"step {step} printed no result:\n{output[-2000:]}")
    return json.loads(output.split(RESULT_MARKER, 1)[1].strip())


# --- Uploads -------------------------------------------------------------------------------------


def pdf_of(size):
    """A file of ``size`` bytes that is a PDF by its content."""
    head = b"%PDF-1.4\n%bench\n"
    return head + b"0" * (size - len(head) - 6) + b"\n%%EOF"


def multipart(token, content, name):
    """The body of the upload form: the CSRF token first, then the kind, then the file."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n',
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npaper\r\n',
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n",
    ]
    return "".join(parts).encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def upload(port, author, body):
    """POST one paper; return ``(status, seconds)``. A 302 back to the submission is stored."""
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    started = time.perf_counter()
    try:
        headers = {
            "Host": f"{HOST}:{port}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(len(body)),
            "Cookie": author["cookie"],
        }
        connection.request("POST", author["upload_path"], body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def upload_pass(port, authors, size_mb):
    """Every author uploads ``UPLOADS_PER_AUTHOR`` papers of ``size_mb``, all authors at once."""
    content = pdf_of(size_mb * 1024 * 1024)
    bodies = {
        author["upload_path"]: multipart(author["token"], content, f"paper-{size_mb}mb.pdf") for author in authors
    }
    statuses, latencies, failures = [], [], []
    lock = threading.Lock()

    def worker(author):
        for _ in range(UPLOADS_PER_AUTHOR):
            try:
                status, seconds = upload(port, author, bodies[author["upload_path"]])
            except OSError as error:
                with lock:
                    failures.append(repr(error))
                continue
            with lock:
                statuses.append(status)
                latencies.append(1000 * seconds)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(author,)) for author in authors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise BenchError(f"{len(failures)} uploads failed to connect: {failures[:3]}")
    return statuses, latencies, time.perf_counter() - started


def worker_pids(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_memory_mb(pids):
    """The largest peak resident memory (``VmHWM``) of the workers, in MB."""
    peaks = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks) if peaks else 0.0


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(share / 100 * (len(ordered) - 1))))]


# --- The run -------------------------------------------------------------------------------------


def cookie_script(temp_dir, name, cookie):
    script = temp_dir / f"{name}.lua"
    script.write_text(f'wrk.headers["Cookie"] = "{cookie}"\n' + pages.WRK_SCRIPT)
    return script


def benchmark():
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed (apt-get install -y wrk)")
    started = time.monotonic()
    secret_key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    with tempfile.TemporaryDirectory(prefix="flock-bench-submissions-") as temp:
        temp_dir = Path(temp)
        private_root = temp_dir / "private"
        print(f"Recreating database {DB_NAME} and seeding the demo …", flush=True)
        pages.recreate_database(DB_NAME)
        dev = django_env("cms.settings.dev", private_root)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], environment=dev, timeout=600)
        run([PYTHON, "manage.py", "seed_demo"], environment=dev, timeout=600)
        production = production_env(temp_dir / "static", secret_key, private_root)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], environment=production)
        print(f"Adding {SUBMISSIONS} submissions, a chair and {AUTHORS} authors …", flush=True)
        prepared = step_output("data", production)
        queries = step_output("queries", production)
        print(
            f"  call for papers {len(queries['call'])} queries; admin list "
            f"{len(queries['list_20'])} (20 rows) / {len(queries['list_100'])} (100 rows)",
            flush=True,
        )
        bare_script = temp_dir / "report.lua"
        bare_script.write_text(pages.WRK_SCRIPT)
        list_script = cookie_script(temp_dir, "list", prepared["chair_cookie"])
        port = free_port()
        error_log = temp_dir / "gunicorn.log"
        server = pages.start_gunicorn(production, port, error_log)
        try:
            wait_until_ready(server, port, error_log)
            print(f"gunicorn ready on {HOST}:{port} …", flush=True)
            bare = pages.measure(wrk, bare_script, port, BARE_PATH)
            call = pages.measure(wrk, bare_script, port, CALL_PATH)
            author_script = cookie_script(temp_dir, "author", prepared["authors"][0]["cookie"])
            pages.drive(wrk, author_script, port, CALL_PATH, pages.WARMUP_SECONDS)
            call_uncached = pages.drive(wrk, author_script, port, CALL_PATH, pages.RUN_SECONDS)
            print(
                f"  call for papers: {call.rps:.1f} req/s cached, {call_uncached.rps:.1f} uncached "
                f"(bare view {bare.rps:.1f})",
                flush=True,
            )
            check_list(port, prepared["chair_cookie"])
            pages.drive(wrk, list_script, port, LIST_PATH, pages.WARMUP_SECONDS)
            admin_list = pages.drive(wrk, list_script, port, LIST_PATH, pages.RUN_SECONDS)
            print(f"  admin list: {admin_list.rps:.1f} req/s", flush=True)
            pids = worker_pids(server)
            uploads = []
            for size in SIZES_MB:
                result = upload_pass(port, prepared["authors"], size)
                uploads.append((size, result, peak_memory_mb(pids)))
                print(f"  {size} MB uploads: {result[0].count(302) / result[2]:.1f}/s", flush=True)
        finally:
            stop(server)
        unexpected = [status for _size, (statuses, _l, _s), _m in uploads for status in statuses if status != 302]
        if (
            unexpected
            or bare.status_errors
            or call.status_errors
            or call_uncached.status_errors
            or admin_list.status_errors
        ):
            raise BenchError(f"error responses during the load: {unexpected[:10]}\n{read_tail(error_log)}")
        check = step_output("check", production)
    print_report(bare, call, call_uncached, admin_list, queries, uploads, check)
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")


def check_list(port, cookie):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", LIST_PATH, headers={"Host": f"{HOST}:{port}", "Cookie": cookie})
        response = connection.getresponse()
        body = response.read().decode()
    finally:
        connection.close()
    if response.status != 200 or f"{CONFERENCE.upper()}-" not in body.upper():
        raise BenchError(f"the admin list answered {response.status} without submissions")


def print_report(bare, call, call_uncached, admin_list, queries, uploads, check):
    print()
    print(f"{'endpoint':<52} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>5}")
    print(f"{'bare view ' + BARE_PATH:<52} {bare.rps:>9.1f} {bare.p50_ms:>8.2f} {bare.p95_ms:>8.2f} {'-':>5}")
    print(
        f"{'call for papers (anonymous, page cache)':<52} {call.rps:>9.1f} {call.p50_ms:>8.2f} {call.p95_ms:>8.2f} "
        f"{len(queries['call']):>5}"
    )
    print(
        f"{'call for papers (logged-in author, uncached)':<52} {call_uncached.rps:>9.1f} "
        f"{call_uncached.p50_ms:>8.2f} {call_uncached.p95_ms:>8.2f} {len(queries['call_uncached']):>5}"
    )
    print(
        f"{f'admin list, {SUBMISSIONS} submissions (chair)':<52} {admin_list.rps:>9.1f} {admin_list.p50_ms:>8.2f} "
        f"{admin_list.p95_ms:>8.2f} {len(queries['list_20']):>5}"
    )
    print()
    heading = f"uploads, {AUTHORS} concurrent authors"
    print(f"{heading:<36} {'stored/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'peak MB':>8}")
    base_memory = uploads[0][2]
    for size, (statuses, latencies, seconds), memory in uploads:
        print(
            f"{f'{size} MB papers':<36} {statuses.count(302) / seconds:>9.1f} {percentile(latencies, 50):>8.0f} "
            f"{percentile(latencies, 95):>8.0f} {memory:>8.1f}"
        )
    print(
        f"  database: {check['revisions']} revisions stored by the bench authors "
        f"({', '.join(f'{count} of {size} MB' for size, count in check['by_size'].items())})"
    )
    print()
    ratio = 100 * call_uncached.rps / bare.rps if bare.rps else 0.0
    small, large = len(queries["list_20"]), len(queries["list_100"])
    growth = max(memory for _s, _r, memory in uploads) - base_memory
    five = next((statuses.count(302) / seconds for size, (statuses, _l, seconds), _m in uploads if size == 5), 0.0)
    expected = AUTHORS * UPLOADS_PER_AUTHOR
    stored_all = all(int(count) == expected for count in check["by_size"].values())
    target_line(
        "call for papers / bare req/s",
        f"{ratio:.1f} %",
        f">= {TARGET_CALL_RATIO_PERCENT} %",
        ratio >= TARGET_CALL_RATIO_PERCENT,
    )
    target_line(
        "admin list req/s", f"{admin_list.rps:.1f}", f">= {TARGET_LIST_RPS:.0f}", admin_list.rps >= TARGET_LIST_RPS
    )
    target_line(
        "admin list queries (20 / 100 rows)",
        f"{small} / {large}",
        f"<= {TARGET_LIST_QUERIES}, equal",
        max(small, large) <= TARGET_LIST_QUERIES and small == large,
    )
    print(f"{'5 MB uploads stored per second':<40} {five:>10.1f}   (no target; {AUTHORS} concurrent authors)")
    target_line(
        "worker peak memory, 1 MB → 15 MB files",
        f"{growth:+.1f} MB",
        f"< +{TARGET_MEMORY_GROWTH_MB} MB",
        growth < TARGET_MEMORY_GROWTH_MB,
    )
    target_line("every upload stored, of its size", "yes" if stored_all else "NO", "all", stored_all)


def target_line(label, value, target, met):
    print(f"{label:<40} {value:>10}   target {target:<16} {pages.verdict(met)}")


# --- Steps that run inside a Django process (``--step``) -----------------------------------------


def prepare_data():
    """The submissions, the chair and the authors with their drafts and sessions."""
    pages.setup_django()
    import random

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from cms.enums import Role
    from cms.models import Conference, User
    from cms.services.conferences import grant_role
    from submissions.enums import Phase, PresentationType, SubmissionState
    from submissions.models import Author, Submission, Topic

    conference = Conference.objects.get(slug=CONFERENCE)
    topics = list(Topic.objects.filter(conference=conference))
    rng = random.Random(2027)
    password = make_password(secrets.token_urlsafe(16))
    with transaction.atomic():
        people = [
            User(email=f"author{number:04d}@{EMAIL_DOMAIN}", password=password, name_zh=f"作者{number}",
                 preferred_language="zh-hans")
            for number in range(AUTHORS + 50)
        ]  # fmt: skip
        chair = User(email=CHAIR_EMAIL, password=password, is_staff=False, preferred_language="zh-hans")
        User.objects.bulk_create([*people, chair])
        chair = User.objects.get(email=CHAIR_EMAIL)
        grant_role(conference=conference, user=chair, role=Role.REVIEW_CHAIR, notify=False)
        submitters = list(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exclude(pk=chair.pk))
        start = Submission.objects.filter(conference=conference).count()
        now = timezone.now()
        states = [SubmissionState.SUBMITTED, SubmissionState.UNDER_REVIEW, SubmissionState.DRAFT]
        rows = [
            Submission(
                conference=conference,
                code=f"{conference.code_prefix}-{start + number:04d}",
                submitter=submitters[number % len(submitters)],
                state=rng.choice(states),
                title_zh=f"压测稿件 {number}：面向大模型的高效推理方法",
                title_en=f"Bench submission {number}: efficient inference for large models",
                abstract="本文研究大模型的高效推理。" * 20,
                keywords="大模型; 推理",
                topic=rng.choice(topics),
                presentation_preference=rng.choice(list(PresentationType)),
                phase=Phase.ABSTRACT,
                submitted_at=now,
                created_at=now,
                updated_at=now,
            )
            for number in range(1, SUBMISSIONS - start + 1)
        ]
        Submission.objects.bulk_create(rows, batch_size=500)
        created = Submission.objects.filter(conference=conference, title_en__startswith="Bench submission")
        authors = [
            Author(submission=submission, position=position, name=f"作者 {position}", affiliation="复旦大学",
                   email=f"a{position}-{submission.pk}@example.org", country=rng.choice(["CN", "DE", "US", "JP"]))
            for submission in created
            for position in (1, 2, 3)
        ]  # fmt: skip
        Author.objects.bulk_create(authors, batch_size=2000)
    if Submission.objects.filter(conference=conference).count() != SUBMISSIONS:
        raise BenchError("the conference does not have the expected number of submissions")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after such a change

    cookie_name = settings.SESSION_COOKIE_NAME

    def session_of(user, path):
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        client.get(path)
        return (
            client,
            f"{cookie_name}={client.cookies[cookie_name].value}; csrftoken={client.cookies['csrftoken'].value}",
        )

    _chair_client, chair_cookie = session_of(chair, LIST_PATH)
    result = {"chair_cookie": chair_cookie, "authors": []}
    for person in submitters[:AUTHORS]:
        draft = Submission.objects.create(
            conference=conference,
            code=f"{conference.code_prefix}-B{person.pk:05d}",
            submitter=person,
            title_zh="上传压测",
            abstract="上传压测。",
            topic=topics[0],
            created_at=timezone.now(),
            updated_at=timezone.now(),
        )
        Author.objects.create(submission=draft, position=1, name=person.name_zh, email=person.email, corresponding=True)
        path = f"/zh-hans/_my/{CONFERENCE}/submissions/{draft.code}/"
        client, cookie = session_of(person, path)
        result["authors"].append(
            {"cookie": cookie, "token": client.cookies["csrftoken"].value, "upload_path": path + "upload/"}
        )
    print(RESULT_MARKER + json.dumps(result))


def capture_queries():
    pages.setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cms.models import User

    def queries(client, path):
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"{path} answered {response.status_code}")
        return [query["sql"] for query in captured.captured_queries]

    anonymous = Client(HTTP_HOST=HOST)
    chair = Client(HTTP_HOST=HOST)
    chair.force_login(User.objects.get(email=CHAIR_EMAIL))
    author = Client(HTTP_HOST=HOST)
    author.force_login(User.objects.filter(email__startswith="author0000@").get())
    result = {
        "call": queries(anonymous, CALL_PATH),
        "call_uncached": queries(author, CALL_PATH),
        "list_20": queries(chair, LIST_PATH),
        "list_100": queries(chair, LIST_PATH + "?per_page=100"),
    }
    print(RESULT_MARKER + json.dumps(result))


def check_outcome():
    pages.setup_django()
    from submissions.models import SubmissionFile

    stored = SubmissionFile.objects.filter(uploaded_by__email__endswith=f"@{EMAIL_DOMAIN}")
    by_size = {str(size): stored.filter(size=size * 1024 * 1024).count() for size in SIZES_MB}
    print(RESULT_MARKER + json.dumps({"revisions": stored.count(), "by_size": by_size}))


STEPS = {"data": prepare_data, "queries": capture_queries, "check": check_outcome}


if __name__ == "__main__":
    sys.exit(pages.main(__file__, STEPS, benchmark, __doc__))
