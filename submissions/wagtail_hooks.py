"""Admin registration of ``submissions``: the permission policies, the "Submissions" menu and the
audit entries' labels."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from submissions.policies import register_policies
from submissions.viewsets import SubmissionsViewSetGroup

# Before the viewsets are built: their listings and screens are scoped by these policies.
register_policies()

LOG_ACTIONS = {
    "flock.submission.create": (_("Start submission"), _("Submission started")),
    "flock.submission.import": (_("Import invited submission"), _("Invited submission imported")),
    "flock.submission.account": (_("Open account for an invited author"), _("Account opened by staff")),
    "flock.submission.submit": (_("Submit"), _("Submission submitted")),
    "flock.submission.file": (_("Upload file"), _("File uploaded")),
    "flock.submission.withdraw": (_("Withdraw submission"), _("Submission withdrawn")),
    "flock.submission.review": (_("Start review"), _("Review started")),
    "flock.submission.accept": (_("Accept submission"), _("Submission accepted")),
    "flock.submission.reject": (_("Reject submission"), _("Submission rejected")),
    "flock.submission.revise": (_("Request revision"), _("Revision requested")),
}


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return SubmissionsViewSetGroup()
