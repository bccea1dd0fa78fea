from conference_pages.models.info import ContactPage, DownloadsPage, FlockFeature, LinkPage
from conference_pages.models.news import NewsIndexPage, NewsPage
from conference_pages.models.site import (
    CONFERENCE_HOME_DEPTH,
    ArticleAttachment,
    ArticlePage,
    ColumnPage,
    ConferenceHomePage,
    PortalPage,
    SitePageMixin,
)
from conference_pages.models.speakers import SpeakerKind, SpeakerPage, SpeakersIndexPage

__all__ = [
    "CONFERENCE_HOME_DEPTH",
    "ArticleAttachment",
    "ArticlePage",
    "ColumnPage",
    "ConferenceHomePage",
    "ContactPage",
    "DownloadsPage",
    "FlockFeature",
    "LinkPage",
    "NewsIndexPage",
    "NewsPage",
    "PortalPage",
    "SitePageMixin",
    "SpeakerKind",
    "SpeakerPage",
    "SpeakersIndexPage",
]
