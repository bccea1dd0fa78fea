from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.enums import EmailStatus, Language


class EmailTemplate(models.Model):
    """An organizer's wording of one kind of message, overriding the built-in default.

    Subject and body are Django template text with the placeholders the message kind documents;
    each language has its own wording. An empty language falls back to the built-in default.
    """

    conference = models.ForeignKey("cms.Conference", on_delete=models.CASCADE, related_name="email_templates")
    key = models.CharField(_("message"), max_length=100)
    subject_zh = models.CharField(_("subject (Chinese)"), max_length=255, blank=True)
    body_zh = models.TextField(_("body (Chinese)"), blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=255, blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        constraints = [models.UniqueConstraint(fields=["conference", "key"], name="unique_email_template")]

    def __str__(self):
        return f"{self.conference.acronym} · {self.key}"


class EmailLog(models.Model):
    """One message to one person: what was rendered, and what became of it."""

    conference = models.ForeignKey(
        "cms.Conference", on_delete=models.PROTECT, null=True, blank=True, related_name="email_logs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="email_logs"
    )
    recipient = models.EmailField(_("recipient"))
    template_key = models.CharField(_("message"), max_length=100)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    from_email = models.CharField(_("sender"), max_length=255)
    reply_to = models.CharField(_("reply to"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    status = models.CharField(_("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("email")
        verbose_name_plural = _("email log")
        indexes = [models.Index(fields=["conference", "status"])]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"
