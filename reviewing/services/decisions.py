"""Final decisions: recorded by the chair one by one or in bulk (pending: only the committee sees
them), then released to the authors, which changes the submissions' states through
``submissions.services.decisions`` (locking them) and mails each submission's authors in their
language, with the reviewers' comments meant for them.

Two chairs deciding the same submission at the same moment: the submission row is locked, the
second finds the first one's decision and is refused; changing a pending decision is explicit
(``replace=True``). A released decision is final, except a "revision" once the authors have
resubmitted: the submission is then decided again, and the new decision takes its place.
"""

from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from cms.exceptions import FlockError
from cms.services.mail import send_templated_mail
from reviewing.enums import Outcome, ReviewState
from reviewing.exceptions import ReviewError
from reviewing.models import Decision, Review
from reviewing.selectors import RESUBMITTED_STATES, REVIEWABLE_STATES
from submissions.enums import PresentationType, SubmissionState
from submissions.models import Submission
from submissions.services import decisions as submission_decisions
from submissions.services.notifications import recipients, submission_url


class DecisionTaken(ReviewError):
    default_message = _("Another decision was recorded for this submission meanwhile.")


@transaction.atomic
def record_decision(*, submission, outcome, by, note="", replace=False):
    """A pending decision on ``submission``. Refused for a submission that is not open for review
    (a draft, withdrawn, or decided), for a revision of a submission not under review, and when
    a decision exists already (unless ``replace`` and it is still pending, or it is ``reopened``).
    Side effects: the decision
    (a replaced one overwritten, pending again), an audit entry on the submission."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    outcome = Outcome(outcome)
    if submission.state not in REVIEWABLE_STATES:
        raise ReviewError(
            _("A submission that is %(state)s cannot be decided.")
            % {"state": SubmissionState(submission.state).label.lower()}
        )
    if outcome == Outcome.REVISION and submission.state == SubmissionState.REVISION_REQUESTED:
        raise ReviewError(_("A revision was already asked for; decide once the authors have resubmitted."))
    existing = Decision.objects.filter(submission=submission).first()
    if existing is not None and not _replaceable(existing, submission, replace):
        raise DecisionTaken(
            _("%(person)s recorded “%(outcome)s” for this submission at %(time)s.")
            % {
                "person": existing.decided_by or "—",
                "outcome": existing.get_outcome_display(),
                "time": f"{existing.decided_at.astimezone(submission.conference.tz):%Y-%m-%d %H:%M}",
            }
        )
    decision, _created = Decision.objects.update_or_create(
        submission=submission,
        defaults={
            "outcome": outcome,
            "note_to_authors": note.strip(),
            "decided_by": by,
            "decided_at": timezone.now(),
            "released_at": None,
        },
    )
    log(instance=submission, action="flock.review.decide", user=by, data={"outcome": outcome})
    return decision


def reopened(decision, submission):
    """Whether ``decision`` is a released "revision" that the authors have answered by
    resubmitting ``submission``: it is then decided again, the new decision taking its place."""
    released_revision = decision.released_at is not None and decision.outcome == Outcome.REVISION
    return released_revision and submission.state in RESUBMITTED_STATES


def _replaceable(existing, submission, replace):
    return replace if existing.released_at is None else reopened(existing, submission)


def comments_for_authors(submission):
    """The submitted reviews' comments to the authors, in a fixed order, without their authors
    (none for a submission not saved: the stand-in of a wording's preview)."""
    if submission.pk is None:
        return []
    reviews = Review.objects.filter(assignment__submission=submission, state=ReviewState.SUBMITTED)
    return [text for text in reviews.order_by("pk").values_list("comments_to_authors", flat=True) if text.strip()]


def decision_mail_context(decision, submission=None, *, language):
    """The placeholders of the decision mail (``reviewing.decision``) as plain values in
    ``language``: exactly what its built-in wording uses, so that a conference's own wording
    (a template a chair writes) reaches nothing else of the submission, its people or the
    conference. ``conference`` stands in for the instance the mail engine would add."""
    submission = submission or decision.submission
    conference = submission.conference
    with translation.override(language):
        return {
            "conference": SimpleNamespace(
                name=conference.name, acronym=conference.acronym, contact_email=conference.contact_email
            ),
            "submission": SimpleNamespace(code=submission.code, title=submission.title),
            "decision": SimpleNamespace(
                outcome=str(decision.outcome),
                note_to_authors=decision.note_to_authors,
                get_outcome_display=decision.get_outcome_display(),
            ),
            "comments": comments_for_authors(submission),
            "submission_url": submission_url(submission),
        }


def _apply(submission, outcome, by):
    if outcome == Outcome.ACCEPT_ORAL:
        return submission_decisions.accept_submission(
            submission=submission, user=by, presentation=PresentationType.ORAL
        )
    if outcome == Outcome.ACCEPT_POSTER:
        return submission_decisions.accept_submission(
            submission=submission, user=by, presentation=PresentationType.POSTER
        )
    if outcome == Outcome.REJECT:
        return submission_decisions.reject_submission(submission=submission, user=by)
    if submission.state == SubmissionState.SUBMITTED:
        submission = submission_decisions.start_review(submission=submission, user=by)
    return submission_decisions.request_revision(submission=submission, user=by)


@transaction.atomic
def release_decision(*, decision, by):
    """Tell the authors: the submission's state changes (a final decision locks it) and the
    authors get the decision mail in the submission's language. Side effects: the state change
    with its audit entry and signal, the mails, the decision marked released."""
    decision = Decision.objects.select_for_update().select_related("submission__conference").get(pk=decision.pk)
    if decision.released_at is not None:
        raise ReviewError(_("This decision was released already."))
    submission = _apply(decision.submission, decision.outcome, by)
    decision.released_at = timezone.now()
    decision.save(update_fields=["released_at"])
    context = decision_mail_context(decision, submission, language=submission.language)
    for person in recipients(submission):
        send_templated_mail(
            key="reviewing.decision",
            to=person,
            conference=submission.conference,
            language=submission.language,
            context=context,
        )
    log(instance=submission, action="flock.review.release", user=by, data={"outcome": decision.outcome})
    return decision


def release_decisions(*, decisions, by):
    """Release each pending decision in its own transaction; returns ``(released, refused)``
    with ``refused`` as ``(decision, reason)``."""
    released, refused = [], []
    for decision in decisions:
        try:
            released.append(release_decision(decision=decision, by=by))
        except FlockError as error:
            refused.append((decision, str(error.message)))
    return released, refused
