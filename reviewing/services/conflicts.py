"""Conflicts of interest: declared by a reviewer or by the authors, detected by Flock, dismissed
by the chair when a detected one is wrong.

Detected, between a reviewer and a submission (withdrawn ones aside):

* the same email domain as one of its authors (public mail services such as qq.com excepted);
* the same affiliation as one of its authors (compared without case, spaces or punctuation);
* co-authorship: the reviewer is an author of this submission, or wrote another submission of
  the conference together with one of its authors.

``detect_conflicts`` keeps the rows in step with the data: new ones are added, those that no
longer hold are removed, and a dismissed one stays dismissed. ``detect_pair_conflicts`` does the
same for one pair in a few queries, whatever the size of the conference: ``assign`` runs it, and
the automatic assignment runs ``detect_conflicts`` before planning and before applying.
"""

import re
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from reviewing.enums import DETECTED_SOURCES, PUBLIC_MAIL_DOMAINS, ConflictSource, ReviewState
from reviewing.exceptions import ReviewError
from reviewing.models import Assignment, Conflict, Review, Reviewer
from submissions.enums import SubmissionState
from submissions.models import Author

PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def email_domain(email):
    domain = (email or "").rsplit("@", 1)[-1].strip().lower()
    return "" if not domain or domain in PUBLIC_MAIL_DOMAINS else domain


def same_affiliation_key(affiliation):
    return PUNCTUATION.sub("", (affiliation or "").casefold())


def detected_pairs(conference, *, reviewer=None, submission=None):
    """``{(reviewer id, submission id): {sources}}`` of the conflicts the data shows. Given a
    ``reviewer`` and a ``submission``, only what that pair needs is read, and only the entry of
    that pair is complete."""
    reviewers = Reviewer.objects.filter(conference=conference)
    authors = Author.objects.filter(submission__conference=conference).exclude(
        submission__state=SubmissionState.WITHDRAWN
    )
    if reviewer is not None and submission is not None:
        reviewers = reviewers.filter(pk=reviewer.pk)
        # The submission's authors, and those of the reviewer's own submissions (co-authors).
        own = Author.objects.filter(email__iexact=reviewer.user.email).values("submission_id")
        authors = authors.filter(Q(submission=submission) | Q(submission__in=own))
    reviewers = list(reviewers.values_list("pk", "user__email", "user__affiliation"))
    authors = list(authors.values_list("submission_id", "email", "affiliation"))
    by_domain, by_affiliation, by_email = defaultdict(set), defaultdict(set), defaultdict(set)
    for submission_id, email, affiliation in authors:
        email = email.lower()
        by_email[email].add(submission_id)
        if domain := email_domain(email):
            by_domain[domain].add(submission_id)
        if key := same_affiliation_key(affiliation):
            by_affiliation[key].add(submission_id)
    emails_of = defaultdict(set)
    for submission_id, email, _affiliation in authors:
        emails_of[submission_id].add(email.lower())
    pairs = defaultdict(set)
    for reviewer_id, email, affiliation in reviewers:
        email = email.lower()
        for submission_id in by_domain.get(email_domain(email), ()) if email_domain(email) else ():
            pairs[reviewer_id, submission_id].add(ConflictSource.EMAIL_DOMAIN)
        for submission_id in by_affiliation.get(same_affiliation_key(affiliation), ()) if affiliation else ():
            pairs[reviewer_id, submission_id].add(ConflictSource.AFFILIATION)
        coauthors = set()
        for own in by_email.get(email, ()):
            coauthors |= emails_of[own]
        for coauthor in coauthors:
            for submission_id in by_email[coauthor]:
                pairs[reviewer_id, submission_id].add(ConflictSource.COAUTHOR)
    return pairs


@transaction.atomic
def detect_conflicts(*, conference):
    """Bring the detected conflicts of ``conference`` in step with its data. Returns ``(added,
    removed)``. Side effects: conflict rows only (no audit entry: nothing a person did)."""
    rows = Conflict.objects.filter(conference=conference)
    return _bring_in_step(conference.pk, detected_pairs(conference), rows)


@transaction.atomic
def detect_pair_conflicts(*, reviewer, submission):
    """``detect_conflicts`` for one reviewer and one submission of the same conference. Returns
    ``(added, removed)``. Side effects: conflict rows of the pair only."""
    pair = (reviewer.pk, submission.pk)
    found = detected_pairs(submission.conference_id, reviewer=reviewer, submission=submission).get(pair, set())
    rows = Conflict.objects.filter(reviewer=reviewer, submission=submission)
    return _bring_in_step(submission.conference_id, {pair: found}, rows)


