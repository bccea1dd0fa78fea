"""What the chair (or ``reviewing``) does to a submission: start its review, accept it as an oral
presentation or a poster, reject it, or ask for a revision. One function per change, each locked,
checked against ``SUBMISSION_TRANSITIONS``, audited and signalled. A final decision locks the
submission."""

from django.db import transaction
from django.utils import timezone

from submissions.enums import PresentationType, SubmissionState
from submissions.services.transitions import lock, transition

ACCEPTED_AS = {
    PresentationType.ORAL: SubmissionState.ACCEPTED_ORAL,
    PresentationType.POSTER: SubmissionState.ACCEPTED_POSTER,
}


@transaction.atomic
def start_review(*, submission, user=None):
    """A submitted submission goes to review (reviewers can now be assigned)."""
    submission = lock(submission)
    return transition(submission, SubmissionState.UNDER_REVIEW, action="flock.submission.review", user=user)


@transaction.atomic
def accept_submission(*, submission, user=None, presentation=PresentationType.ORAL):
    """Accept a submitted or reviewed submission as ``presentation`` (oral or poster): final."""
    submission = lock(submission)
    submission.decided_at = timezone.now()
    return transition(
        submission,
        ACCEPTED_AS[PresentationType(presentation)],
        action="flock.submission.accept",
        user=user,
        fields=["decided_at"],
    )


@transaction.atomic
def reject_submission(*, submission, user=None):
    """Reject a submitted or reviewed submission: final."""
    submission = lock(submission)
    submission.decided_at = timezone.now()
    return transition(
        submission, SubmissionState.REJECTED, action="flock.submission.reject", user=user, fields=["decided_at"]
    )


@transaction.atomic
def request_revision(*, submission, user=None):
    """Ask the authors of a reviewed submission for a revision; they resubmit when it is done."""
    submission = lock(submission)
    return transition(submission, SubmissionState.REVISION_REQUESTED, action="flock.submission.revise", user=user)
