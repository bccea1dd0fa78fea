"""What search engines read: ``robots.txt``, sitemaps, and the canonical address, language
alternates and Open Graph data of each page.

Only real pages are advertised: a page's aliases (synchronised copies of the Chinese page in the
English tree) and the Chinese page served under ``/en/`` as a fallback have the original as their
canonical address. Addresses are absolute on the host of the request.

A conference with a host of its own (a Wagtail ``Site`` rooted at its home page) is still served
under the portal's address too, but its pages belong to its own host: their canonical addresses
are there, and only that host's sitemaps list them. So each host's sitemaps list only addresses on
that host, and no page is advertised twice.

Pages for attendees only (``conference_pages.audience``) are never advertised.

Every read runs a fixed number of queries whatever the number of pages; a page's head data is one
query, cached until the page tree changes.
"""

import functools
import html
import operator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import override, to_locale
from wagtail.models import Page, Site

from cms.enums import ConferenceStatus
from cms.models import Conference
from conference_pages.cache import cached_tree_read

# Search results sit under the language prefix (/zh-hans/_search/…), hence one line per language.
DISALLOWED_PREFIXES = [
    "/admin/",
    "/django-admin/",
    "/_search/",
    *(f"/{code}/_search/" for code, _label in settings.LANGUAGES),
]
VISIBLE_STATUSES = [ConferenceStatus.PUBLISHED, ConferenceStatus.ARCHIVED]
OPEN_GRAPH_LOCALES = {"zh-hans": "zh_CN", "en": "en_US"}
DESCRIPTION_LENGTH = 160
# Fields of the page types that can stand in for a missing search description, in order.
DESCRIPTION_FIELDS = ("summary", "intro", "biography")
# Page types that redirect elsewhere (menu links): never advertised.
REDIRECTING_PAGE_MODELS = ["linkpage"]
XML_CONTENT_TYPE = "application/xml"


def hreflang(code):
    """BCP 47 tag of a site language: ``zh-hans`` → ``zh-Hans``."""
    return to_locale(code).replace("_", "-")


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    url: str


@dataclass
class SitemapEntry:
    loc: str
    lastmod: str
    alternates: list[Alternate] = field(default_factory=list)


@dataclass
class PageMeta:
    """What the ``<head>`` of a page tells search engines and link previews."""

    canonical: str
    alternates: list[Alternate]
    title: str
    description: str
    site_name: str
    locale: str
    locale_alternates: list[str]


def alternates(urls_by_code):
    """``hreflang`` links for each language with a real translation, then ``x-default``: the page
    in the default language (in the first language that has it, when it has no default)."""
    links = [
        Alternate(hreflang(code), urls_by_code[code]) for code, _label in settings.LANGUAGES if code in urls_by_code
    ]
    if not links:
        return []
    default = urls_by_code.get(settings.LANGUAGE_CODE, links[0].url)
    return [*links, Alternate("x-default", default)]


# robots.txt and sitemaps -------------------------------------------------------------------------


def _home_roots(page, root_paths):
    """The roots (of ``Site.get_site_root_paths()``) of the sites ``page`` belongs to: the most
    specific ones above it, so a conference's own site rather than the portal, which holds its pages
    too. Several only when sites share a root page."""
    roots = [root for root in root_paths if page.url_path.startswith(root.root_path)]
    deepest = max((len(root.root_path) for root in roots), default=0)
    return [root for root in roots if len(root.root_path) == deepest]


def _belongs_to(page, site, root_paths):
    return site is not None and any(root.site_id == site.pk for root in _home_roots(page, root_paths))


def _any_under(paths):
    return functools.reduce(operator.or_, (Q(home_pages__url_path__startswith=path) for path in paths))


def served_conferences(request):
    """Published and archived conferences whose website belongs to the request's host: those under
    the portal without a host of their own, or the one whose home page is the root of the host's
    own site."""
    site = Site.find_for_request(request)
    root_paths = Site.get_site_root_paths()
    own = [root.root_path for root in root_paths if site is not None and root.site_id == site.pk]
    if not own:
        return Conference.objects.none()
    # Roots of other sites deeper in this site's tree: the conferences there belong to those hosts.
    deeper = [
        root.root_path
        for root in root_paths
        if any(root.root_path.startswith(path) and len(root.root_path) > len(path) for path in own)
    ]
    conferences = Conference.objects.filter(_any_under(own), home_pages__live=True, status__in=VISIBLE_STATUSES)
    if deeper:
        conferences = conferences.exclude(_any_under(deeper))
    return conferences.distinct().order_by("slug")


def serves_portal(request):
    from conference_pages.models import PortalPage

    site = Site.find_for_request(request)
    return site is not None and site.root_page.specific_class is PortalPage


def sitemap_urls(request):
    """Absolute addresses of the sitemaps of the request's host: one per conference, and the portal's."""
    urls = [
        reverse("seo_conference_sitemap", args=[slug])
        for slug in served_conferences(request).values_list("slug", flat=True)
    ]
    if serves_portal(request):
        urls.append(reverse("seo_portal_sitemap"))
    return [request.build_absolute_uri(url) for url in urls]


def conference_pages(conference):
    """Live, public, real pages (no aliases) of ``conference``'s website in every locale."""
    from conference_pages.models import ConferenceHomePage

    home_paths = list(ConferenceHomePage.objects.filter(conference=conference).values_list("path", flat=True))
    if not home_paths:
        return Page.objects.none()
    in_site = functools.reduce(operator.or_, (Q(path__startswith=path) for path in home_paths))
    return _advertised(Page.objects.filter(in_site))


