"""Places of capped registration types: taken under a row lock, so capacity never oversells.

A place is held by every live registration (awaiting approval, awaiting payment, confirmed) of the
type; cancelling or withdrawing frees it. ``take_place`` locks the type's row
(``select_for_update``) for the rest of the caller's transaction, counts the live registrations
and refuses when none is left: concurrent registrations of the same type queue on the lock and
each counts what the previous ones committed. Types without a capacity are not locked.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from attendance.enums import LIVE_STATES
from attendance.exceptions import RegistrationFull
from attendance.models import Registration, RegistrationType


def _lock(registration_type):
    return RegistrationType.objects.select_for_update().get(pk=registration_type.pk)


def places_taken(registration_type, *, exclude=None):
    taken = Registration.objects.filter(registration_type=registration_type, state__in=LIVE_STATES)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    return taken.count()


def places_left(registration_type):
    """How many places are left (``None``: no limit). A read without a lock: for display only."""
    if registration_type.capacity is None:
        return None
    return max(registration_type.capacity - places_taken(registration_type), 0)


def places_left_by_type(registration_types):
    """``{type pk: places left or None}`` for many types, in one query."""
    capped = [rt.pk for rt in registration_types if rt.capacity is not None]
    counts = dict(
        RegistrationType.objects.filter(pk__in=capped)
        .annotate(taken=Count("registrations", filter=Q(registrations__state__in=LIVE_STATES)))
        .values_list("pk", "taken")
    )
    return {
        rt.pk: None if rt.capacity is None else max(rt.capacity - counts.get(rt.pk, 0), 0) for rt in registration_types
    }


def take_place(*, registration_type, exclude=None):
    """Make sure a place of ``registration_type`` is free for one more registration (``exclude``:
    a registration already counted that is being re-placed). Must run inside the transaction
    that then saves the registration; the type's row stays locked until it ends.

    Raises ``RegistrationFull``.
    """
    if registration_type.capacity is None:
        return
    locked = _lock(registration_type)
    if locked.capacity is not None and places_taken(locked, exclude=exclude) >= locked.capacity:
        raise RegistrationFull(_("There are no places left for %(type)s.") % {"type": registration_type.name})
