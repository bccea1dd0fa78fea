"""Review data to and from spreadsheets, worded in the chair's language.

**Exports** (``SHEETS``): assignments, reviews (drafts included, marked) and scores, one row per
assignment, review or submission. Each builder takes the submissions to leave out (those the
chair is in conflict with as a reviewer) and an optional reviewer group, and runs a fixed number
of queries whatever the number of rows. ``workbook`` writes the XLSX; text is always stored as
text, so a cell starting with ``=``, ``+``, ``-`` or ``@`` never becomes a formula.

**Import of assignments** (``check_rows``): columns ``IMPORT_COLUMNS`` (the export's translated
headings are accepted too); every row is checked against the conference in a few queries and
gets a status (``NEW``, ``EXISTING`` or ``ERROR`` with its reasons). Nothing is written here.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.db.models.functions import Upper
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from reviewing.enums import Recommendation
from reviewing.exceptions import ConflictOfInterest, NotReviewable, ReviewerNotActive
from reviewing.models import Assignment, Criterion, Review, Reviewer, ReviewForm
from reviewing.selectors import REVIEWABLE_STATES, active_conflicts
from reviewing.services.reviews import aggregate, review_score
from submissions.enums import FINAL_STATES
from submissions.models import Submission

FORMULA_STARTS = ("=", "+", "-", "@")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Writing -------------------------------------------------------------------------------------


def _cell(worksheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters have no place in XML
    cell = WriteOnlyCell(worksheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl reads a leading "=" as a formula: keep it text
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    elif isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def workbook(title, headings, rows):
    """The bytes of an XLSX workbook of one sheet: ``headings`` then ``rows``."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([_cell(sheet, str(heading)) for heading in headings])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# --- Exports -------------------------------------------------------------------------------------


def _local(value, conference):
    return value.astimezone(conference.tz).replace(tzinfo=None) if value else None


def _person(user):
    return user.display_name_in(translation.get_language() or "zh-hans") or user.email


def _related(instance, name):
    """A reverse one-to-one read through ``select_related``: ``None`` when there is none."""
    return getattr(instance, name, None)


def _group(submission):
    placement = _related(submission, "review_group_placement")
    return placement.group.name if placement else ""


def _review_state(review):
    if review is None:
        return _("Not started")
    return str(review.get_state_display())


def assignments_sheet(conference, *, hidden=(), group=None):
    assignments = Assignment.objects.filter(conference=conference).exclude(submission_id__in=hidden)
    if group is not None:
        assignments = assignments.filter(submission__review_group_placement__group=group)
    assignments = assignments.select_related(
        "submission__topic", "submission__review_group_placement__group", "reviewer__user", "review"
    ).order_by("submission__code", "reviewer__user__email", "pk")
    headings = [
        _("submission code"),
        _("title"),
        _("topic"),
        _("reviewer group"),
        _("reviewer"),
        _("reviewer email"),
        _("assigned how"),
        _("due date"),
        _("review state"),
        _("review submitted"),
    ]
    rows = []
    for assignment in assignments:
        submission, review = assignment.submission, _related(assignment, "review")
        rows.append(
            [
                submission.code,
                submission.title,
                submission.topic.name if submission.topic else "",
                _group(submission),
                _person(assignment.reviewer.user),
                assignment.reviewer.user.email,
                str(assignment.get_method_display()),
                _local(assignment.due_at, conference),
                _review_state(review),
                _local(review.submitted_at, conference) if review else None,
            ]
        )
    return headings, rows


def _forms_with_criteria(conference):
    forms = ReviewForm.objects.filter(conference=conference).order_by("phase")
    return list(forms.prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("sort_order", "id"))))


def reviews_sheet(conference, *, hidden=(), group=None):
    forms = _forms_with_criteria(conference)
    columns = [(form, criterion) for form in forms for criterion in form.criteria.all()]
    criteria_of = {form.pk: list(form.criteria.all()) for form in forms}
    several = len(forms) > 1
    reviews = Review.objects.filter(assignment__conference=conference).exclude(assignment__submission_id__in=hidden)
    if group is not None:
        reviews = reviews.filter(assignment__submission__review_group_placement__group=group)
    reviews = (
        reviews.select_related("assignment__submission", "assignment__reviewer__user", "file_read")
        .prefetch_related("scores")
        .order_by("assignment__submission__code", "assignment__reviewer__user__email", "pk")
    )
    headings = [
        _("submission code"),
        _("title"),
        _("reviewer"),
        _("reviewer email"),
        _("state"),
        _("recommendation"),
        _("confidence"),
        *[
            f"{form.get_phase_display()} · {criterion.label}" if several else criterion.label
            for form, criterion in columns
        ],
        _("mean score (0–100)"),
        _("weighted score (0–100)"),
        _("comments to the authors"),
        _("confidential comments to the committee"),
        _("version read"),
    ]
    rows = []
    for review in reviews:
        submission, user = review.assignment.submission, review.assignment.reviewer.user
        values = {score.criterion_id: score.value for score in review.scores.all()}
        mean, weighted = review_score(review, criteria_of.get(review.form_id, []))
        rows.append(
            [
                submission.code,
                submission.title,
                _person(user),
                user.email,
                str(review.get_state_display()),
                str(review.get_recommendation_display()) if review.recommendation else "",
                str(review.get_confidence_display()) if review.confidence else "",
                *[values.get(criterion.pk) for _form, criterion in columns],
                mean,
                weighted,
                review.comments_to_authors,
                review.comments_to_committee,
                review.file_read.revision if review.file_read else None,
            ]
        )
    return headings, rows


