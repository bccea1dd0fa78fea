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

    language = language or translation.get_language()
    homes = ConferenceHomePage.objects.live().filter(conference=conference).select_related("locale")
    by_language = {home.locale.language_code: home for home in homes}
    return by_language.get(language) or by_language.get(settings.LANGUAGE_CODE) or next(iter(by_language.values()), None)


def conference_site(page, *, request=None):
    """The home page above ``page`` and its two-level menu, in one query.

    Returns ``(home, items)``: live menu entries (columns and their children marked "show in
    menus") in page-tree order, with the entry containing ``page`` marked active.
    """
    from conference_pages.models import CONFERENCE_HOME_DEPTH

    home_path = page.path[: Page.steplen * CONFERENCE_HOME_DEPTH]
    pages = (
        Page.objects.filter(path__startswith=home_path, depth__lte=CONFERENCE_HOME_DEPTH + 2)
        .filter(Q(show_in_menus=True) | Q(depth=CONFERENCE_HOME_DEPTH))
        .live()
        .only("id", "title", "path", "depth", "url_path", "locale_id", "translation_key")
        .order_by("path")
    )
    home, items, top, top_path = None, [], None, None
    for entry in pages:
        if entry.depth == CONFERENCE_HOME_DEPTH:
            home = entry
            continue
        item = MenuItem(
            title=entry.title,
            url=entry.get_url(request=request),
            page_id=entry.id,
            active=page.path.startswith(entry.path),
        )
        if entry.depth == CONFERENCE_HOME_DEPTH + 1:
            top, top_path = item, entry.path
            items.append(item)
        elif top is not None and entry.path.startswith(top_path):
            top.children.append(item)
    return home, items


def language_links(page, *, request=None):
    """For each site language, the address of ``page`` in it (one query).

    Where the page has no live translation in a language, the link is the same address under that
    language's prefix, which serves the default language's page with a notice.
    """
    translations = {
        p.locale.language_code: p
        for p in Page.objects.filter(translation_key=page.translation_key).live().select_related("locale")
    }
    links = []
    for code, label in settings.LANGUAGES:
        target = translations.get(code)
        if target is not None:
            url = target.get_url(request=request)
        else:
            with translation.override(code):
                url = page.get_url(request=request)
        links.append({"code": code, "label": label, "url": url, "active": code == translation.get_language()})
    return links


def portal_listing(*, locale):
    """Published and archived conferences with their home page in ``locale``: (upcoming, past)."""
    from conference_pages.models import ConferenceHomePage

    today = timezone.localdate()
    homes = {
        home.conference_id: home
        for home in ConferenceHomePage.objects.live().filter(locale_id=locale).only("id", "url_path", "conference_id", "locale_id", "path", "depth")
    }
    conferences = list(
        Conference.objects.filter(status__in=[ConferenceStatus.PUBLISHED, ConferenceStatus.ARCHIVED]).order_by("start_date")
    )
    upcoming, past = [], []
    for conference in conferences:
        conference.home = homes.get(conference.id)
        (past if conference.end_date < today else upcoming).append(conference)
    past.reverse()
    return upcoming, past
