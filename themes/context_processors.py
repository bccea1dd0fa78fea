from django.conf import settings

from cms.enums import Role
from cms.permissions import has_role
from themes.registry import COLOUR_STYLES, DEFAULT_COLOUR_STYLE, DEFAULT_THEME, THEMES, get_colour_style, get_theme

PREVIEW_ROLES = (Role.ORGANIZER, Role.EDITOR)


def theme(request):
    """The layout and colour style of the conference the request is for (defaults elsewhere).

    Organizers and editors may preview another layout or colour style without saving it, with
    ``?layout=<key>`` and ``?colour=<key>``; everyone else always sees the saved choice.
    """
    conference = getattr(request, "conference", None)
    layout = conference.theme if conference else DEFAULT_THEME
    colour = conference.colour_style if conference else DEFAULT_COLOUR_STYLE
    preview = conference is not None and _may_preview(request, conference)
    if preview:
        layout = request.GET.get("layout") if request.GET.get("layout") in THEMES else layout
        colour = request.GET.get("colour") if request.GET.get("colour") in COLOUR_STYLES else colour
    return {
        "theme": get_theme(layout),
        "colour_style": get_colour_style(colour),
        "conference": conference,
        "site_languages": settings.LANGUAGES,
        "layout_preview": preview,
    }


def _may_preview(request, conference):
    if "layout" not in request.GET and "colour" not in request.GET:
        return False
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and has_role(user, conference, *PREVIEW_ROLES)
