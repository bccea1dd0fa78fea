"""What the chair's screens read: progress per reviewer group (assigned, done, overdue), the table
of submissions with their reviewers and aggregated scores, and the reviewers with their loads.

Every read leaves out the submissions the chair is in conflict with as a reviewer
(``selectors.conflicted_submission_ids``), and runs a fixed number of queries whatever the number
of rows.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from reviewing.enums import ReviewState
from reviewing.models import Assignment, Criterion, Review, Reviewer, ReviewerGroup
from reviewing.services.reviews import aggregate
from submissions.enums import FINAL_STATES, SubmissionState
from submissions.models import Submission

# What the chair works on: everything given out for review, and what was decided.
CHAIR_STATES = (
    SubmissionState.SUBMITTED,
    SubmissionState.UNDER_REVIEW,
    SubmissionState.REVISION_REQUESTED,
    *sorted(FINAL_STATES),
)


@dataclass
class GroupProgress:
    group: ReviewerGroup | None
    submissions: int = 0
    assigned: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent_done(self):
        return round(100 * self.done / self.assigned) if self.assigned else 0


def _overdue(now):
    return Q(due_at__lt=now) & ~Q(review__state=ReviewState.SUBMITTED) & ~Q(submission__state__in=FINAL_STATES)


def progress_by_group(conference, *, hidden=()):
    """One ``GroupProgress`` per group of the conference, then one for submissions in no group
    (when there are any), then the total. Three queries."""
    now = timezone.now()
    groups = list(ReviewerGroup.objects.filter(conference=conference))
    rows = {group.pk: GroupProgress(group) for group in groups}
    rows[None] = GroupProgress(None)
    submissions = (
        Submission.objects.filter(conference=conference, state__in=CHAIR_STATES)
        .exclude(pk__in=hidden)
        .values("review_group_placement__group")
        .annotate(n=Count("pk"))
    )
    for row in submissions:
        rows[row["review_group_placement__group"]].submissions = row["n"]
    assignments = (
        Assignment.objects.filter(conference=conference, submission__state__in=CHAIR_STATES)
        .exclude(submission__in=hidden)
        .values("submission__review_group_placement__group")
        .annotate(
            assigned=Count("pk"),
            done=Count("pk", filter=Q(review__state=ReviewState.SUBMITTED)),
            overdue=Count("pk", filter=_overdue(now)),
        )
    )
    for row in assignments:
        progress = rows[row["submission__review_group_placement__group"]]
        progress.assigned, progress.done, progress.overdue = row["assigned"], row["done"], row["overdue"]
    total = GroupProgress(None)
    for progress in rows.values():
        for name in ("submissions", "assigned", "done", "overdue"):
            setattr(total, name, getattr(total, name) + getattr(progress, name))
    ungrouped = rows.pop(None)
    result = [rows[group.pk] for group in groups]
    if ungrouped.submissions or ungrouped.assigned:
        result.append(ungrouped)
    return result, total


@dataclass
class SubmissionRow:
    """A submission in the chair's table, with its assignments, reviews and their aggregate."""

    submission: Submission
    assignments: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    @property
    def decision(self):
        return getattr(self.submission, "decision", None)

    @property
    def group(self):
        placement = getattr(self.submission, "review_group_placement", None)
        return placement.group if placement else None


def criteria_by_phase(conference):
    """``{phase: [criteria]}`` of the conference's review forms (one query)."""
    result = {}
    for criterion in Criterion.objects.filter(form__conference=conference).select_related("form"):
        result.setdefault(criterion.form.phase, []).append(criterion)
    return result


def chair_submissions(conference, *, hidden=()):
    """The queryset of the chair's table: submissions given out for review or decided, with what
    the rows show prefetched."""
    reviews = Review.objects.prefetch_related("scores")
    assignments = Assignment.objects.select_related("reviewer__user").prefetch_related(
        Prefetch("review", queryset=reviews)
    )
    return (
        Submission.objects.filter(conference=conference, state__in=CHAIR_STATES)
        .exclude(pk__in=hidden)
        .select_related("topic", "decision", "review_group_placement__group")
        .prefetch_related(Prefetch("assignments", queryset=assignments.order_by("pk")))
        .order_by("code")
    )


def submission_rows(submissions, criteria):
    """``SubmissionRow`` of each submission of ``chair_submissions`` (already filtered)."""
    rows = []
    for submission in submissions:
        assignments = list(submission.assignments.all())
        reviews = [a.review for a in assignments if getattr(a, "review", None) is not None]
        phase = "full_paper" if submission.phase == "full_paper" else "abstract"
        rows.append(SubmissionRow(submission, assignments, aggregate(reviews, criteria.get(phase, []))))
    return rows


def reviewers_with_load(conference, *, hidden=()):
    """The conference's reviewers with ``assigned`` and ``done`` counts (leaving out the
    submissions in ``hidden``), their topics and groups."""
    shown = ~Q(assignments__submission_id__in=hidden) if hidden else None
    submitted = Q(assignments__review__state=ReviewState.SUBMITTED)
    return (
        Reviewer.objects.filter(conference=conference)
        .select_related("user")
        .prefetch_related("topics", "groups")
        .annotate(
            assigned=Count("assignments", filter=shown, distinct=True),
            done=Count("assignments", filter=submitted & shown if shown else submitted, distinct=True),
        )
        .order_by("state", "user__email")
    )
