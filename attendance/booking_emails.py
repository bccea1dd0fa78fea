"""The messages of hotel and tour bookings (registered with the core mail engine); built-in
wording in ``attendance/templates/emails/<key>/{subject,body}.txt``."""

from django.utils.translation import gettext_lazy as _

from cms.emails import register_message

register_message(
    "attendance.tour_offer",
    _("A place on a tour is offered"),
    ("registration.display_name", "tour.name", "expires", "tours_url", "conference.name"),
)