def _decision(submission):
    decision = _related(submission, "decision")
    if decision is None:
        return "", ""
    state = pgettext("decision", "Released") if decision.released_at else pgettext("decision", "Pending")
    return str(decision.get_outcome_display()), state


def scores_sheet(conference, *, hidden=(), group=None):
    criteria = list(Criterion.objects.filter(form__conference=conference))
    submissions = Submission.objects.filter(
        conference=conference, state__in=[*REVIEWABLE_STATES, *FINAL_STATES]
    ).exclude(pk__in=hidden)
    if group is not None:
        submissions = submissions.filter(review_group_placement__group=group)
    assignments = Assignment.objects.select_related("review").prefetch_related("review__scores")
    submissions = (
        submissions.select_related("topic", "review_group_placement__group", "decision")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("code")
    )
    headings = [
        _("submission code"),
        _("title"),
        _("topic"),
        _("reviewer group"),
        _("submitted reviews"),
        _("assignments"),
        _("mean score (0–100)"),
        _("weighted score (0–100)"),
        _("spread"),
        _("reviewers disagree"),
        _("recommendations"),
        _("decision"),
        _("decision state"),
    ]
    rows = []
    for submission in submissions:
        assigned = list(submission.assignments.all())
        reviews = [review for a in assigned if (review := _related(a, "review")) is not None]
        summary = aggregate(reviews, criteria)
        rows.append(
            [
                submission.code,
                submission.title,
                submission.topic.name if submission.topic else "",
                _group(submission),
                summary["count"],
                len(assigned),
                summary["mean"],
                summary["weighted"],
                summary["spread"],
                _("yes") if summary["disagree"] else _("no"),
                "; ".join(str(Recommendation(value).label) for value in summary["recommendations"]),
                *_decision(submission),
            ]
        )
    return headings, rows


SHEETS = {
    "assignments": (gettext_lazy("Assignments"), assignments_sheet),
    "reviews": (gettext_lazy("Reviews"), reviews_sheet),
    "scores": (gettext_lazy("Scores"), scores_sheet),
}


# --- Import of assignments -----------------------------------------------------------------------

IMPORT_COLUMNS = ("submission_code", "reviewer_email", "due_date")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
END_OF_DAY = datetime.time(23, 59, 59)


class MissingColumns(Exception):
    pass


@dataclass
class ImportRow:
    """One row of the file: what it says, what it names, and what importing it would do."""

    NEW = "new"
    EXISTING = "existing"
    ERROR = "error"

    number: int
    code: str
    email: str
    due_text: str
    due_at: datetime.datetime | None = None
    submission: Submission | None = None
    reviewer: Reviewer | None = None
    raw_due: object = None
    errors: list = field(default_factory=list)
    status: str = ""

    @property
    def label(self):
        if self.status == self.NEW:
            return _("To be assigned")
        if self.status == self.EXISTING:
            return _("Assigned already: unchanged")
        return _("Error")


def _text(value):
    return "" if value is None else " ".join(str(value).split())


def _aliases():
    """Heading (lower case) → column: the column names and the export's headings in every
    language."""
    aliases = {name: name for name in IMPORT_COLUMNS}
    aliases.update({"code": "submission_code", "email": "reviewer_email", "due": "due_date"})
    for language in ("zh-hans", "en"):
        with translation.override(language):
            aliases[_("submission code").lower()] = "submission_code"
            aliases[_("reviewer email").lower()] = "reviewer_email"
            aliases[_("due date").lower()] = "due_date"
    return aliases


