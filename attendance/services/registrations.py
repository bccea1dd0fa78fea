"""Every change of a registration's state after it was submitted (see
``attendance.enums.REGISTRATION_TRANSITIONS``); registering itself is in ``registering``.

Each function locks the registration (its order first), checks the table, writes the change
and an audit entry, sends ``registration_state_changed`` and, where the attendee should know, a
mail in the registration's language.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from attendance.enums import REGISTRATION_TRANSITIONS, CancelCause, RegistrationState
from attendance.exceptions import IllegalTransition, RegistrationFull
from attendance.models import Registration
from attendance.selectors import live_registration_of
from attendance.services import notifications
from attendance.services.capacity import take_place
from attendance.services.orders import drop_pending_order, open_order
from attendance.signals import registration_state_changed
from commerce.models import Order


def lock(registration):
    """Re-read ``registration`` locked (``select_for_update``), its current order locked first so
    that locks are always taken in the order payment callbacks take them (order, registration)."""
    order_id = Registration.objects.values_list("order_id", flat=True).get(pk=registration.pk)
    if order_id is not None:
        list(Order.objects.select_for_update().filter(pk=order_id).values_list("pk", flat=True))
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("conference", "user", "registration_type")
        .get(pk=registration.pk)
    )


def transition(registration, new_state, *, action, user=None, fields=(), data=None):
    """Move a locked registration to ``new_state`` along the table and save it with ``fields``.

    Side effects: an audit entry (``action``) and ``registration_state_changed``. Raises
    ``IllegalTransition``.
    """
    old_state = registration.state
    if new_state not in REGISTRATION_TRANSITIONS[RegistrationState(old_state)]:
        raise IllegalTransition(
            _("A registration that is %(old)s cannot become %(new)s.")
            % {"old": RegistrationState(old_state).label, "new": RegistrationState(new_state).label}
        )
    registration.state = new_state
    registration.updated_at = timezone.now()
    registration.save(update_fields=["state", "updated_at", *fields])
    log(instance=registration, action=action, user=user, data={"old": old_state, "new": new_state, **(data or {})})
    registration_state_changed.send(
        sender=Registration, registration=registration, old_state=old_state, new_state=new_state, user=user
    )
    return registration


def _require(registration, *states):
    if registration.state not in states:
        raise IllegalTransition(
            _("This is not possible for a registration that is %(state)s.")
            % {"state": RegistrationState(registration.state).label}
        )


# Changes of state ------------------------------------------------------------------------------


@transaction.atomic
def approve_registration(*, registration, user):
    """The organizer approves a registration awaiting approval: with a fee it awaits payment (an
    order is made at its price), otherwise it is confirmed.

    Side effects: an audit entry, ``registration_state_changed``, the "approved" mail.
    """
    registration = lock(registration)
    _require(registration, RegistrationState.AWAITING_APPROVAL)
    registration.approved_at = timezone.now()
    if registration.is_free:
        registration.confirmed_at = registration.approved_at
        transition(
            registration,
            RegistrationState.CONFIRMED,
            action="flock.registration.approve",
            user=user,
            fields=["approved_at", "confirmed_at"],
        )
    else:
        order = open_order(registration)
        transition(
            registration,
            RegistrationState.AWAITING_PAYMENT,
            action="flock.registration.approve",
            user=user,
            fields=["approved_at"],
            data={"order": order.code},
        )
    notifications.notify_approved(registration=registration)
    return registration


@transaction.atomic
def reject_registration(*, registration, user, reason):
    """The organizer refuses a registration awaiting approval, saying why; its place is freed.

    Side effects: an audit entry, ``registration_state_changed``, the "rejected" mail with the reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Please tell the person why."), code="required")})
    registration = lock(registration)
    _require(registration, RegistrationState.AWAITING_APPROVAL)
    _close(registration, RegistrationState.CANCELLED, cause=CancelCause.REJECTED, reason=reason, user=user)
    notifications.notify_rejected(registration=registration)
    return registration


@transaction.atomic
def confirm_registration(*, registration, order, user=None):
    """``order`` (one of the registration's orders) is paid: the registration awaiting payment is
    confirmed and ``order`` becomes its order; another pending order of it is cancelled.
    Confirming a confirmed registration changes nothing. Called by the ``order_paid`` receiver.

    Side effects: an audit entry, ``registration_state_changed``, the "confirmed" mail.
    """
    registration = lock(registration)
    if registration.state == RegistrationState.CONFIRMED:
        return registration
    _require(registration, RegistrationState.AWAITING_PAYMENT)
    if registration.order_id != order.pk:
        drop_pending_order(registration, user=user, reason="paid with another order")
    registration.order = order
    registration.confirmed_at = timezone.now()
    transition(
        registration,
        RegistrationState.CONFIRMED,
        action="flock.registration.confirm",
        user=user,
        fields=["order", "confirmed_at"],
        data={"order": order.code},
    )
    notifications.notify_confirmed(registration=registration)
    return registration


