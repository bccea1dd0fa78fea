"""Whole-page caching of conference sites for anonymous visitors.

A page is cached under the current page-tree and conference versions (``conference_pages.cache``),
so publishing, unpublishing, moving or deleting any page, replacing or deleting an image or a
document, or changing a conference or a site, makes every language show the change at once. A
cached response is served before anything else touches the database: no SQL at all.

Not cached: anything but GET/HEAD, visitors with a session cookie (they may be signed in or
previewing), the admin, site search, responses other than 200, and responses that set a cookie
or say they are private.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from conference_pages.cache import CONFERENCE_VERSION_KEY, TREE_VERSION_KEY, _version

UNCACHED_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/", "/healthz", "/i18n/")
CACHED_CONTENT_TYPES = ("text/html", "application/xml", "text/plain")


def _cache_key(request):
    raw = "|".join(
        [
            str(_version(TREE_VERSION_KEY)),
            str(_version(CONFERENCE_VERSION_KEY)),
            request.get_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
        ]
    )
    return "flock:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable_request(request):
    return (
        getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(UNCACHED_PREFIXES)
        and "/_search/" not in request.path_info
        and "X-Flock-Static-Export" not in request.headers
    )


def _cacheable_response(response):
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "private" not in response.get("Cache-Control", "")
        and response.get("Content-Type", "").startswith(CACHED_CONTENT_TYPES)
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _cache_key(request)
        cached = cache.get(key)
        if cached is not None:
            cached["X-Flock-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _cacheable_response(response):
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Flock-Cache"] = "miss"
        return response
