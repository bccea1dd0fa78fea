"""Checking people in at the venue.

A scan names a registration by its QR token (``attendance.services.tokens``). Checking in is
idempotent: the check-in row is inserted with ``ON CONFLICT DO NOTHING`` against two unique
constraints — one check-in per registration that is not undone, one row per desk scan id — so
two desks scanning the same code at the same moment record one check-in and the second is told
who was first, and a scan queued offline and uploaded twice counts once. Only a confirmed
registration is checked in: one awaiting payment is paid at the desk first (``pay_at_desk``).

A scan costs one query to read the registration (with its type, order, current check-in and
whether the scanning person may check people in for its conference) and one to insert the
check-in; the rare race lost to another desk costs one more to name the winner.
"""

import datetime
import uuid
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from attendance.enums import RegistrationState
from attendance.exceptions import IllegalTransition, OwedChanged
from attendance.models import CheckIn, Registration
from attendance.services.orders import renew_order
from attendance.services.tokens import registration_from_token
from cms.enums import Role
from cms.models import ConferenceRole
from commerce.enums import OrderState

CHECKIN_STAFF = (Role.ORGANIZER, Role.CHECKIN)
# An offline scan may carry its own time: never in the future, never older than this.
OFFLINE_WINDOW = datetime.timedelta(days=7)


class Status:
    CHECKED_IN = "checked_in"  # checked in by this scan
    ALREADY = "already"  # checked in before (by this desk or another)
    UNPAID = "unpaid"  # awaiting payment: take the payment first
    NOT_VALID = "not_valid"  # cancelled, withdrawn or awaiting approval
    NOT_A_CODE = "not_a_code"  # garbled, forged, revoked, or of another conference
    DUPLICATE = "duplicate"  # this very scan was recorded before (uploaded twice)


@dataclass
class ScanResult:
    status: str
    registration: Registration | None = None
    check_in: CheckIn | None = None


def desk_queryset(conference, user):
    """Registrations of ``conference`` with what a scan needs, in one query: type, order, the
    current check-in (time, desk, id) and ``desk_allowed`` (the user checks people in there)."""
    # At most one active check-in per registration (a unique index): one LEFT JOIN, no duplicates.
    active = FilteredRelation("check_ins", condition=Q(check_ins__undone_at__isnull=True))
    queryset = (
        Registration.objects.filter(conference=conference)
        .select_related("registration_type", "order")
        .annotate(active=active)
        .annotate(check_in_id=F("active__pk"), check_in_at=F("active__checked_in_at"), check_in_desk=F("active__desk"))
        .order_by()
    )
    if user.is_superuser:
        return queryset
    roles = ConferenceRole.objects.filter(conference=OuterRef("conference"), user=user, role__in=CHECKIN_STAFF)
    return queryset.annotate(desk_allowed=Exists(roles))


def may_check_in(user, conference):
    from cms.permissions import has_role

    return bool(user.is_authenticated and user.is_active and has_role(user, conference, *CHECKIN_STAFF))


