"""States of a submission with their transition table, and the kinds used by its settings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubmissionState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("submission", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("submission", "Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    ACCEPTED_ORAL = "accepted_oral", _("Accepted as an oral presentation")
    ACCEPTED_POSTER = "accepted_poster", _("Accepted as a poster")
    REJECTED = "rejected", pgettext_lazy("submission", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("submission", "Withdrawn")


# After these the submission is locked: no edit, no file, no withdrawal (camera-ready aside).
FINAL_STATES = frozenset({SubmissionState.ACCEPTED_ORAL, SubmissionState.ACCEPTED_POSTER, SubmissionState.REJECTED})
ACCEPTED_STATES = frozenset({SubmissionState.ACCEPTED_ORAL, SubmissionState.ACCEPTED_POSTER})
# The author may still edit and upload revisions in these.
EDITABLE_STATES = frozenset(
    {
        SubmissionState.DRAFT,
        SubmissionState.SUBMITTED,
        SubmissionState.UNDER_REVIEW,
        SubmissionState.REVISION_REQUESTED,
    }
)
# Submissions that count towards the per-person limit.
COUNTED_STATES = frozenset(set(SubmissionState) - {SubmissionState.WITHDRAWN})

# Which state may follow which. One service function per arrow (see submissions.services):
#   draft              -> submitted           submit_submission (the author; deadline checked)
#   submitted          -> under review        start_review (the chair, or reviewing on assignment)
#   revision requested -> submitted           submit_submission (the author resubmits; no deadline)
#   submitted / under review -> accepted as oral / as poster / rejected
#                                             accept_submission, reject_submission (the chair or
#                                             reviewing; from submitted for invited work)
#   under review       -> revision requested  request_revision
#   any but a final state -> withdrawn        withdraw_submission (the author)
SUBMISSION_TRANSITIONS = {
    SubmissionState.DRAFT: {SubmissionState.SUBMITTED, SubmissionState.WITHDRAWN},
    SubmissionState.SUBMITTED: {
        SubmissionState.UNDER_REVIEW,
        SubmissionState.ACCEPTED_ORAL,
        SubmissionState.ACCEPTED_POSTER,
        SubmissionState.REJECTED,
        SubmissionState.WITHDRAWN,
    },
    SubmissionState.UNDER_REVIEW: {
        SubmissionState.ACCEPTED_ORAL,
        SubmissionState.ACCEPTED_POSTER,
        SubmissionState.REJECTED,
        SubmissionState.REVISION_REQUESTED,
        SubmissionState.WITHDRAWN,
    },
    SubmissionState.REVISION_REQUESTED: {SubmissionState.SUBMITTED, SubmissionState.WITHDRAWN},
    SubmissionState.ACCEPTED_ORAL: set(),
    SubmissionState.ACCEPTED_POSTER: set(),
    SubmissionState.REJECTED: set(),
    SubmissionState.WITHDRAWN: set(),
}


class Phase(models.TextChoices):
    ABSTRACT = "abstract", pgettext_lazy("submission phase", "Abstract")
    FULL_PAPER = "full_paper", _("Full paper")
    CAMERA_READY = "camera_ready", _("Camera-ready version")


class LatePolicy(models.TextChoices):
    """What happens after a phase's closing time."""

    REFUSE = "refuse", _("Show the deadline and refuse late work")
    ACCEPT_SILENTLY = "accept", _("Accept late work without a notice (an extension)")


class PresentationType(models.TextChoices):
    ORAL = "oral", pgettext_lazy("presentation", "Oral")
    POSTER = "poster", pgettext_lazy("presentation", "Poster")
    EITHER = "either", pgettext_lazy("presentation", "Either")


class FileKind(models.TextChoices):
    PAPER = "paper", pgettext_lazy("submission file", "Paper")
    SUPPLEMENTARY = "supplementary", _("Supplementary file")
    CAMERA_READY = "camera_ready", _("Camera-ready version")


class FileType(models.TextChoices):
    """What a file is, judged by its content."""

    PDF = "pdf", "PDF"
    WORD = "docx", "Word (DOCX)"
    ZIP = "zip", "ZIP"
