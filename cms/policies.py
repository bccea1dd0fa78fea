"""The permission policies of the core models, registered with Wagtail at start-up."""

from wagtail.permissions import register_permission_policy

from cms.enums import Role
from cms.models import Conference, ConferenceRole, EmailLog, EmailTemplate
from cms.permissions import ConferenceScopedPermissionPolicy

ORGANIZER = (Role.ORGANIZER,)


def register_policies():
    register_permission_policy(
        Conference,
        ConferenceScopedPermissionPolicy(
            Conference, conference_field=None, roles={"change": ORGANIZER, "view": tuple(Role.values)}
        ),
    )
    register_permission_policy(
        ConferenceRole,
        ConferenceScopedPermissionPolicy(
            ConferenceRole,
            roles={"view": ORGANIZER, "delete": ORGANIZER, "import": ORGANIZER},
            denied_actions=("add", "change"),
        ),
    )
    register_permission_policy(
        EmailLog,
        ConferenceScopedPermissionPolicy(
            EmailLog, roles={"view": ORGANIZER}, denied_actions=("add", "change", "delete")
        ),
    )
    register_permission_policy(EmailTemplate, ConferenceScopedPermissionPolicy(EmailTemplate))
