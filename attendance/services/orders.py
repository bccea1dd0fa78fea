"""A registration's orders in ``commerce``, and the reactions to what happens to them.

An order for a registration has one line of kind ``attendance.registration`` whose object id is
the registration's pk (``Registration.order_item``), priced at the registration's stored price
in its currency. ``registration.order`` is the current one.

The ``handle_*`` functions are called by ``attendance.receivers`` inside the transaction of
``commerce`` that changed the order (the order is locked): they identify the registrations by
the order's lines, check that each belongs to the order's purchaser and conference, and ignore
anything else (a line of an old order, a registration that has moved on).
"""

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from attendance.enums import CancelCause, OrderLapsePolicy, RegistrationState
from attendance.exceptions import IllegalTransition, RegistrationLocked
from attendance.models import Registration
from attendance.services.setup import registration_settings_for
from attendance.signals import registration_changed
from commerce.enums import Attention, OrderState, ProofState
from commerce.models import TransferProof
from commerce.services.orders import cancel_order, create_order


def open_order(registration):
    """Make a pending order for a saved registration at its price and make it the current one.
    Side effects: the order, with ``commerce``'s audit entry (the caller writes its own)."""
    order = create_order(
        conference=registration.conference,
        purchaser=registration.user,
        items=[registration.order_item()],
        language=registration.language,
        currency=registration.currency,
    )
    registration.order = order
    registration.save(update_fields=["order"])
    return order


def has_proof_waiting(order):
    return TransferProof.objects.filter(payment__order=order, state=ProofState.PENDING).exists()


def drop_pending_order(registration, *, user=None, reason="", detach=True, keep_proofs=False):
    """Cancel the registration's current order if it is still pending (``commerce`` cancels its
    open payments and sends ``order_cancelled``, which the receivers then ignore). With
    ``detach``, the registration is unlinked from it first. With ``keep_proofs``, an order whose
    proof of transfer waits for finance is not touched: ``RegistrationLocked``."""
    order = registration.order
    if order is None or order.state != OrderState.PENDING:
        return None
    if keep_proofs and has_proof_waiting(order):
        raise RegistrationLocked()
    if detach:
        registration.order = None
        registration.save(update_fields=["order"])
    return cancel_order(order=order, user=user, reason=f"registration {registration.code}: {reason}"[:200])


@transaction.atomic
def renew_order(*, registration, user=None):
    """The order to pay a registration awaiting payment: its pending order, or a new one at the
    registration's price when it has none (its order lapsed and the setting put it back to
    awaiting payment). Calling it twice makes one order.

    Side effects (new order): the order, an audit entry, ``registration_changed`` (``order``).
    """
    from attendance.services.registrations import lock

    registration = lock(registration)
    if registration.state != RegistrationState.AWAITING_PAYMENT:
        raise IllegalTransition(_("Only a registration awaiting payment can be paid."))
    current = registration.order
    if current is not None and current.state == OrderState.PENDING:
        return current
    order = open_order(registration)
    log(
        instance=registration,
        action="flock.registration.order",
        user=user or registration.user,
        data={"order": order.code, "total": str(order.total), "currency": order.currency},
    )
    registration_changed.send(
        sender=Registration,
        registration=registration,
        user=user,
        changes={"order": [current.code if current else None, order.code]},
    )
    return order


def _registrations_sold_in(order):
    """The registrations ``order`` sells to its purchaser in its conference, each locked (its
    current order first), so that what the handlers decide holds until the transaction ends."""
    ids = sorted(
        {
            int(line.object_id)
            for line in order.lines.all()
            if line.kind == Registration.ORDER_KIND and line.object_id.isdigit()
        }
    )
    if not ids:
        return []
    from attendance.services.registrations import lock

    pks = Registration.objects.filter(
        pk__in=ids, conference_id=order.conference_id, user_id=order.purchaser_id
    ).values_list("pk", flat=True)
    return [lock(Registration(pk=pk)) for pk in sorted(pks)]


def handle_order_paid(*, order):
    """``order_paid``: confirm the registrations it sells that await payment; re-instate one that
    its lapse cancelled (finance re-activated the order), when a place is free; otherwise (the
    registration was withdrawn, cancelled, or paid already with another order) record it and flag
    the order for finance, who refund it."""
    from attendance.services.registrations import confirm_registration, reinstate_registration

    for registration in _registrations_sold_in(order):
        state = registration.state
        if state == RegistrationState.AWAITING_PAYMENT:
            confirm_registration(registration=registration, order=order)
        elif state == RegistrationState.CONFIRMED and registration.order_id == order.pk:
            continue
        elif (
            state == RegistrationState.CANCELLED
            and registration.cancel_cause == CancelCause.ORDER_LAPSED
            and registration.order_id == order.pk
            and reinstate_registration(registration=registration, order=order) is not None
        ):
            continue
        else:
            _payment_unplaced(registration, order)


def _payment_unplaced(registration, order):
    from commerce.services.payments import flag_order

    log(
        instance=registration,
        action="flock.registration.payment_unplaced",
        data={"order": order.code, "state": registration.state},
    )
    flag_order(order=order, attention=Attention.LATE_PAYMENT, data={"registration": registration.code})


def handle_order_lapsed(*, order):
    """``order_expired`` / ``order_cancelled``: for the registration whose current order this was
    and that still awaits payment, apply the conference's setting: cancel it (freeing its place),
    or keep it awaiting payment without an order (``renew_order`` makes a new one).

    Side effects (keep): an audit entry and ``registration_changed`` (``order``); (cancel): see
    ``cancel_unpaid_registration``.
    """
    from attendance.services.registrations import cancel_unpaid_registration

    for registration in _registrations_sold_in(order):
        if registration.state != RegistrationState.AWAITING_PAYMENT or registration.order_id != order.pk:
            continue
        policy = registration_settings_for(registration.conference).on_order_lapse
        if policy == OrderLapsePolicy.CANCEL:
            cancel_unpaid_registration(registration=registration)
            continue
        registration.order = None
        registration.save(update_fields=["order"])
        log(instance=registration, action="flock.registration.order_lapsed", data={"order": order.code})
        registration_changed.send(
            sender=Registration, registration=registration, user=None, changes={"order": [order.code, None]}
        )


def handle_order_refunded(*, order, refund):
    """``order_refunded``: a full refund of a confirmed registration's order cancels it (see
    ``cancel_refunded_registration``); a partial refund is only recorded (an audit entry)."""
    from attendance.services.registrations import cancel_refunded_registration

    for registration in _registrations_sold_in(order):
        if registration.state != RegistrationState.CONFIRMED or registration.order_id != order.pk:
            continue
        if order.state == OrderState.REFUNDED:
            cancel_refunded_registration(registration=registration, user=getattr(refund, "created_by", None))
        else:
            log(
                instance=registration,
                action="flock.registration.partial_refund",
                user=getattr(refund, "created_by", None),
                data={"order": order.code, "amount": str(getattr(refund, "amount", ""))},
            )
