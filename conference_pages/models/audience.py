"""Who may see a page of a conference's website: everyone, or its registered or confirmed attendees.

The rules (inheritance, translations, who counts as staff) and their enforcement are in
``conference_pages.audience``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page


class Audience(models.TextChoices):
    EVERYONE = "everyone", pgettext_lazy("page audience", "Everyone")
    REGISTERED = "registered", _("Registered attendees (awaiting approval or payment, or confirmed)")
    CONFIRMED = "confirmed", _("Confirmed attendees only (paid, or free and confirmed)")


# From the least to the most restrictive: a page is as restricted as the strictest of itself,
# its ancestors and their translations.
AUDIENCE_ORDER = [Audience.EVERYONE, Audience.REGISTERED, Audience.CONFIRMED]


class AudienceFields(models.Model):
    """The page's audience, chosen in the page editor's Settings tab."""

    audience = models.CharField(
        _("who may see this page"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.EVERYONE,
        help_text=_(
            "Everyone else sees a prompt to log in or register instead. Applies to the pages below "
            "this one and to its translations too."
        ),
    )

    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel([FieldPanel("audience")], heading=_("Attendees only")),
    ]

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        from conference_pages.audience import serve_for_audience

        return serve_for_audience(self, request, super().serve, *args, **kwargs)