def _due(raw, conference):
    """``(due_at, error)``: the end of the given day in the conference's time zone."""
    if raw is None or _text(raw) == "":
        return None, None
    if isinstance(raw, datetime.datetime):
        day = raw.date()
    elif isinstance(raw, datetime.date):
        day = raw
    else:
        text = _text(raw)
        try:
            day = datetime.date.fromisoformat(text) if DATE.match(text) else None
        except ValueError:
            day = None
    if day is None:
        return None, _("Give the due date as YYYY-MM-DD.")
    return datetime.datetime.combine(day, END_OF_DAY, tzinfo=conference.tz), None


def _read(dataset):
    aliases = _aliases()
    columns = {}
    for index, heading in enumerate(dataset.headers or []):
        name = aliases.get(_text(heading).lower())
        if name and name not in columns:
            columns[name] = index
    if "submission_code" not in columns or "reviewer_email" not in columns:
        raise MissingColumns(_("The file needs the columns submission_code and reviewer_email (due_date is optional)."))
    rows = []
    for number, values in enumerate(dataset, start=2):
        cells = {name: values[index] if index < len(values) else None for name, index in columns.items()}
        if all(_text(value) == "" for value in cells.values()):
            continue
        code, email, due = cells["submission_code"], cells["reviewer_email"], cells.get("due_date")
        rows.append(ImportRow(number, _text(code), _text(email).lower(), _text(due), raw_due=due))
    return rows


def check_rows(dataset, *, conference, hidden=()):
    """The rows of an assignment file, each checked: the submission (of this conference, open
    for review, not one of ``hidden``), the reviewer (of this conference, accepted), no conflict
    of interest, no earlier row with the same pair, a valid due date. Raises ``MissingColumns``."""
    rows = _read(dataset)
    return RowChecker(conference=conference, hidden=hidden, rows=rows).check(rows)


class RowChecker:
    """What the rows name, read in a few queries for all of them, and the check of each row."""

    def __init__(self, *, conference, hidden, rows):
        self.conference, self.hidden, self.seen = conference, set(hidden), {}
        codes = {row.code.upper() for row in rows if row.code}
        found = Submission.objects.annotate(code_upper=Upper("code")).filter(code_upper__in=codes)
        self.submissions, self.elsewhere = {}, set()
        for submission in found:
            if submission.conference_id == conference.pk:
                self.submissions[submission.code_upper] = submission
            else:
                self.elsewhere.add(submission.code_upper)
        emails = {row.email for row in rows if row.email}
        reviewers = Reviewer.objects.filter(conference=conference, user__email__in=emails).select_related("user")
        self.reviewers = {reviewer.user.email: reviewer for reviewer in reviewers}
        ids = [submission.pk for submission in self.submissions.values()]
        pairs = ("submission_id", "reviewer_id")
        self.conflicts = set(active_conflicts(conference).filter(submission_id__in=ids).values_list(*pairs))
        self.existing = set(Assignment.objects.filter(submission_id__in=ids).values_list(*pairs).order_by())

    def check(self, rows):
        for row in rows:
            row.submission = self.submission(row)
            row.reviewer = self.reviewer(row)
            self.pair(row)
            row.due_at, error = _due(row.raw_due, self.conference)
            if error:
                row.errors.append(error)
            if row.errors:
                row.status = ImportRow.ERROR
            elif (row.submission.pk, row.reviewer.pk) in self.existing:
                row.status = ImportRow.EXISTING
            else:
                row.status = ImportRow.NEW
        return rows

    def submission(self, row):
        code = row.code.upper()
        submission = self.submissions.get(code)
        if not code:
            row.errors.append(_("Give the submission code."))
        elif submission is None and code in self.elsewhere:
            row.errors.append(_("Submission “%(code)s” belongs to another conference.") % {"code": row.code})
        elif submission is None:
            row.errors.append(_("No submission has the code “%(code)s”.") % {"code": row.code})
        elif submission.pk in self.hidden:
            row.errors.append(_("You have a conflict of interest with this submission: another chair must assign it."))
            return None
        elif submission.state not in REVIEWABLE_STATES:
            row.errors.append(str(NotReviewable.default_message))
        return submission

    def reviewer(self, row):
        reviewer = self.reviewers.get(row.email)
        if not row.email:
            row.errors.append(_("Give the reviewer's email address."))
        elif reviewer is None:
            row.errors.append(_("“%(email)s” is not a reviewer of this conference.") % {"email": row.email})
        elif not reviewer.is_active:
            row.errors.append(str(ReviewerNotActive.default_message))
        return reviewer

    def pair(self, row):
        if row.submission is None or row.reviewer is None:
            return
        key = (row.submission.pk, row.reviewer.pk)
        if key in self.conflicts:
            row.errors.append(str(ConflictOfInterest.default_message))
        if key in self.seen:
            row.errors.append(
                _("The same submission and reviewer are in row %(row)d already.") % {"row": self.seen[key]}
            )
        else:
            self.seen[key] = row.number
