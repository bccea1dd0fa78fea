"""The check-in desk's JSON API, under ``/checkin/<conference id>/`` (outside the admin, so that a
scan costs no admin permission queries): scan, upload of scans queued offline, undo, payment at
the desk, search, live counts, and the list a desk downloads to go on scanning offline.

Only the conference's check-in staff and organizers (and platform administrators) get answers;
anyone else gets 403, and bad input a 400 with a reason, never a 500. A scan runs at most four
queries: the session, the user, the registration (with the right to scan it) and the insert.
"""

import datetime
import json

from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from attendance.booking_selectors import booked_summaries
from attendance.enums import LIVE_STATES, RegistrationState
from attendance.exceptions import IllegalTransition, OwedChanged
from attendance.models import CheckIn, Registration
from attendance.services.checkin import (
    Status,
    counts_by_type,
    desk_queryset,
    may_check_in,
    owed_fee_key,
    pay_at_desk,
    scan,
    undo_check_in,
)
from attendance.services.tokens import registration_from_token, token_for
from cms.exceptions import FlockError
from cms.models import Conference
from commerce.enums import OrderState

MAX_BODY = 512 * 1024
MAX_SCANS = 500
SEARCH_LIMIT = 20
# What the desk shows in each state (the page has the translated words).
PAYMENT_PAID, PAYMENT_UNPAID, PAYMENT_FREE = "paid", "unpaid", "free"


class BadRequest(Exception):
    pass


