"""The site chrome of pages that are not pages of the tree (account, payer and registration pages):
the conference's menu, the language links to the same address, and the key they are cached under.
"""

import functools
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from cms.models import Conference
from conference_pages.cache import cached_conference_read, chrome_cache_key
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


# Pages of Flock's features inside a conference's site -------------------------------------------


def conference_from(request, conference_slug):
    """The conference named in the address (the middleware reads only the first segment); read
    from the cache kept until a conference or site changes. ``Http404`` when there is none."""
    conference = cached_conference_read(
        ["by-slug", conference_slug], lambda: Conference.objects.filter(slug=conference_slug).first()
    )
    if conference is None:
        raise Http404("No such conference.")
    request.conference = conference
    return conference


def login_redirect(request, conference, *, back=None):
    """To the log-in page drawn in the conference's layout, then ``back`` (by default this
    address; a form's POST should name the page to return to)."""
    back = back or request.get_full_path()
    query = urlencode({"conference": conference.slug, "next": back})
    return redirect(f"{reverse('accounts:login')}?{query}")


def login_first(back_after_post=None):
    """``login_required`` for views taking ``conference_slug``: the visitor logs in in the
    conference's layout and comes back (after a POST: to ``back_after_post(conference)``)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, conference_slug, **kwargs):
            if not request.user.is_authenticated:
                conference = conference_from(request, conference_slug)
                back = back_after_post(conference) if back_after_post and request.method != "GET" else None
                return login_redirect(request, conference, back=back)
            return view(request, conference_slug, **kwargs)

        return wrapped

    return decorator


def render_feature_page(request, template, context, *, url_name, scope, status=200, **url_kwargs):
    """``template`` inside the conference's layout (``request.conference``), with its menu and
    language links to the same view; never indexed."""
    conference = request.conference
    chrome = feature_chrome(
        request,
        conference,
        url_name=url_name,
        url_kwargs={"conference_slug": conference.slug, **url_kwargs},
        scope=scope,
    )
    response = render(request, template, {**chrome, "conference": conference, **context}, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response
