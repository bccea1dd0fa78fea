"""Benchmark of the public conference pages against a bare Django view.

Run from the project root: ``.venv/bin/python bench/pages.py``. In one run it

1. recreates the PostgreSQL database ``flock_bench``, migrates it, seeds the demo and grows the
   ``ncic2027`` site to 40 columns (a few of them with a child column: a second menu level);
2. collects the static files into a temporary directory;
3. twice, with the anonymous page cache off and then on: counts the SQL queries of a warm,
   anonymous request to the home page and to a column page, starts gunicorn (2 sync workers,
   production settings) on a free loopback port, and drives ``/healthz`` and the home page with
   ``wrk`` (requests/s, p50 and p95), so each mode is compared with the bare view of its own run;
4. prints a table with the targets: uncached, the home page serves at least 4 % of the bare
   view's requests/s with at most 10 queries; cached, at least 50 % with no SQL at all.

It exits non-zero only when a step fails to run, not when a target is missed. Only the database
``flock_bench`` is dropped (and left in place afterwards for inspection).
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DB_NAME = "flock_bench"
DB_SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE_URL = f"{DB_SERVER}/{DB_NAME}"
HOST = "127.0.0.1"
CONFERENCE = "ncic2027"
HOME_PATH = f"/zh-hans/{CONFERENCE}/"
COLUMN_PATH = f"/zh-hans/{CONFERENCE}/about/"
BARE_PATH = "/healthz"
TOTAL_COLUMNS = 40
COLUMNS_WITH_CHILD = 4
WORKERS = 2
WRK_THREADS = 2
WRK_CONNECTIONS = 8
WARMUP_SECONDS = 2
RUN_SECONDS = 10
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
TARGET_RATIO_PERCENT = 4.0
TARGET_CACHED_RATIO_PERCENT = 50.0
TARGET_QUERIES = 10
RESULT_MARKER = "BENCH_RESULT"

WRK_SCRIPT = f"""
-- Prints one parseable line when wrk is done: rate, percentiles (microseconds) and error counts.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1000000
  io.write(string.format(
    "{RESULT_MARKER} rps=%.2f p50_us=%d p95_us=%d requests=%d status_errors=%d "
    .. "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(95), summary.requests,
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
end
"""


class BenchError(RuntimeError):
    """A step of the benchmark failed to run."""


@dataclass
class LoadResult:
    """What one wrk run measured."""

    rps: float
    p50_ms: float
    p95_ms: float
    requests: int
    status_errors: int
    socket_errors: int


def django_env(settings, *, database_url=DATABASE_URL, **extra):
    """The environment of a Django process that uses the bench database."""
    environment = dict(os.environ)
    environment.update(DJANGO_SETTINGS_MODULE=settings, DATABASE_URL=database_url, PYTHONUNBUFFERED="1")
    environment.update(extra)
    return environment


def run(command, *, environment=None, timeout=300, capture=False):
    """Run ``command`` from the project root; raise ``BenchError`` when it fails."""
    try:
        completed = subprocess.run(
            command, cwd=ROOT, env=environment, timeout=timeout, check=False, capture_output=True, text=True
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{' '.join(map(str, command))} did not finish within {timeout} s") from exc
    if completed.returncode != 0:
        raise BenchError(
            f"{' '.join(map(str, command))} exited with {completed.returncode}:\n"
            f"{completed.stdout[-2000:]}\n{completed.stderr[-4000:]}"
        )
    return completed.stdout if capture else None


def recreate_database(name=DB_NAME):
    """Drop the database ``name`` if it exists and create it empty."""
    import psycopg

    with psycopg.connect(f"{DB_SERVER}/postgres", autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def build_data():
    """Migrate the bench database, seed the demo and add the extra columns."""
    environment = django_env("cms.settings.dev")
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], environment=environment)
    run([PYTHON, "manage.py", "seed_demo"], environment=environment)
    run([PYTHON, __file__, "--step", "columns"], environment=environment)


FIELD_KEY = "ZmxvY2stYmVuY2gtb25seS1rZXktMzItYnl0ZXMhISE="  # a Fernet key for the benchmarks only


def production_env(static_root, secret_key, *, page_cache=True, database_url=DATABASE_URL, **extra):
    """The environment of the production-settings processes (query count, collectstatic, gunicorn)
    of a bench database, with the anonymous page cache on or off."""
    return django_env(
        "cms.settings.production",
        database_url=database_url,
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(static_root),
        PAGE_CACHE_SECONDS="600" if page_cache else "0",
        FIELD_ENCRYPTION_KEY=FIELD_KEY,
        **extra,
    )


def count_queries(environment):
    """Return ``{path: {"sql": [...], "sql_ms": …, "wall_ms": …}}`` for a warm anonymous request per page."""
    output = run([PYTHON, __file__, "--step", "queries"], environment=environment, capture=True)
    for line in output.splitlines():
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER) :])
    raise BenchError(f"the query count printed no result:\n{output[-2000:]}")


def free_port():
    """A TCP port that is free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def fetch(port, path, timeout=5.0):
    """GET ``path`` without following redirects; return ``(status, body)``."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": f"{HOST}:{port}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start_gunicorn(environment, port, error_log):
    """Start gunicorn in its own process group; access logging stays off (gunicorn's default)."""
    command = [
        str(Path(PYTHON).with_name("gunicorn")),
        "cms.wsgi:application",
        "--workers", str(WORKERS),
        "--worker-class", "sync",
        "--bind", f"{HOST}:{port}",
        "--error-logfile", str(error_log),
        "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)  # noqa: S603


def wait_until_ready(server, port, error_log):
    """Poll ``/healthz`` until it answers ``ok``; raise if gunicorn exits or the timeout passes."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{read_tail(error_log)}")
        try:
            status, body = fetch(port, BARE_PATH, timeout=1.0)
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200 and body.strip() == b"ok":
            return
        time.sleep(0.2)
    raise BenchError(f"/healthz did not answer within {STARTUP_TIMEOUT:.0f} s:\n{read_tail(error_log)}")


def read_tail(path, size=4000):
    """The end of a log file, or a note that it is empty."""
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return "(no log)"
    return text[-size:] or "(empty log)"


def stop(server):
    """Terminate gunicorn's process group, then kill it if it has not stopped in time."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        server.wait(timeout=STOP_TIMEOUT)


def drive(wrk, script, port, path, seconds, *, threads=WRK_THREADS, connections=WRK_CONNECTIONS):
    """Run wrk against ``path`` for ``seconds`` and return what it measured."""
    command = [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=5s",
        f"--script={script}",
        f"http://{HOST}:{port}{path}",
    ]
    output = run(command, timeout=seconds + 30, capture=True)
    for line in output.splitlines():
        if line.startswith(RESULT_MARKER):
            fields = dict(item.split("=", 1) for item in line.split()[1:])
            return LoadResult(
                rps=float(fields["rps"]),
                p50_ms=int(fields["p50_us"]) / 1000,
                p95_ms=int(fields["p95_us"]) / 1000,
                requests=int(fields["requests"]),
                status_errors=int(fields["status_errors"]),
                socket_errors=sum(
                    int(fields[name]) for name in ("connect_errors", "read_errors", "write_errors", "timeouts")
                ),
            )
    raise BenchError(f"wrk printed no result line:\n{output[-2000:]}")


def measure(wrk, script, port, path):
    """Check that ``path`` answers 200, warm it up, then measure it."""
    status, _body = fetch(port, path, timeout=10.0)
    if status != 200:
        raise BenchError(f"{path} answered {status} instead of 200")
    drive(wrk, script, port, path, WARMUP_SECONDS)
    return drive(wrk, script, port, path, RUN_SECONDS)


def print_report(results):
    """Print both runs (page cache off, then on), each next to its own bare view, and the targets."""
    print()
    print(f"{'page':<44} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'non-2xx':>8} {'sock err':>8} {'SQL':>5}")
    for mode, (loads, queries) in results.items():
        rows = [
            (f"bare view {BARE_PATH} ({mode})", loads[BARE_PATH], "-"),
            (f"home page ({mode})", loads[HOME_PATH], str(len(queries[HOME_PATH]["sql"]))),
            (f"column page ({mode})", None, str(len(queries[COLUMN_PATH]["sql"]))),
        ]
        for label, load, sql in rows:
            if load is None:
                print(f"{label:<44} {'-':>9} {'-':>8} {'-':>8} {'-':>8} {'-':>8} {sql:>5}")
            else:
                print(
                    f"{label:<44} {load.rps:>9.1f} {load.p50_ms:>8.2f} {load.p95_ms:>8.2f} "
                    f"{load.status_errors:>8} {load.socket_errors:>8} {sql:>5}"
                )
    print()
    uncached_loads, uncached_queries = results["uncached"]
    cached_loads, cached_queries = results["cached"]
    checks = [
        ("uncached home req/s / bare req/s", ratio(uncached_loads), TARGET_RATIO_PERCENT, "%"),
        ("cached home req/s / bare req/s", ratio(cached_loads), TARGET_CACHED_RATIO_PERCENT, "%"),
    ]
    for label, value, target, unit in checks:
        print(f"{label:<36} {value:6.1f} {unit}   target >= {target:.0f} {unit}   {verdict(value >= target)}")
    uncached_sql, cached_sql = len(uncached_queries[HOME_PATH]["sql"]), len(cached_queries[HOME_PATH]["sql"])
    print(
        f"{'uncached home page SQL queries':<36} {uncached_sql:6d}     target <= {TARGET_QUERIES}     "
        f"{verdict(uncached_sql <= TARGET_QUERIES)}"
    )
    print(f"{'cached home page SQL queries':<36} {cached_sql:6d}     target = 0      {verdict(cached_sql == 0)}")


def ratio(loads):
    bare, home = loads[BARE_PATH], loads[HOME_PATH]
    return 100 * home.rps / bare.rps if bare.rps else 0.0


def verdict(met):
    """The word for a target met or missed."""
    return "MET" if met else "MISSED"


def shorten(sql, width=300):
    """One line of SQL with the top-level select list elided, cut to ``width`` characters."""
    text = " ".join(sql.split())
    if text.startswith("SELECT "):
        depth = 0
        for index, character in enumerate(text):
            depth += {"(": 1, ")": -1}.get(character, 0)
            if depth == 0 and text.startswith(" FROM ", index):
                text = "SELECT …" + text[index:]
                break
    return text if len(text) <= width else text[: width - 1] + "…"


def benchmark():
    """Run every step of the benchmark and print the report."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed (apt-get install -y wrk)")
    started = time.monotonic()
    print(f"Recreating database {DB_NAME} and building the data …", flush=True)
    recreate_database()
    build_data()
    print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    secret_key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    results = {}
    with tempfile.TemporaryDirectory(prefix="flock-bench-") as temp:
        temp_dir = Path(temp)
        print("Collecting static files …", flush=True)
        run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            environment=production_env(temp_dir / "static", secret_key, page_cache=False),
        )
        script = temp_dir / "report.lua"
        script.write_text(WRK_SCRIPT)
        for mode, page_cache in (("uncached", False), ("cached", True)):
            environment = production_env(temp_dir / "static", secret_key, page_cache=page_cache)
            results[mode] = serve_and_measure(environment, mode, wrk, script, temp_dir)
    print_report(results)
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")
    failed = [
        (mode, path)
        for mode, (loads, _queries) in results.items()
        for path, load in loads.items()
        if load.status_errors or load.socket_errors
    ]
    if failed:
        raise BenchError(f"error responses during the load, the figures are not valid: {failed}")


def serve_and_measure(environment, mode, wrk, script, temp_dir):
    """Count the queries, start gunicorn with ``environment`` and load the bare view and the home page."""
    print(f"Counting SQL queries (warm, anonymous, page cache {mode}) …", flush=True)
    queries = count_queries(environment)
    for path, capture in queries.items():
        print(f"  {path}: {len(capture['sql'])} queries, {capture['wall_ms']:.1f} ms (test client)", flush=True)
    port = free_port()
    error_log = temp_dir / f"gunicorn-{mode}.log"
    server = start_gunicorn(environment, port, error_log)
    try:
        wait_until_ready(server, port, error_log)
        print(f"gunicorn ({mode}) ready on {HOST}:{port}; driving load ({RUN_SECONDS} s per page) …", flush=True)
        loads = {}
        for path in (BARE_PATH, HOME_PATH):
            loads[path] = load = measure(wrk, script, port, path)
            print(
                f"  {RESULT_MARKER} mode={mode} path={path} rps={load.rps:.1f} p50_ms={load.p50_ms:.2f} "
                f"p95_ms={load.p95_ms:.2f} requests={load.requests} non2xx={load.status_errors}",
                flush=True,
            )
    finally:
        stop(server)
    return loads, queries


# Steps that run inside a Django process (``--step``), started by the benchmark itself.


def setup_django():
    """Configure Django in this process from the environment the benchmark passed."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def add_columns():
    """Grow the conference site to ``TOTAL_COLUMNS`` columns, in Chinese and English."""
    setup_django()
    from django.db import transaction
    from wagtail.models import Locale

    from conference_pages.models import ColumnPage, ConferenceHomePage
    from conference_pages.services import add_page, translate_page

    home = ConferenceHomePage.objects.get(conference__slug=CONFERENCE, locale__language_code="zh-hans")
    english = Locale.objects.get(language_code="en")
    existing = ColumnPage.objects.child_of(home).filter(locale=home.locale).count()
    with transaction.atomic():
        for number in range(existing + 1, TOTAL_COLUMNS + 1):
            column = add_page(home, ColumnPage(title=f"栏目 {number}", slug=f"column-{number}", locale=home.locale))
            translate_page(column, english, title=f"Column {number}")
            if number > TOTAL_COLUMNS - COLUMNS_WITH_CHILD:
                child = add_page(
                    column, ColumnPage(title=f"子栏目 {number}", slug=f"column-{number}-sub", locale=home.locale)
                )
                translate_page(child, english, title=f"Subcolumn {number}")
    total = ColumnPage.objects.child_of(home).filter(locale=home.locale).count()
    if total != TOTAL_COLUMNS:
        raise BenchError(f"the site has {total} columns instead of {TOTAL_COLUMNS}")


def capture_queries():
    """Print, as JSON, the SQL and timings of a warm anonymous request to each benchmarked page."""
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    result = {}
    for path in (HOME_PATH, COLUMN_PATH):
        for attempt in ("cold", "warm"):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                wall = time.perf_counter() - started
            if response.status_code != 200:
                raise BenchError(f"{path} answered {response.status_code} on the {attempt} request")
        result[path] = {
            "sql": [query["sql"] for query in captured.captured_queries],
            "sql_ms": 1000 * sum(float(query["time"]) for query in captured.captured_queries),
            "wall_ms": 1000 * wall,
        }
    print(RESULT_MARKER + json.dumps(result))


STEPS = {"columns": add_columns, "queries": capture_queries}


def main(name=__file__, steps=None, run_benchmark=None, doc=__doc__):
    """Run the benchmark, or one of its Django steps when ``--step`` names it."""
    steps = STEPS if steps is None else steps
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--step", choices=sorted(steps), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    try:
        if arguments.step:
            steps[arguments.step]()
        else:
            (run_benchmark or benchmark)()
    except BenchError as exc:
        print(f"bench/{Path(name).name}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