def _json_body(request):
    if len(request.body) > MAX_BODY:
        raise BadRequest(_("The request is too large."))
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest(_("The request is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadRequest(_("The request is not valid JSON."))
    return data


def _text(data, name, limit):
    value = data.get(name, "")
    return value[:limit].replace("\x00", "") if isinstance(value, str) else ""


def desk_api(view, *, checks_access=False):
    """JSON in and out; 403 unless the user checks people in for the conference of the URL (a
    view that ``checks_access`` itself gets the conference's id and checks in its own query);
    ``BadRequest`` becomes a 400."""

    def wrapped(request, conference, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return JsonResponse({"error": _("Please log in again.")}, status=403)
        if not checks_access:
            conference = Conference.objects.filter(pk=conference).first()
            if conference is None or not may_check_in(user, conference):
                return JsonResponse({"error": _("You do not check people in for this conference.")}, status=403)
        try:
            return view(request, conference, *args, **kwargs)
        except BadRequest as error:
            return JsonResponse({"error": str(error)}, status=400)

    wrapped.__name__ = view.__name__
    return never_cache(wrapped)


def payment_of(registration):
    if registration.is_free:
        return PAYMENT_FREE
    order = registration.order
    return PAYMENT_PAID if order is not None and order.state == OrderState.PAID else PAYMENT_UNPAID


def person(registration, *, token=False):
    """What the desk shows of a registration (and, for the offline list, its current token)."""
    check_in = None
    if getattr(registration, "check_in_id", None):
        check_in = {
            "id": registration.check_in_id,
            "at": registration.check_in_at.isoformat(),
            "desk": registration.check_in_desk,
        }
    row = {
        "id": registration.pk,
        "code": registration.code,
        "name": registration.display_name,
        "name_zh": registration.name_zh,
        "name_latin": f"{registration.first_name} {registration.last_name}".strip(),
        "affiliation": registration.affiliation,
        "type": registration.registration_type.name,
        "type_id": registration.registration_type_id,
        "state": registration.state,
        "valid": registration.state == RegistrationState.CONFIRMED,
        "payment": payment_of(registration),
        "amount": f"{registration.price} {registration.currency}",
        "owed_fee": owed_fee_key(registration),
        "check_in": check_in,
    }
    if token:
        row["token"] = token_for(registration)
    return row


def people_with_bookings(registrations, time_zone):
    rows = [person(registration, token=True) for registration in registrations]
    extras = booked_summaries([row["id"] for row in rows], time_zone)
    for row in rows:
        row.update(extras.get(row["id"], {"hotel": "", "tours": [], "due": [], "owed": []}))
    return rows


def _result(result):
    body = {"status": result.status}
    if result.registration is not None:
        body["person"] = person(result.registration)
    if result.check_in is not None:
        body["check_in"] = {
            "id": result.check_in.pk,
            "at": result.check_in.checked_in_at.isoformat(),
            "desk": result.check_in.desk,
        }
    return body


def _when(value):
    """The time an offline desk scanned, or ``None`` (then: now) when it is missing or impossible."""
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None or moment.tzinfo is None:
            return None
        return moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return None


@require_POST
def scan_view(request, conference):
    data = _json_body(request)
    result = scan(
        conference=conference,
        user=request.user,
        token=_text(data, "token", 400),
        desk=_text(data, "desk", 40),
        scan_id=data.get("scan_id"),
    )
    return JsonResponse(_result(result))


@require_POST
def sync_view(request, conference):
    """Scans queued while offline: ``{"desk": …, "scans": [{"scan_id", "token", "at"}, …]}``.
    Each is recorded once however often it is sent; the answer lists each scan's outcome."""
    data = _json_body(request)
    scans = data.get("scans")
    if not isinstance(scans, list) or len(scans) > MAX_SCANS:
        raise BadRequest(_("Send at most %(count)d scans at a time.") % {"count": MAX_SCANS})
    desk = _text(data, "desk", 40)
    results = []
    for item in scans:
        if not isinstance(item, dict):
            continue
        result = scan(
            conference=conference,
            user=request.user,
            token=_text(item, "token", 400),
            desk=desk,
            scan_id=item.get("scan_id"),
            at=_when(item.get("at")),
            offline=True,
        )
        results.append({"scan_id": str(item.get("scan_id", "")), **_result(result)})
    return JsonResponse({"results": results})


@require_POST
def undo_view(request, conference):
    data = _json_body(request)
    pk = data.get("check_in")
    check_in = CheckIn.objects.filter(conference=conference, pk=pk if type(pk) is int else 0).first()
    if check_in is None:
        raise BadRequest(_("This check-in does not exist."))
    undo_check_in(check_in=check_in, by=request.user)
    return JsonResponse({"status": "undone", "id": check_in.pk})


@require_POST
def pay_view(request, conference):
    data = _json_body(request)
    pk = data.get("registration")
    registration = (
        Registration.objects.filter(conference=conference, pk=pk if type(pk) is int else 0)
        .select_related("order", "registration_type")
        .first()
    )
    if registration is None:
        raise BadRequest(_("This registration does not exist."))
    expected = data.get("owed")
    if expected is not None and not (
        isinstance(expected, list) and len(expected) <= 50 and all(isinstance(key, str) for key in expected)
    ):
        raise BadRequest(_("The request is not valid JSON."))
    try:
        paid = pay_at_desk(
            registration=registration,
            by=request.user,
            reference=_text(data, "reference", 100),
            expected=[key[:100] for key in expected] if expected is not None else None,
        )
    except OwedChanged as error:
        [fresh] = people_with_bookings([desk_queryset(conference, request.user).get(pk=pk)], conference.time_zone)
        return JsonResponse({"status": "owed_changed", "error": str(error.message), "person": fresh}, status=409)
    except (IllegalTransition, FlockError) as error:
        raise BadRequest(str(getattr(error, "message", error))) from None
    [paid] = people_with_bookings([desk_queryset(conference, request.user).get(pk=paid.pk)], conference.time_zone)
    return JsonResponse({"status": "paid", "person": paid})


@require_GET
def lookup_view(request, conference):
    """The person of a code, without checking them in (a phone opened their QR address)."""
    registration = registration_from_token(
        request.GET.get("token", "")[:400], conference=conference, queryset=desk_queryset(conference, request.user)
    )
    if registration is None:
        return JsonResponse({"status": Status.NOT_A_CODE})
    [found] = people_with_bookings([registration], registration.conference.time_zone)
    return JsonResponse({"status": "found", "person": found})


@require_GET
def search_view(request, conference):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if len(query) < 2:
        return JsonResponse({"results": []})
    words = Q()
    for field in ("code", "name_zh", "first_name", "last_name", "email", "phone", "affiliation"):
        words |= Q(**{f"{field}__icontains": query})
    if " " in query:
        first, _space, last = query.partition(" ")
        words |= Q(first_name__icontains=first, last_name__icontains=last)
        words |= Q(first_name__icontains=last, last_name__icontains=first)
    found = desk_queryset(conference, request.user).filter(words).order_by("code")[:SEARCH_LIMIT]
    return JsonResponse({"results": people_with_bookings(found, conference.time_zone)})


@require_GET
def counts_view(request, conference):
    rows = counts_by_type(conference)
    return JsonResponse(
        {
            "types": [
                {"type": t.name, "registered": registered, "checked_in": present} for t, registered, present in rows
            ],
            "registered": sum(registered for _t, registered, _p in rows),
            "checked_in": sum(present for _t, _r, present in rows),
        }
    )


@require_GET
def list_view(request, conference):
    """Everyone the desk may meet (registrations that hold a place), with their current tokens, to
    scan against while offline."""
    registrations = desk_queryset(conference, request.user).filter(state__in=LIVE_STATES).order_by("code")
    return JsonResponse(
        {
            "conference": conference.pk,
            "time_zone": conference.time_zone,
            "people": people_with_bookings(registrations, conference.time_zone),
        }
    )


scan_view = desk_api(scan_view, checks_access=True)
sync_view = desk_api(sync_view)
undo_view = desk_api(undo_view)
pay_view = desk_api(pay_view)
lookup_view = desk_api(lookup_view)
search_view = desk_api(search_view)
counts_view = desk_api(counts_view)
list_view = desk_api(list_view)


# The service worker's version: a new one empties the copies the old one kept.
WORKER_VERSION = "1"


@require_GET
def worker_view(request):
    """The desk's service worker (``attendance/desk/worker.js``), which keeps the desk page and its
    files so that a reload while offline still opens the desk. Served here, not from the static
    files, so that it may control the desk's pages in the admin (``Service-Worker-Allowed``)."""
    scope = reverse("checkin_desk:index")
    response = render(
        request,
        "attendance/desk/worker.js",
        {"scope": scope, "version": WORKER_VERSION},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = "no-cache"
    return response
