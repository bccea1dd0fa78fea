"""The author's pages, inside the conference's site layout:

* ``/<language>/_submit/<conference>/`` the call for papers (public): phases and deadlines in the
  conference's time zone, topics, presentation types, files accepted;
* ``…/_submit/<conference>/new/`` a new submission (saved as a draft, or submitted at once);
* ``/<language>/_my/<conference>/submissions/`` My submissions, and below it one submission with
  every version of its files, editing, uploads, submitting and withdrawing.

Thin views: each finds the submission (``selectors.submission_of``: someone else's code is a
404), calls one service and redirects with a message, or shows the form with the service's
errors in place. Only the submitter changes a submission; its co-authors with an account read it.
"""

import datetime

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.exceptions import FlockError
from conference_pages.chrome import conference_from, login_first, render_feature_page
from submissions.enums import ACCEPTED_STATES, EDITABLE_STATES, FileKind, FileType, Phase, SubmissionState
from submissions.extension_points import author_sections
from submissions.forms import SubmissionForm, UploadForm, author_formset
from submissions.models import SubmissionFile
from submissions.selectors import call_for_papers, files_by_kind, is_submitter, submission_of, submissions_of
from submissions.services.files import SUPPLEMENTARY_TYPES
from submissions.services.submitting import (
    add_file,
    check_may_start,
    start_submission,
    submit_submission,
    update_submission,
    withdraw_submission,
)
from submissions.services.windows import check_phase_open, is_phase_open
from submissions.uploads import accepting_uploads

MIME_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.WORD: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.ZIP: "application/zip",
}


def mine_url(conference):
    return reverse("submissions:mine", kwargs={"conference_slug": conference.slug})


def detail_url(submission):
    return reverse(
        "submissions:detail", kwargs={"conference_slug": submission.conference.slug, "code": submission.code}
    )


def render_page(request, template, context, *, url_name, status=200, **url_kwargs):
    return render_feature_page(
        request, template, context, url_name=f"submissions:{url_name}", scope="submissions", status=status, **url_kwargs
    )


_login_first = login_first(back_after_post=mine_url)


def _own(request, conference_slug, code, *, change=False):
    """The submission ``code`` when the person may read it (with ``change``: is its submitter)."""
    conference = conference_from(request, conference_slug)
    submission = submission_of(user=request.user, conference=conference, code=code)
    if change and not is_submitter(request.user, submission):
        raise Http404
    return submission


def _show_errors(error, form, formset_errors, upload_form=None):
    """Put a service's ``ValidationError`` (keyed by field name) where the person will see it."""
    for name, problems in error.error_dict.items():
        if name == "authors":
            formset_errors.extend(problem.message % (problem.params or {}) for problem in problems)
        elif upload_form is not None and name == "file":
            upload_form.add_error("file", problems)
        elif form is not None:
            form.add_error(name if name in form.fields else None, problems)


# The call for papers -----------------------------------------------------------------------------


def _phases(settings_row):
    now = timezone.now()
    phases = []
    for phase in (Phase.ABSTRACT, Phase.FULL_PAPER, Phase.CAMERA_READY):
        enabled, opens_at, closes_at = settings_row.window(phase)
        if not enabled:
            continue
        late = closes_at is not None and now >= closes_at
        phases.append(
            {
                "label": phase.label,
                "accepted_only": phase == Phase.CAMERA_READY,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "not_yet": opens_at is not None and now < opens_at,
                "closed": late and settings_row.late_policy != "accept",
                # Late work accepted silently: the page still shows the deadline, not the extension.
                "open": is_phase_open(settings_row, phase, at=now) and phase != Phase.CAMERA_READY,
            }
        )
    return phases


