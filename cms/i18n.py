"""Bilingual business rows: each keeps its text in both languages and shows the active one.

Per ARCHITECTURE.md, priced or referenced rows are not per-locale copies. A field ``name`` is
stored as ``name_zh`` and ``name_en``; ``obj.localized("name")`` returns the active language's
text, falling back to the other language when it is empty.
"""

from django.utils import translation

LANGUAGE_SUFFIXES = {"zh-hans": "zh", "en": "en"}


def language_suffix(language=None):
    language = language or translation.get_language() or "zh-hans"
    return "en" if language.startswith("en") else "zh"


class BilingualMixin:
    def localized(self, field, language=None):
        primary = language_suffix(language)
        secondary = "en" if primary == "zh" else "zh"
        return getattr(self, f"{field}_{primary}") or getattr(self, f"{field}_{secondary}")


def bilingual(field):
    """A read-only property showing ``field`` in the active language (``localized``):
    ``name = bilingual("name")`` on a ``BilingualMixin`` model."""
    return property(lambda self: self.localized(field), doc=f"``{field}_zh`` or ``{field}_en``, as the language asks.")
