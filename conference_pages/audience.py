"""Pages for a conference's attendees only.

An editor sets a page's ``audience`` (``AudienceFields``) to registered or to confirmed
attendees. The restriction covers the pages below it and the page's translations (so that an
English copy that was not synchronised yet never shows what the Chinese page hides); the
strictest restriction wins.

Who may see a restricted page: the conference's organizers and editors (and platform
administrators), and the attendees whose registration the audience admits, as
``cms.extension_points.attendee_status`` says (filled by ``attendance``; this app does not
import it). Everyone else gets a prompt to log in or register, inside the site's layout.

Restricted content never leaves through a shared channel:

* responses of restricted pages (the content and the prompt) are ``private``, so the anonymous
  page cache (``page_cache``) never stores them, and ``noindex``;
* the static export, the sitemaps and site search leave restricted pages out (search shows them
  to those who may see them);
* listings of pages (a column's children, news, featured speakers, the home page's column
  introductions) are cached for everyone, so they show a restricted page's title but not its
  summary (``conceal``);
* a document that only restricted pages use (a block or a link in their text) is served at
  ``/documents/<id>/…`` to those the pages admit; others get the page's prompt
  (``serve_document_for_audience``, a ``before_serve_document`` hook). The files themselves
  must not be reachable under ``/media/documents/`` (see the README's configuration).

``restricted_pages()`` reads the restrictions of every site in two or three queries, once per
version of the page tree (a restriction changes only when a page is published).
"""

from dataclasses import dataclass

from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from wagtail.models import Page

from cms.enums import Role
from cms.extension_points import ATTENDEE_CONFIRMED, ATTENDEE_REGISTERED, attendee_status
from cms.permissions import has_role
from conference_pages.cache import cached_tree_read
from conference_pages.models.audience import AUDIENCE_ORDER, Audience, AudienceFields

# Roles that see every page of their conference, whatever its audience.
STAFF_ROLES = (Role.ORGANIZER, Role.EDITOR)
# The attendee standings each audience admits.
ADMITTED = {
    Audience.REGISTERED: {ATTENDEE_REGISTERED, ATTENDEE_CONFIRMED},
    Audience.CONFIRMED: {ATTENDEE_CONFIRMED},
}
# Attributes of a page that listings show beside its title: blank for a restricted page.
LISTED_TEXT = ("summary", "intro", "talk_title", "search_description")
PROMPT_TEMPLATE = "conference_pages/audience_prompt.html"


@dataclass(frozen=True)
class Restriction:
    audience: str
    conference_id: int | None


def audience_models():
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, AudienceFields)]


def restricted_pages():
    """``{path: Restriction}`` of every page restricted by itself or by a translation (cached per
    version of the page tree)."""
    return cached_tree_read("audiences", [], _read_restrictions)


def _read_restrictions():
    from conference_pages.models import ConferenceHomePage

    queries = [
        model.objects.exclude(audience=Audience.EVERYONE).order_by().values_list("translation_key", "audience")
        for model in audience_models()
    ]
    if not queries:
        return {}
    by_key = {}
    for key, audience in queries[0].union(*queries[1:], all=True):
        by_key[key] = _stricter(by_key.get(key), audience)
    if not by_key:
        return {}
    homes = dict(ConferenceHomePage.objects.values_list("path", "conference_id"))
    restricted = {}
    for path, key in Page.objects.filter(translation_key__in=by_key).values_list("path", "translation_key"):
        home_path = path[: Page.steplen * _home_depth()]
        restricted[path] = Restriction(audience=by_key[key], conference_id=homes.get(home_path))
    return restricted


def _home_depth():
    from conference_pages.models import CONFERENCE_HOME_DEPTH

    return CONFERENCE_HOME_DEPTH


def _stricter(first, second):
    if first is None:
        return second
    return max(first, second, key=AUDIENCE_ORDER.index)


def restriction_of(page, restricted=None):
    """The ``Restriction`` that applies to ``page`` (itself or an ancestor), or ``None``."""
    restricted = restricted_pages() if restricted is None else restricted
    if not restricted:
        return None
    found = [
        restricted[page.path[:end]]
        for end in range(Page.steplen, len(page.path) + 1, Page.steplen)
        if page.path[:end] in restricted
    ]
    return max(found, key=lambda restriction: AUDIENCE_ORDER.index(restriction.audience), default=None)


def attendee_standing(user, conference_id):
    """``None``, ``"registered"`` or ``"confirmed"``; no query for an anonymous visitor."""
    if not getattr(user, "is_authenticated", False):
        return None
    return attendee_status(user, conference_id)


def is_conference_staff(user, conference_id):
    return getattr(user, "is_authenticated", False) and has_role(user, conference_id, *STAFF_ROLES)


def admits(user, restriction):
    """Whether ``user`` may see a page under ``restriction`` (``None``: anyone may)."""
    if restriction is None or restriction.audience == Audience.EVERYONE:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if is_conference_staff(user, restriction.conference_id):
        return True
    return attendee_standing(user, restriction.conference_id) in ADMITTED[restriction.audience]


