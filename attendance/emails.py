"""The messages ``attendance`` sends (registered with the core mail engine). Built-in wording is in
``attendance/templates/emails/<key>/{subject,body}.txt``; a conference may override it."""

from django.utils.translation import gettext_lazy as _

from cms.emails import register_message
from cms.services.mail import register_attachments

REGISTRATION_PLACEHOLDERS = (
    "registration.code",
    "registration.display_name",
    "registration.registration_type.name",
    "registration.price",
    "registration.currency",
    "my_conference_url",
    "order_url",
    "conference.name",
)

register_message("attendance.submitted", _("Registration received"), REGISTRATION_PLACEHOLDERS)
register_message("attendance.approved", _("Registration approved"), REGISTRATION_PLACEHOLDERS)
register_message("attendance.rejected", _("Registration rejected"), (*REGISTRATION_PLACEHOLDERS, "registration.reason"))
register_message("attendance.confirmed", _("Registration confirmed"), REGISTRATION_PLACEHOLDERS)
register_message("attendance.withdrawn", _("Registration withdrawn"), REGISTRATION_PLACEHOLDERS)
register_message(
    "attendance.cancelled", _("Registration cancelled"), (*REGISTRATION_PLACEHOLDERS, "registration.reason")
)


def _confirmation_letter(email_log):
    from attendance.letters import confirmation_attachments

    return confirmation_attachments(email_log)


# The confirmation letter goes with the "confirmed" mail (unless the organizer switched letters off).
register_attachments("attendance.confirmed", _confirmation_letter)
