"""The search index of the conference websites: one row per live page.

Why a table of our own rather than Wagtail's search backend: the database backend tokenises
words (SQLite FTS5, PostgreSQL ``tsvector``), which cannot find Chinese text by substring
(智能 inside 人工智能) because Chinese is written without spaces. A conference site has at
most a few hundred pages per language, so a ``LIKE '%term%'`` scan per term over the rows of
one conference and language is fast, and it behaves the same on SQLite and PostgreSQL.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """The searchable text of one live page of a conference's website, in the page's language.

    Written only by ``search.services``. ``haystack`` is ``title`` and ``text`` folded by
    ``search.text.fold`` (NFKC, case-folded), so a plain ``contains`` lookup matches without
    regard to case or full-width letters on every database.
    """

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="search_entry", verbose_name=_("page")
    )
    conference = models.ForeignKey(
        "cms.Conference", on_delete=models.PROTECT, related_name="search_entries", verbose_name=_("conference")
    )
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("page title"), max_length=255)
    text = models.TextField(_("page text"), blank=True)
    haystack = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [models.Index(fields=["conference", "language"], name="search_entry_scope")]

    def __str__(self):
        return self.title
