"""The conference's registration settings and whether registration is open."""

from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.exceptions import RegistrationClosed
from attendance.models import RegistrationSettings


def registration_settings_for(conference):
    """The conference's registration settings (created with the defaults on first use); kept on
    the conference instance, so one request reads them once."""
    try:
        return conference.registration_settings
    except RegistrationSettings.DoesNotExist:
        settings_row, _created = RegistrationSettings.objects.get_or_create(conference=conference)
        conference.registration_settings = settings_row
        return settings_row


def registration_is_open(conference, *, at=None):
    """Whether attendees may register now (or ``at``): the conference's switch is on and the
    moment lies in the settings' window ``[opens_at, closes_at)``."""
    try:
        check_registration_open(conference, at=at)
    except RegistrationClosed:
        return False
    return True


def check_registration_open(conference, *, at=None):
    """Raise ``RegistrationClosed`` (saying when it opens, or that it closed) unless registration is open."""
    at = at or timezone.now()
    if not conference.registration_open:
        raise RegistrationClosed()
    settings_row = registration_settings_for(conference)
    if settings_row.opens_at and at < settings_row.opens_at:
        raise RegistrationClosed(
            _("Registration opens on %(moment)s.") % {"moment": local_moment(settings_row.opens_at, conference)}
        )
    if settings_row.closes_at and at >= settings_row.closes_at:
        raise RegistrationClosed(
            _("Registration closed on %(moment)s.") % {"moment": local_moment(settings_row.closes_at, conference)}
        )


def local_moment(moment, conference):
    """``moment`` as the conference's local date and time, with the time zone's name."""
    local = timezone.localtime(moment, conference.tz)
    return f"{local:%Y-%m-%d %H:%M} ({conference.time_zone})"
