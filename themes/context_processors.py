from django.conf import settings

from themes.registry import DEFAULT_COLOUR_STYLE, DEFAULT_THEME, get_colour_style, get_theme


def theme(request):
    """The layout of the conference the request is for (the default one elsewhere)."""
    conference = getattr(request, "conference", None)
    return {
        "theme": get_theme(conference.theme if conference else DEFAULT_THEME),
        "colour_style": get_colour_style(conference.colour_style if conference else DEFAULT_COLOUR_STYLE),
        "conference": conference,
        "site_languages": settings.LANGUAGES,
    }
