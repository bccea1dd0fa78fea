"""A static copy of one conference's website, made in the task queue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SiteExport(models.Model):
    conference = models.ForeignKey("cms.Conference", on_delete=models.CASCADE, related_name="site_exports")
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    pages_done = models.PositiveIntegerField(_("pages done"), default=0)
    pages_total = models.PositiveIntegerField(_("pages in all"), default=0)
    file = models.FileField(_("zip file"), upload_to="site-exports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("website export")
        verbose_name_plural = _("website exports")

    def __str__(self):
        return f"{self.conference.acronym} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def progress_percent(self):
        return round(100 * self.pages_done / self.pages_total) if self.pages_total else 0