@transaction.atomic
def withdraw_registration(*, registration, user=None):
    """The attendee gives up their registration (in any live state); its place is freed and a
    pending order is cancelled. Money already paid is not refunded automatically: finance
    decides (the withdrawn mail says whom to ask; the paid order is flagged for them).

    Side effects: an audit entry, ``registration_state_changed``, the order cancelled (if
    pending), the "withdrawn" mail.
    """
    registration = lock(registration)
    _close(registration, RegistrationState.WITHDRAWN, user=user or registration.user)
    notifications.notify_withdrawn(registration=registration)
    return registration


@transaction.atomic
def cancel_registration(*, registration, user, reason=""):
    """Staff cancel a live registration (optionally saying why); its place is freed and a pending
    order is cancelled. Money already paid is refunded by finance, not here (the paid order is
    flagged for them).

    Side effects: an audit entry, ``registration_state_changed``, the order cancelled (if
    pending), the "cancelled" mail with the reason.
    """
    registration = lock(registration)
    _close(registration, RegistrationState.CANCELLED, cause=CancelCause.STAFF, reason=reason, user=user)
    notifications.notify_cancelled(registration=registration)
    return registration


@transaction.atomic
def cancel_unpaid_registration(*, registration):
    """The registration's order expired or was cancelled unpaid and the conference's setting says
    to cancel: its place is freed. Called by the ``order_expired`` / ``order_cancelled`` receiver.

    Side effects: an audit entry, ``registration_state_changed``, the "cancelled" mail.
    """
    registration = lock(registration)
    _require(registration, RegistrationState.AWAITING_PAYMENT)
    _close(registration, RegistrationState.CANCELLED, cause=CancelCause.ORDER_LAPSED, user=None)
    notifications.notify_cancelled(registration=registration)
    return registration


@transaction.atomic
def cancel_refunded_registration(*, registration, user=None):
    """Finance refunded the whole fee of a confirmed registration: it is cancelled and its place
    freed. Called by the ``order_refunded`` receiver.

    Side effects: an audit entry, ``registration_state_changed``, the "cancelled" mail.
    """
    registration = lock(registration)
    _require(registration, RegistrationState.CONFIRMED)
    _close(registration, RegistrationState.CANCELLED, cause=CancelCause.REFUNDED, user=user)
    notifications.notify_cancelled(registration=registration)
    return registration


@transaction.atomic
def reinstate_registration(*, registration, order, user=None):
    """The order whose lapse cancelled the registration was paid after all (finance re-activated
    it): the registration is confirmed again, if the person has no other live registration in
    the conference and a place is free. Returns ``None`` (nothing changed) otherwise.

    Side effects: an audit entry, ``registration_state_changed``, the "confirmed" mail.
    """
    registration = lock(registration)
    if (
        registration.state != RegistrationState.CANCELLED
        or registration.cancel_cause != CancelCause.ORDER_LAPSED
        or registration.order_id != order.pk
        or live_registration_of(registration.conference, registration.user) is not None
    ):
        return None
    try:
        take_place(registration_type=registration.registration_type)
    except RegistrationFull:
        return None
    registration.closed_at = None
    registration.cancel_cause = ""
    registration.confirmed_at = timezone.now()
    transition(
        registration,
        RegistrationState.CONFIRMED,
        action="flock.registration.reinstate",
        user=user,
        fields=["closed_at", "cancel_cause", "confirmed_at"],
        data={"order": order.code},
    )
    notifications.notify_confirmed(registration=registration)
    return registration


def _close(registration, new_state, *, user, cause="", reason=""):
    """Cancel or withdraw a locked registration, then give up its pending order."""
    registration.closed_at = timezone.now()
    registration.cancel_cause = cause
    registration.reason = (reason or "").strip()
    action = {
        CancelCause.REJECTED: "flock.registration.reject",
        CancelCause.STAFF: "flock.registration.cancel",
        CancelCause.ORDER_LAPSED: "flock.registration.lapse",
        CancelCause.REFUNDED: "flock.registration.refund",
    }.get(cause, "flock.registration.withdraw")
    transition(
        registration,
        new_state,
        action=action,
        user=user,
        fields=["closed_at", "cancel_cause", "reason"],
        data={"reason": registration.reason} if registration.reason else None,
    )
    drop_pending_order(registration, user=user, reason=new_state, detach=False)
    if cause not in (CancelCause.REFUNDED, CancelCause.ORDER_LAPSED) and registration.order_id:
        from commerce.services.payments import flag_refund_due

        # Paid: finance decides on a refund (the conference's terms), so they are told.
        flag_refund_due(order=registration.order, user=user, data={"registration": registration.code})
    return registration
