"""Page types of the platform portal and of a conference website.

A conference's site is the subtree under its ``ConferenceHomePage``: columns (menu sections,
nesting one level) and articles. Every page exists once per locale (wagtail-localize); the home
page of each locale points to the same ``cms.Conference``.
"""

from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from conference_pages.blocks import RICH_TEXT_FEATURES, ArticleBodyBlock
from conference_pages.models.audience import AudienceFields
from conference_pages.models.visuals import BannerFields

SECTION_PAGE_TYPES = [
    "conference_pages.ColumnPage",
    "conference_pages.ArticlePage",
    "conference_pages.NewsIndexPage",
    "conference_pages.SpeakersIndexPage",
    "conference_pages.ContactPage",
    "conference_pages.DownloadsPage",
    "conference_pages.LinkPage",
]


class SitePageMixin:
    """Adds the site chrome every conference page renders: menu, home link, language links."""

    def get_context(self, request, *args, **kwargs):
        from conference_pages.cache import chrome_cache_key
        from conference_pages.selectors import banner_for, conference_site, language_links

        context = super().get_context(request, *args, **kwargs)
        fallback = getattr(request, "translation_fallback", False)
        # A page shown in the default language (no translation, or a synchronised alias of the
        # Chinese page) tells the visitor so; its menu stays in the visitor's language.
        context["untranslated"] = fallback or bool(self.alias_of_id)
        context["language_links"] = language_links(self, request=request)
        context["chrome_key"] = chrome_cache_key(self, request, fallback)
        if self.depth >= CONFERENCE_HOME_DEPTH:
            anchor = self.localized_home() if fallback else self
            context["site_home"], context["site_menu"] = conference_site(anchor, request=request)
            context["banner"] = banner_for(self)
        return context

    def localized_home(self):
        home = Page.objects.get(path=self.path[: Page.steplen * CONFERENCE_HOME_DEPTH])
        return home.localized


# The portal is the root of the default site (depth 2); conference home pages sit under it.
CONFERENCE_HOME_DEPTH = 3


class PortalPage(SitePageMixin, Page):
    """The platform home: lists upcoming and past conferences."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["conference_pages.ConferenceHomePage"]
    max_count_per_parent = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("platform portal")

    def get_context(self, request, *args, **kwargs):
        from conference_pages.selectors import portal_listing

        context = super().get_context(request, *args, **kwargs)
        context["upcoming"], context["past"] = portal_listing(locale=self.locale_id)
        return context


class ColumnIcon(models.TextChoices):
    INFO = "info", _("Information")
    PAPER = "paper", _("Papers")
    REGISTRATION = "registration", _("Registration")
    HOTEL = "hotel", _("Accommodation")
    CALENDAR = "calendar", _("Programme")
    CONTACT = "contact", _("Contact")
    NEWS = "news", _("News")
    SPEAKER = "speaker", _("Speakers")
    DOWNLOAD = "download", _("Downloads")
    MAP = "map", _("Travel")


class PhoneMenu(models.TextChoices):
    LIST = "list", _("A list (the menu button only)")
    ROUND = "round", _("A grid of round icons")
    SQUARE = "square", _("A grid of square icons")


class ConferenceHomePage(SitePageMixin, BannerFields, Page):
    """The home page of one conference's website, in one locale."""

    conference = models.ForeignKey(
        "cms.Conference", on_delete=models.PROTECT, related_name="home_pages", verbose_name=_("conference")
    )
    intro = RichTextField(_("welcome text"), blank=True, features=RICH_TEXT_FEATURES)
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("body"))
    phone_menu = models.CharField(
        _("columns on the phone home page"), max_length=10, choices=PhoneMenu.choices, default=PhoneMenu.ROUND
    )

    parent_page_types = ["conference_pages.PortalPage"]
    subpage_types = SECTION_PAGE_TYPES
    content_panels = [
        *Page.content_panels,
        FieldPanel("banner"),
        FieldPanel("phone_menu"),
        FieldPanel("intro"),
        MultiFieldPanel([InlinePanel("slides", label=_("Slide"))], heading=_("Slideshow")),
        FieldPanel("body"),
        MultiFieldPanel([InlinePanel("partners", label=_("Partner or sponsor"))], heading=_("Partners and sponsors")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("conference home page")

    def get_context(self, request, *args, **kwargs):
        from conference_pages.selectors import column_summaries, featured_speakers, home_visuals, pinned_news

        context = super().get_context(request, *args, **kwargs)
        context["pinned_news"] = pinned_news(self)
        context["featured_speakers"] = featured_speakers(self)
        # Read only when a template needs it outside its cached fragments.
        context["column_summaries"] = SimpleLazyObject(lambda: column_summaries(self))
        context["slides"], context["partners"] = home_visuals(self)
        return context

    def full_clean(self, *args, **kwargs):
        # The page's slug is the conference's: addresses are /<language>/<conference slug>/.
        if self.conference_id:
            self.slug = self.conference.slug
        super().full_clean(*args, **kwargs)


class ColumnPage(SitePageMixin, AudienceFields, BannerFields, Page):
    """A menu section (栏目). Columns nest one level, which gives two-level menus."""

    icon = models.CharField(
        _("icon"),
        max_length=20,
        choices=ColumnIcon.choices,
        default=ColumnIcon.INFO,
        help_text=_("Shown for this column in the icon grid of the phone home page."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["conference_pages.ConferenceHomePage", "conference_pages.ColumnPage"]
    subpage_types = SECTION_PAGE_TYPES
    show_in_menus_default = True
    content_panels = [
        *Page.content_panels,
        FieldPanel("icon"),
        FieldPanel("banner"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("column")

    @classmethod
    def can_create_at(cls, parent):
        if not super().can_create_at(parent):
            return False
        # A column inside a column is the second level; no third.
        return not (parent.specific_class is ColumnPage and parent.get_parent().specific_class is ColumnPage)

    def get_context(self, request, *args, **kwargs):
        from conference_pages.audience import conceal

        context = super().get_context(request, *args, **kwargs)
        context["children"] = conceal(list(self.get_children().live().public().specific().order_by("path")))
        return context


class ArticlePage(SitePageMixin, AudienceFields, Page):
    """A page of text, images and attachments."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["conference_pages.ConferenceHomePage", "conference_pages.ColumnPage"]
    subpage_types = []
    show_in_menus_default = True
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([InlinePanel("attachments", label=_("Attachment"))], heading=_("Attachments")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    class Meta:
        verbose_name = _("article")


class ArticleAttachment(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )
    title = models.CharField(_("link text"), max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def label(self):
        return self.title or self.document.title
