"""The chairs' side of a submission's discussion: the context of the shared thread component
(``reviewing/components/discussion.html``) for any chair screen, and the admin view its form
posts to, ``/admin/reviewing/discussion/<submission_pk>/`` (``review_discussion_post``).

Anyone who does not chair the submission's conference, or chairs it with a conflict of
interest on the submission, gets 404. The view returns to ``next`` when it is an address on this
site, else to the submission's page in the admin.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks

from cms.exceptions import FlockError
from reviewing.permissions import is_chair
from reviewing.selectors import discussion_for
from reviewing.services.discussion import post_message
from submissions.models import Submission
from submissions.viewsets.submissions import inspect_url


def discussion_context(submission, viewer, next_url):
    """What ``reviewing/components/discussion.html`` needs on a chair's screen of ``submission``
    (``next_url``: where to come back after posting, usually that screen's address)."""
    return {
        "posts": discussion_for(submission, viewer),
        "post_url": reverse("review_discussion_post", args=[submission.pk]),
        "next_url": next_url,
        "discussion_closed": submission.is_final,
    }


def _back(request, submission):
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else inspect_url(submission))


@require_POST
def post_view(request, submission_pk):
    submission = Submission.objects.select_related("conference").filter(pk=submission_pk).first()
    if submission is None or not is_chair(request.user, submission.conference):
        raise Http404
    try:
        post_message(submission=submission, user=request.user, body=request.POST.get("body", ""))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.message_dict["body"]))
    except FlockError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your message is posted."))
    return _back(request, submission)


@hooks.register("register_admin_urls")
def register_discussion_url():
    return [path("reviewing/discussion/<int:submission_pk>/", post_view, name="review_discussion_post")]
