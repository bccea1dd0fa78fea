from django.conf import settings

from themes.registry import DEFAULT_THEME, get_theme


def theme(request):
    """The layout of the conference the request is for (the default one elsewhere)."""
    conference = getattr(request, "conference", None)
    return {
        "theme": get_theme(conference.theme if conference else DEFAULT_THEME),
        "conference": conference,
        "site_languages": settings.LANGUAGES,
    }
