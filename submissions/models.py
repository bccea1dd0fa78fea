"""Topics, submission settings, submissions, their authors and files.

Nothing here changes a state: the services in ``submissions.services`` do, one function per
transition (see ``submissions.enums.SUBMISSION_TRANSITIONS``). Topics and settings carry their
attendee-facing text in both languages (``*_zh`` / ``*_en``) and show the active one.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from cms.enums import Language
from cms.i18n import BilingualMixin, bilingual
from submissions.enums import (
    EDITABLE_STATES,
    FINAL_STATES,
    FileKind,
    FileType,
    LatePolicy,
    Phase,
    PresentationType,
    SubmissionState,
)

TITLE_MAX_LENGTH = 300
ABSTRACT_MAX_LENGTH = 5000
KEYWORDS_MAX_LENGTH = 300
MAX_AUTHORS = 30


def private_storage():
    return storages["private"]


def upload_submission_file(instance, filename):
    """Stored under a generated name; the name the author gave is kept in ``original_name``."""
    extension = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"submissions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class SubmissionSettings(models.Model):
    """A conference's call for papers: its phases, their windows (in the conference's time zone),
    what happens to late work, the per-person limit, files and presentation types."""

    conference = models.OneToOneField(
        "cms.Conference", on_delete=models.CASCADE, related_name="submission_settings", verbose_name=_("conference")
    )
    abstract_enabled = models.BooleanField(_("abstracts are submitted"), default=True)
    abstract_opens_at = models.DateTimeField(_("abstracts open"), null=True, blank=True)
    abstract_closes_at = models.DateTimeField(_("abstracts close"), null=True, blank=True)
    abstract_max_size_mb = models.PositiveIntegerField(
        _("largest abstract file (MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    full_paper_enabled = models.BooleanField(_("full papers are submitted"), default=False)
    full_paper_opens_at = models.DateTimeField(_("full papers open"), null=True, blank=True)
    full_paper_closes_at = models.DateTimeField(_("full papers close"), null=True, blank=True)
    full_paper_max_size_mb = models.PositiveIntegerField(
        _("largest full paper (MB)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    allow_word = models.BooleanField(_("Word files (DOCX) are accepted besides PDF"), default=False)
    late_policy = models.CharField(
        _("after the deadline"), max_length=10, choices=LatePolicy.choices, default=LatePolicy.REFUSE
    )
    max_per_person = models.PositiveIntegerField(
        _("submissions per person"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    presentation_types = models.CharField(
        _("presentation types offered"),
        max_length=10,
        choices=PresentationType.choices,
        default=PresentationType.EITHER,
        help_text=_("“Either” lets authors choose oral or poster."),
    )
    double_blind = models.BooleanField(_("double-blind review"), default=False)
    camera_ready_enabled = models.BooleanField(_("camera-ready versions are collected"), default=False)
    camera_ready_closes_at = models.DateTimeField(_("camera-ready versions close"), null=True, blank=True)

    class Meta:
        verbose_name = _("call for papers")
        verbose_name_plural = _("call for papers")

    def __str__(self):
        return str(self.conference)

    def window(self, phase):
        """``(enabled, opens_at, closes_at)`` of ``phase``."""
        if phase == Phase.ABSTRACT:
            return self.abstract_enabled, self.abstract_opens_at, self.abstract_closes_at
        if phase == Phase.FULL_PAPER:
            return self.full_paper_enabled, self.full_paper_opens_at, self.full_paper_closes_at
        return self.camera_ready_enabled, None, self.camera_ready_closes_at

    def max_size(self, phase):
        """The largest file of ``phase``, in bytes."""
        megabytes = self.abstract_max_size_mb if phase == Phase.ABSTRACT else self.full_paper_max_size_mb
        return megabytes * 1024 * 1024

    def paper_types(self):
        return {FileType.PDF, FileType.WORD} if self.allow_word else {FileType.PDF}


class Topic(BilingualMixin, models.Model):
    """A topic (专题) of the call for papers."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="topics")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(pgettext_lazy("position in a list", "order"), default=0)
    active = models.BooleanField(_("offered"), default=True, help_text=_("Authors can choose it."))

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    name = bilingual("name")


class SubmissionQuerySet(models.QuerySet):
    def counted(self):
        """Submissions that count towards a person's limit (all but withdrawn ones)."""
        return self.exclude(state=SubmissionState.WITHDRAWN)


class Submission(BilingualMixin, models.Model):
    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="submissions")
    code = models.CharField(_("submission code"), max_length=24)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("submitted by"),
    )
    state = models.CharField(
        _("state"), max_length=24, choices=SubmissionState.choices, default=SubmissionState.DRAFT, db_index=True
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.CHINESE)
    title_zh = models.CharField(_("title (Chinese)"), max_length=TITLE_MAX_LENGTH, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=TITLE_MAX_LENGTH, blank=True)
    abstract = models.TextField(_("abstract"), max_length=ABSTRACT_MAX_LENGTH)
    keywords = models.CharField(_("keywords"), max_length=KEYWORDS_MAX_LENGTH, blank=True)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="submissions", null=True, blank=True, verbose_name=_("topic")
    )
    presentation_preference = models.CharField(
        _("preferred presentation"), max_length=10, choices=PresentationType.choices, default=PresentationType.EITHER
    )
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.ABSTRACT)
    invited = models.BooleanField(_("invited"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    late = models.BooleanField(_("submitted after the deadline"), default=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="submission_code_unique_per_conference"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    title = bilingual("title")

    @property
    def is_final(self):
        return self.state in FINAL_STATES

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES


class Author(models.Model):
    """One author of a submission, in the order they are listed. The person who submits need not
    be among them."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"))
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    country = CountryField(_("country"), blank=True)
    presenting = models.BooleanField(_("presents the work"), default=False)
    corresponding = models.BooleanField(_("corresponding author"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(fields=["submission", "position"], name="author_position_unique"),
        ]

    def __str__(self):
        return self.name


class SubmissionFile(models.Model):
    """One stored file: every version of a paper is kept (``revision`` 1, 2, …) with its time;
    the newest of each kind is the current one."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=16, choices=FileKind.choices)
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices)
    revision = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=upload_submission_file, storage=private_storage, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("type"), max_length=8, choices=FileType.choices)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["kind", "-revision"]
        verbose_name = _("submission file")
        verbose_name_plural = _("submission files")
        constraints = [
            models.UniqueConstraint(fields=["submission", "kind", "revision"], name="submission_file_revision_unique"),
        ]

    def __str__(self):
        return f"{self.submission.code} {self.get_kind_display()} v{self.revision}"


class ArchiveState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class SubmissionArchive(models.Model):
    """A zip of the current files of chosen submissions, built by a task (``done`` of ``total``
    submissions so far) for the organizers of the conference."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.CASCADE, related_name="submission_archives")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submission_ids = models.JSONField(default=list)
    state = models.CharField(_("state"), max_length=10, choices=ArchiveState.choices, default=ArchiveState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="submissions/archives/", storage=private_storage, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("zip of submission files")
        verbose_name_plural = _("zips of submission files")

    def __str__(self):
        return f"{self.conference} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self):
        return 100 if self.state == ArchiveState.READY else int(100 * self.done / self.total) if self.total else 0

    def download_name(self):
        return f"{self.conference.slug}-submissions-{self.created_at.astimezone(self.conference.tz):%Y%m%d-%H%M}.zip"
