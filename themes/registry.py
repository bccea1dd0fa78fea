"""The registry of site layouts (themes) and colour styles.

A theme is a base template and a stylesheet; page templates extend ``theme.base_template``. A
colour style is a set of CSS custom properties applied by a class on ``<body>``, so any style
combines with any layout. A conference names both by key; a key that is no longer registered
falls back to the default, so removing a theme from the code never breaks a site.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DEFAULT_THEME = "classic"
DEFAULT_COLOUR_STYLE = "ocean"
THEMES = {}
COLOUR_STYLES = {}


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    base_template: str
    stylesheet: str
    script: str = "themes/common/site.js"
    # The inner part of the conference home page; a layout may arrange the home page its own way.
    home_template: str = "themes/components/home_content.html"
    # Whether the home page's slideshow comes before the layout's home content (layouts that open
    # on a banner of their own put it after).
    slideshow_first: bool = True


def register(theme):
    THEMES[theme.key] = theme
    return theme


def get_theme(key):
    return THEMES.get(key) or THEMES[DEFAULT_THEME]


def theme_choices():
    return [(theme.key, theme.label) for theme in THEMES.values()]


@dataclass(frozen=True)
class ColourStyle:
    key: str
    label: str
    swatch: str  # the main colour, shown next to the name in the admin

    @property
    def css_class(self):
        return f"colour-{self.key}"


def register_colour_style(style):
    COLOUR_STYLES[style.key] = style
    return style


def get_colour_style(key):
    return COLOUR_STYLES.get(key) or COLOUR_STYLES[DEFAULT_COLOUR_STYLE]


def colour_style_choices():
    return [(style.key, style.label) for style in COLOUR_STYLES.values()]


for _key, _label, _swatch in [
    ("ocean", _("Ocean blue"), "#12355b"),
    ("crimson", _("University crimson"), "#8c1c2b"),
    ("jade", _("Jade green"), "#0f5e4f"),
    ("violet", _("Academic violet"), "#4b2a7b"),
    ("amber", _("Amber and slate"), "#7a4b05"),
    ("graphite", _("Graphite"), "#2d3640"),
]:
    register_colour_style(ColourStyle(key=_key, label=_label, swatch=_swatch))


def _layout(key, label, *, own_home=True, slideshow_first=True):
    """A layout kept in the usual places: ``themes/<key>/base.html`` and ``themes/<key>/site.css``,
    and ``themes/<key>/home.html`` when it arranges the home page its own way."""
    home_template = f"themes/{key}/home.html" if own_home else Theme.home_template
    return Theme(
        key=key,
        label=label,
        base_template=f"themes/{key}/base.html",
        stylesheet=f"themes/{key}/site.css",
        home_template=home_template,
        slideshow_first=slideshow_first,
    )


for _theme in [
    _layout("classic", _("Classic academic (top menu)"), own_home=False),
    _layout("sidebar", _("Side menu (menu on the left)"), own_home=False),
    _layout("hero", _("Full-width hero"), slideshow_first=False),
    _layout("magazine", _("News magazine (news first)")),
    _layout("onepage", _("One page (scrolling sections)"), slideshow_first=False),
    _layout("portal", _("Portal (boxes for each section)")),
    _layout("timeline", _("Timeline first")),
    _layout("poster", _("Academic poster (bold type)")),
    _layout("minimal", _("Minimal (centred text)")),
]:
    register(_theme)
