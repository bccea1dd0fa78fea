"""The registry of site layouts (themes).

A theme is a base template and a stylesheet; page templates extend ``theme.base_template``. A
conference names its theme by key; a key that is no longer registered falls back to the default
theme, so removing a theme from the code never breaks a site.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DEFAULT_THEME = "classic"
THEMES = {}


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    base_template: str
    stylesheet: str
    script: str = "themes/common/site.js"


def register(theme):
    THEMES[theme.key] = theme
    return theme


def get_theme(key):
    return THEMES.get(key) or THEMES[DEFAULT_THEME]


def theme_choices():
    return [(theme.key, theme.label) for theme in THEMES.values()]


register(
    Theme(
        key="classic",
        label=_("Classic academic (top menu)"),
        base_template="themes/classic/base.html",
        stylesheet="themes/classic/site.css",
    )
)