def _insert(*, conference_id, registration, scan_id, desk, by, at, offline):
    """Insert the check-in unless a conflicting row exists; the new row's id or ``None``."""
    row = CheckIn(
        conference_id=conference_id,
        registration=registration,
        scan_id=scan_id,
        desk=desk[:40],
        checked_in_at=at,
        recorded_at=timezone.now(),
        by=by,
        offline=offline,
    )
    fields = [f for f in CheckIn._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(CheckIn._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING RETURNING id",  # noqa: S608
            values,
        )
        found = cursor.fetchone()
    if found is None:
        return None
    row.pk = found[0]
    return row


def _clamp(at, now):
    if at is None or at > now or at < now - OFFLINE_WINDOW:
        return now
    return at


def scan(*, conference, user, token, desk="", scan_id=None, at=None, offline=False):
    """Check in the registration whose QR token (or QR address) ``token`` is. Returns a
    ``ScanResult``; never raises for bad input. ``scan_id`` (the desk's id of the scan) makes an
    upload repeatable; ``at`` is when an offline desk scanned."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return ScanResult(Status.NOT_A_CODE)
    registration = registration_from_token(token, conference=conference, queryset=desk_queryset(conference, user))
    if registration is None or not (user.is_superuser or registration.desk_allowed):
        return ScanResult(Status.NOT_A_CODE)
    return check_in(registration=registration, by=user, desk=desk, scan_id=scan_id, at=at, offline=offline)


def check_in(*, registration, by, desk="", scan_id=None, at=None, offline=False):
    """Check ``registration`` in (read through ``desk_queryset``, or any registration: its current
    check-in is then looked up). See ``scan``."""
    if not hasattr(registration, "check_in_id"):
        registration = desk_queryset(registration.conference, by).get(pk=registration.pk)
    scan_id = _uuid(scan_id)
    if registration.check_in_id is not None:
        existing = CheckIn(
            pk=registration.check_in_id,
            registration=registration,
            checked_in_at=registration.check_in_at,
            desk=registration.check_in_desk,
        )
        return ScanResult(Status.ALREADY, registration, existing)
    if registration.state == RegistrationState.AWAITING_PAYMENT:
        return ScanResult(Status.UNPAID, registration)
    if registration.state != RegistrationState.CONFIRMED:
        return ScanResult(Status.NOT_VALID, registration)
    now = timezone.now()
    row = _insert(
        conference_id=registration.conference_id,
        registration=registration,
        scan_id=scan_id,
        desk=desk,
        by=by,
        at=_clamp(at, now),
        offline=offline,
    )
    if row is not None:
        return ScanResult(Status.CHECKED_IN, registration, row)
    # Lost a race, or this scan was uploaded before: name what is there.
    same_scan = CheckIn.objects.filter(scan_id=scan_id, registration=registration).first()
    if same_scan is not None:
        return ScanResult(Status.DUPLICATE, registration, same_scan)
    winner = CheckIn.objects.filter(registration=registration, undone_at__isnull=True).first()
    return ScanResult(Status.ALREADY, registration, winner)


def _uuid(value):
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return uuid.uuid4()


@transaction.atomic
def undo_check_in(*, check_in, by):
    """Take a check-in back (scanned the wrong badge): the registration can be checked in again.
    Side effects: the row marked undone, an audit entry on the registration."""
    check_in = CheckIn.objects.select_for_update().select_related("registration").get(pk=check_in.pk)
    if check_in.undone_at is None:
        check_in.undone_at, check_in.undone_by = timezone.now(), by
        check_in.save(update_fields=["undone_at", "undone_by"])
        log(
            instance=check_in.registration,
            action="flock.registration.check_in_undone",
            user=by,
            data={"desk": check_in.desk, "checked_in_at": check_in.checked_in_at.isoformat()},
        )
    return check_in


def owed_fee_key(registration):
    """The desk's key (``owed_key``) of the registration's own fee, when it awaits payment: its
    pending order's total, or its price (a lapsed order is renewed at that price)."""
    from attendance.booking_selectors import owed_key

    if registration.state != RegistrationState.AWAITING_PAYMENT:
        return None
    order = registration.order
    if order is None or order.state != OrderState.PENDING:
        order = SimpleNamespace(total=registration.price, currency=registration.currency)
    return owed_key("registration", order)


@transaction.atomic
def pay_at_desk(*, registration, by, reference="", expected=None):
    """The attendee pays at the desk whatever they owe: the registration if it awaits payment (its
    order renewed if it lapsed) and every booked room and tour place whose order awaits payment
    (not one whose proof of transfer finance is checking). Each order is paid on site
    (``commerce.services.payments.pay_on_site``); ``order_paid`` confirms the registration. All
    or nothing. ``expected``: the keys (``owed_key``) of what the desk showed; when what is owed
    now differs, nothing is paid (``OwedChanged``). Returns the registration as it is now.

    Raises ``IllegalTransition`` when nothing is owed, the registration is not live, or a proof
    of transfer of its fee waits for finance; ``OwedChanged``.
    """
    from attendance.booking_selectors import owed_key, pending_booking_orders
    from attendance.services.orders import has_proof_waiting
    from attendance.services.registrations import lock
    from commerce.services.payments import pay_on_site

    nothing = _("Nothing is left to pay for this registration.")
    registration = lock(registration)  # before its bookings' orders, as a withdrawal takes them
    if registration.state not in (RegistrationState.AWAITING_PAYMENT, RegistrationState.CONFIRMED):
        raise IllegalTransition(nothing)
    owed = []
    if registration.state == RegistrationState.AWAITING_PAYMENT:
        order = registration.order
        if order is not None and order.state == OrderState.PENDING and has_proof_waiting(order):
            raise IllegalTransition(
                _("Finance is checking a proof of transfer for this registration: ask them before taking money.")
            )
        order = renew_order(registration=registration, user=by)
        owed.append(("registration", order))
    owed += [(order.code, order) for order in pending_booking_orders(registration)]
    if not owed:
        raise IllegalTransition(nothing)
    if expected is not None and sorted(expected) != sorted(owed_key(what, order) for what, order in owed):
        raise OwedChanged()
    for _what, order in owed:
        pay_on_site(order=order, by=by, reference=reference)
    return Registration.objects.select_related("order", "registration_type").get(pk=registration.pk)


def counts_by_type(conference):
    """``[(type, registered, checked in)]``: confirmed registrations per type and how many of them
    are checked in (one query)."""
    from attendance.models import RegistrationType

    active = CheckIn.objects.filter(registration=OuterRef("pk"), undone_at__isnull=True)
    rows = (
        Registration.objects.filter(conference=conference, state=RegistrationState.CONFIRMED)
        .annotate(present=Exists(active))
        .values("registration_type")
        .annotate(registered=Count("pk"), checked_in=Count("pk", filter=Q(present=True)))
    )
    types = {t.pk: t for t in RegistrationType.objects.filter(conference=conference)}
    return [(types[row["registration_type"]], row["registered"], row["checked_in"]) for row in rows]
