"""Sets ``request.conference``: the conference whose website or feature the request is for.

A conference is served either under the portal by path (``/<language>/<slug>/…``) or as its own
Wagtail ``Site`` whose root page is its home page, on its own host name. One query, public
pages only; admin and static paths get ``None``.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http.request import split_domain_port
from django.middleware.locale import LocaleMiddleware
from wagtail.models import Site

from cms.models import Conference
from conference_pages.cache import cached_conference_read

LANGUAGE_CODES = {code for code, _label in settings.LANGUAGES}
SKIPPED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/payments/",
    "/checkin/",
    "/static/",
    "/media/",
    "/documents/",
    "/healthz",
)


def conference_for_request(request):
    path = request.path_info
    if path.startswith(SKIPPED_PREFIXES):
        return None
    site = site_for_request(request)
    segments = [segment for segment in path.split("/") if segment]
    if segments and segments[0] in LANGUAGE_CODES:
        segments = segments[1:]
    slug = segments[0] if segments else ""

    site_root_id = site.root_page_id if site else None
    return cached_conference_read([site_root_id, slug], lambda: _find_conference(site_root_id, slug))


def site_for_request(request):
    """Wagtail's ``Site.find_for_request``, with the lookup by host name and port cached until a
    site or conference changes (Wagtail runs it as one sorted query on every request). Later
    calls of ``Site.find_for_request`` in the request get the same object."""
    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request._get_raw_host())[0]  # as Wagtail: no ALLOWED_HOSTS check here
        port = request.get_port()
        request._wagtail_site = cached_conference_read(
            ["site", hostname, port], lambda: Site._find_for_request(request)
        )
    return request._wagtail_site


def _find_conference(site_root_id, slug):
    from conference_pages.models import ConferenceHomePage

    conferences = Conference.objects.filter(Q(home_pages__pk=site_root_id) | Q(slug=slug)).annotate(
        serves_site=Exists(ConferenceHomePage.objects.filter(pk=site_root_id, conference=OuterRef("pk")))
    )
    return conferences.order_by("-serves_site").first()


class ConferenceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.conference = conference_for_request(request)
        # The static export renders pages without the parts that need a server (site search).
        request.static_export = request.headers.get("X-Flock-Static-Export") == "1"
        return self.get_response(request)


class LanguagePrefixMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware``, except that it never redirects an admin or file address to a
    language prefix: a 404 in the admin stays a 404 there."""

    def process_response(self, request, response):
        if request.path_info.startswith(SKIPPED_PREFIXES):
            return response
        return super().process_response(request, response)
