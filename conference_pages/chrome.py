"""The site chrome of pages that are not pages of the tree (account, payer and registration pages):
the conference's menu, the language links to the same address, and the key they are cached under.
"""

import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from conference_pages.cache import chrome_cache_key
from conference_pages.selectors import conference_site, home_page_for


def _no_query(language=None):
    return ""


def feature_chrome(request, conference, *, url_name, url_kwargs=None, query=_no_query, scope):
    """Context for ``themes`` layouts around the view ``url_name`` (with ``url_kwargs``) of
    ``conference`` (``None``: the portal's layout, no menu).

    ``query(language)`` is appended to each language link (``query()`` to the cache key);
    ``scope`` names the part of Flock in the cache key. The menu comes from the conference's home
    page in the active language (cached per tree version).
    """
    url_kwargs = url_kwargs or {}
    active = translation.get_language()
    links = []
    for code, label in settings.LANGUAGES:
        with translation.override(code):
            url = reverse(url_name, kwargs=url_kwargs) + query(code)
        links.append({"code": code, "label": label, "url": url, "active": code == active})
    digest = hashlib.sha256(f"{url_name}:{sorted(url_kwargs.items())}:{query()}".encode()).hexdigest()[:20]
    context = {"page": None, "language_links": links, "chrome_key": f"{scope}:{getattr(conference, 'pk', 0)}:{digest}"}
    home = home_page_for(conference) if conference is not None else None
    if home is not None:
        context["site_home"], context["site_menu"] = conference_site(home, request=request)
        context["chrome_key"] = f"{scope}:{chrome_cache_key(home, request, False)}:{digest}"
    return context
