"""Permission policies of the submissions admin (registered by ``submissions.apps``): organizers
and review chairs set up topics and the call for papers of their own conferences; settings rows
are made by Flock (one per conference), never added or deleted in the admin."""

from wagtail.permissions import register_permission_policy

from cms.permissions import ConferenceScopedPermissionPolicy
from submissions.models import SubmissionSettings, Topic
from submissions.permissions import SUBMISSION_STAFF

ACTIONS = ("add", "change", "delete", "view")


def register_policies():
    roles = {action: SUBMISSION_STAFF for action in ACTIONS}
    register_permission_policy(Topic, ConferenceScopedPermissionPolicy(Topic, roles=roles))
    register_permission_policy(
        SubmissionSettings,
        ConferenceScopedPermissionPolicy(SubmissionSettings, roles=roles, denied_actions=("add", "delete")),
    )
