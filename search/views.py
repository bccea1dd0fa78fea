"""The public site search of a conference, in the active language."""

import hashlib

from django.shortcuts import get_object_or_404, render
from django.utils import translation

from cms.models import Conference
from conference_pages.cache import chrome_cache_key
from conference_pages.selectors import conference_site, home_page_for
from search.selectors import search_language_links, search_results
from search.text import MAX_QUERY_LENGTH, parse_query


def site_search(request, conference_slug):
    """Results for ``?q=`` among the live, public pages of the conference in the active language.

    Any input gives a normal page: the query is cut to ``MAX_QUERY_LENGTH`` characters and
    escaped wherever it is shown. An unknown conference is a 404.
    """
    conference = get_object_or_404(Conference, slug=conference_slug)
    # The address names the conference in its second segment, which the middleware does not read.
    request.conference = conference
    query = parse_query(request.GET.get("q", ""))
    results = search_results(
        conference=conference,
        language=translation.get_language(),
        query=query,
        page_number=request.GET.get("page"),
        request=request,
    )
    context = {
        "page": None,
        "search_query": query,
        "results": results,
        "max_query_length": MAX_QUERY_LENGTH,
        "language_links": search_language_links(conference=conference, query_text=query.text),
        **_site_chrome(request, conference, query),
    }
    response = render(request, "search/results.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _site_chrome(request, conference, query):
    """The conference's menu, and the key under which the menu and language links are cached
    (those links carry the query, hence its digest in the key)."""
    digest = hashlib.sha256(query.text.encode()).hexdigest()[:16]
    home = home_page_for(conference)
    if home is None:
        return {"chrome_key": f"search:{conference.pk}:{digest}"}
    site_home, site_menu = conference_site(home, request=request)
    key = f"search:{chrome_cache_key(home, request, False)}:{digest}"
    return {"site_home": site_home, "site_menu": site_menu, "chrome_key": key}
