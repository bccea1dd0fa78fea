"""Permission policies of the submissions admin (registered by ``submissions.wagtail_hooks``):
organizers and review chairs set up topics and the call for papers of their own conferences, and
see, export, zip and import their submissions. Settings rows are made by Flock (one per
conference); submissions are written by the services only, never added, edited or deleted in
the admin."""

from wagtail.permissions import register_permission_policy

from cms.permissions import ConferenceScopedPermissionPolicy
from submissions.models import Submission, SubmissionSettings, Topic
from submissions.permissions import SUBMISSION_STAFF

ACTIONS = ("add", "change", "delete", "view")


def register_policies():
    roles = {action: SUBMISSION_STAFF for action in ACTIONS}
    register_permission_policy(Topic, ConferenceScopedPermissionPolicy(Topic, roles=roles))
    register_permission_policy(
        SubmissionSettings,
        ConferenceScopedPermissionPolicy(SubmissionSettings, roles=roles, denied_actions=("add", "delete")),
    )
    register_permission_policy(
        Submission,
        ConferenceScopedPermissionPolicy(
            Submission,
            roles={"view": SUBMISSION_STAFF, "change": SUBMISSION_STAFF, "import": SUBMISSION_STAFF},
            denied_actions=("add", "delete"),
        ),
    )
