"""Reminders for overdue reviews: one mail per reviewer and conference listing every assignment
whose due time has passed without a submitted review, at most once a day per assignment, in the
reviewer's language. Run by the scheduled task ``reviewing.tasks.task_remind_overdue``."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cms.services.mail import send_templated_mail
from reviewing.enums import ReviewerState, ReviewState
from reviewing.models import Assignment, Conflict
from reviewing.selectors import HIDDEN_FROM_REVIEWERS, undecided

EVERY = datetime.timedelta(days=1)


def overdue_assignments(at=None):
    at = at or timezone.now()
    conflicted = Conflict.objects.filter(
        reviewer=OuterRef("reviewer"), submission=OuterRef("submission"), dismissed_at__isnull=True
    )
    return (
        Assignment.objects.filter(due_at__lt=at, reviewer__state=ReviewerState.ACCEPTED)
        .filter(~Exists(conflicted))
        .exclude(review__state=ReviewState.SUBMITTED)
        .exclude(submission__state__in=HIDDEN_FROM_REVIEWERS)
        .filter(undecided("submission__"))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=at - EVERY))
        .select_related("submission__conference", "reviewer__user")
        .order_by("reviewer_id", "due_at")
    )


@transaction.atomic
def remind_overdue(*, at=None):
    """Send the reminders due now; returns how many mails were sent. Side effects: the mails,
    ``reminded_at`` on each assignment named."""
    at = at or timezone.now()
    grouped = defaultdict(list)
    for assignment in overdue_assignments(at).select_for_update(of=("self",), skip_locked=True):
        grouped[assignment.reviewer_id].append(assignment)
    for assignments in grouped.values():
        reviewer = assignments[0].reviewer
        conference = assignments[0].submission.conference
        send_templated_mail(
            key="reviewing.reminder",
            to=reviewer.user,
            conference=conference,
            context={
                "assignments": assignments,
                "count": len(assignments),
                "panel_url": f"{settings.WAGTAILADMIN_BASE_URL}/admin/reviews/mine/",
            },
        )
    Assignment.objects.filter(pk__in=[a.pk for group in grouped.values() for a in group]).update(reminded_at=at)
    return len(grouped)
