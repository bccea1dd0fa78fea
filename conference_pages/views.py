"""Serving conference sites: Wagtail's page serving with a language fallback, and themed 404s."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Site

from conference_pages.cache import chrome_cache_key
from conference_pages.selectors import conference_site, home_page_for, language_links


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
    """The 404 page in the conference's theme, with its menu, when the address names one."""
    context = {"page": None}
    conference = getattr(request, "conference", None)
    home = home_page_for(conference) if conference is not None else None
    if home is not None:
        context["site_home"], context["site_menu"] = conference_site(home, request=request)
        context["language_links"] = language_links(home, request=request)
        context["chrome_key"] = f"404:{chrome_cache_key(home, request, False)}"
    return render(request, "conference_pages/404.html", context, status=404)


def healthz(request):
    """A bare view: load balancers' health check, and the benchmarks' reference."""
    return HttpResponse("ok", content_type="text/plain")
