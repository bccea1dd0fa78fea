"""The discussion of a submission between its reviewers and the chairs of its conference.

Who takes part is ``can_discuss`` (``reviewing.selectors``): accepted reviewers assigned to the
submission and the chairs, never its authors nor anyone with an active conflict of interest.
What each reader sees (real names for chairs, "Reviewer N" for reviewers) is
``selectors.discussion_for``. Posting sends no mail: the thread is read where the review and the
decision are made, and a mail per message would tell people whose turn it is not.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from reviewing.exceptions import ReviewError
from reviewing.models import DiscussionPost
from reviewing.selectors import can_discuss
from submissions.models import Submission

__all__ = ["MAX_LENGTH", "can_discuss", "post_message"]

MAX_LENGTH = DiscussionPost._meta.get_field("body").max_length


@transaction.atomic
def post_message(*, submission, user, body):
    """Add ``user``'s message ``body`` to the discussion of ``submission``.

    Raises ``PermissionDenied`` (``user`` may not discuss it), ``ReviewError`` (the submission
    is decided: the discussion is closed), ``ValidationError`` keyed ``body`` (empty, or longer
    than ``MAX_LENGTH``). Side effects: the message, an audit entry ``flock.review.discuss`` on
    the submission (without the text). No mail."""
    if not can_discuss(user, submission):
        raise PermissionDenied
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.is_final:
        raise ReviewError(_("This submission is decided: its discussion is closed."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ValidationError(_("Write a message before posting it."), code="required")})
    if len(body) > MAX_LENGTH:
        message = _("A message can have at most %(limit)d characters; this one has %(count)d.")
        raise ValidationError(
            {"body": ValidationError(message % {"limit": MAX_LENGTH, "count": len(body)}, code="max_length")}
        )
    post = DiscussionPost.objects.create(submission=submission, author=user, body=body)
    log(instance=submission, action="flock.review.discuss", user=user, data={"post": post.pk})
    return post