@require_GET
def call_for_papers_view(request, conference_slug):
    """What the conference asks for and until when; links to start a submission and to the
    person's submissions. The same for every visitor."""
    conference = conference_from(request, conference_slug)
    settings_row, topics = call_for_papers(conference)
    phases = _phases(settings_row)
    types = settings_row.paper_types()
    context = {
        "settings": settings_row,
        "topics": topics,
        "phases": phases,
        "accepting": any(phase["open"] for phase in phases),
        "paper_types": [FileType(kind).label for kind in sorted(types)],
        "sizes": {
            "abstract": settings_row.abstract_max_size_mb if settings_row.abstract_enabled else None,
            "full_paper": settings_row.full_paper_max_size_mb if settings_row.full_paper_enabled else None,
        },
    }
    response = render_page(request, "submissions/call_for_papers.html", context, url_name="submit")
    if _boundary_soon(settings_row):
        # The anonymous page cache would show "open" or "closed" past the moment it changes.
        patch_cache_control(response, private=True)
    return response


def _boundary_soon(settings_row):
    """Whether a phase opens or closes within the anonymous page cache's lifetime."""
    now = timezone.now()
    horizon = now + datetime.timedelta(seconds=getattr(django_settings, "PAGE_CACHE_SECONDS", 0))
    moments = []
    for phase in (Phase.ABSTRACT, Phase.FULL_PAPER, Phase.CAMERA_READY):
        enabled, opens_at, closes_at = settings_row.window(phase)
        if enabled:
            moments += [moment for moment in (opens_at, closes_at) if moment is not None]
    return any(now <= moment <= horizon for moment in moments)


# New submission and editing ----------------------------------------------------------------------


def _first_author(user):
    name = " ".join(part for part in (user.first_name, user.last_name) if part) or getattr(user, "name_zh", "")
    return {"name": name, "email": user.email, "affiliation": getattr(user, "affiliation", ""), "ORDER": 1}


@never_cache
@_login_first
@require_http_methods(["GET", "POST"])
def new(request, conference_slug):
    """A new submission: the form, then a draft (or, with "Save and submit", a submitted one —
    both or neither are saved)."""
    conference = conference_from(request, conference_slug)
    settings_row, topics = call_for_papers(conference)
    try:
        check_may_start(conference=conference, user=request.user)
    except FlockError as error:
        messages.error(request, str(error.message))
        return redirect(mine_url(conference))
    data = request.POST if request.method == "POST" else None
    form = SubmissionForm(data, topics=topics, settings_row=settings_row)
    formset = author_formset(data, initial=[_first_author(request.user)])
    author_errors = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                submission = start_submission(
                    conference=conference,
                    user=request.user,
                    data=form.data_for_service(),
                    authors=formset.authors(),
                    language=request.LANGUAGE_CODE,
                )
                if "submit" in request.POST:
                    submission = submit_submission(submission=submission, user=request.user)
        except FlockError as error:
            messages.error(request, str(error.message))
        except ValidationError as error:
            _show_errors(error, form, author_errors)
        else:
            if submission.state == SubmissionState.SUBMITTED:
                messages.success(request, _("Your submission %(code)s is submitted.") % {"code": submission.code})
            else:
                messages.success(
                    request,
                    _("Your draft %(code)s is saved. Upload the paper if you have it, then submit.")
                    % {"code": submission.code},
                )
            submission.conference = conference
            return redirect(detail_url(submission))
    context = {"form": form, "formset": formset, "author_errors": author_errors, "settings": settings_row}
    return render_page(request, "submissions/form.html", context, url_name="new")


