"""Keynote and invited speakers, listed on an index and chosen as featured guests elsewhere."""

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from conference_pages.blocks import RICH_TEXT_FEATURES
from conference_pages.models.audience import AudienceFields
from conference_pages.models.site import SitePageMixin

# The portrait on speaker cards (components/speaker_cards.html).
SPEAKER_CARD_RENDITION = "fill-240x240"


class SpeakerKind(models.TextChoices):
    KEYNOTE = "keynote", _("Keynote speaker")
    INVITED = "invited", _("Invited speaker")


class SpeakersIndexPage(SitePageMixin, AudienceFields, Page):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    parent_page_types = ["conference_pages.ConferenceHomePage", "conference_pages.ColumnPage"]
    subpage_types = ["conference_pages.SpeakerPage"]
    max_count_per_parent = 1
    show_in_menus_default = True
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("speakers index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from conference_pages.audience import conceal

        speakers = conceal(list(SpeakerPage.objects.child_of(self).live().select_related("photo").order_by("path")))
        context["groups"] = [
            (label, [speaker for speaker in speakers if speaker.kind == kind]) for kind, label in SpeakerKind.choices
        ]
        return context


class SpeakerPage(SitePageMixin, AudienceFields, Page):
    """A keynote or invited speaker; the page title is the speaker's name."""

    kind = models.CharField(_("kind"), max_length=20, choices=SpeakerKind.choices, default=SpeakerKind.KEYNOTE)
    academic_title = models.CharField(
        _("academic title"), max_length=120, blank=True, help_text=_("e.g. Professor, Academician")
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    talk_title = models.CharField(_("talk title"), max_length=300, blank=True)
    featured = models.BooleanField(_("feature on the home page"), default=False)
    biography = RichTextField(_("biography"), blank=True, features=RICH_TEXT_FEATURES)

    parent_page_types = ["conference_pages.SpeakersIndexPage"]
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("academic_title"),
        FieldPanel("affiliation"),
        FieldPanel("photo"),
        FieldPanel("talk_title"),
        FieldPanel("featured"),
        FieldPanel("biography"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("affiliation"),
        index.SearchField("talk_title"),
        index.SearchField("biography"),
    ]

    class Meta:
        verbose_name = _("speaker")

    @cached_property
    def card_photo(self):
        """The portrait's rendition on speaker cards, or None. Kept on the instance, so a cached
        list of speakers renders their cards without the database or the image library."""
        return self.photo.get_rendition(SPEAKER_CARD_RENDITION) if self.photo_id else None
