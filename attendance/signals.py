"""Documented extension points of ``attendance``. All are sent inside the transaction that made
the change, so a receiver's writes commit or roll back with it.

``registration_created(sender=Registration, registration, by_staff)``
    A registration was submitted (``register``, ``register_walk_in``). ``by_staff`` is the staff
    member who registered the person by hand, or ``None``. Its state is already the first one
    (awaiting approval, awaiting payment or confirmed); ``registration_state_changed`` is *not*
    sent for that first state.

``registration_state_changed(sender=Registration, registration, old_state, new_state, user)``
    Any later change of state (see ``attendance.enums.REGISTRATION_TRANSITIONS``). ``user`` is
    whoever acted (``None`` for the payment provider or a scheduled task). Confirmation letters
    and badges react to ``new_state == "confirmed"``; hotel and tour bookings to a registration
    leaving the live states.

``registration_changed(sender=Registration, registration, user, changes)``
    Something other than the state changed. ``changes`` has one or more of: ``"details"``
    (``{field: [old, new]}``), ``"answers"`` (the pks of the questions whose answer changed),
    ``"document"`` (``[old file name, new file name]``), ``"registration_type"`` (``[old pk, new
    pk]``), ``"price"`` (``[old, new]`` as strings), ``"order"`` (``[old code, new code]``, either
    may be ``None``: a new order was made, or the order lapsed and the registration awaits a new one).
"""

from django.dispatch import Signal

registration_created = Signal()
registration_state_changed = Signal()
registration_changed = Signal()
