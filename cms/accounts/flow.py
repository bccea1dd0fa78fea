"""Where an account page was reached from, carried through the whole flow.

Two query parameters travel from page to page, into the links of the mail and back: ``next``,
the local address to return to once logged in, and ``conference``, the slug of the conference
whose layout the pages are drawn in. Without ``conference`` the layout follows ``next`` (an
address under a conference's site), then the host (a conference's own site), else the portal.
"""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

from cms.enums import ConferenceStatus
from cms.models import Conference

LANGUAGE_CODES = tuple(code for code, _label in settings.LANGUAGES)
MAX_NEXT_LENGTH = 1000
ACCOUNT_SEGMENT = "_account"


@dataclass(frozen=True)
class AccountFlow:
    conference: Conference | None = None
    next_url: str = ""

    def params(self, language=None):
        params = {}
        if self.conference is not None:
            params["conference"] = self.conference.slug
        if self.next_url:
            params["next"] = next_in_language(self.next_url, language) if language else self.next_url
        return params

    def query(self, language=None):
        """``?conference=…&next=…`` (or nothing), for links and redirects within the flow."""
        params = self.params(language)
        return f"?{urlencode(params)}" if params else ""


def flow_for(request):
    next_url = safe_next(request, request.GET.get("next", ""))
    conference = (
        _conference_by_slug(request.GET.get("conference", ""))
        or _conference_of_path(next_url)
        or getattr(request, "conference", None)
    )
    return AccountFlow(conference=conference, next_url=next_url)


def safe_next(request, value):
    """``value`` when it is an address on this site, else ``""`` (no open redirects)."""
    value = (value or "").strip()
    if not value or len(value) > MAX_NEXT_LENGTH or "\\" in value:
        return ""
    allowed = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if allowed else ""


def next_in_language(next_url, language):
    """The same address under ``language``'s prefix, when it has a language prefix."""
    parts = next_url.split("/", 2)
    if len(parts) > 1 and parts[0] == "" and parts[1] in LANGUAGE_CODES:
        parts[1] = language
        return "/".join(parts)
    return next_url


def _public_conferences():
    return Conference.objects.exclude(status=ConferenceStatus.DRAFT)


def _conference_by_slug(slug):
    if not slug or len(slug) > 50:
        return None
    return _public_conferences().filter(slug=slug).first()


def _conference_of_path(next_url):
    """The conference an address belongs to: ``/<lang>/<slug>/…`` or ``/<lang>/_<feature>/<slug>/…``."""
    if not next_url:
        return None
    parts = urlsplit(next_url)
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments and segments[0] in LANGUAGE_CODES:
        segments = segments[1:]
    if segments and segments[0] == ACCOUNT_SEGMENT:  # another account page: its own parameter
        return _conference_by_slug(parse_qs(parts.query).get("conference", [""])[0])
    if segments and segments[0].startswith("_"):
        segments = segments[1:]
    return _conference_by_slug(segments[0]) if segments else None
