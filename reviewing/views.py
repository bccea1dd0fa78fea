"""The public page of a reviewer's invitation, under the language prefix:
``/<language>/_review/invitation/<token>/``, drawn in the layout of the conference that invites.

It shows the conference, who invited, the topics and the current answer, with buttons to accept
or decline (a POST, so that a mail scanner following the link answers nothing). Someone whose
account was opened by staff (never confirmed, no password) sets a password on this page when
accepting, which activates the account (``cms.accounts.services.reset_password``, as a reset
link does: the invitation reached their mailbox), and is logged in. Anyone else is sent on to
the reviewer's panel, through the log-in page when they are not logged in as the reviewer.
An unknown, forged or retired link answers 404 without saying why.
"""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cms.accounts.services import is_unconfirmed, reset_password
from cms.exceptions import FlockError
from conference_pages.chrome import feature_chrome, login_redirect
from reviewing.enums import ReviewerState
from reviewing.selectors import active_reviewers
from reviewing.services.conflicts import set_author_conflicts
from reviewing.services.invitations import reviewer_from_token
from reviewing.services.reviewers import answer_invitation
from submissions.models import Submission

# The backend that logs in a person who has just set their password here.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


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


def _needs_password(user):
    """An account opened by staff (or never confirmed): the person sets a password to accept."""
    return is_unconfirmed(user)


def _name(person):
    return (person.display_name_in(translation.get_language() or "") or person.email) if person else ""


def _password_form(user, data=None):
    return SetPasswordForm(user, data, label_suffix="")


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    reviewer = reviewer_from_token(token)
    if reviewer is None:
        return _render(request, None, "reviewing/invitation/invalid.html", {}, token=token, status=404)
    form = _password_form(reviewer.user) if _needs_password(reviewer.user) else None
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer == "decline":
            answer_invitation(reviewer=reviewer, accept=False)
            return redirect(request.path)
        if answer == "accept":
            if form is None:
                return _accepted(request, reviewer)
            form = _password_form(reviewer.user, request.POST)
            if form.is_valid():
                return _accepted_with_password(request, reviewer, form.cleaned_data["new_password1"])
    context = {
        "reviewer": reviewer,
        "inviter": _name(reviewer.invited_by),
        "topics": list(reviewer.topics.all()),
        "form": form,
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


@transaction.atomic
def _accepted_with_password(request, reviewer, password):
    user = reset_password(user=reviewer.user, password=password)
    answer_invitation(reviewer=reviewer, accept=True)
    auth_login(request, user, backend=LOGIN_BACKEND)
    messages.success(request, _("Thank you for accepting the invitation to review. Your account is ready."))
    return redirect(_panel_url())


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
    ids = [int(pk) for pk in request.POST.getlist("reviewers") if pk.isdigit()]
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
