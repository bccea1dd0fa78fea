"""Reads of review: the submissions open for review, the active reviewers, the pairs that must
never meet (active conflicts), and who takes part in a submission's discussion and how each
reader sees it."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cms.models import User
from reviewing.enums import Outcome, ReviewerState
from reviewing.models import Assignment, Conflict, DiscussionPost, Reviewer
from reviewing.permissions import REVIEW_STAFF, is_chair
from submissions.enums import SubmissionState
from submissions.models import Author, Submission

# The Wagtail group of everyone who reviews (``services.reviewers.reviewers_group``).
REVIEWERS_GROUP = "Flock · Reviewers"
REVIEW_PERMISSION = "reviewing.review"
# Submissions whose reviewers no longer see them: drafts (never given out) and withdrawn work.
HIDDEN_FROM_REVIEWERS = (SubmissionState.DRAFT, SubmissionState.WITHDRAWN)
# Submissions that can be given to reviewers.
REVIEWABLE_STATES = (SubmissionState.SUBMITTED, SubmissionState.UNDER_REVIEW, SubmissionState.REVISION_REQUESTED)


# A released "revision" decision is answered by the authors resubmitting: the submission is then
# back in one of these states and is to be decided again.
RESUBMITTED_STATES = (SubmissionState.SUBMITTED, SubmissionState.UNDER_REVIEW)


def undecided(prefix=""):
    """``Q`` of the submissions (reached through ``prefix``, e.g. ``"submission__"``) with no
    pending or final decision: none recorded yet, or a released "revision" they were resubmitted
    after."""
    resubmitted = {
        f"{prefix}decision__outcome": Outcome.REVISION,
        f"{prefix}decision__released_at__isnull": False,
        f"{prefix}state__in": RESUBMITTED_STATES,
    }
    return Q(**{f"{prefix}decision__isnull": True}) | Q(**resubmitted)


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
    """Submissions of ``conference`` that ``user`` is in conflict with: as one of its reviewers
    (an active conflict), or as its submitter or one of its authors (by address, whatever the
    case). Hidden from them everywhere, chair screens, exports, imports and discussion included.
    Two queries."""
    if not getattr(user, "is_authenticated", False):
        return set()
    as_reviewer = Conflict.objects.filter(conference=conference, reviewer__user=user, dismissed_at__isnull=True)
    own = Submission.objects.filter(conference=conference).filter(
        Q(submitter=user) | Q(pk__in=Author.objects.filter(email__iexact=user.email).values("submission_id"))
    )
    return set(as_reviewer.values_list("submission_id", flat=True)) | set(own.values_list("pk", flat=True))


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


# The discussion of a submission (``services.discussion`` writes it)


def can_discuss(user, submission):
    """Whether ``user`` reads and writes the discussion of ``submission``: an accepted reviewer
    with an assignment on it that they can see, or a chair of its conference; never one of its
    authors, nor anyone with an active conflict of interest with it (chairs included)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if submission.submitter_id == user.pk or submission.authors.filter(email__iexact=user.email).exists():
        return False
    if Conflict.objects.filter(reviewer__user=user, submission=submission, dismissed_at__isnull=True).exists():
        return False
    return is_chair(user, submission.conference_id) or assignments_of(user).filter(submission=submission).exists()


@dataclass(frozen=True)
class DiscussionEntry:
    """A message as one reader sees it: ``name`` is a real name for chairs, else a label."""

    body: str
    created_at: datetime.datetime
    name: str
    role: str = ""
    own: bool = False


def discussion_for(submission, viewer):
    """The discussion of ``submission`` as ``viewer`` reads it, oldest first (``[]`` when they may
    not: ``can_discuss``). Chairs read every writer's name, with their part ("Reviewer 2",
    "Chair"); reviewers read "You", "Reviewer N" (numbered by assignment order, the same for
    every reader) or "Chair", never a name, whether or not the review is blind. Two queries
    whatever the number of messages (a third when someone no longer assigned wrote some), after
    those of ``can_discuss``."""
    if not can_discuss(viewer, submission):
        return []
    reviewers = Assignment.objects.filter(submission=submission).order_by("id")
    numbers = {user_id: n for n, user_id in enumerate(reviewers.values_list("reviewer__user_id", flat=True), 1)}
    chair = is_chair(viewer, submission.conference_id)
    posts = DiscussionPost.objects.filter(submission=submission).order_by("created_at", "id")
    posts = list(posts.select_related("author") if chair else posts.only("body", "created_at", "author_id"))
    others = {post.author_id for post in posts} - set(numbers) - {None}
    chairs = _chairs_among(others, submission.conference_id) if others else set()
    language = translation.get_language() or "zh-hans"

    def part(user_id):
        if user_id in numbers:
            return _("Reviewer %(number)s") % {"number": numbers[user_id]}
        return pgettext("discussion", "Chair") if user_id in chairs else _("Former participant")

    entries = []
    for post in posts:
        own = post.author_id == viewer.pk
        if chair:
            name = (post.author.display_name_in(language) or post.author.email) if post.author else "—"
            entries.append(DiscussionEntry(post.body, post.created_at, name, part(post.author_id), own))
        else:
            name = pgettext("discussion", "You") if own else part(post.author_id)
            entries.append(DiscussionEntry(post.body, post.created_at, name, "", own))
    return entries


def _chairs_among(user_ids, conference_id):
    roles = Q(conference_roles__conference_id=conference_id, conference_roles__role__in=REVIEW_STAFF)
    return set(User.objects.filter(Q(pk__in=user_ids), roles | Q(is_superuser=True)).values_list("pk", flat=True))
