"""Every change of a submission's state and its guard: the table allows exactly these arrows,
each service audits and signals its change, and anything else is refused without a change."""

import pytest
from wagtail.models import ModelLogEntry

from submissions.enums import SUBMISSION_TRANSITIONS, SubmissionState
from submissions.exceptions import IllegalTransition, SubmissionLocked
from submissions.models import Submission
from submissions.services.decisions import accept_submission, reject_submission, request_revision, start_review
from submissions.services.submitting import start_submission, submit_submission, withdraw_submission
from submissions.signals import submission_state_changed
from tests.submissions.conftest import authors, submission_data

pytestmark = pytest.mark.django_db
S = SubmissionState


def services(user):
    """Each service as a function of a submission, with the state it leads to."""
    return {
        "submit": (lambda s: submit_submission(submission=s, user=user), S.SUBMITTED),
        "start_review": (lambda s: start_review(submission=s), S.UNDER_REVIEW),
        "accept_oral": (lambda s: accept_submission(submission=s, presentation="oral"), S.ACCEPTED_ORAL),
        "accept_poster": (lambda s: accept_submission(submission=s, presentation="poster"), S.ACCEPTED_POSTER),
        "reject": (lambda s: reject_submission(submission=s), S.REJECTED),
        "request_revision": (lambda s: request_revision(submission=s), S.REVISION_REQUESTED),
        "withdraw": (lambda s: withdraw_submission(submission=s, user=user), S.WITHDRAWN),
    }


def in_state(conference, user, topic, state):
    """A submission brought to ``state`` through the services."""
    submission = start_submission(conference=conference, user=user, data=submission_data(topic), authors=authors())
    path = {
        S.DRAFT: [],
        S.SUBMITTED: ["submit"],
        S.UNDER_REVIEW: ["submit", "start_review"],
        S.REVISION_REQUESTED: ["submit", "start_review", "request_revision"],
        S.ACCEPTED_ORAL: ["submit", "start_review", "accept_oral"],
        S.ACCEPTED_POSTER: ["submit", "accept_poster"],
        S.REJECTED: ["submit", "start_review", "reject"],
        S.WITHDRAWN: ["withdraw"],
    }[state]
    steps = services(user)
    for name in path:
        steps[name][0](submission)
    submission.refresh_from_db()
    assert submission.state == state
    return submission


def test_the_table_is_the_documented_one():
    assert SUBMISSION_TRANSITIONS == {
        S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
        S.SUBMITTED: {S.UNDER_REVIEW, S.ACCEPTED_ORAL, S.ACCEPTED_POSTER, S.REJECTED, S.WITHDRAWN},
        S.UNDER_REVIEW: {S.ACCEPTED_ORAL, S.ACCEPTED_POSTER, S.REJECTED, S.REVISION_REQUESTED, S.WITHDRAWN},
        S.REVISION_REQUESTED: {S.SUBMITTED, S.WITHDRAWN},
        S.ACCEPTED_ORAL: set(),
        S.ACCEPTED_POSTER: set(),
        S.REJECTED: set(),
        S.WITHDRAWN: set(),
    }


@pytest.mark.parametrize("state", list(S))
def test_from_each_state_exactly_the_allowed_changes_happen(call, topics, author_user, state):
    for name, (service, target) in services(author_user).items():
        submission = in_state(call.conference, author_user, topics[0], state)
        allowed = target in SUBMISSION_TRANSITIONS[state]
        changes = []
        handler = lambda changes=changes, **kw: changes.append((kw["old_state"], kw["new_state"]))  # noqa: E731
        submission_state_changed.connect(handler, weak=False, dispatch_uid="states")
        try:
            if allowed:
                service(submission)
            else:
                with pytest.raises((IllegalTransition, SubmissionLocked)):
                    service(submission)
        finally:
            submission_state_changed.disconnect(dispatch_uid="states")
        submission.refresh_from_db()
        if allowed:
            assert submission.state == target, name
            assert changes == [(state, target)], name
            entry = ModelLogEntry.objects.filter(object_id=str(submission.pk)).order_by("-pk").first()
            assert entry.data["old"] == state and entry.data["new"] == target, name
        else:
            assert submission.state == state, name
            assert changes == [], name


def test_a_revision_is_resubmitted_without_a_deadline(call, topics, author_user):
    import datetime

    submission = in_state(call.conference, author_user, topics[0], S.REVISION_REQUESTED)
    long_after = call.abstract_closes_at + datetime.timedelta(days=30)

    submit_submission(submission=submission, user=author_user, at=long_after)

    submission.refresh_from_db()
    assert submission.state == S.SUBMITTED and submission.late is False


def test_decisions_record_their_time_and_lock(call, topics, author_user):
    submission = in_state(call.conference, author_user, topics[0], S.ACCEPTED_ORAL)
    assert submission.decided_at is not None
    assert submission.is_final and not submission.is_editable
    assert Submission.objects.get(pk=submission.pk).state == S.ACCEPTED_ORAL
