"""Reads of the site search. ``search_results`` runs a fixed number of queries (a count, the view
restrictions, one page of entries and their ancestors' titles; for a logged-in visitor of a
conference with pages for attendees only, their roles and registration) whatever the number of
matches.

Pages for attendees only (``conference_pages.audience``) are found only by those who may see
them: for everyone else they are not in the results at all, neither title nor excerpt."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, PageViewRestriction

from conference_pages.audience import hidden_paths
from conference_pages.models import CONFERENCE_HOME_DEPTH
from search.models import SearchEntry
from search.text import excerpt, highlight

RESULTS_PER_PAGE = 20


@dataclass
class SearchResult:
    url: str
    title: str
    excerpt: str
    in_site: bool = True
    breadcrumbs: list = field(default_factory=list)


def matching_entries(*, conference, language, terms, hidden=()):
    """Entries of live, public pages of ``conference`` in ``language`` containing every one of
    the folded ``terms``: those with every term in the title first, then in page-tree order.
    ``hidden``: paths of pages left out with the pages below them (see ``hidden_paths``)."""
    if not terms:
        return SearchEntry.objects.none()
    entries = SearchEntry.objects.filter(conference=conference, language=language, page__live=True)
    for term in terms:
        entries = entries.filter(haystack__contains=term)
    restricted = Q()
    for path in [*PageViewRestriction.objects.values_list("page__path", flat=True), *hidden]:
        restricted |= Q(page__path__startswith=path)
    if restricted:
        entries = entries.exclude(restricted)
    in_title = Q(*[Q(title__icontains=term) for term in terms])
    return entries.annotate(
        in_title=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-in_title", "page__path")


def search_results(*, conference, language, query, page_number=None, request=None):
    """One page of results for ``query`` (a ``SearchQuery``): a ``Page`` of ``SearchResult``."""
    hidden = hidden_paths(getattr(request, "user", None), conference_id=conference.pk) if query.terms else []
    entries = matching_entries(conference=conference, language=language, terms=query.terms, hidden=hidden)
    entries = entries.select_related("page").defer("haystack")
    results_page = Paginator(entries, RESULTS_PER_PAGE).get_page(page_number)
    results_page.object_list = _results(list(results_page.object_list), query.terms, request)
    return results_page


def _results(entries, terms, request):
    ancestor_titles = _ancestor_titles([entry.page for entry in entries])
    results = []
    for entry in entries:
        page = entry.page
        crumbs = [ancestor_titles[path] for path in _ancestor_paths(page) if path in ancestor_titles]
        results.append(
            SearchResult(
                url=page.get_url(request=request) or "",
                title=highlight(entry.title, terms),
                excerpt=excerpt(entry.text, terms),
                in_site=page.depth > CONFERENCE_HOME_DEPTH,
                breadcrumbs=crumbs,
            )
        )
    return results


def _ancestor_paths(page):
    """Paths of the columns between the conference's home page and ``page``."""
    return [page.path[: Page.steplen * depth] for depth in range(CONFERENCE_HOME_DEPTH + 1, page.depth)]


def _ancestor_titles(pages):
    paths = {path for page in pages for path in _ancestor_paths(page)}
    if not paths:
        return {}
    return dict(Page.objects.filter(path__in=paths).values_list("path", "title"))


def search_language_links(*, conference, query_text):
    """For each site language, the address of the same search in it."""
    active = translation.get_language()
    suffix = f"?{urlencode({'q': query_text})}" if query_text else ""
    links = []
    for code, label in settings.LANGUAGES:
        with translation.override(code):
            url = reverse("site_search", kwargs={"conference_slug": conference.slug})
        links.append({"code": code, "label": label, "url": f"{url}{suffix}", "active": code == active})
    return links
