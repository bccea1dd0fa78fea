"""When each phase is open, judged at the instant given (stored times are absolute; the admin
enters them in the conference's time zone), and what late work may do."""

from django.utils import timezone
from django.utils.translation import gettext as _

from submissions.enums import LatePolicy, Phase
from submissions.exceptions import DeadlinePassed, PhaseClosed
from submissions.models import SubmissionSettings


def submission_settings_for(conference):
    """The conference's ``SubmissionSettings``, created with the defaults on first use."""
    settings_row, _created = SubmissionSettings.objects.get_or_create(conference=conference)
    return settings_row


def check_phase_open(settings_row, phase, *, at=None):
    """Return ``late`` (``True`` when the deadline passed but late work is accepted silently), or
    raise ``PhaseClosed`` (off, or not open yet) / ``DeadlinePassed`` (closed and late work
    refused), whose message names the deadline in the conference's time zone."""
    at = at or timezone.now()
    enabled, opens_at, closes_at = settings_row.window(phase)
    label = Phase(phase).label
    if not enabled:
        raise PhaseClosed(_("%(phase)s submissions are not part of this conference.") % {"phase": label})
    tz = settings_row.conference.tz
    if opens_at is not None and at < opens_at:
        raise PhaseClosed(
            _("%(phase)s submissions open on %(time)s (%(zone)s).")
            % {"phase": label, "time": f"{opens_at.astimezone(tz):%Y-%m-%d %H:%M}", "zone": tz.key}
        )
    if closes_at is not None and at >= closes_at:
        if settings_row.late_policy == LatePolicy.ACCEPT_SILENTLY:
            return True
        raise DeadlinePassed(
            _("The deadline for %(phase)s submissions was %(time)s (%(zone)s).")
            % {"phase": label.lower(), "time": f"{closes_at.astimezone(tz):%Y-%m-%d %H:%M}", "zone": tz.key}
        )
    return False


def is_phase_open(settings_row, phase, *, at=None):
    """Whether work of ``phase`` is taken now (late work included when it is accepted)."""
    try:
        check_phase_open(settings_row, phase, at=at)
    except PhaseClosed:
        return False
    return True
