from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Registration")

    def ready(self):
        from attendance import emails, receivers  # noqa: F401
        from attendance.selectors import attendee_status
        from cms.extension_points import attendee_status_provider

        # Pages for attendees only (conference_pages) ask who is registered through this slot.
        attendee_status_provider.set(attendee_status)
        # Finance sees registration lines named as such.
        from commerce.sellables import register_kind

        register_kind("attendance.registration", _("Registration"))
        register_kind("attendance.hotel", _("Hotel room"))
        register_kind("attendance.tour", _("Tour place"))
        from attendance import booking_emails  # noqa: F401
        from attendance.booking_tasks import ensure_schedules as ensure_booking_schedules

        post_migrate.connect(ensure_booking_schedules, sender=self, dispatch_uid="attendance.booking_schedules")
        from attendance.demo import register_seeder, seed_attendance

        register_seeder(seed_attendance, order=40)
        from attendance.booking_selectors import letter_bookings
        from attendance.letters import register_letter_section

        register_letter_section(letter_bookings)
        from attendance.tasks import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self)
