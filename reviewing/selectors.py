"""Reads of review: the submissions open for review, the active reviewers, and the pairs that
must never meet (active conflicts)."""

from reviewing.enums import ReviewerState
from reviewing.models import Conflict, Reviewer
from submissions.enums import SubmissionState
from submissions.models import Submission

# Submissions that can be given to reviewers.
REVIEWABLE_STATES = (SubmissionState.SUBMITTED, SubmissionState.UNDER_REVIEW, SubmissionState.REVISION_REQUESTED)


def reviewable_submissions(conference, group=None):
    submissions = Submission.objects.filter(conference=conference, state__in=REVIEWABLE_STATES)
    if group is not None:
        submissions = submissions.filter(review_group_placement__group=group)
    return submissions


def active_reviewers(conference, group=None):
    reviewers = Reviewer.objects.filter(conference=conference, state=ReviewerState.ACCEPTED)
    if group is not None:
        reviewers = reviewers.filter(groups=group)
    return reviewers


def active_conflicts(conference):
    return Conflict.objects.filter(conference=conference, dismissed_at__isnull=True)


def has_conflict(reviewer, submission):
    return Conflict.objects.filter(reviewer=reviewer, submission=submission, dismissed_at__isnull=True).exists()
