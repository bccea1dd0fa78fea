"""News: an index per conference site and dated items that can be pinned to the home page."""

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from conference_pages.blocks import ArticleBodyBlock
from conference_pages.models.audience import AudienceFields
from conference_pages.models.site import SitePageMixin

NEWS_PER_PAGE = 10


class NewsIndexPage(SitePageMixin, AudienceFields, Page):
    """The list of a conference's news, newest first."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    parent_page_types = ["conference_pages.ConferenceHomePage", "conference_pages.ColumnPage"]
    subpage_types = ["conference_pages.NewsPage"]
    max_count_per_parent = 1
    show_in_menus_default = True
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        from conference_pages.audience import conceal

        context = super().get_context(request, *args, **kwargs)
        items = NewsPage.objects.child_of(self).live().order_by("-date", "-pk")
        news = Paginator(items, NEWS_PER_PAGE).get_page(request.GET.get("page"))
        news.object_list = conceal(list(news.object_list))
        context["news"] = news
        return context


class NewsPage(SitePageMixin, AudienceFields, Page):
    """One news item."""

    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("body"))
    pinned = models.BooleanField(_("pin to the home page"), default=False)

    parent_page_types = ["conference_pages.NewsIndexPage"]
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("pinned"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
