"""Decisions: recorded pending, released to the authors (state changed through submissions'
services, mail in the authors' language with the reviewers' comments but never their names or
confidential comments, shown on the author's page), refused on withdrawn work, and two chairs
deciding at once on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from reviewing.enums import Outcome, Recommendation
from reviewing.exceptions import ReviewError
from reviewing.models import Decision
from reviewing.services.assignments import assign
from reviewing.services.decisions import DecisionTaken, record_decision, release_decision, release_decisions
from reviewing.services.reviews import review_form_for, save_review
from submissions.enums import SubmissionState
from submissions.services.submitting import submit_submission, withdraw_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(make_reviewer, make_submission, chair):
    submission = make_submission([("li.hua@example.edu.cn", "浙江大学")], title="知识蒸馏")
    criteria = list(review_form_for(submission.conference, submission.phase).criteria.all())
    for number, (comment, secret) in enumerate(
        [("方法新颖，实验充分。", "SECRET-ONE"), ("请补充消融实验。", "SECRET-TWO")]
    ):
        reviewer = make_reviewer(f"hidden.reviewer{number}@example.org")
        assignment = assign(submission=submission, reviewer=reviewer, by=chair)
        save_review(
            assignment=assignment,
            user=reviewer.user,
            scores={criterion.pk: 4 for criterion in criteria},
            recommendation=Recommendation.ACCEPT_POSTER,
            confidence=2,
            comments_to_authors=comment,
            comments_to_committee=secret,
            submit=True,
        )
    return submission


def test_a_pending_decision_changes_nothing_for_the_authors(reviewed, chair, mailoutbox):
    record_decision(submission=reviewed, outcome=Outcome.ACCEPT_POSTER, by=chair)

    reviewed.refresh_from_db()
    assert reviewed.state == SubmissionState.SUBMITTED
    assert mailoutbox == []


def test_releasing_tells_the_authors_in_their_language_without_naming_reviewers(
    reviewed, chair, mailoutbox, django_capture_on_commit_callbacks
):
    decision = record_decision(submission=reviewed, outcome=Outcome.ACCEPT_POSTER, by=chair, note="祝贺！")

    with django_capture_on_commit_callbacks(execute=True):
        release_decision(decision=decision, by=chair)

    reviewed.refresh_from_db()
    assert reviewed.state == SubmissionState.ACCEPTED_POSTER and reviewed.decided_at is not None
    assert [m.to for m in mailoutbox] == [[reviewed.submitter.email], ["li.hua@example.edu.cn"]]
    message = mailoutbox[1]
    assert message.subject == f"[NCIC 2027] 稿件 {reviewed.code} 的评审结果"
    assert "张贴报告" in message.body and "方法新颖，实验充分。" in message.body and "请补充消融实验。" in message.body
    assert "审稿人 1" in message.body and "祝贺！" in message.body
    assert "hidden.reviewer" not in message.body and "SECRET" not in message.body
    author = Client()
    author.force_login(reviewed.submitter)
    page = author.get(f"/zh-hans/_my/ncic2027/submissions/{reviewed.code}/").content.decode()
    assert "方法新颖，实验充分。" in page and "审稿人 2" in page
    assert "hidden.reviewer" not in page and "SECRET" not in page


def test_a_revision_of_a_submitted_paper_goes_through_review(reviewed, chair):
    release_decision(decision=record_decision(submission=reviewed, outcome=Outcome.REVISION, by=chair), by=chair)

    reviewed.refresh_from_db()
    assert reviewed.state == SubmissionState.REVISION_REQUESTED


def test_a_released_revision_is_decided_again_once_resubmitted(reviewed, chair):
    from tests.reviewing.test_chair import admin_client, url

    revision = record_decision(submission=reviewed, outcome=Outcome.REVISION, by=chair)
    release_decision(decision=revision, by=chair)
    reviewed.refresh_from_db()
    with pytest.raises(DecisionTaken):  # the authors have not resubmitted yet
        record_decision(submission=reviewed, outcome=Outcome.ACCEPT_ORAL, by=chair)
    submit_submission(submission=reviewed, user=reviewed.submitter)
    page = admin_client(chair).get(url("submission", reviewed.conference, reviewed.pk)).content.decode()

    again = record_decision(submission=reviewed, outcome=Outcome.ACCEPT_POSTER, by=chair)
    release_decision(decision=again, by=chair)

    assert 'name="action" value="decide"' in page
    assert (again.pk, again.outcome) == (revision.pk, Outcome.ACCEPT_POSTER)
    reviewed.refresh_from_db()
    assert reviewed.state == SubmissionState.ACCEPTED_POSTER


def test_a_withdrawn_submission_cannot_be_decided(reviewed, chair):
    withdraw_submission(submission=reviewed, user=reviewed.submitter)

    with pytest.raises(ReviewError):
        record_decision(submission=reviewed, outcome=Outcome.REJECT, by=chair)
    assert not Decision.objects.exists()


def test_a_second_decision_is_refused_unless_it_replaces_a_pending_one(reviewed, chair, make_reviewer):
    record_decision(submission=reviewed, outcome=Outcome.REJECT, by=chair)

    with pytest.raises(DecisionTaken) as refused:
        record_decision(submission=reviewed, outcome=Outcome.ACCEPT_ORAL, by=chair)
    changed = record_decision(submission=reviewed, outcome=Outcome.ACCEPT_ORAL, by=chair, replace=True)
    release_decision(decision=changed, by=chair)

    assert str(chair) in str(refused.value.message) and "拒稿" in str(refused.value.message)
    with pytest.raises(ReviewError):  # released: final
        record_decision(submission=reviewed, outcome=Outcome.REJECT, by=chair, replace=True)
    reviewed.refresh_from_db()
    assert reviewed.state == SubmissionState.ACCEPTED_ORAL


def test_bulk_release_reports_what_it_could_not_release(reviewed, make_submission, chair):
    other = make_submission([("x@example.org", "")])
    first = record_decision(submission=reviewed, outcome=Outcome.REJECT, by=chair)
    second = record_decision(submission=other, outcome=Outcome.ACCEPT_ORAL, by=chair)
    release_decision(decision=second, by=chair)

    released, refused = release_decisions(decisions=[first, second], by=chair)

    assert [d.pk for d in released] == [first.pk]
    assert [d.pk for d, _reason in refused] == [second.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_chairs_deciding_at_once_record_one_decision(reviewed, chair):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is tested on PostgreSQL.")
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def decide(outcome):
        try:
            barrier.wait(timeout=30)
            record_decision(submission=reviewed, outcome=outcome, by=chair)
            outcomes.append(outcome)
        except DecisionTaken:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(o,)) for o in (Outcome.ACCEPT_ORAL, Outcome.REJECT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes.count("refused") == 1
    [decision] = Decision.objects.all()
    assert decision.outcome in outcomes
