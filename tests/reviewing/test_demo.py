"""The demo review of NCIC 2027: a chair and six reviewers who can log in, two groups, the
automatic assignment without a conflicted pair, reviews in both languages, released and pending
decisions; a second run adds nothing."""

import pytest
from django.utils import timezone

from cms.demo import DEMO_PASSWORD, seed_demo
from cms.enums import Role
from cms.permissions import has_role
from reviewing.enums import ReviewerState, ReviewState
from reviewing.models import Assignment, Decision, Review, Reviewer, ReviewerGroup
from reviewing.selectors import active_conflicts
from submissions.enums import SubmissionState

pytestmark = pytest.mark.django_db


def test_the_demo_review_is_under_way_in_both_languages(demo_clock):
    context = seed_demo()
    demo = context.conferences["ncic2027"]
    logins = dict(context.logins)
    chair_email, english_email = logins["Review chair (中文)"], logins["Reviewer (English)"]

    reviewers = Reviewer.objects.filter(conference=demo).select_related("user")
    assert reviewers.count() == 6 and {r.state for r in reviewers} == {ReviewerState.ACCEPTED}
    english = reviewers.get(user__email=english_email).user
    assert english.is_active and english.check_password(DEMO_PASSWORD) and english.has_perm("reviewing.review")
    chair = reviewers.model._meta.get_field("user").related_model.objects.get(email=chair_email)
    assert chair.check_password(DEMO_PASSWORD) and has_role(chair, demo, Role.REVIEW_CHAIR)

    groups = ReviewerGroup.objects.filter(conference=demo)
    assert groups.count() == 2 and all(group.placements.exists() for group in groups)
    assignments = Assignment.objects.filter(conference=demo)
    conflicted = set(active_conflicts(demo).values_list("submission_id", "reviewer_id"))
    assert assignments.count() > 20
    assert not conflicted & set(assignments.values_list("submission_id", "reviewer_id"))
    assert assignments.filter(due_at__lt=timezone.now(), review__isnull=True).exists()  # overdue

    reviews = Review.objects.filter(assignment__conference=demo)
    texts = list(reviews.values_list("comments_to_authors", flat=True))
    assert any("实验" in text for text in texts) and any("baselines" in text for text in texts)
    assert reviews.filter(state=ReviewState.DRAFT).exists() and reviews.filter(state=ReviewState.SUBMITTED).count() > 10

    released = Decision.objects.filter(submission__conference=demo, released_at__isnull=False)
    assert released.count() == 3
    assert {d.submission.state for d in released} <= {
        SubmissionState.ACCEPTED_ORAL,
        SubmissionState.ACCEPTED_POSTER,
        SubmissionState.REVISION_REQUESTED,
    }
    assert Decision.objects.filter(submission__conference=demo, released_at__isnull=True).count() == 2

    counts = (assignments.count(), reviews.count(), Decision.objects.count())
    seed_demo()
    assert (assignments.count(), reviews.count(), Decision.objects.count()) == counts
