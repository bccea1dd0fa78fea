"""Reads of review: the submissions open for review, the active reviewers, and the pairs that
must never meet (active conflicts)."""

from django.db.models import Exists, OuterRef

from reviewing.enums import ReviewerState
from reviewing.models import Conflict, Reviewer
from submissions.enums import SubmissionState
from submissions.models import Submission

# The Wagtail group of everyone who reviews (``services.reviewers.reviewers_group``).
REVIEWERS_GROUP = "Flock · Reviewers"
REVIEW_PERMISSION = "reviewing.review"
# Submissions whose reviewers no longer see them: drafts (never given out) and withdrawn work.
HIDDEN_FROM_REVIEWERS = (SubmissionState.DRAFT, SubmissionState.WITHDRAWN)
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


def conflicted_submission_ids(user, conference):
    """Submissions of ``conference`` that ``user`` is in conflict with as one of its reviewers:
    hidden from them everywhere, chair screens and exports included."""
    return (
        set(
            Conflict.objects.filter(conference=conference, reviewer__user=user, dismissed_at__isnull=True).values_list(
                "submission_id", flat=True
            )
        )
        if getattr(user, "is_authenticated", False)
        else set()
    )


def has_conflict(reviewer, submission):
    return Conflict.objects.filter(reviewer=reviewer, submission=submission, dismissed_at__isnull=True).exists()


def assignments_of(user):
    """The person's assignments where they are an accepted reviewer and no active conflict stands,
    with everything the list shows: one query whatever their number."""
    from reviewing.models import Assignment

    conflicted = Conflict.objects.filter(
        reviewer=OuterRef("reviewer"), submission=OuterRef("submission"), dismissed_at__isnull=True
    )
    return (
        Assignment.objects.filter(reviewer__user=user, reviewer__state=ReviewerState.ACCEPTED)
        .filter(~Exists(conflicted))
        .exclude(submission__state__in=HIDDEN_FROM_REVIEWERS)
        .select_related("submission__topic", "submission__conference", "reviewer", "review")
        .order_by("due_at", "submission__code")
    )


def assignment_for(user, pk):
    """Assignment ``pk`` when it is the person's and visible to them (``None`` otherwise)."""
    return assignments_of(user).filter(pk=pk).first()


def is_reviewer(user):
    """Whether ``user`` reviews for some conference: the reviewers' group grants the permission
    (read with the user's other permissions, so asking costs no query)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(REVIEW_PERMISSION))
