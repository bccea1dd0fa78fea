"""Every write to registrations and their set-up, and the reads that pricing needs.

Modules:

``setup``          the conference's registration settings and whether registration is open
``pricing``        the fee tier in force (judged in the conference's time zone) and the price
``capacity``       taking a place of a capped registration type under a row lock
``inputs``         server-side checks of personal details, answers and uploaded files
``registrations``  registering (``register``, ``register_walk_in``) and every change of state
``changes``        staff changes (type, price) and edits of details and answers
``orders``         the registration's orders in ``commerce`` and the reactions to their signals
``notifications``  mail to attendees, in the registration's language

Each state change is one function: it checks the transition table
(``attendance.enums.REGISTRATION_TRANSITIONS``), writes the change, adds an audit entry (Wagtail's
log, actions ``flock.registration.*``), sends a signal (``attendance.signals``) and, where the
attendee should know, a mail. Nothing else sets ``Registration.state``. Services do not check who
is acting: views and admin screens check permissions (``attendance.permissions``) first.

Locks are always taken in the same order: order, then registration, then registration type.
"""
