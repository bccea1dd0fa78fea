"""The reviewer's panel in the Wagtail admin: my assignments (with state and due date) and the
review page (the submission, the exact version under review, the form). Only the assignment's
reviewer reaches a review page, and not while a conflict of interest stands: anyone else gets a
404. In a double-blind conference no author's name, address or affiliation is shown, and the
paper is served under a name made of the submission's code, its PDF metadata stripped."""

import io
import re
import zipfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from cms.exceptions import FlockError
from reviewing.enums import ConflictSource, ReviewState
from reviewing.forms import ReviewEntryForm
from reviewing.models import Review
from reviewing.selectors import assignment_for, assignments_of, discussion_for, is_reviewer
from reviewing.services.conflicts import declare_conflict
from reviewing.services.discussion import post_message
from reviewing.services.reviews import current_paper, review_form_for, save_review
from submissions.services.windows import submission_settings_for
from submissions.views import file_response


class ReviewerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_reviewer(request.user)


class ReviewerScreen(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        if not is_reviewer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AssignmentListView(ReviewerScreen):
    template_name = "reviewing/panel/index.html"
    page_title = gettext_lazy("My reviews")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        rows = list(assignments_of(self.request.user))
        for assignment in rows:
            review = getattr(assignment, "review", None)
            assignment.review_state = review.get_state_display() if review else _("Not started")
            assignment.review_submitted = review is not None and review.state == ReviewState.SUBMITTED
        return super().get_context_data(assignments=rows, **kwargs)


def _own_assignment(request, pk):
    assignment = assignment_for(request.user, pk)
    if assignment is None:
        raise Http404
    return assignment


def _blind(submission):
    return submission_settings_for(submission.conference).double_blind


class ReviewView(ReviewerScreen):
    template_name = "reviewing/panel/review.html"

    def get_page_title(self):
        return _("Review")

    def get_page_subtitle(self):
        return self.assignment.submission.code

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("reviewer_panel:index"), "label": _("My reviews")},
            {"url": "", "label": self.assignment.submission.code},
        ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.assignment = _own_assignment(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        submission = self.assignment.submission
        self.review_form = review_form_for(submission.conference, submission.phase)
        criteria = list(self.review_form.criteria.all())
        review = Review.objects.filter(assignment=self.assignment).prefetch_related("scores").first()
        initial = {}
        if review is not None:
            initial = {
                "recommendation": review.recommendation,
                "confidence": review.confidence,
                "comments_to_authors": review.comments_to_authors,
                "comments_to_committee": review.comments_to_committee,
                **{f"score_{score.criterion_id}": score.value for score in review.scores.all()},
            }
        self.review = review
        return ReviewEntryForm(data, initial=initial, criteria=criteria)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            paper = current_paper(self.assignment.submission)
            shown = request.POST.get("file_read", "")
            file_read = paper if paper is not None and shown == str(paper.pk) else None
            try:
                save_review(
                    assignment=self.assignment,
                    user=request.user,
                    scores=form.scores(),
                    recommendation=form.cleaned_data["recommendation"],
                    confidence=form.cleaned_data["confidence"],
                    comments_to_authors=form.cleaned_data["comments_to_authors"],
                    comments_to_committee=form.cleaned_data["comments_to_committee"],
                    file_read=file_read,
                    submit="submit" in request.POST,
                )
            except FlockError as error:
                messages.error(request, str(error.message))
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                submitted = "submit" in request.POST or (self.review and self.review.state == ReviewState.SUBMITTED)
                messages.success(request, _("Your review is submitted.") if submitted else _("Your draft is saved."))
                return redirect("reviewer_panel:review", self.assignment.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        submission = self.assignment.submission
        paper = current_paper(submission)
        blind = _blind(submission)
        return super().get_context_data(
            assignment=self.assignment,
            submission=submission,
            authors=[] if blind else list(submission.authors.all()),
            blind=blind,
            paper=paper,
            paper_name=_paper_name(submission, paper) if paper else "",
            review=self.review,
            closed=self.review_form.closed_at is not None or submission.is_final,
            posts=discussion_for(submission, self.request.user),
            post_url=reverse("reviewer_panel:discuss", args=[self.assignment.pk]),
            discussion_closed=submission.is_final,
            **kwargs,
        )


class DiscussView(ReviewView):
    """Posting to the discussion from the review page: back to it with a message, or the page
    again with the refused text and why."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        body = request.POST.get("body", "")
        try:
            post_message(submission=self.assignment.submission, user=request.user, body=body)
        except ValidationError as error:
            context = self.get_context_data(
                form=self.form(), discussion_error=" ".join(error.message_dict["body"]), discussion_body=body
            )
            return self.render_to_response(context, status=400)
        except FlockError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your message is posted."))
        return redirect(reverse("reviewer_panel:review", args=[self.assignment.pk]) + "#discussion")


class DeclareConflictView(ReviewView):
    """The reviewer declares a conflict of interest with the submission: it leaves their list
    (with their draft, if any) and the chair sees the conflict."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        submission = self.assignment.submission
        try:
            declare_conflict(
                reviewer=self.assignment.reviewer,
                submission=submission,
                source=ConflictSource.REVIEWER,
                by=request.user,
                note=request.POST.get("note", "").strip()[:300],
            )
        except FlockError as error:
            messages.error(request, str(error.message))
            return redirect("reviewer_panel:review", self.assignment.pk)
        messages.success(
            request,
            _("Your conflict of interest with %(code)s is recorded: it is no longer yours to review.")
            % {"code": submission.code},
        )
        return redirect("reviewer_panel:index")


def _paper_name(submission, paper):
    return f"{submission.code}-v{paper.revision}.{paper.file_type}"


class PaperView(View):
    """The current paper of an assignment, to its reviewer only; named by code when blind."""

    def get(self, request, pk):
        if not is_reviewer(request.user):
            raise Http404
        assignment = _own_assignment(request, pk)
        paper = current_paper(assignment.submission)
        if paper is None:
            raise Http404
        if not _blind(assignment.submission):
            return file_response(paper)
        name = _paper_name(assignment.submission, paper)
        anonymous, content_type = ANONYMISERS.get(paper.file_type, (None, ""))
        content = anonymous(paper) if anonymous else None
        if content is None:
            response = file_response(paper)
        else:
            response = HttpResponse(content, content_type=content_type)
            response["Cache-Control"] = "private, no-store"
            response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def anonymous_pdf(paper):
    """The PDF without its document information and XMP metadata (author, creator, title…), or
    ``None`` when it cannot be rewritten (encrypted or damaged): it is then served as it is.

    The XMP streams of the catalogue and of each page are unlinked, then every object no longer
    referenced is dropped: pypdf would otherwise still write the orphaned streams."""
    import pypdf

    try:
        with paper.file.open("rb") as source:
            reader = pypdf.PdfReader(source)
            if reader.is_encrypted:
                return None
            writer = pypdf.PdfWriter(clone_from=reader)
        writer.metadata = None
        for holder in (writer.root_object, *writer.pages):
            if "/Metadata" in holder:
                del holder["/Metadata"]
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        output = io.BytesIO()
        writer.write(output)
    except (pypdf.errors.PyPdfError, ValueError, KeyError, OSError):
        return None
    return output.getvalue()


# Word's document properties without a person in them (the parts must stay: the package lists them).
DOCX_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
)
DOCX_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
# Who wrote a comment or a tracked change, and their initials, inside the document's XML parts.
DOCX_PEOPLE = re.compile(rb'(w:(?:author|initials)=")[^"]*(")')


def anonymous_docx(paper):
    """The Word file without its authors: the core and extended properties (creator, last
    modified by, company, manager…) emptied, and the names on comments and tracked changes
    replaced; ``None`` when it is not a readable package (it is then served as it is)."""
    output = io.BytesIO()
    try:
        with paper.file.open("rb") as source, zipfile.ZipFile(source) as package:
            with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as cleaned:
                for item in package.infolist():
                    data = package.read(item.filename)
                    if item.filename == "docProps/core.xml":
                        data = DOCX_CORE.encode()
                    elif item.filename == "docProps/app.xml":
                        data = DOCX_APP.encode()
                    elif item.filename.startswith("word/") and item.filename.endswith(".xml"):
                        data = DOCX_PEOPLE.sub(rb"\1Reviewer copy\2", data)
                    cleaned.writestr(item, data)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return output.getvalue()


ANONYMISERS = {
    "pdf": (anonymous_pdf, "application/pdf"),
    "docx": (anonymous_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


class ReviewerPanelViewSet(ViewSet):
    name = "reviewer_panel"
    url_prefix = "reviews/mine"
    icon = "doc-full"
    menu_label = gettext_lazy("My reviews")
    menu_order = 5
    menu_item_class = ReviewerMenuItem
    add_to_admin_menu = True

    def get_urlpatterns(self):
        return [
            path("", AssignmentListView.as_view(), name="index"),
            path("<int:pk>/", ReviewView.as_view(), name="review"),
            path("<int:pk>/paper/", PaperView.as_view(), name="paper"),
            path("<int:pk>/discuss/", DiscussView.as_view(), name="discuss"),
            path("<int:pk>/conflict/", DeclareConflictView.as_view(), name="conflict"),
        ]