def portal_pages(request):
    """The portal page of the request's site in every locale (live, public, real)."""
    site = Site.find_for_request(request)
    if not serves_portal(request):
        return Page.objects.none()
    return _advertised(Page.objects.filter(translation_key=site.root_page.translation_key))


def _advertised(pages):
    from conference_pages.audience import public_paths_filter

    return (
        public_paths_filter(pages)
        .live()
        .public()
        .filter(alias_of__isnull=True)
        .exclude(content_type__app_label="conference_pages", content_type__model__in=REDIRECTING_PAGE_MODELS)
        .select_related("locale")
        .order_by("path")
    )


def sitemap_entries(pages, *, request):
    """One entry per page that belongs to the request's site, with its ``lastmod`` and the
    alternates of its translation group."""
    site = Site.find_for_request(request)
    root_paths = Site.get_site_root_paths()
    pages = [page for page in pages if _belongs_to(page, site, root_paths)]
    groups = {}
    for page in pages:
        url = page.get_url(request=request)
        if url is not None:
            groups.setdefault(page.translation_key, {})[page.locale.language_code] = request.build_absolute_uri(url)
    entries = []
    for page in pages:
        urls = groups.get(page.translation_key, {})
        if page.locale.language_code not in urls:
            continue
        lastmod = page.last_published_at.isoformat(timespec="seconds") if page.last_published_at else ""
        entries.append(SitemapEntry(urls[page.locale.language_code], lastmod, alternates(urls)))
    return entries


def robots_txt(request):
    """Crawl everything but the admin and search results; name this host's sitemaps."""
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in DISALLOWED_PREFIXES), "Allow: /", ""]
    lines += [f"Sitemap: {url}" for url in sitemap_urls(request)]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap_index(request):
    context = {"sitemaps": sitemap_urls(request)}
    return render(request, "conference_pages/seo/sitemap_index.xml", context, content_type=XML_CONTENT_TYPE)


def conference_sitemap(request, slug):
    """Every page of one conference served on this host, in each language, with alternates."""
    conference = get_object_or_404(served_conferences(request), slug=slug)
    entries = sitemap_entries(conference_pages(conference), request=request)
    return render(request, "conference_pages/seo/sitemap.xml", {"entries": entries}, content_type=XML_CONTENT_TYPE)


def portal_sitemap(request):
    entries = sitemap_entries(portal_pages(request), request=request)
    if not entries:
        raise Http404
    return render(request, "conference_pages/seo/sitemap.xml", {"entries": entries}, content_type=XML_CONTENT_TYPE)


# The head of a page --------------------------------------------------------------------------------


def page_meta(page, *, request, conference=None):
    """Canonical address, alternates, description and Open Graph data of ``page`` as shown to
    ``request`` (one query, cached until the page tree changes).

    The canonical address is the page's own in its language; for an alias or a page shown in
    Chinese under another language's prefix it is the original's.
    """
    translations = _live_translations(page, request)
    real = {link["pk"]: link for link in translations if link["alias_of"] is None and link["url"]}
    shown = real.get(page.pk) or real.get(page.alias_of_id)
    urls = {link["code"]: request.build_absolute_uri(link["url"]) for link in real.values()}
    code = shown["code"] if shown else None
    return PageMeta(
        canonical=urls[code] if shown else "",
        alternates=alternates(urls),
        title=page.seo_title or page.title,
        description=describe(page, conference),
        site_name=conference.name if conference else settings.WAGTAIL_SITE_NAME,
        locale=_open_graph_locale(code) if code else "",
        locale_alternates=[
            _open_graph_locale(other) for other, _label in settings.LANGUAGES if other in urls and other != code
        ],
    )


def _canonical_url(page, request, site):
    """``page``'s address on the site it belongs to (see ``_home_roots``): relative on the
    request's site ``site``, absolute on another (a conference's own host, seen under the portal).

    Wagtail's ``get_url`` would prefer the request's site, and without a request it takes the first
    site in its order, which is not always the most specific one across languages.
    """
    homes = _home_roots(page, Site.get_site_root_paths())
    if not homes or _belongs_to(page, site, homes):
        return page.get_url(request=request)
    root = homes[0]
    with override(root.language_code):
        return root.root_url + reverse("wagtail_serve", args=[page.url_path[len(root.root_path) :]])


def _live_translations(page, request):
    site = Site.find_for_request(request)

    def compute():
        pages = Page.objects.filter(translation_key=page.translation_key).live().select_related("locale")
        return [
            {
                "pk": translation.pk,
                "code": translation.locale.language_code,
                "url": _canonical_url(translation, request, site),
                "alias_of": translation.alias_of_id,
            }
            for translation in pages
        ]

    return cached_tree_read("seo-translations", [site.pk if site else 0, page.translation_key], compute)


def describe(page, conference):
    """The page's search description, else the start of its summary or introduction, else the
    conference name."""
    if page.search_description:
        return page.search_description
    for name in DESCRIPTION_FIELDS:
        text = _plain_text(getattr(page, name, ""))
        if text:
            return Truncator(text).chars(DESCRIPTION_LENGTH)
    return conference.name if conference else ""


def _plain_text(rich_text):
    return " ".join(html.unescape(strip_tags(str(rich_text or ""))).split())


def _open_graph_locale(code):
    return OPEN_GRAPH_LOCALES.get(code) or to_locale(code)
