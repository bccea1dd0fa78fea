"""Writes to the search index. Receivers of page changes and ``rebuild_search_index`` call these.

A page is indexed when it is live, belongs to a conference's website (it sits under a
``ConferenceHomePage``) and is a real page of its locale. Aliases are left out: they are the
untranslated copies wagtail-localize keeps in the other locales, whose text is in the default
language; they are indexed once translated. Whether a page is public is checked when searching,
because view restrictions change without a page being published.
"""

from django.db import models, transaction
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from conference_pages.models import CONFERENCE_HOME_DEPTH, ConferenceHomePage
from search.models import SearchEntry
from search.text import fold

CONTENT_FIELD_TYPES = (RichTextField, StreamField, models.TextField, models.CharField)
NOT_CONTENT_FIELD_TYPES = (models.SlugField, models.URLField)
PAGE_FIELD_NAMES = {field.name for field in Page._meta.get_fields()}


def index_page(*, page, conference_id=None):
    """Write ``page``'s search entry, or delete it when the page should not be found.

    ``conference_id`` saves a query when the caller knows it. Returns the entry or ``None``.
    """
    page = page.specific
    if conference_id is None:
        conference_id = _conference_id(page)
    if conference_id is None or not page.live or page.alias_of_id:
        unindex_page(page=page)
        return None
    title = page.title
    text = " ".join(page_text(page).split())
    entry, _created = SearchEntry.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "conference_id": conference_id,
            "language": page.locale.language_code,
            "title": title,
            "text": text,
            "haystack": fold(f"{title} {text}"),
        },
    )
    if page.depth == CONFERENCE_HOME_DEPTH:
        # A home page may have been pointed at another conference: its pages follow.
        SearchEntry.objects.filter(page__path__startswith=page.path).exclude(conference_id=conference_id).update(
            conference_id=conference_id
        )
    return entry


def unindex_page(*, page):
    """Remove ``page`` from the search index (deleting a page removes its entry by itself)."""
    SearchEntry.objects.filter(page_id=page.pk).delete()


@transaction.atomic
def index_subtree(*, page):
    """Index ``page`` and every page below it again, after a move."""
    for descendant in Page.objects.descendant_of(page, inclusive=True).specific():
        index_page(page=descendant)


@transaction.atomic
def rebuild_index(*, conference=None):
    """Empty the index (of ``conference``, or of every conference) and index every page again.

    Returns the number of entries written.
    """
    homes = ConferenceHomePage.objects.all()
    entries = SearchEntry.objects.all()
    if conference is not None:
        homes, entries = homes.filter(conference=conference), entries.filter(conference=conference)
    entries.delete()
    written = 0
    for home in homes.only("path", "conference_id"):
        pages = Page.objects.descendant_of(home, inclusive=True).live().filter(alias_of__isnull=True)
        for page in pages.specific():
            written += index_page(page=page, conference_id=home.conference_id) is not None
    return written


def page_text(page):
    """The visible text of ``page`` (a specific page) except its title: its ``search_fields``, every
    text, rich text and stream field of its own, and its search description."""
    model = type(page)
    names = [field.field_name for field in model.get_searchable_search_fields()]
    names += [field.name for field in model._meta.concrete_fields if _is_content_field(field)]
    parts = [
        text
        for name in dict.fromkeys(names)
        if name not in PAGE_FIELD_NAMES
        for text in _strings(index.SearchField(name).get_value(page))
    ]
    parts.append(page.search_description)
    # A summary repeated as the search description, say, is kept once.
    return " ".join(dict.fromkeys(part.strip() for part in parts if part and part.strip()))


def _is_content_field(field):
    return (
        isinstance(field, CONTENT_FIELD_TYPES)
        and not isinstance(field, NOT_CONTENT_FIELD_TYPES)
        and not field.choices
        and field.editable
    )


def _strings(value):
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return [str(value)]


def _conference_id(page):
    if page.depth < CONFERENCE_HOME_DEPTH:
        return None
    home_path = page.path[: Page.steplen * CONFERENCE_HOME_DEPTH]
    return ConferenceHomePage.objects.filter(path=home_path).values_list("conference_id", flat=True).first()
