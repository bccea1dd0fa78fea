"""Reviews: drafts and submission, scores checked against their scale, the version read, editing
until reviewing closes or the decision, only by the assignment's reviewer, and the aggregation
per submission (mean, weighted, spread, disagreement)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reviewing.enums import Recommendation, ReviewState
from reviewing.exceptions import ReviewError
from reviewing.services.assignments import assign
from reviewing.services.reviews import aggregate, close_reviewing, review_form_for, save_review
from submissions.services.decisions import accept_submission
from submissions.services.submitting import add_file
from tests.submissions.conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(make_reviewer, make_submission, chair):
    submission = make_submission([("doe@mit.edu", "MIT")])
    reviewers = [make_reviewer(f"r{n}@example.org") for n in range(3)]
    assignments = [assign(submission=submission, reviewer=r, by=chair) for r in reviewers]
    form = review_form_for(submission.conference, submission.phase)
    return submission, assignments, list(form.criteria.all())


def scores(criteria, *values):
    return {criterion.pk: value for criterion, value in zip(criteria, values, strict=True)}


def test_a_draft_needs_nothing_and_submitting_needs_everything(setting):
    _submission, (assignment, *_), criteria = setting
    user = assignment.reviewer.user

    draft = save_review(assignment=assignment, user=user, scores=scores(criteria, 4, "", ""))
    with pytest.raises(ValidationError) as refused:
        save_review(assignment=assignment, user=user, scores=scores(criteria, 4, "", ""), submit=True)

    assert draft.state == ReviewState.DRAFT and list(draft.scores.values_list("value", flat=True)) == [4]
    assert set(refused.value.message_dict) == {
        f"score_{criteria[1].pk}",
        f"score_{criteria[2].pk}",
        "recommendation",
        "confidence",
    }
    draft.refresh_from_db()
    assert draft.state == ReviewState.DRAFT


@pytest.mark.parametrize("bad", [0, 6, "x", 3.5])
def test_a_score_outside_the_scale_is_refused_and_nothing_changes(setting, bad):
    _submission, (assignment, *_), criteria = setting
    user = assignment.reviewer.user
    save_review(assignment=assignment, user=user, scores=scores(criteria, 3, 3, 3))

    with pytest.raises(ValidationError) as refused:
        save_review(assignment=assignment, user=user, scores=scores(criteria, bad, 5, 5))

    assert list(refused.value.message_dict) == [f"score_{criteria[0].pk}"]
    assert list(assignment.review.scores.order_by("criterion__sort_order").values_list("value", flat=True)) == [3, 3, 3]


def test_the_review_records_the_version_read(setting):
    submission, (assignment, *_), criteria = setting
    first = add_file(submission=submission, user=submission.submitter, uploaded=pdf_upload("v1.pdf"))
    review = save_review(assignment=assignment, user=assignment.reviewer.user, scores={})
    add_file(submission=submission, user=submission.submitter, uploaded=pdf_upload("v2.pdf"))

    review = save_review(assignment=assignment, user=assignment.reviewer.user, scores={})

    assert review.file_read == first


def test_only_the_assignments_reviewer_may_review(setting, make_reviewer):
    _submission, (assignment, other, _third), _criteria = setting

    with pytest.raises(PermissionDenied):
        save_review(assignment=assignment, user=other.reviewer.user, scores={})


def test_closed_reviewing_and_the_final_decision_lock_reviews(setting, chair):
    submission, (first, second, _third), criteria = setting
    save_review(assignment=first, user=first.reviewer.user, scores={})

    close_reviewing(form=review_form_for(submission.conference, submission.phase), by=chair)
    with pytest.raises(ReviewError):
        save_review(assignment=first, user=first.reviewer.user, scores=scores(criteria, 1, 1, 1))

    accept_submission(submission=submission, user=chair, presentation="poster")
    submission.refresh_from_db()
    second.submission = submission
    with pytest.raises(ReviewError):
        save_review(assignment=second, user=second.reviewer.user, scores={})


def test_scores_are_aggregated_and_disagreement_flagged(setting):
    submission, assignments, criteria = setting
    given = [
        (scores(criteria, 5, 5, 5), Recommendation.ACCEPT_ORAL),
        (scores(criteria, 4, 4, 2), Recommendation.ACCEPT_POSTER),
        (scores(criteria, 1, 1, 1), Recommendation.REJECT),
    ]
    for assignment, (values, recommendation) in zip(assignments, given, strict=True):
        save_review(
            assignment=assignment,
            user=assignment.reviewer.user,
            scores=values,
            recommendation=recommendation,
            confidence=2,
            submit=True,
        )

    result = aggregate([a.review for a in assignments], criteria)

    # Weighted (2, 2, 1) on 0–100: 100; (75·2 + 75·2 + 25)/5 = 65; 0. Means: 100, 58.3, 0.
    assert result["count"] == 3
    assert result["weighted"] == Decimal("55.0")
    assert result["mean"] == Decimal("52.8")
    assert result["spread"] == Decimal("100.0")
    assert result["disagree"] is True


def test_close_reviews_do_not_disagree(setting):
    _submission, assignments, criteria = setting
    for assignment in assignments[:2]:
        save_review(
            assignment=assignment,
            user=assignment.reviewer.user,
            scores=scores(criteria, 4, 4, 4),
            recommendation=Recommendation.MINOR_REVISION,
            confidence=3,
            submit=True,
        )

    result = aggregate([a.review for a in assignments[:2]], criteria)

    assert (result["count"], result["weighted"], result["spread"], result["disagree"]) == (2, Decimal("75.0"), 0, False)
