"""Submissions to and from spreadsheets.

**Export**: one row per submission with its authors, worded in the admin user's language.
``EXPORT_COLUMNS`` maps ``name -> (heading, value(submission))``; the rows come from
``submissions_for_export`` (a fixed number of queries whatever their number).

**Import of invited abstracts** (``InvitedImportResource`` through ``cms.admin_import.ImportView``):
one row per abstract with the columns of ``IMPORT_COLUMNS`` and, per author n (1 to 30),
``author<n>_name``, ``author<n>_email``, ``author<n>_affiliation``, ``author<n>_country``. Each row
is entered through ``import_invited_submission`` in the dry run too (rolled back), so the preview
shows every error the import would meet.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from import_export import fields, resources

from cms.enums import Language
from submissions.enums import FileKind, PresentationType
from submissions.models import MAX_AUTHORS, Author, Submission, SubmissionFile, Topic
from submissions.services.submitting import import_invited_submission


def _local(value, submission):
    return value.astimezone(submission.conference.tz).replace(tzinfo=None) if value else None


def _authors(submission, attribute):
    return "; ".join(str(getattr(author, attribute) or "") for author in submission.authors.all())


def _current(submission, kind):
    versions = [f for f in submission.files.all() if f.kind == kind]
    return f"v{max(f.revision for f in versions)}" if versions else ""


def _corresponding(submission):
    return "; ".join(author.email for author in submission.authors.all() if author.corresponding)


EXPORT_COLUMNS = {
    "code": (_("submission code"), lambda s: s.code),
    "conference": (pgettext_lazy("admin", "Conference"), lambda s: s.conference.acronym),
    "title_zh": (_("title (Chinese)"), lambda s: s.title_zh),
    "title_en": (_("title (English)"), lambda s: s.title_en),
    "topic": (_("topic"), lambda s: s.topic.name if s.topic else ""),
    "state": (_("state"), lambda s: str(s.get_state_display())),
    "phase": (_("phase"), lambda s: str(s.get_phase_display())),
    "presentation": (_("preferred presentation"), lambda s: str(s.get_presentation_preference_display())),
    "keywords": (_("keywords"), lambda s: s.keywords),
    "authors": (_("authors"), lambda s: _authors(s, "name")),
    "emails": (_("authors' email addresses"), lambda s: _authors(s, "email")),
    "affiliations": (_("affiliations"), lambda s: _authors(s, "affiliation")),
    "countries": (_("countries"), lambda s: "; ".join(a.country.code for a in s.authors.all())),
    "corresponding": (_("corresponding author"), _corresponding),
    "presenting": (
        _("presented by"),
        lambda s: "; ".join(a.name for a in s.authors.all() if a.presenting),
    ),
    "submitter": (_("submitted by"), lambda s: s.submitter.email),
    "language": (_("language"), lambda s: str(s.get_language_display())),
    "invited": (_("invited"), lambda s: _("yes") if s.invited else ""),
    "late": (_("submitted after the deadline"), lambda s: _("yes") if s.late else ""),
    "submitted_at": (_("submitted"), lambda s: _local(s.submitted_at, s)),
    "paper": (_("paper"), lambda s: _current(s, FileKind.PAPER)),
    "camera_ready": (_("camera-ready version"), lambda s: _current(s, FileKind.CAMERA_READY)),
    "abstract": (_("abstract"), lambda s: s.abstract),
}


def submissions_for_export(queryset):
    return (
        queryset.select_related("conference", "topic", "submitter")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("position")),
            Prefetch("files", queryset=SubmissionFile.objects.only("id", "submission_id", "kind", "revision")),
        )
    )


# --- Import of invited abstracts -----------------------------------------------------------------

IMPORT_COLUMNS = (
    "title_zh",
    "title_en",
    "abstract",
    "keywords",
    "topic",
    "presentation",
    "language",
    "presenting",
    "corresponding",
)
AUTHOR_PARTS = ("name", "email", "affiliation", "country")
AUTHOR_COLUMN = re.compile(r"^author(\d+)_(name|email|affiliation|country)$")


def _text(value):
    return "" if value is None else " ".join(str(value).split())


def _country_codes():
    codes = {}
    for code, name in countries:
        codes[code.lower()] = code
        codes[str(name).lower()] = code
    return codes


class InvitedImportResource(resources.ModelResource):
    """Invited abstracts of one conference from a spreadsheet (see the module)."""

    code = fields.Field(attribute="code", column_name="code")
    title = fields.Field(attribute="title", column_name="title")
    authors = fields.Field(attribute="author_names", column_name="authors")

    class Meta:
        model = Submission
        fields = ("code", "title", "authors")
        import_id_fields = ()
        skip_unchanged = False

    def __init__(self, *, user=None, conference=None):
        super().__init__()
        self.user = user
        self.conference = conference
        self._pending = None

    def before_import(self, dataset, **kwargs):
        self.topics = {}
        for topic in Topic.objects.filter(conference=self.conference, active=True):
            for name in (topic.name_zh, topic.name_en):
                if name:
                    self.topics.setdefault(name.strip().lower(), topic)
        self.presentations = {}
        for choice in PresentationType:
            for word in (choice.value, str(choice.label), *self._both(choice.label)):
                self.presentations[word.lower()] = choice.value
        self.country_codes = _country_codes()
        headers = [_text(header).lower() for header in dataset.headers or []]
        self.unknown_columns = [
            header for header in headers if header and header not in IMPORT_COLUMNS and not AUTHOR_COLUMN.match(header)
        ]

    @staticmethod
    def _both(label):
        from django.utils import translation

        words = []
        for code in Language.values:
            with translation.override(code):
                words.append(str(label))
        return words

    def get_or_init_instance(self, instance_loader, row):
        return Submission(conference=self.conference), True

    def import_instance(self, instance, row, **kwargs):
        """Nothing is copied onto the instance: ``save_instance`` enters the abstract."""

    def before_import_row(self, row, **kwargs):
        row = {_text(key).lower(): value for key, value in row.items()}
        errors = {}
        for header in self.unknown_columns:
            errors[header] = gettext("Unknown column: use the columns listed on this page.")
        topic_text = _text(row.get("topic"))
        topic = self.topics.get(topic_text.lower()) if topic_text else None
        if topic_text and topic is None:
            errors["topic"] = gettext("Unknown topic “%(topic)s”.") % {"topic": topic_text}
        presentation_text = _text(row.get("presentation")).lower()
        presentation = self.presentations.get(presentation_text) if presentation_text else None
        if presentation_text and presentation is None:
            errors["presentation"] = gettext("Use oral, poster or either.")
        language_text = _text(row.get("language")).lower()
        language = {"zh": "zh-hans", "zh-hans": "zh-hans", "中文": "zh-hans", "en": "en", "english": "en"}.get(
            language_text
        )
        if language_text and language is None:
            errors["language"] = gettext("Use zh-hans or en.")
        authors = self._authors(row)
        for role in ("presenting", "corresponding"):
            number = _text(row.get(role)) or "1"
            if not number.isdigit() or not 1 <= int(number) <= max(len(authors), 1):
                errors[role] = gettext("Give the number of an author of this row (1 to %(count)d).") % {
                    "count": max(len(authors), 1)
                }
            elif authors:
                authors[int(number) - 1][role] = True
        if errors:
            raise ValidationError(errors)
        self._pending = {
            "data": {
                "title_zh": _text(row.get("title_zh")),
                "title_en": _text(row.get("title_en")),
                "abstract": str(row.get("abstract") or "").strip(),
                "keywords": _text(row.get("keywords")),
                "topic": topic.pk if topic else "",
                "presentation_preference": presentation or "",
            },
            "authors": authors,
            "language": language,
        }

    def _authors(self, row):
        authors = []
        for number in range(1, MAX_AUTHORS + 1):
            parts = {part: _text(row.get(f"author{number}_{part}")) for part in AUTHOR_PARTS}
            if not any(parts.values()):
                continue
            country = parts["country"]
            parts["country"] = self.country_codes.get(country.lower(), country)
            authors.append(parts)
        return authors

    def save_instance(self, instance, is_create, row, **kwargs):
        pending, self._pending = self._pending, None
        try:
            with transaction.atomic():
                submission = import_invited_submission(
                    conference=self.conference,
                    by_staff=self.user,
                    data=pending["data"],
                    authors=pending["authors"],
                    language=pending["language"],
                )
        except ValidationError as error:
            raise ValidationError(
                {name: [m for item in items for m in item.messages] for name, items in error.error_dict.items()}
            ) from None
        for field in Submission._meta.concrete_fields:
            setattr(instance, field.attname, getattr(submission, field.attname))
        instance.author_names = ", ".join(author["name"] for author in pending["authors"])