def _bring_in_step(conference_id, pairs, rows):
    """Make the detected conflicts among ``rows`` those of ``pairs`` (a dismissed one stays)."""
    wanted = {
        (reviewer_id, submission_id, source)
        for (reviewer_id, submission_id), sources in pairs.items()
        for source in sources
    }
    existing = {
        (row[1], row[2], row[3]): row[0]
        for row in rows.filter(source__in=DETECTED_SOURCES).values_list("pk", "reviewer_id", "submission_id", "source")
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    Conflict.objects.filter(pk__in=stale, dismissed_at__isnull=True).delete()
    new = [
        Conflict(conference_id=conference_id, reviewer_id=reviewer_id, submission_id=submission_id, source=source)
        for reviewer_id, submission_id, source in wanted
        if (reviewer_id, submission_id, source) not in existing
    ]
    Conflict.objects.bulk_create(new, batch_size=5000, ignore_conflicts=True)
    return len(new), len(stale)


@transaction.atomic
def declare_conflict(*, reviewer, submission, source, by, note=""):
    """A conflict declared by the reviewer (``ConflictSource.REVIEWER``) or by the authors
    (``ConflictSource.AUTHOR``). Declaring twice changes nothing. An assignment of the pair whose
    review is not submitted is taken back (a submitted review stays, hidden from the reviewer, for
    the chair to weigh). Side effects: an audit entry; the assignment and its draft deleted."""
    if source not in (ConflictSource.REVIEWER, ConflictSource.AUTHOR):
        raise ValueError(f"{source} is not a declared source")
    if reviewer.conference_id != submission.conference_id:
        raise ReviewError(_("The reviewer and the submission belong to different conferences."))
    conflict, created = Conflict.objects.get_or_create(
        reviewer=reviewer,
        submission=submission,
        source=source,
        defaults={"conference_id": submission.conference_id, "note": note[:300]},
    )
    if created:
        log(instance=conflict, action="flock.review.conflict", user=by, data={"source": source})
    # Locked, as ``save_review`` does: a review submitted at this moment is seen here, or waits.
    assignment = Assignment.objects.select_for_update().filter(reviewer=reviewer, submission=submission).first()
    submitted = Review.objects.filter(assignment=assignment, state=ReviewState.SUBMITTED)
    if assignment is not None and not submitted.exists():
        assignment.delete()
        log(instance=submission, action="flock.review.unassign", user=by, data={"reviewer": reviewer.user.email})
    return conflict


@transaction.atomic
def dismiss_conflict(*, conflict, by):
    """The chair says a detected conflict is wrong: it no longer blocks the pair. Declared
    conflicts cannot be dismissed. Side effects: an audit entry."""
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.source not in DETECTED_SOURCES:
        raise ReviewError(_("A declared conflict of interest cannot be dismissed."))
    if conflict.dismissed_at is None:
        conflict.dismissed_at, conflict.dismissed_by = timezone.now(), by
        conflict.save(update_fields=["dismissed_at", "dismissed_by"])
        log(instance=conflict, action="flock.review.conflict_dismissed", user=by, data={"source": conflict.source})
    return conflict


@transaction.atomic
def set_author_conflicts(*, submission, reviewers, by):
    """The authors name the reviewers they have a conflict of interest with: conflicts declared
    by the authors become exactly ``reviewers`` (of the submission's conference). Refused once the
    submission is decided. Returns ``(added, removed)``. Side effects: the conflicts (and the
    pending assignments they end, see ``declare_conflict``), one audit entry per change."""
    if submission.is_final:
        raise ReviewError(_("The submission is decided: its conflicts of interest can no longer change."))
    wanted = {reviewer.pk: reviewer for reviewer in reviewers if reviewer.conference_id == submission.conference_id}
    existing = Conflict.objects.filter(submission=submission, source=ConflictSource.AUTHOR)
    removed = [conflict for conflict in existing if conflict.reviewer_id not in wanted]
    for conflict in removed:
        log(instance=conflict, action="flock.review.conflict_withdrawn", user=by, data={"source": conflict.source})
        conflict.delete()
    known = set(existing.values_list("reviewer_id", flat=True))
    added = [pk for pk in wanted if pk not in known]
    for pk in added:
        declare_conflict(reviewer=wanted[pk], submission=submission, source=ConflictSource.AUTHOR, by=by)
    return len(added), len(removed)
