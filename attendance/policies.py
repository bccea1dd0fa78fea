"""Who may do what with registration in the admin, by conference role (registered with Wagtail by
``attendance.wagtail_hooks``).

Organizers set up registration (settings, types, questions) and manage registrations: look,
approve, reject, cancel, change, export, import. Check-in staff may only register walk-ins (the
"add" action). Registrations are never deleted in the admin; platform administrators may do
everything else everywhere.
"""

from wagtail.permissions import register_permission_policy

from attendance.models import Question, Registration, RegistrationSettings, RegistrationType
from attendance.permissions import DESK_STAFF, REGISTRATION_STAFF
from cms.permissions import ConferenceScopedPermissionPolicy

SETUP_ACTIONS = ("add", "change", "delete", "view")


def registration_policy():
    return ConferenceScopedPermissionPolicy(
        Registration,
        roles={
            "view": REGISTRATION_STAFF,
            "change": REGISTRATION_STAFF,
            "export": REGISTRATION_STAFF,
            "import": REGISTRATION_STAFF,
            "add": DESK_STAFF,
        },
        denied_actions=("delete",),
    )


def setup_policy(model, *, denied=()):
    return ConferenceScopedPermissionPolicy(
        model, roles={action: REGISTRATION_STAFF for action in SETUP_ACTIONS}, denied_actions=denied
    )


def register_policies():
    register_permission_policy(Registration, registration_policy())
    register_permission_policy(RegistrationType, setup_policy(RegistrationType))
    register_permission_policy(Question, setup_policy(Question))
    register_permission_policy(RegistrationSettings, setup_policy(RegistrationSettings, denied=("add", "delete")))
