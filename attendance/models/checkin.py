"""Check-in at the venue: one row per check-in of a registration at a desk. A registration has
at most one check-in that is not undone (a partial unique constraint: two desks scanning the same
code at the same moment record one). ``scan_id`` is the id the desk gave the scan, so that a scan
uploaded twice (queued while offline, then sent again) counts once."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CheckIn(models.Model):
    conference = models.ForeignKey("cms.Conference", on_delete=models.PROTECT, related_name="check_ins")
    registration = models.ForeignKey(
        "attendance.Registration", on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("registration")
    )
    scan_id = models.UUIDField(_("scan"), default=uuid.uuid4, unique=True)
    desk = models.CharField(_("desk"), max_length=40, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    offline = models.BooleanField(_("scanned offline"), default=False)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-checked_in_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=models.Q(undone_at__isnull=True), name="one_active_check_in"
            ),
        ]
        indexes = [models.Index(fields=["conference", "undone_at"])]

    def __str__(self):
        return f"{self.registration} · {self.checked_in_at:%Y-%m-%d %H:%M}"
