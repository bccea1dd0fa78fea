"""Benchmark of the automatic assignment of reviewers, on PostgreSQL.

Run from the project root: ``.venv/bin/python bench/assign.py``. In one run it

1. recreates the PostgreSQL database ``flock_bench_assign`` and migrates it;
2. generates one conference with ``TOPICS`` topics, ``SUBMISSIONS`` submitted submissions (each
   on a topic), ``REVIEWERS`` reviewers who accepted (each an expert of one to three topics) and
   conflicts of interest declared between 1 % of all submission–reviewer pairs (as rows, the way the
   assignment reads them);
3. in a fresh process, runs the automatic assignment with k = ``K``
   (``reviewing.services.assignments.plan_automatic``: reading everything from the database, the
   min-cost flow, the plan saved for its preview) and then applies the plan (the assignments
   written), printing the time of each and the process's peak memory;
4. checks the result in the database: conflicted pairs assigned, submissions short of k, and the
   spread of the reviewers' loads;
5. prints a table with the targets: under 60 s and 2 GB, no conflict, load spread at most 1.

It exits non-zero only when a step fails to run, not when a target is missed.
"""

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402  (the shared helpers of the page benchmark)
from pages import BenchError, run  # noqa: E402

PYTHON = pages.PYTHON
DB_NAME = "flock_bench_assign"
DATABASE_URL = f"{pages.DB_SERVER}/{DB_NAME}"
SUBMISSIONS = 20_000
REVIEWERS = 5_000
TOPICS = 20
K = 3
CONFLICT_SHARE = 0.01
TARGET_SECONDS = 60.0
TARGET_MEMORY_MB = 2048.0
RESULT_MARKER = pages.RESULT_MARKER


def django_env(settings):
    return pages.django_env(settings, database_url=DATABASE_URL, FIELD_ENCRYPTION_KEY=pages.FIELD_KEY)


def step_output(step, environment):
    output = run([PYTHON, __file__, "--step", step], environment=environment, capture=True, timeout=1800)
    if RESULT_MARKER not in output:
        raise BenchError(f"step {step} printed no result:\n{output[-2000:]}")
    return json.loads(output.split(RESULT_MARKER, 1)[1].strip())


def benchmark():
    started = time.monotonic()
    print(f"Recreating database {DB_NAME} …", flush=True)
    pages.recreate_database(DB_NAME)
    environment = django_env("cms.settings.dev")
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], environment=environment, timeout=600)
    print(
        f"Generating {SUBMISSIONS:,} submissions, {REVIEWERS:,} reviewers, {TOPICS} topics and "
        f"{CONFLICT_SHARE:.0%} conflicts …",
        flush=True,
    )
    data = step_output("data", environment)
    print(f"  {data['conflicts']:,} conflict rows in {data['seconds']:.0f} s", flush=True)
    print(f"Assigning {K} reviewers per submission …", flush=True)
    result = step_output("assign", environment)
    check = step_output("check", environment)
    print_report(data, result, check)
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")


def print_report(data, result, check):
    verdict = pages.verdict
    total = result["plan_seconds"] + result["apply_seconds"]
    print()
    size = f"{SUBMISSIONS:,} submissions × {REVIEWERS:,} reviewers, {TOPICS} topics"
    print(f"{size}, {data['conflicts']:,} conflicts, k = {K}")
    print(f"  plan (read, solve, save the preview)  {result['plan_seconds']:8.1f} s")
    print(f"    of which the min-cost flow          {result['solve_seconds']:8.1f} s")
    print(f"  apply (write {check['assignments']:,} assignments)   {result['apply_seconds']:8.1f} s")
    print(f"  peak memory of the process            {result['peak_mb']:8.0f} MB")
    print(f"  experts among the assignments         {check['experts_share']:8.1%}")
    print(f"  loads: {check['load_min']} to {check['load_max']} per reviewer")
    print()
    met = verdict(total < TARGET_SECONDS)
    print(f"{'time, plan + apply':<36} {total:8.1f} s    target < {TARGET_SECONDS:.0f} s     {met}")
    print(
        f"{'peak memory':<36} {result['peak_mb']:8.0f} MB   target < {TARGET_MEMORY_MB:.0f} MB  "
        f"{verdict(result['peak_mb'] < TARGET_MEMORY_MB)}"
    )
    met = verdict(check["conflicted"] == 0)
    print(f"{'conflicted pairs assigned':<36} {check['conflicted']:8d}      target 0          {met}")
    spread = check["load_max"] - check["load_min"]
    print(f"{'load spread':<36} {spread:8d}      target <= 1       {verdict(spread <= 1)}")
    print(f"{'submissions short of k':<36} {check['short']:8d}      target 0          {verdict(check['short'] == 0)}")


# --- Steps that run inside a Django process (``--step``) -----------------------------------------


