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


register(
    Theme(
        key="classic",
        label=_("Classic academic (top menu)"),
        base_template="themes/classic/base.html",
        stylesheet="themes/classic/site.css",
    )
)
