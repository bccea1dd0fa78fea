"""Print jobs for many attendees, built by a django-q2 task that reports its progress
(``attendance.services.printing``): a zip of confirmation letters, or one PDF of badge sheets."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models.registrations import private_storage


class PrintKind(models.TextChoices):
    LETTERS = "letters", _("Confirmation letters")
    BADGES = "badges", _("Badges")


class PrintBatchState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PrintBatch(models.Model):
    """The letters (a zip, each in its registration's language) or the badges (one PDF, eight per
    A4 page) of chosen registrations, ``done`` of ``total`` so far, for the conference's staff."""

    conference = models.ForeignKey("cms.Conference", on_delete=models.CASCADE, related_name="print_batches")
    kind = models.CharField(_("kind"), max_length=10, choices=PrintKind.choices, default=PrintKind.LETTERS)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registration_ids = models.JSONField(default=list)
    state = models.CharField(_("state"), max_length=10, choices=PrintBatchState.choices, default=PrintBatchState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="registrations/prints/", storage=private_storage, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    wagtail_reference_index_ignore = True  # business rows: no page or image references to track

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")

    def __str__(self):
        return f"{self.conference} · {self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self):
        if self.state == PrintBatchState.READY:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def content_type(self):
        return "application/pdf" if self.kind == PrintKind.BADGES else "application/zip"

    def download_name(self):
        stamp = f"{self.created_at.astimezone(self.conference.tz):%Y%m%d-%H%M}"
        extension = "pdf" if self.kind == PrintKind.BADGES else "zip"
        return f"{self.conference.slug}-{self.kind}-{stamp}.{extension}"
