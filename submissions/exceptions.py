"""Domain errors of submissions, with messages safe to show to the person who caused them.

Problems with what a person typed or uploaded are Django ``ValidationError`` keyed by field name
instead, so that a form can show them in place.
"""

from django.utils.translation import gettext_lazy as _

from cms.exceptions import FlockError, IllegalTransition

__all__ = [
    "DeadlinePassed",
    "IllegalTransition",
    "PhaseClosed",
    "SubmissionError",
    "SubmissionLimitReached",
    "SubmissionLocked",
]


class SubmissionError(FlockError):
    default_message = _("The submission could not be saved.")


class PhaseClosed(SubmissionError):
    default_message = _("This phase of submissions is not open.")


class DeadlinePassed(PhaseClosed):
    default_message = _("The deadline has passed.")


class SubmissionLimitReached(SubmissionError):
    default_message = _("You have reached the number of submissions allowed per person.")


class SubmissionLocked(SubmissionError):
    default_message = _("The final decision has been made: this submission can no longer be changed.")