@never_cache
@_login_first
@require_http_methods(["GET", "POST"])
def edit(request, conference_slug, code):
    """Change the titles, abstract, keywords, topic, presentation and authors until the final
    decision."""
    submission = _own(request, conference_slug, code, change=True)
    if not submission.is_editable:
        messages.error(request, _("This submission can no longer be changed."))
        return redirect(detail_url(submission))
    settings_row, topics = call_for_papers(submission.conference)
    if submission.topic is not None and submission.topic not in topics:
        topics = [*topics, submission.topic]
    data = request.POST if request.method == "POST" else None
    initial = {name: getattr(submission, name) for name in ("title_zh", "title_en", "abstract", "keywords")}
    initial.update(topic=submission.topic_id, presentation_preference=submission.presentation_preference)
    form = SubmissionForm(data, initial=initial, topics=topics, settings_row=settings_row)
    authors = [
        {
            **{name: getattr(a, name) for name in ("name", "email", "affiliation", "presenting", "corresponding")},
            "country": a.country.code or "",
            "ORDER": n,
        }
        for n, a in enumerate(submission.authors.all(), 1)
    ]
    formset = author_formset(data, initial=authors)
    author_errors = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            update_submission(
                submission=submission, user=request.user, data=form.data_for_service(), authors=formset.authors()
            )
        except FlockError as error:
            messages.error(request, str(error.message))
            return redirect(detail_url(submission))
        except ValidationError as error:
            _show_errors(error, form, author_errors)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(detail_url(submission))
    context = {
        "form": form,
        "formset": formset,
        "author_errors": author_errors,
        "settings": settings_row,
        "submission": submission,
    }
    return render_page(request, "submissions/form.html", context, url_name="edit", code=submission.code)


# My submissions ----------------------------------------------------------------------------------


@never_cache
@_login_first
@require_GET
def mine(request, conference_slug):
    conference = conference_from(request, conference_slug)
    submissions = submissions_of(request.user, conference)
    for submission in submissions:
        submission.conference = conference
        submission.current = [versions[0] for _kind, versions in files_by_kind(submission)]
    try:
        check_may_start(conference=conference, user=request.user)
    except FlockError as error:
        may_start, why_not = False, str(error.message)
    else:
        may_start, why_not = True, ""
    context = {"submissions": submissions, "may_start": may_start, "why_not": why_not}
    return render_page(request, "submissions/mine.html", context, url_name="mine")


def _upload_kinds(submission, settings_row):
    """The kinds of file the submitter may upload now."""
    kinds = []
    if submission.state in EDITABLE_STATES:
        kinds = [FileKind.PAPER, FileKind.SUPPLEMENTARY]
    elif submission.state in ACCEPTED_STATES and is_phase_open(settings_row, Phase.CAMERA_READY):
        kinds = [FileKind.CAMERA_READY]
    return kinds


def _closed_message(submission, settings_row):
    """Why no file may be added: the camera-ready window of accepted work, else the decision."""
    if submission.state in ACCEPTED_STATES and settings_row.camera_ready_enabled:
        try:
            check_phase_open(settings_row, Phase.CAMERA_READY)
        except FlockError as error:
            return str(error.message)
    return _("This submission can no longer be changed.")


def _accept(settings_row):
    types = settings_row.paper_types() | SUPPLEMENTARY_TYPES
    return ",".join(f".{kind}" for kind in sorted(types)) + "," + ",".join(MIME_TYPES[t] for t in sorted(types))


def _detail_context(request, submission, upload_form=None):
    settings_row, _topics = call_for_papers(submission.conference)
    owner = is_submitter(request.user, submission)
    kinds = _upload_kinds(submission, settings_row) if owner else []
    if upload_form is None and kinds:
        upload_form = UploadForm(kinds=kinds, accept=_accept(settings_row))
    return {
        "submission": submission,
        "files": files_by_kind(submission),
        "owner": owner,
        "upload_form": upload_form if kinds else None,
        "settings": settings_row,
        "may_submit": owner and submission.state in (SubmissionState.DRAFT, SubmissionState.REVISION_REQUESTED),
        "may_withdraw": owner and not submission.is_final and submission.state != SubmissionState.WITHDRAWN,
        "may_edit": owner and submission.is_editable,
        "camera_ready_closes_at": settings_row.camera_ready_closes_at if FileKind.CAMERA_READY in kinds else None,
        "extra_sections": author_sections(request, submission),
    }


@never_cache
@_login_first
@require_GET
def detail(request, conference_slug, code):
    """One submission: its state, text, authors, every version of its files, and what the
    submitter can do next."""
    submission = _own(request, conference_slug, code)
    context = _detail_context(request, submission)
    return render_page(request, "submissions/detail.html", context, url_name="detail", code=submission.code)


