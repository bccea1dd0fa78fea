"""Serving conference sites: Wagtail's page serving with a language fallback, and themed 404s."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Site


def serve(request, path):
    """Serve the page at ``path`` in the active language.

    A page with no translation in the active language is served in the default language, with
    a notice (``request.translation_fallback``), instead of a 404.
    """
    try:
        return wagtail_views.serve(request, path)
    except Http404:
        if translation.get_language() == settings.LANGUAGE_CODE:
            raise
    page, args, kwargs = _route_in_default_language(request, path)
    request.translation_fallback = True
    return page.serve(request, *args, **kwargs)


def _route_in_default_language(request, path):
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    root = site.root_page.specific
    default_root = root.get_translation_or_none(_default_locale()) or root
    components = [component for component in path.split("/") if component]
    return default_root.specific.route(request, components)


def _default_locale():
    from wagtail.models import Locale

    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def page_not_found(request, exception=None):
    """The 404 page in the conference's theme when the address names one, else the portal's."""
    return render(request, "conference_pages/404.html", {"page": None}, status=404)


def healthz(request):
    """A bare view: load balancers' health check, and the benchmarks' reference."""
    return HttpResponse("ok", content_type="text/plain")