def generate():
    pages.setup_django()
    import numpy as np
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from cms.models import Conference, User
    from reviewing.enums import ConflictSource, ReviewerState
    from reviewing.models import Reviewer
    from submissions.enums import SubmissionState
    from submissions.models import Submission, Topic

    started = time.monotonic()
    rng = np.random.default_rng(2027)
    now = timezone.now()
    with transaction.atomic():
        conference = Conference.objects.create(
            slug="assign2027",
            acronym="ASSIGN 2027",
            name_zh="分配压测会议",
            name_en="Assignment Bench Conference",
            start_date=now.date(),
            end_date=now.date(),
            contact_email="office@example.org",
        )
        topics = Topic.objects.bulk_create(
            [
                Topic(conference=conference, name_zh=f"专题{n}", name_en=f"Topic {n}", sort_order=n)
                for n in range(TOPICS)
            ]
        )
        password = make_password(None)
        people = [
            User(email=f"p{n:05d}@bench-assign.example.org", password=password, preferred_language="zh-hans")
            for n in range(SUBMISSIONS + REVIEWERS)
        ]
        User.objects.bulk_create(people, batch_size=5000)
        users = list(User.objects.filter(email__endswith="@bench-assign.example.org").order_by("email"))
        topic_of = rng.integers(0, TOPICS, SUBMISSIONS)
        Submission.objects.bulk_create(
            [
                Submission(
                    conference=conference,
                    code=f"ASSIGN2027-{n + 1:05d}",
                    submitter=users[n],
                    state=SubmissionState.SUBMITTED,
                    title_zh=f"稿件 {n}",
                    abstract="摘要。",
                    topic=topics[int(topic_of[n])],
                    submitted_at=now,
                )
                for n in range(SUBMISSIONS)
            ],
            batch_size=5000,
        )
        Reviewer.objects.bulk_create(
            [
                Reviewer(
                    conference=conference, user=users[SUBMISSIONS + n], state=ReviewerState.ACCEPTED, responded_at=now
                )
                for n in range(REVIEWERS)
            ],
            batch_size=5000,
        )
        reviewers = list(Reviewer.objects.filter(conference=conference).order_by("pk").values_list("pk", flat=True))
        submissions = list(Submission.objects.filter(conference=conference).order_by("pk").values_list("pk", flat=True))
        through = Reviewer.topics.through
        expertise = []
        for reviewer_id in reviewers:
            for topic_index in rng.choice(TOPICS, int(rng.integers(1, 4)), replace=False):
                expertise.append(through(reviewer_id=reviewer_id, topic_id=topics[int(topic_index)].pk))
        through.objects.bulk_create(expertise, batch_size=10000)
        per_submission = round(REVIEWERS * CONFLICT_SHARE)
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY reviewing_conflict (conference_id, reviewer_id, submission_id, source, note, created_at) "
                "FROM STDIN"
            ) as copy,
        ):
            for submission_id in submissions:
                for reviewer_index in rng.choice(REVIEWERS, per_submission, replace=False):
                    copy.write_row(
                        (
                            conference.pk,
                            reviewers[int(reviewer_index)],
                            submission_id,
                            ConflictSource.REVIEWER,  # declared: detection keeps them
                            "",
                            now,
                        )
                    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    conflicts = SUBMISSIONS * per_submission
    print(RESULT_MARKER + json.dumps({"conflicts": conflicts, "seconds": time.monotonic() - started}))


def assign():
    pages.setup_django()
    from cms.models import Conference
    from reviewing.services import assignments, optimiser

    conference = Conference.objects.get(slug="assign2027")
    solve = optimiser.solve
    timing = {}

    def timed_solve(problem, **kwargs):
        started = time.perf_counter()
        try:
            return solve(problem, **kwargs)
        finally:
            timing["solve"] = time.perf_counter() - started

    optimiser.solve = timed_solve
    started = time.perf_counter()
    plan = assignments.plan_automatic(conference=conference, per_submission=K, by=None)
    planned = time.perf_counter() - started
    started = time.perf_counter()
    assignments.apply_plan(plan=plan, by=None)
    applied = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"plan_seconds": planned, "solve_seconds": timing["solve"], "apply_seconds": applied, "peak_mb": peak}
    print(RESULT_MARKER + json.dumps(result))


def check():
    pages.setup_django()
    from django.db import connection

    from reviewing.models import Assignment

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM reviewing_assignment a JOIN reviewing_conflict c "
            "ON c.reviewer_id = a.reviewer_id AND c.submission_id = a.submission_id AND c.dismissed_at IS NULL"
        )
        conflicted = cursor.fetchone()[0]
        cursor.execute(
            "SELECT min(n), max(n) FROM (SELECT r.id, count(a.id) n FROM reviewing_reviewer r "
            "LEFT JOIN reviewing_assignment a ON a.reviewer_id = r.id GROUP BY r.id) loads"
        )
        load_min, load_max = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM submissions_submission s WHERE s.code LIKE 'ASSIGN2027-%%' AND "
            "(SELECT count(*) FROM reviewing_assignment a WHERE a.submission_id = s.id) < %s",
            [K],
        )
        short = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM reviewing_assignment a JOIN submissions_submission s ON s.id = a.submission_id "
            "JOIN reviewing_reviewer_topics t ON t.reviewer_id = a.reviewer_id AND t.topic_id = s.topic_id"
        )
        experts = cursor.fetchone()[0]
    total = Assignment.objects.count()
    result = {
        "assignments": total,
        "conflicted": conflicted,
        "load_min": load_min,
        "load_max": load_max,
        "short": short,
        "experts_share": experts / total if total else 0.0,
    }
    print(RESULT_MARKER + json.dumps(result))


STEPS = {"data": generate, "assign": assign, "check": check}


if __name__ == "__main__":
    sys.exit(pages.main(__file__, STEPS, benchmark, __doc__))
