"""Reminders of overdue reviews: one mail per reviewer listing every overdue review, in the
reviewer's language, at most once a day, never for submitted reviews or decided submissions; the
schedule is created once."""

import datetime

import pytest
from django.utils import timezone

from reviewing.enums import Outcome
from reviewing.services.assignments import assign
from reviewing.services.decisions import record_decision
from reviewing.services.reminders import remind_overdue
from reviewing.services.reviews import review_form_for, save_review

pytestmark = pytest.mark.django_db


def test_overdue_reviews_are_reminded_once_a_day(
    make_reviewer, make_submission, chair, mailoutbox, django_capture_on_commit_callbacks
):
    late = timezone.now() - datetime.timedelta(hours=2)
    reviewer = make_reviewer("late@example.org")
    reviewer.user.preferred_language = "en"
    reviewer.user.save()
    done_reviewer = make_reviewer("done@example.org")
    overdue = [make_submission([(f"a{n}@authors.example.net", "")], title=f"逾期{n}") for n in range(2)]
    decided = make_submission([("d@authors.example.net", "")])
    for submission in [*overdue, decided]:
        assign(submission=submission, reviewer=reviewer, by=chair, due_at=late)
    finished = assign(submission=overdue[0], reviewer=done_reviewer, by=chair, due_at=late)
    criteria = review_form_for(finished.submission.conference, "abstract").criteria.all()
    save_review(
        assignment=finished,
        user=done_reviewer.user,
        scores={c.pk: 3 for c in criteria},
        recommendation="reject",
        confidence=1,
        submit=True,
    )
    record_decision(submission=decided, outcome=Outcome.REJECT, by=chair)
    assign(
        submission=make_submission([("n@authors.example.net", "")]),
        reviewer=reviewer,
        by=chair,
        due_at=timezone.now() + datetime.timedelta(days=3),
    )

    with django_capture_on_commit_callbacks(execute=True):
        sent = remind_overdue()
        again = remind_overdue()
    tomorrow = remind_overdue(at=timezone.now() + datetime.timedelta(days=1, minutes=1))

    assert (sent, again, tomorrow) == (1, 0, 1)
    [message] = mailoutbox
    assert message.to == ["late@example.org"]
    assert message.subject == "[NCIC 2027] 2 of your reviews are overdue"
    assert overdue[0].code in message.body and overdue[1].code in message.body
    assert decided.code not in message.body


def test_a_conflicted_assignment_is_never_reminded(
    make_reviewer, make_submission, chair, mailoutbox, django_capture_on_commit_callbacks
):
    from reviewing.enums import ConflictSource
    from reviewing.services.conflicts import declare_conflict

    late = timezone.now() - datetime.timedelta(hours=2)
    reviewer = make_reviewer("torn@example.org")
    hidden = make_submission([("h@authors.example.net", "")], title="回避的稿件")
    shown = make_submission([("s@authors.example.net", "")], title="应审的稿件")
    assign(submission=hidden, reviewer=reviewer, by=chair, due_at=late)
    assign(submission=shown, reviewer=reviewer, by=chair, due_at=late)
    declare_conflict(reviewer=reviewer, submission=hidden, source=ConflictSource.REVIEWER, by=reviewer.user)

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue() == 1
    [message] = mailoutbox
    assert shown.code in message.body
    assert hidden.code not in message.body and "回避的稿件" not in message.body


def test_the_reminder_schedule_is_created_once():
    from django_q.models import Schedule

    from reviewing.tasks import SCHEDULES, ensure_schedules

    ensure_schedules()
    ensure_schedules()

    assert list(Schedule.objects.filter(func=SCHEDULES[0][0]).values_list("minutes", flat=True)) == [60]
