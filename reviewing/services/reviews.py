"""Reviews: the review form of each phase (made with three default criteria on first use), a
reviewer saving a draft and submitting, editing until the chair closes reviewing, and the scores
aggregated per submission.

A review records the exact version of the paper the reviewer read (``file_read``): the version
the review page showed, or the current one.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from reviewing.enums import Recommendation, ReviewState
from reviewing.exceptions import ReviewError
from reviewing.models import Assignment, Criterion, Review, ReviewForm, Score
from submissions.enums import FileKind, Phase

DEFAULT_CRITERIA = (
    ("创新性", "Originality", 2),
    ("学术价值与重要性", "Significance", 2),
    ("表述清晰度", "Clarity", 1),
)
ACCEPTING = {Recommendation.ACCEPT_ORAL, Recommendation.ACCEPT_POSTER}
DISAGREEMENT = Decimal("40")  # points on the 0–100 scale between the highest and lowest review


def review_form_for(conference, phase):
    """The conference's form for ``phase`` (abstract or full paper), made with the default
    criteria the first time."""
    phase = Phase.FULL_PAPER if phase == Phase.FULL_PAPER else Phase.ABSTRACT
    form, created = ReviewForm.objects.get_or_create(conference=conference, phase=phase)
    if created:
        Criterion.objects.bulk_create(
            Criterion(form=form, label_zh=zh, label_en=en, weight=weight, sort_order=n)
            for n, (zh, en, weight) in enumerate(DEFAULT_CRITERIA)
        )
    return form


def current_paper(submission):
    return submission.files.filter(kind=FileKind.PAPER).order_by("-revision").first()


def _clean(form, criteria, scores, recommendation, confidence, submit):
    errors = {}
    cleaned = {}
    for criterion in criteria:
        raw = scores.get(criterion.pk)
        if raw in (None, ""):
            if submit:
                errors[f"score_{criterion.pk}"] = _("Please give a score.")
            continue
        text = str(raw).strip()
        value = int(text) if text.isascii() and text.lstrip("-").isdigit() else None
        if value is None or not criterion.scale_min <= value <= criterion.scale_max:
            errors[f"score_{criterion.pk}"] = _("Give a whole number from %(low)d to %(high)d.") % {
                "low": criterion.scale_min,
                "high": criterion.scale_max,
            }
            continue
        cleaned[criterion.pk] = value
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = _("Please choose one of the recommendations.")
    elif submit and not recommendation:
        errors["recommendation"] = _("Please give your recommendation.")
    if confidence not in (None, "") and str(confidence) not in {"1", "2", "3"}:
        errors["confidence"] = _("Please choose your confidence.")
    elif submit and confidence in (None, ""):
        errors["confidence"] = _("Please give your confidence.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_review(
    *,
    assignment,
    user,
    scores,
    recommendation="",
    confidence=None,
    comments_to_authors="",
    comments_to_committee="",
    file_read=None,
    submit=False,
):
    """Save the reviewer's review of ``assignment`` as a draft, or submit it (every score, the
    recommendation and the confidence are then required). A submitted review can be edited (it
    stays submitted) until the chair closes reviewing of its phase or the final decision.

    Raises ``PermissionDenied`` (not the assignment's reviewer), ``ReviewError`` (closed, or the
    assignment taken back meanwhile), ``ValidationError`` keyed ``score_<criterion id>``,
    ``recommendation``, ``confidence``. The assignment row is locked first, as ``unassign`` and
    ``declare_conflict`` lock it: a review is never submitted into an assignment being taken back.
    Side effects: the review and its scores, an audit entry on the review.
    """
    if assignment.reviewer.user_id != getattr(user, "pk", None):
        raise PermissionDenied
    if not Assignment.objects.select_for_update().filter(pk=assignment.pk).exists():
        raise ReviewError(_("This submission is no longer assigned to you."))
    submission = assignment.submission
    if submission.is_final:
        raise ReviewError(_("The final decision has been made: reviews can no longer change."))
    form = review_form_for(submission.conference, submission.phase)
    # Locked: the chair's change of criteria or scales (``services.forms``) waits, or comes first.
    form = ReviewForm.objects.select_for_update().get(pk=form.pk)
    if form.closed_at is not None:
        raise ReviewError(_("Reviewing of this phase is closed."))
    criteria = list(form.criteria.all())
    review = Review.objects.select_for_update().filter(assignment=assignment).first()
    submit = submit or (review is not None and review.state == ReviewState.SUBMITTED)
    cleaned = _clean(form, criteria, scores, recommendation, confidence, submit)
    if file_read is not None and file_read.submission_id != submission.pk:
        raise ValidationError({"file_read": _("This file is not a version of this submission.")})
    now = timezone.now()
    review = review or Review(assignment=assignment, form=form, created_at=now)
    review.recommendation = recommendation or ""
    review.confidence = int(confidence) if confidence not in (None, "") else None
    review.comments_to_authors = comments_to_authors.strip()
    review.comments_to_committee = comments_to_committee.strip()
    review.file_read = file_read or review.file_read or current_paper(submission)
    review.updated_at = now
    newly_submitted = submit and review.state != ReviewState.SUBMITTED
    if newly_submitted:
        review.state, review.submitted_at = ReviewState.SUBMITTED, now
    review.save()
    Score.objects.filter(review=review).exclude(criterion_id__in=cleaned).delete()
    for criterion_id, value in cleaned.items():
        Score.objects.update_or_create(review=review, criterion_id=criterion_id, defaults={"value": value})
    action = "flock.review.submit" if newly_submitted else "flock.review.save"
    log(instance=review, action=action, user=user, data={"submission": submission.code})
    return review


def review_score(review, criteria):
    """``(mean, weighted)`` of one review on a 0–100 scale (each criterion's range mapped onto
    it), or ``(None, None)`` without scores."""
    values = {score.criterion_id: score.value for score in review.scores.all()}
    parts = []
    for criterion in criteria:
        if criterion.pk in values:
            span = criterion.scale_max - criterion.scale_min
            parts.append((Decimal(values[criterion.pk] - criterion.scale_min) / span * 100, criterion.weight))
    if not parts:
        return None, None
    mean = sum(value for value, _weight in parts) / len(parts)
    total_weight = sum(weight for _value, weight in parts)
    weighted = sum(value * weight for value, weight in parts) / total_weight if total_weight else mean
    return mean.quantize(Decimal("0.1")), weighted.quantize(Decimal("0.1"))


def aggregate(reviews, criteria):
    """The submitted ``reviews`` of one submission summed up: ``count``, ``mean`` and
    ``weighted`` (averages of the reviews' scores, 0–100), ``spread`` (highest minus lowest
    weighted score), ``disagree`` (a spread of ``DISAGREEMENT`` or more, or both an accepting
    and a rejecting recommendation) and the ``recommendations``."""
    submitted = [review for review in reviews if review.state == ReviewState.SUBMITTED]
    scored = [review_score(review, criteria) for review in submitted]
    scored = [pair for pair in scored if pair[0] is not None]
    recommendations = [review.recommendation for review in submitted if review.recommendation]
    result = {"count": len(submitted), "mean": None, "weighted": None, "spread": None, "disagree": False}
    if scored:
        result["mean"] = (sum(mean for mean, _w in scored) / len(scored)).quantize(Decimal("0.1"))
        weighted = [w for _mean, w in scored]
        result["weighted"] = (sum(weighted) / len(weighted)).quantize(Decimal("0.1"))
        result["spread"] = max(weighted) - min(weighted)
    split = bool(ACCEPTING & set(recommendations)) and Recommendation.REJECT in recommendations
    result["disagree"] = split or (result["spread"] is not None and result["spread"] >= DISAGREEMENT)
    result["recommendations"] = recommendations
    return result


@transaction.atomic
def close_reviewing(*, form, by):
    """The chair closes reviewing of a phase: reviews can no longer change. Side effects: an
    audit entry."""
    if form.closed_at is None:
        form.closed_at = timezone.now()
        form.save(update_fields=["closed_at"])
        log(instance=form, action="flock.review.close", user=by)
    return form


@transaction.atomic
def reopen_reviewing(*, form, by):
    """The chair reopens reviewing of a phase: reviewers may change their reviews again (not
    those of finally decided submissions). Side effects: an audit entry."""
    if form.closed_at is not None:
        form.closed_at = None
        form.save(update_fields=["closed_at"])
        log(instance=form, action="flock.review.reopen", user=by)
    return form
