from conference_pages.models.audience import Audience, AudienceFields
from conference_pages.models.exports import ExportStatus, SiteExport
from conference_pages.models.info import ContactPage, DownloadsPage, FlockFeature, LinkPage
from conference_pages.models.news import NewsIndexPage, NewsPage
from conference_pages.models.site import (
    CONFERENCE_HOME_DEPTH,
    ArticleAttachment,
    ArticlePage,
    ColumnIcon,
    ColumnPage,
    ConferenceHomePage,
    PhoneMenu,
    PortalPage,
    SitePageMixin,
)
from conference_pages.models.speakers import SpeakerKind, SpeakerPage, SpeakersIndexPage
from conference_pages.models.visuals import HomeSlide, Partner

__all__ = [
    "CONFERENCE_HOME_DEPTH",
    "ArticleAttachment",
    "ArticlePage",
    "Audience",
    "AudienceFields",
    "ColumnIcon",
    "ColumnPage",
    "ConferenceHomePage",
    "ContactPage",
    "DownloadsPage",
    "ExportStatus",
    "FlockFeature",
    "HomeSlide",
    "LinkPage",
    "NewsIndexPage",
    "NewsPage",
    "Partner",
    "PhoneMenu",
    "PortalPage",
    "SiteExport",
    "SitePageMixin",
    "SpeakerKind",
    "SpeakerPage",
    "SpeakersIndexPage",
]
