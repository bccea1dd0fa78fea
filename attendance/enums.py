"""States and kinds of registrations, fee tiers and questions, with the registration's transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegistrationState(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    AWAITING_PAYMENT = "awaiting_payment", pgettext_lazy("registration", "Awaiting payment")
    CONFIRMED = "confirmed", pgettext_lazy("registration", "Confirmed")
    CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")
    WITHDRAWN = "withdrawn", pgettext_lazy("registration", "Withdrawn")


# Registrations that hold a place: they count against the type's capacity, and a person has at
# most one of them per conference (a partial unique constraint).
LIVE_STATES = frozenset(
    {RegistrationState.AWAITING_APPROVAL, RegistrationState.AWAITING_PAYMENT, RegistrationState.CONFIRMED}
)

# Which state may follow which. One service function per arrow (see attendance.services.registrations):
#   awaiting approval -> awaiting payment   approve_registration (there is a fee: an order is created)
#   awaiting approval -> confirmed          approve_registration (free), or staff lowers the price to 0
#   awaiting payment  -> confirmed          confirm_registration (order_paid), or staff lowers the price to 0
#   any live state    -> cancelled          reject_registration (from awaiting approval only),
#                                           cancel_registration (staff), the order lapsing (setting
#                                           "cancel"), a full refund of the order
#   any live state    -> withdrawn          withdraw_registration (the attendee)
#   cancelled         -> confirmed          only when the order whose expiry cancelled the registration
#                                           is paid after all (finance re-activates it) and a place is free
REGISTRATION_TRANSITIONS = {
    RegistrationState.AWAITING_APPROVAL: {
        RegistrationState.AWAITING_PAYMENT,
        RegistrationState.CONFIRMED,
        RegistrationState.CANCELLED,
        RegistrationState.WITHDRAWN,
    },
    RegistrationState.AWAITING_PAYMENT: {
        RegistrationState.CONFIRMED,
        RegistrationState.CANCELLED,
        RegistrationState.WITHDRAWN,
    },
    RegistrationState.CONFIRMED: {RegistrationState.CANCELLED, RegistrationState.WITHDRAWN},
    RegistrationState.CANCELLED: {RegistrationState.CONFIRMED},
    RegistrationState.WITHDRAWN: set(),
}


class CancelCause(models.TextChoices):
    """Why a registration was cancelled (kept on the row; the admin filters by it)."""

    REJECTED = "rejected", _("Rejected by the organizer")
    STAFF = "staff", _("Cancelled by the organizer")
    ORDER_LAPSED = "order_lapsed", _("Not paid in time")
    REFUNDED = "refunded", _("Fee refunded")


class AttendeeStatus(models.TextChoices):
    """What ``attendee_status`` says about a person in a conference (``None``: not registered)."""

    REGISTERED = "registered", pgettext_lazy("attendee", "Registered")
    CONFIRMED = "confirmed", pgettext_lazy("attendee", "Confirmed")


class EditPolicy(models.TextChoices):
    """Whether attendees may change their own details and answers (staff always may)."""

    ALWAYS = "always", pgettext_lazy("edit policy", "Always")
    UNTIL_PAID = "until_paid", _("Until the registration is confirmed (paid)")
    NEVER = "never", pgettext_lazy("edit policy", "Never")


class OrderLapsePolicy(models.TextChoices):
    """What happens to a registration whose order expires or is cancelled unpaid."""

    REOPEN = "reopen", _("Back to awaiting payment: the attendee can pay with a new order")
    CANCEL = "cancel", _("Cancel the registration and free its place")


class FeeTierKind(models.TextChoices):
    EARLY_BIRD = "early_bird", pgettext_lazy("fee", "Early bird")
    REGULAR = "regular", pgettext_lazy("fee", "Regular")
    ON_SITE = "on_site", pgettext_lazy("fee", "On site")


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", pgettext_lazy("question kind", "Short text")
    LONG_TEXT = "long_text", pgettext_lazy("question kind", "Long text")
    SINGLE_CHOICE = "single_choice", pgettext_lazy("question kind", "Single choice")
    MULTIPLE_CHOICE = "multiple_choice", pgettext_lazy("question kind", "Multiple choice")
    CHECKBOX = "checkbox", pgettext_lazy("question kind", "Checkbox")
    DATE = "date", pgettext_lazy("question kind", "Date")
    COUNTRY = "country", pgettext_lazy("question kind", "Country")
    FILE = "file", pgettext_lazy("question kind", "File")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})

# Kinds whose answer another question's condition may test ("show only if X is/contains V").
CONDITION_KINDS = frozenset(
    {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.CHECKBOX,
        QuestionKind.SHORT_TEXT,
        QuestionKind.COUNTRY,
    }
)

# The longest answers accepted, in characters.
SHORT_TEXT_MAX_LENGTH = 255
LONG_TEXT_MAX_LENGTH = 5000

# The condition value that matches a ticked (or unticked) checkbox.
CHECKED = "yes"
UNCHECKED = "no"
