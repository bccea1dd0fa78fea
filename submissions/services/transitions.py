"""The one way a submission's state changes: along ``SUBMISSION_TRANSITIONS``, locked, audited
and signalled."""

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from submissions.enums import SUBMISSION_TRANSITIONS, SubmissionState
from submissions.exceptions import IllegalTransition
from submissions.models import Submission
from submissions.signals import submission_state_changed


def lock(submission):
    """Re-read ``submission`` locked (``select_for_update``) with its conference and submitter."""
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("conference", "submitter")
        .get(pk=submission.pk)
    )


def transition(submission, new_state, *, action, user=None, fields=(), data=None):
    """Move a locked submission to ``new_state`` along the table and save it with ``fields``.

    Side effects: an audit entry (``action``) and ``submission_state_changed``. Raises
    ``IllegalTransition``.
    """
    old_state = submission.state
    if new_state not in SUBMISSION_TRANSITIONS[SubmissionState(old_state)]:
        raise IllegalTransition(
            _("A submission that is %(old)s cannot become %(new)s.")
            % {"old": SubmissionState(old_state).label.lower(), "new": SubmissionState(new_state).label.lower()}
        )
    submission.state = new_state
    submission.updated_at = timezone.now()
    submission.save(update_fields=["state", "updated_at", *fields])
    log(instance=submission, action=action, user=user, data={"old": old_state, "new": new_state, **(data or {})})
    submission_state_changed.send(
        sender=Submission, submission=submission, old_state=old_state, new_state=new_state, user=user
    )
    return submission
