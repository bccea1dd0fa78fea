"""Giving submissions to reviewers: by hand, in bulk, and automatically (a plan computed by
``optimiser``, previewed, then applied). A pair with an active conflict of interest is never
made, a reviewer who has not accepted gets nothing, and only submissions open for review are
given out. Existing assignments are always kept.
"""

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from reviewing.enums import AssignmentMethod, ReviewerState, ReviewState
from reviewing.exceptions import ConflictOfInterest, NotReviewable, PlanOutdated, ReviewerNotActive, ReviewError
from reviewing.models import Assignment, AssignmentPlan, Review, Reviewer
from reviewing.selectors import (
    REVIEWABLE_STATES,
    active_conflicts,
    active_reviewers,
    has_conflict,
    reviewable_submissions,
)
from reviewing.services import optimiser
from reviewing.services.conflicts import detect_conflicts, detect_pair_conflicts


def _check_pair(submission, reviewer):
    """Refuse a pair that may not be made. The conflicts the data shows for the pair are
    detected first (``detect_pair_conflicts``, a few queries), so that a new submission or a
    changed affiliation is never given out before the chair runs the detection."""
    if reviewer.conference_id != submission.conference_id:
        raise NotReviewable(_("The reviewer and the submission belong to different conferences."))
    if submission.state not in REVIEWABLE_STATES:
        raise NotReviewable()
    if reviewer.state != ReviewerState.ACCEPTED:
        raise ReviewerNotActive()
    detect_pair_conflicts(reviewer=reviewer, submission=submission)
    if has_conflict(reviewer, submission):
        raise ConflictOfInterest()


def assign(*, submission, reviewer, by, method=AssignmentMethod.MANUAL, due_at=None):
    """Give ``submission`` to ``reviewer`` (an existing pair is returned unchanged).

    Raises ``NotReviewable``, ``ReviewerNotActive``, ``ConflictOfInterest``. Side effects: the
    detected conflicts of the pair brought in step with the data (kept when the pair is then
    refused, for the chair to see), the assignment, an audit entry on the submission."""
    _check_pair(submission, reviewer)
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(
            submission=submission,
            reviewer=reviewer,
            defaults={"conference_id": submission.conference_id, "method": method, "due_at": due_at, "created_by": by},
        )
        if created:
            log(instance=submission, action="flock.review.assign", user=by, data={"reviewer": reviewer.user.email})
    return assignment


@transaction.atomic
def unassign(*, assignment, by):
    """Take a submission back from a reviewer (their draft review goes with it). Refused once the
    review is submitted: it counts for the decision. The assignment row is locked first, so that
    a review being submitted at the same moment is either seen here or never saved (``save_review``
    takes the same lock). Side effects: the assignment and its draft deleted, an audit entry on
    the submission."""
    assignment = Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
    if assignment is None:  # taken back meanwhile
        return
    submission, email = assignment.submission, assignment.reviewer.user.email
    if Review.objects.filter(assignment=assignment, state=ReviewState.SUBMITTED).exists():
        raise ReviewError(_("%(email)s has submitted the review: it can no longer be taken back.") % {"email": email})
    assignment.delete()
    log(instance=submission, action="flock.review.unassign", user=by, data={"reviewer": email})


def assign_in_bulk(*, submissions, reviewers, by, due_at=None):
    """Every pair of ``submissions`` × ``reviewers`` that may be made; returns ``(made, refused)``
    where ``refused`` lists ``(submission, reviewer, reason)``. Each pair is its own transaction."""
    made, refused = [], []
    for submission in submissions:
        for reviewer in reviewers:
            try:
                made.append(
                    assign(submission=submission, reviewer=reviewer, by=by, method=AssignmentMethod.BULK, due_at=due_at)
                )
            except (NotReviewable, ReviewerNotActive, ConflictOfInterest) as error:
                refused.append((submission, reviewer, str(error.message)))
    return made, refused


# The automatic assignment -----------------------------------------------------------------------


