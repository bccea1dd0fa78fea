"""Reads for rendering conference sites: menus, the language switcher, the portal listing.

Each function runs a fixed number of queries whatever the number of pages.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from wagtail.models import Page

from cms.enums import ConferenceStatus
from cms.models import Conference
from conference_pages.cache import cached_tree_read


@dataclass
class MenuItem:
    title: str
    url: str
    page_id: int
    active: bool = False
    children: list = field(default_factory=list)


def home_page_for(conference, language=None):
    """The conference's home page in ``language`` (the active one), else in any locale."""
    from conference_pages.models import ConferenceHomePage

    def read():
        homes = ConferenceHomePage.objects.live().filter(conference=conference).select_related("locale")
        return {home.locale.language_code: home for home in homes}

    language = language or translation.get_language()
    by_language = cached_tree_read("homes", [conference.pk], read)  # until the page tree changes
    return (
        by_language.get(language) or by_language.get(settings.LANGUAGE_CODE) or next(iter(by_language.values()), None)
    )


def conference_site(page, *, request=None):
    """The home page above ``page`` and its two-level menu (one query, cached per tree version).

    Returns ``(home, items)``: live menu entries (columns and their children marked "show in
    menus") in page-tree order, with the entries containing ``page`` marked active.
    """
    from conference_pages.models import CONFERENCE_HOME_DEPTH

    home_path = page.path[: Page.steplen * CONFERENCE_HOME_DEPTH]
    site_id = _site_id(request)
    home, entries = cached_tree_read("menu", [site_id, home_path], lambda: _menu_entries(home_path, request))
    items, top = [], None
    for entry in entries:
        item = MenuItem(
            title=entry["title"], url=entry["url"], page_id=entry["id"], active=page.path.startswith(entry["path"])
        )
        if entry["top"]:
            top = item
            items.append(item)
        elif top is not None:
            top.children.append(item)
    return home, items


def _menu_entries(home_path, request):
    from conference_pages.models import CONFERENCE_HOME_DEPTH

    pages = (
        Page.objects.filter(path__startswith=home_path, depth__lte=CONFERENCE_HOME_DEPTH + 2)
        .filter(Q(show_in_menus=True) | Q(depth=CONFERENCE_HOME_DEPTH))
        .live()
        .only("id", "title", "path", "depth", "url_path", "locale_id", "translation_key", "content_type_id")
        .order_by("path")
    )
    home, entries, top_path = None, [], None
    for entry in pages:
        if entry.depth == CONFERENCE_HOME_DEPTH:
            home = entry
            continue
        is_top = entry.depth == CONFERENCE_HOME_DEPTH + 1
        if is_top:
            top_path = entry.path
        elif top_path is None or not entry.path.startswith(top_path):
            continue
        entries.append(
            {
                "id": entry.id,
                "title": entry.title,
                "path": entry.path,
                "top": is_top,
                "url": entry.get_url(request=request),
            }
        )
    return home, entries


def _site_id(request):
    site = getattr(request, "_wagtail_site", None) if request is not None else None
    return site.pk if site is not None else 0


def language_links(page, *, request=None):
    """For each site language, the address of ``page`` in it (one query, cached per tree version).

    Where the page has no live translation in a language, the link is the same address under that
    language's prefix, which serves the default language's page with a notice.
    """
    urls = cached_tree_read(
        "languages", [_site_id(request), page.translation_key, page.pk], lambda: _language_urls(page, request)
    )
    active = translation.get_language()
    return [
        {"code": code, "label": label, "url": urls[code], "active": code == active}
        for code, label in settings.LANGUAGES
    ]


def _language_urls(page, request):
    translations = {
        p.locale.language_code: p
        for p in Page.objects.filter(translation_key=page.translation_key).live().select_related("locale")
    }
    urls = {}
    for code, _label in settings.LANGUAGES:
        target = translations.get(code)
        if target is not None:
            urls[code] = target.get_url(request=request)
        else:
            urls[code] = _with_language_prefix(page.get_url(request=request), code)
    return urls


def _with_language_prefix(url, code):
    """``url`` (a path starting with a language prefix) under the prefix of ``code`` instead."""
    parts = (url or "/").split("/", 2)
    rest = parts[2] if len(parts) > 2 else ""
    return f"/{code}/{rest}"


