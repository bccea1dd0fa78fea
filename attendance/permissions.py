"""Who may do what with registrations. Views and admin screens ask these; services do not."""

from attendance.enums import EditPolicy, RegistrationState
from cms.enums import Role
from cms.permissions import has_role

# Roles that manage a conference's registrations in the admin (approve, change, register by hand).
REGISTRATION_STAFF = (Role.ORGANIZER,)
# Roles that register walk-ins at the desk.
DESK_STAFF = (Role.ORGANIZER, Role.CHECKIN)


def attendee_may_edit(registration):
    """Whether the attendee may still change their details and answers, by the conference's
    edit policy: always, until the registration is confirmed, or never. A cancelled or
    withdrawn registration cannot be changed."""
    from attendance.services.setup import registration_settings_for

    if not registration.is_live:
        return False
    policy = registration_settings_for(registration.conference).edit_policy
    if policy == EditPolicy.ALWAYS:
        return True
    if policy == EditPolicy.UNTIL_PAID:
        return registration.state != RegistrationState.CONFIRMED
    return False


def attendee_may_withdraw(registration):
    return registration.is_live


def may_manage_registrations(user, conference):
    return has_role(user, conference, *REGISTRATION_STAFF)


def may_register_walk_ins(user, conference):
    return has_role(user, conference, *DESK_STAFF)
