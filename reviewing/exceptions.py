"""Domain errors of review, with messages safe to show to the person who caused them."""

from django.utils.translation import gettext_lazy as _

from cms.exceptions import FlockError


class ReviewError(FlockError):
    default_message = _("The review could not be changed.")


class ConflictOfInterest(ReviewError):
    default_message = _("This reviewer has a conflict of interest with this submission.")


class NotReviewable(ReviewError):
    default_message = _("This submission is not open for review.")


class ReviewerNotActive(ReviewError):
    default_message = _("This reviewer has not accepted the invitation.")


class PlanOutdated(ReviewError):
    default_message = _("This plan was applied or replaced already; please make a new one.")