def portal_listing(*, locale):
    """Published and archived conferences with their home page in ``locale``: (upcoming, past)."""
    from conference_pages.models import ConferenceHomePage

    now = timezone.now()
    homes = {
        home.conference_id: home
        for home in ConferenceHomePage.objects.live()
        .filter(locale_id=locale)
        .only("id", "url_path", "conference_id", "locale_id", "path", "depth")
    }
    conferences = list(
        Conference.objects.filter(status__in=[ConferenceStatus.PUBLISHED, ConferenceStatus.ARCHIVED]).order_by(
            "start_date"
        )
    )
    upcoming, past = [], []
    for conference in conferences:
        conference.home = homes.get(conference.id)
        # Past once its last day is over where it takes place.
        (past if conference.end_date < timezone.localdate(now, conference.tz) else upcoming).append(conference)
    past.reverse()
    return upcoming, past


PINNED_NEWS_ON_HOME = 5


def pinned_news(home):
    """The newest pinned news items of ``home``'s site (one query, cached per tree version)."""
    from conference_pages.models import NewsPage

    def compute():
        from conference_pages.audience import conceal

        news = NewsPage.objects.descendant_of(home).live().filter(pinned=True).order_by("-date", "-pk")
        return conceal(list(news[:PINNED_NEWS_ON_HOME]))

    return cached_tree_read("pinned-news", [home.pk], compute)


def featured_speakers(home):
    """Speakers of ``home``'s site marked for the home page, with their photos' renditions
    (two queries, cached per tree version)."""
    from conference_pages.audience import conceal
    from conference_pages.models import SpeakerPage

    def compute():
        speakers = SpeakerPage.objects.descendant_of(home).live().filter(featured=True)
        speakers = list(speakers.select_related("photo").prefetch_related("photo__renditions").order_by("path"))
        for speaker in speakers:
            speaker.card_photo  # noqa: B018 - made now (if missing) and cached with the list
        return conceal(speakers)

    return cached_tree_read("featured-speakers", [home.pk], compute)


def column_summaries(home):
    """The live top-level columns of ``home`` shown in menus, with their introductions, for
    layouts that present the whole site on the home page (one query, cached per tree version)."""
    from conference_pages.models import ColumnPage

    def compute():
        from conference_pages.audience import conceal

        columns = ColumnPage.objects.child_of(home).live().filter(show_in_menus=True).order_by("path")
        return conceal(list(columns.defer("body")))

    return cached_tree_read("column-summaries", [home.pk], compute)


BANNER_RENDITIONS = {"small": "fill-768x240", "medium": "fill-1280x400", "large": "fill-1920x480"}
SLIDE_RENDITIONS = {"small": "fill-768x384", "large": "fill-1600x640"}
LOGO_RENDITION = "max-240x96"


def _picture(image, renditions):
    """Addresses of ``image``'s renditions, for ``srcset`` (made once, then cached)."""
    made = {name: image.get_rendition(spec) for name, spec in renditions.items()}
    return {
        "alt": image.title,
        "src": made[list(renditions)[-1]].url,
        "srcset": ", ".join(f"{r.url} {r.width}w" for r in made.values()),
        "width": made[list(renditions)[-1]].width,
        "height": made[list(renditions)[-1]].height,
    }


def banner_for(page):
    """The banner of ``page``: its column's (the nearest column above it that has one), else the
    conference's; ``None`` when neither has one. Cached per tree version."""
    from conference_pages.models import CONFERENCE_HOME_DEPTH, ColumnPage, ConferenceHomePage

    home_path = page.path[: Page.steplen * CONFERENCE_HOME_DEPTH]

    def compute():
        banners = {}
        home = ConferenceHomePage.objects.filter(path=home_path).select_related("banner").first()
        if home is not None and home.banner is not None:
            banners[home_path] = _picture(home.banner, BANNER_RENDITIONS)
        columns = ColumnPage.objects.filter(path__startswith=home_path, banner__isnull=False).select_related("banner")
        for column in columns:
            banners[column.path] = _picture(column.banner, BANNER_RENDITIONS)
        return banners

    banners = cached_tree_read("banners", [home_path], compute)
    for length in range(len(page.path), len(home_path) - 1, -Page.steplen):
        if page.path[:length] in banners:
            return banners[page.path[:length]]
    return None


def home_visuals(home):
    """The slides and partner logos of ``home``, with rendition addresses (cached per tree version)."""

    def compute():
        slides = [
            {
                "caption": slide.caption,
                "url": slide.link_url or (slide.link_page.url if slide.link_page else ""),
                "picture": _picture(slide.image, SLIDE_RENDITIONS),
            }
            for slide in home.slides.select_related("image", "link_page").order_by("sort_order")
        ]
        partners = [
            {"name": partner.name, "url": partner.url, "logo": _picture(partner.logo, {"logo": LOGO_RENDITION})}
            for partner in home.partners.select_related("logo").order_by("sort_order")
        ]
        return slides, partners

    return cached_tree_read("home-visuals", [home.pk], compute)