# Files, submitting, withdrawing ------------------------------------------------------------------


def _upload_limit(request, conference_slug, code):
    """The largest file this conference takes, checked while the upload streams (the phase's own
    limit is checked by the service afterwards)."""
    conference = conference_from(request, conference_slug)
    settings_row, _topics = call_for_papers(conference)
    return max(settings_row.max_size(Phase.ABSTRACT), settings_row.max_size(Phase.FULL_PAPER))


@never_cache
@accepting_uploads(_upload_limit)
@_login_first
@require_POST
def upload(request, conference_slug, code):
    """A file, or a new version of one: stored and listed, or the page again with the reason."""
    submission = _own(request, conference_slug, code, change=True)
    settings_row, _topics = call_for_papers(submission.conference)
    kinds = _upload_kinds(submission, settings_row)
    if not kinds:
        messages.error(request, _closed_message(submission, settings_row))
        return redirect(detail_url(submission))
    form = UploadForm(request.POST, request.FILES, kinds=kinds, accept=_accept(settings_row))
    if request.upload_too_large:
        limit = _upload_limit(request, conference_slug, code) // 1024 // 1024
        form = UploadForm(request.POST, kinds=kinds, accept=_accept(settings_row))
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", _("The file is too large: at most %(size)d MB.") % {"size": limit})
    elif form.is_valid():
        try:
            stored = add_file(
                submission=submission,
                user=request.user,
                uploaded=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except FlockError as error:
            messages.error(request, str(error.message))
            return redirect(detail_url(submission))
        except ValidationError as error:
            _show_errors(error, None, [], upload_form=form)
        else:
            messages.success(
                request,
                _("%(kind)s, version %(revision)d, is stored.")
                % {"kind": stored.get_kind_display(), "revision": stored.revision},
            )
            return redirect(detail_url(submission))
    context = _detail_context(request, submission, upload_form=form)
    return render_page(request, "submissions/detail.html", context, url_name="detail", status=400, code=submission.code)


@never_cache
@_login_first
@require_POST
def submit(request, conference_slug, code):
    submission = _own(request, conference_slug, code, change=True)
    try:
        submit_submission(submission=submission, user=request.user)
    except FlockError as error:
        messages.error(request, str(error.message))
    except ValidationError as error:
        messages.error(request, " ".join(message for problems in error.message_dict.values() for message in problems))
    else:
        messages.success(request, _("Your submission %(code)s is submitted.") % {"code": submission.code})
    return redirect(detail_url(submission))


@never_cache
@_login_first
@require_http_methods(["GET", "POST"])
def withdraw(request, conference_slug, code):
    """Withdraw the submission: a page that says what happens, then a POST that does it."""
    submission = _own(request, conference_slug, code, change=True)
    if submission.is_final or submission.state == SubmissionState.WITHDRAWN:
        messages.error(request, _("This submission cannot be withdrawn."))
        return redirect(detail_url(submission))
    if request.method == "POST":
        try:
            withdraw_submission(submission=submission, user=request.user)
        except FlockError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your submission %(code)s is withdrawn.") % {"code": submission.code})
        return redirect(detail_url(submission))
    context = {"submission": submission}
    return render_page(request, "submissions/withdraw.html", context, url_name="withdraw", code=submission.code)


@never_cache
@_login_first
@require_GET
def download(request, conference_slug, code, file_id):
    """A stored file, to the submission's authors and the conference's organizers and review
    chairs, under the name the author gave it."""
    conference = conference_from(request, conference_slug)
    submission = submission_of(user=request.user, conference=conference, code=code, staff=True)
    stored = SubmissionFile.objects.filter(submission=submission, pk=file_id).first()
    if stored is None:
        raise Http404
    return file_response(stored)


def file_response(stored):
    """The file streamed as an attachment; never cached by a shared cache, never sniffed."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=MIME_TYPES[FileType(stored.file_type)],
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
