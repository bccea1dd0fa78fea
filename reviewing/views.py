"""The public page of a reviewer's invitation, under the language prefix:
``/<language>/_review/invitation/<token>/``, drawn in the layout of the conference that invites.

It shows the conference, who invited, the topics and the current answer, with buttons to accept
or decline (a POST, so that a mail scanner following the link answers nothing). The page never
sets a password nor logs anyone in: the invitation mail is logged under the conference, where
its organizers read it, link included. Someone whose account was opened by staff (never
confirmed, no password) who accepts gets the accounts' own mail to choose a password
(``cms.accounts.services.request_password_reset``, logged without a conference), then logs in;
anyone else is sent on to the reviewer's panel, through the log-in page when they are not logged
in as the reviewer. An unknown, forged or retired link answers 404 without saying why.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cms.accounts.flow import AccountFlow
from cms.accounts.services import Links, is_unconfirmed, request_password_reset
from cms.exceptions import FlockError
from conference_pages.chrome import feature_chrome, login_redirect
from reviewing.enums import ReviewerState
from reviewing.selectors import active_reviewers
from reviewing.services.conflicts import set_author_conflicts
from reviewing.services.invitations import reviewer_from_token
from reviewing.services.reviewers import answer_invitation
from submissions.models import Submission


def _render(request, conference, template, context, *, token, status=200):
    request.conference = conference  # the theme context processor draws its layout
    chrome = feature_chrome(
        request, conference, url_name="reviewing:invitation", url_kwargs={"token": token}, scope="reviewing"
    )
    response = render(request, template, {**chrome, "conference": conference, **context}, status=status)
    response["X-Robots-Tag"] = "noindex"
    # The address holds the token: no other site learns it from the Referer.
    response["Referrer-Policy"] = "same-origin"
    return response


def _panel_url():
    return reverse("reviewer_panel:index")


def _name(person):
    return (person.display_name_in(translation.get_language() or "") or person.email) if person else ""


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    reviewer = reviewer_from_token(token)
    if reviewer is None:
        return _render(request, None, "reviewing/invitation/invalid.html", {}, token=token, status=404)
    needs_password = is_unconfirmed(reviewer.user)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer == "decline":
            answer_invitation(reviewer=reviewer, accept=False)
            return redirect(request.path)
        if answer == "accept":
            if needs_password:
                return _accepted_without_password(request, reviewer)
            return _accepted(request, reviewer)
    context = {
        "reviewer": reviewer,
        "inviter": _name(reviewer.invited_by),
        "topics": list(reviewer.topics.all()),
        "needs_password": needs_password,
        "first": request.GET.get("answer", ""),
        "accepted": reviewer.state == ReviewerState.ACCEPTED,
        "declined": reviewer.state == ReviewerState.DECLINED,
        "panel_url": _panel_url(),
    }
    return _render(request, reviewer.conference, "reviewing/invitation/page.html", context, token=token)


def _accepted(request, reviewer):
    answer_invitation(reviewer=reviewer, accept=True)
    messages.success(request, _("Thank you for accepting the invitation to review."))
    if request.user.is_authenticated and request.user.pk == reviewer.user_id:
        return redirect(_panel_url())
    return login_redirect(request, reviewer.conference, back=_panel_url())


def _accepted_without_password(request, reviewer):
    """Accept for an account that has no password yet, and mail its owner the link to choose
    one, which then leads to the log-in page and on to the panel. Back to the invitation page,
    which now says to look in the mailbox."""
    answer_invitation(reviewer=reviewer, accept=True)
    flow = AccountFlow(conference=reviewer.conference, next_url=_panel_url())
    links = Links(base_url=request.build_absolute_uri("/"), flow=flow)
    request_password_reset(email=reviewer.user.email, links=links)
    return redirect(request.path)


@require_http_methods(["POST"])
def author_conflicts(request, conference_slug, code):
    """The submitter names the reviewers they have a conflict of interest with (from the
    submission's page); anyone else, or another conference's submission, gets 404."""
    if not request.user.is_authenticated:
        raise Http404
    submission = (
        Submission.objects.filter(conference__slug=conference_slug, code=code, submitter=request.user)
        .select_related("conference")
        .first()
    )
    if submission is None:
        raise Http404
    ids = [int(pk) for pk in request.POST.getlist("reviewers") if pk.isascii() and pk.isdigit()]
    reviewers = active_reviewers(submission.conference).filter(pk__in=ids)
    try:
        set_author_conflicts(submission=submission, reviewers=list(reviewers), by=request.user)
    except FlockError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your conflicts of interest are saved."))
    return redirect(
        reverse("submissions:detail", kwargs={"conference_slug": conference_slug, "code": code}) + "#conflicts"
    )