def hidden_paths(user, *, conference_id):
    """Paths of the restricted pages of a conference (and their subtrees) that ``user`` may not
    see: what site search leaves out for them. At most two queries, none for anonymous visitors."""
    restricted = {path: r for path, r in restricted_pages().items() if r.conference_id == conference_id}
    if not restricted:
        return []
    staff = is_conference_staff(user, conference_id)
    standing = None if staff else attendee_standing(user, conference_id)
    return sorted(
        path for path, restriction in restricted.items() if not staff and standing not in ADMITTED[restriction.audience]
    )


def public_paths_filter(pages):
    """``pages`` (a ``Page`` queryset) without restricted pages and their subtrees: what the
    static export and the sitemaps publish."""
    from django.db.models import Q

    restricted = restricted_pages()
    if not restricted:
        return pages
    condition = Q()
    for path in restricted:
        condition |= Q(path__startswith=path)
    return pages.exclude(condition)


def conceal(pages):
    """Blank the listed text (summary, introduction…) of the restricted pages among ``pages`` and
    mark them with ``restricted_audience``. For listings only: the instances must not be saved."""
    restricted = restricted_pages()
    for page in pages:
        restriction = restriction_of(page, restricted) if restricted else None
        page.restricted_audience = restriction.audience if restriction else ""
        if restriction is not None:
            for name in LISTED_TEXT:
                if isinstance(getattr(page, name, None), str):
                    setattr(page, name, "")
    return pages


# Serving ------------------------------------------------------------------------------------------


def serve_for_audience(page, request, serve, *args, **kwargs):
    """Serve ``page`` (``serve`` is Wagtail's) to those its audience admits, else the prompt.
    Either response is private and not indexed; a page everyone may see is served as usual."""
    restriction = restriction_of(page)
    if restriction is None or restriction.audience == Audience.EVERYONE:
        return serve(request, *args, **kwargs)
    if admits(request.user, restriction):
        response = serve(request, *args, **kwargs)
    else:
        response = _prompt(page, request, restriction)
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    response["X-Robots-Tag"] = "noindex"
    return response


def _prompt(page, request, restriction):
    """The page's frame (menu, side navigation, title) with a prompt instead of its content."""
    context = page.get_context(request)
    user = request.user
    standing = attendee_standing(user, restriction.conference_id)
    context.update(
        {
            "audience_prompt": True,
            "audience": restriction.audience,
            "standing": standing,
            "logged_in": user.is_authenticated,
            **prompt_links(request, page),
        }
    )
    return TemplateResponse(request, PROMPT_TEMPLATE, context, status=403)


def prompt_links(request, page):
    """Where the prompt leads: log in (back to this page), register and My conference."""
    conference = getattr(request, "conference", None)
    slug = conference.slug if conference is not None else ""
    here = request.get_full_path()
    login = reverse("accounts:login") + "?" + urlencode({**({"conference": slug} if slug else {}), "next": here})
    signup = reverse("accounts:signup") + "?" + urlencode({**({"conference": slug} if slug else {}), "next": here})
    return {
        "login_url": login,
        "signup_url": signup,
        "register_url": _feature_url("attendance:register", slug),
        "my_conference_url": _feature_url("attendance:my_conference", slug),
    }


def _feature_url(name, slug):
    if not slug:
        return ""
    try:
        return reverse(name, kwargs={"conference_slug": slug})
    except NoReverseMatch:
        return ""


# Documents ----------------------------------------------------------------------------------------


def document_restrictions(document):
    """``None`` when anyone may read ``document``: a live page everyone may see uses it, or no
    page uses it (a file of the library). Otherwise ``[(page, Restriction), …]`` of the live
    pages that use it, every one restricted. Three queries at most."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    page_type = ContentType.objects.get_for_model(Page)
    ids = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(document)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    }
    pages = list(Page.objects.live().filter(pk__in=ids).order_by("path")) if ids else []
    if not pages:
        return None
    restricted = restricted_pages()
    found = []
    for page in pages:
        restriction = restriction_of(page, restricted)
        if restriction is None or restriction.audience == Audience.EVERYONE:
            return None
        found.append((page, restriction))
    return found


def serve_document_for_audience(document, request):
    """``None`` (Wagtail serves the file) when ``request.user`` may read ``document``, else the
    prompt of the first restricted page that uses it (403, private)."""
    found = document_restrictions(document)
    if found is None or any(admits(request.user, restriction) for _page, restriction in found):
        return None
    page, restriction = found[0]
    if getattr(request, "conference", None) is None:  # /documents/ is outside the conference sites
        from cms.models import Conference

        request.conference = Conference.objects.filter(pk=restriction.conference_id).first()
    page = page.specific
    response = _prompt(page, request, restriction)
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    return response
