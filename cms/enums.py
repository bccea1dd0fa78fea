"""States and kinds owned by the core app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    CHINESE = "zh-hans", "简体中文"
    ENGLISH = "en", "English"


class ConferenceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Role(models.TextChoices):
    ORGANIZER = "organizer", _("Organizer")
    EDITOR = "editor", _("Editor")
    FINANCE = "finance", _("Finance")
    REVIEW_CHAIR = "review_chair", _("Review chair")
    CHECKIN = "checkin", _("Check-in staff")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# Which transitions of a conference's status are allowed.
CONFERENCE_TRANSITIONS = {
    ConferenceStatus.DRAFT: {ConferenceStatus.PUBLISHED},
    ConferenceStatus.PUBLISHED: {ConferenceStatus.DRAFT, ConferenceStatus.ARCHIVED},
    ConferenceStatus.ARCHIVED: {ConferenceStatus.PUBLISHED},
}
