"""Pure text helpers of the site search: folding, query parsing, excerpts and highlighting.

Nothing here touches the database. Highlighted HTML is built from escaped pieces only, so page
text and queries can never inject markup.
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
EXCERPT_LENGTH = 180


def fold(text):
    """``text`` in the form the index compares: NFKC (full-width letters become ASCII), case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class SearchQuery:
    text: str
    terms: tuple
    truncated: bool = False


def parse_query(raw):
    """The visitor's query: at most ``MAX_QUERY_LENGTH`` characters without control characters,
    split on white space (ideographic spaces too) into at most ``MAX_TERMS`` folded terms."""
    raw = raw or ""
    truncated = len(raw) > MAX_QUERY_LENGTH
    cleaned = "".join(" " if unicodedata.category(char) == "Cc" else char for char in raw[:MAX_QUERY_LENGTH])
    text = " ".join(cleaned.split())
    terms = tuple(term for term in dict.fromkeys(fold(word) for word in text.split()) if term)
    return SearchQuery(text=text, terms=terms[:MAX_TERMS], truncated=truncated)


def match_spans(text, terms):
    """Sorted, merged ``(start, end)`` spans of ``text`` where any of the folded ``terms`` occurs."""
    folded, origins = _fold_with_origins(text)
    spans = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((origins[start], origins[end - 1] + 1))
            start = folded.find(term, end)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text, terms):
    """``text`` as safe HTML, escaped, with every occurrence of ``terms`` inside ``<mark>``."""
    return _render(text, match_spans(text, terms), 0, len(text))


def excerpt(text, terms, *, length=EXCERPT_LENGTH):
    """About ``length`` characters of ``text`` around the first match, highlighted, as safe HTML."""
    spans = match_spans(text, terms)
    first_start, first_end = spans[0] if spans else (0, 0)
    start = max(0, min(first_start - length // 3, len(text) - length))
    end = min(len(text), start + length)
    # Cut between words, not inside one (Chinese can be cut anywhere).
    if 0 < start and _inside_word(text, start):
        space = text.find(" ", start, first_start)
        start = space + 1 if space != -1 else start
    if end < len(text) and _inside_word(text, end):
        space = text.rfind(" ", max(first_end, start), end)
        end = space if space != -1 else end
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return _render(text, spans, start, end)


def _render(text, spans, start, end):
    pieces = ["…"] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        pieces += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    # Safe: every piece of page or query text above went through ``escape``.
    return mark_safe("".join(pieces))


def _inside_word(text, index):
    return _is_word_character(text[index - 1]) and _is_word_character(text[index])


def _is_word_character(char):
    return char.isalnum() and unicodedata.east_asian_width(char) not in ("W", "F")


def _fold_with_origins(text):
    """``fold(text)`` character by character, with the index in ``text`` of each folded character."""
    folded, origins = [], []
    for index, char in enumerate(text):
        piece = _fold_character(char)
        folded.append(piece)
        origins.extend([index] * len(piece))
    return "".join(folded), origins


@lru_cache(maxsize=8192)
def _fold_character(char):
    return fold(char)
