"""Domain errors of registration, with messages safe to show to the person who caused them.

Problems with what a person typed or uploaded (details, answers, the document) are Django
``ValidationError`` keyed by form field name instead, so that a form can show them in place.
"""

from django.utils.translation import gettext_lazy as _

from cms.exceptions import FlockError, IllegalTransition

__all__ = [
    "AlreadyRegistered",
    "EditNotAllowed",
    "IllegalTransition",
    "OwedChanged",
    "PriceNotAvailable",
    "RegistrationClosed",
    "RegistrationError",
    "RegistrationFull",
    "RegistrationLocked",
    "TypeNotAvailable",
]


class RegistrationError(FlockError):
    default_message = _("The registration could not be made.")


class RegistrationClosed(RegistrationError):
    default_message = _("Registration for this conference is not open.")


class AlreadyRegistered(RegistrationError):
    """The person holds a live registration in this conference already: ``registration``."""

    default_message = _("You are already registered for this conference.")

    def __init__(self, message=None, *, registration=None):
        super().__init__(message)
        self.registration = registration


class RegistrationFull(RegistrationError):
    default_message = _("This registration type is full.")


class TypeNotAvailable(RegistrationError):
    default_message = _("This registration type is not available.")


class PriceNotAvailable(RegistrationError):
    default_message = _("No fee is in force for this registration type in this currency.")


class EditNotAllowed(RegistrationError):
    default_message = _("This registration can no longer be changed. Please contact the organizers.")


class RegistrationLocked(RegistrationError):
    default_message = _("A payment for this registration is being checked; please ask the finance staff first.")


class OwedChanged(IllegalTransition):
    """What the attendee owes is not what the check-in desk showed (a room booked, a price
    changed since): nothing is paid; the desk shows the new amounts and asks again."""

    default_message = _("What this attendee owes has changed: check the amounts and record the payment again.")