def build_problem(*, conference, per_submission, group=None):
    """The optimiser's ``Problem`` for the submissions open for review (of ``group``) and the
    active reviewers (of ``group``), with the submission and reviewer ids of its indexes."""
    submissions = list(reviewable_submissions(conference, group).order_by("pk").values_list("pk", "topic_id"))
    reviewers = list(active_reviewers(conference, group).order_by("pk").values_list("pk", flat=True))
    s_index = {pk: i for i, (pk, _topic) in enumerate(submissions)}
    r_index = {pk: i for i, pk in enumerate(reviewers)}
    topic_ids = sorted({topic for _pk, topic in submissions if topic is not None})
    t_index = {pk: i for i, pk in enumerate(topic_ids)}
    topic = np.array([t_index.get(topic, -1) for _pk, topic in submissions], dtype=np.int64)
    expert = np.zeros((len(reviewers), max(len(topic_ids), 1)), dtype=bool)
    through = Reviewer.topics.through.objects.filter(reviewer_id__in=reviewers, topic_id__in=topic_ids)
    for reviewer_id, topic_id in through.values_list("reviewer_id", "topic_id").iterator(chunk_size=5000):
        expert[r_index[reviewer_id], t_index[topic_id]] = True
    load = np.zeros(len(reviewers), dtype=np.int64)
    need = np.full(len(submissions), per_submission, dtype=np.int64)
    existing = []
    pairs = Assignment.objects.filter(conference=conference, reviewer_id__in=reviewers).values_list(
        "submission_id", "reviewer_id"
    )
    for submission_id, reviewer_id in pairs.iterator(chunk_size=10000):
        load[r_index[reviewer_id]] += 1
        if submission_id in s_index:
            need[s_index[submission_id]] = max(0, need[s_index[submission_id]] - 1)
            existing.append((s_index[submission_id], r_index[reviewer_id]))
    blocked = list(existing)
    conflicts = active_conflicts(conference).values_list("submission_id", "reviewer_id")
    for submission_id, reviewer_id in conflicts.iterator(chunk_size=20000):
        if submission_id in s_index and reviewer_id in r_index:
            blocked.append((s_index[submission_id], r_index[reviewer_id]))
    problem = optimiser.Problem(
        need=need, topic=topic, expert=expert, load=load, blocked=optimiser.blocked_keys(blocked, len(reviewers))
    )
    return problem, [pk for pk, _topic in submissions], reviewers


@transaction.atomic
def plan_automatic(*, conference, per_submission, by, group=None):
    """A preview: ``per_submission`` reviewers for every submission open for review (of
    ``group``), from the active reviewers (of ``group``), keeping existing assignments, never a
    conflicted pair, loads as even as possible, experts preferred. Nothing is assigned until
    ``apply_plan``; older unapplied plans of the conference are dropped. Side effects: the
    conflicts of the conference detected again first (``detect_conflicts``), the plan."""
    detect_conflicts(conference=conference)
    problem, submission_ids, reviewer_ids = build_problem(
        conference=conference, per_submission=per_submission, group=group
    )
    plan = optimiser.solve(problem)
    loads = plan.loads(problem)
    counts = plan.counts(problem) + (per_submission - problem.need)
    pairs = [
        [submission_ids[s], reviewer_ids[r]]
        for s, r in zip(plan.submissions.tolist(), plan.reviewers.tolist(), strict=True)
    ]
    summary = {
        "submissions": len(submission_ids),
        "reviewers": len(reviewer_ids),
        "new": len(pairs),
        "experts": plan.experts,
        "short": int((counts < per_submission).sum()) if len(counts) else 0,
        "load_min": int(loads.min()) if len(loads) else 0,
        "load_max": int(loads.max()) if len(loads) else 0,
    }
    AssignmentPlan.objects.filter(conference=conference, applied_at__isnull=True).delete()
    return AssignmentPlan.objects.create(
        conference=conference, group=group, per_submission=per_submission, pairs=pairs, summary=summary, created_by=by
    )


@transaction.atomic
def apply_plan(*, plan, by, due_at=None):
    """Make the plan's assignments. Pairs that meanwhile became conflicted, or whose submission
    or reviewer is no longer open, are left out. Raises ``PlanOutdated`` when the plan was
    applied or dropped. Side effects: the conflicts of the conference detected again first
    (``detect_conflicts``: a pair that the data now shows conflicted is left out), the
    assignments, an audit entry on the plan."""
    try:
        plan = AssignmentPlan.objects.select_for_update().get(pk=plan.pk, applied_at__isnull=True)
    except AssignmentPlan.DoesNotExist:
        raise PlanOutdated() from None
    conference = plan.conference
    detect_conflicts(conference=conference)
    open_submissions = set(reviewable_submissions(conference).values_list("pk", flat=True))
    open_reviewers = set(active_reviewers(conference).values_list("pk", flat=True))
    blocked = set(active_conflicts(conference).values_list("submission_id", "reviewer_id"))
    rows = [
        Assignment(
            conference=conference,
            submission_id=submission_id,
            reviewer_id=reviewer_id,
            method=AssignmentMethod.AUTOMATIC,
            due_at=due_at,
            created_by=by,
        )
        for submission_id, reviewer_id in plan.pairs
        if submission_id in open_submissions
        and reviewer_id in open_reviewers
        and (submission_id, reviewer_id) not in blocked
    ]
    try:
        Assignment.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    except IntegrityError as error:  # a reviewer or submission deleted meanwhile
        raise PlanOutdated() from error
    plan.applied_at = timezone.now()
    plan.save(update_fields=["applied_at"])
    log(instance=plan, action="flock.review.plan_applied", user=by, data={"assignments": len(rows)})
    return len(rows)
