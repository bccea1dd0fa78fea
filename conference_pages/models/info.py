"""Contact, downloads and menu entries that link elsewhere."""

from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from conference_pages.blocks import RICH_TEXT_FEATURES
from conference_pages.models.audience import AudienceFields
from conference_pages.models.site import SitePageMixin


class ContactPersonBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=100)
    role = blocks.CharBlock(label=_("Responsible for"), required=False, max_length=120)
    phone = blocks.CharBlock(label=_("Phone"), required=False, max_length=40)
    email = blocks.EmailBlock(label=_("Email"), required=False)


class ContactPage(SitePageMixin, AudienceFields, Page):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    map_url = models.URLField(_("map link"), blank=True, help_text=_("A link to the venue on an online map."))
    people = StreamField([("person", ContactPersonBlock())], blank=True, verbose_name=_("contact people"))

    parent_page_types = ["conference_pages.ConferenceHomePage", "conference_pages.ColumnPage"]
    subpage_types = []
    show_in_menus_default = True
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("map_url"),
        FieldPanel("people"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("address")]

    class Meta:
        verbose_name = _("contact page")


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Title"), required=False, max_length=200, help_text=_("Defaults to the document's title.")
    )
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=300)


class DownloadsPage(SitePageMixin, AudienceFields, Page):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    documents = StreamField([("document", DownloadBlock())], blank=True, verbose_name=_("documents"))

    parent_page_types = ["conference_pages.ConferenceHomePage", "conference_pages.ColumnPage"]
    subpage_types = []
    show_in_menus_default = True
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("documents")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("downloads page")


class FlockFeature(models.TextChoices):
    """Parts of Flock a menu entry can lead to; each resolves to an address of the conference."""

    REGISTRATION = "registration", _("Registration")
    SUBMISSION = "submission", _("Paper submission")
    MY_CONFERENCE = "my_conference", _("My conference")
    MY_ORDERS = "my_orders", _("My orders")
    SEARCH = "search", _("Site search")


# Feature → URL name and whether it takes the conference slug. Features whose URL does not exist
# yet (the app lands in a later issue) lead to the conference's home page.
FEATURE_URLS = {
    FlockFeature.REGISTRATION: "attendance:register",
    FlockFeature.SUBMISSION: "submissions:submit",
    FlockFeature.MY_CONFERENCE: "attendance:my_conference",
    FlockFeature.MY_ORDERS: "commerce:my_orders",
    FlockFeature.SEARCH: "site_search",
}


class LinkPage(SitePageMixin, Page):
    """A menu entry that leads elsewhere: an outside address or a part of Flock."""

    link_url = models.URLField(_("outside address"), blank=True)
    feature = models.CharField(_("or a part of Flock"), max_length=30, choices=FlockFeature.choices, blank=True)

    parent_page_types = ["conference_pages.ConferenceHomePage", "conference_pages.ColumnPage"]
    subpage_types = []
    show_in_menus_default = True
    content_panels = [*Page.content_panels, FieldPanel("link_url"), FieldPanel("feature")]

    class Meta:
        verbose_name = _("menu link")

    def clean(self):
        super().clean()
        if bool(self.link_url) == bool(self.feature):
            raise ValidationError({"link_url": _("Enter an outside address or choose a part of Flock, not both.")})

    def target_url(self, request=None):
        if self.link_url:
            return self.link_url
        from django.urls import NoReverseMatch, reverse

        conference = getattr(request, "conference", None)
        try:
            return reverse(FEATURE_URLS[self.feature], kwargs={"conference_slug": conference.slug})
        except (NoReverseMatch, AttributeError):
            home = self.get_ancestors().type(Page).filter(depth=3).first()
            return home.url if home else "/"

    def serve(self, request, *args, **kwargs):
        return redirect(self.target_url(request))
