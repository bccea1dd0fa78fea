"""Admin registration of ``reviewing``: the reviewer's panel and the audit entries' labels."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from reviewing.viewsets import (  # noqa: F401  (register the review forms and transfer URLs)
    discussion,  # noqa: F401  (registers the chairs' discussion URL)
    forms,
    transfer,
)
from reviewing.viewsets.chair import ReviewChairViewSet
from reviewing.viewsets.panel import ReviewerPanelViewSet

LOG_ACTIONS = {
    "flock.review.account": (_("Open account for a reviewer"), _("Account opened by staff")),
    "flock.review.invite": (_("Invite reviewer"), _("Reviewer invited")),
    "flock.review.invitation_sent": (_("Send invitation to review"), _("Invitation to review sent")),
    "flock.review.answer": (_("Answer invitation"), _("Invitation answered")),
    "flock.review.group_placed": (_("Place submissions in a group"), _("Submissions placed in the group")),
    "flock.review.conflict": (_("Declare conflict of interest"), _("Conflict of interest declared")),
    "flock.review.conflict_withdrawn": (_("Withdraw conflict of interest"), _("Conflict of interest withdrawn")),
    "flock.review.conflict_dismissed": (_("Dismiss conflict of interest"), _("Conflict of interest dismissed")),
    "flock.review.assign": (_("Assign reviewer"), _("Reviewer assigned")),
    "flock.review.unassign": (_("Unassign reviewer"), _("Reviewer unassigned")),
    "flock.review.plan_applied": (_("Apply assignment plan"), _("Assignment plan applied")),
    "flock.review.save": (_("Save review"), _("Review saved")),
    "flock.review.submit": (_("Submit review"), _("Review submitted")),
    "flock.review.close": (_("Close reviewing"), _("Reviewing closed")),
    "flock.review.reopen": (_("Reopen reviewing"), _("Reviewing reopened")),
    "flock.review.form_changed": (_("Change review form"), _("Review form criteria changed")),
    "flock.review.decide": (_("Record decision"), _("Decision recorded")),
    "flock.review.release": (_("Release decision"), _("Decision released to the authors")),
    "flock.review.discuss": (_("Post to the discussion"), _("Message posted to the discussion")),
    "flock.review.reviewer_changed": (_("Change reviewer"), _("Reviewer's topics and groups changed")),
    "flock.review.group_saved": (_("Save reviewer group"), _("Reviewer group saved")),
    "flock.review.group_deleted": (_("Delete reviewer group"), _("Reviewer group deleted")),
    "flock.review.decision_mail": (_("Change decision mail"), _("Decision mail wording changed")),
}


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_admin_viewset")
def register_panel():
    return ReviewerPanelViewSet()


@hooks.register("register_admin_viewset")
def register_chair_screens():
    return ReviewChairViewSet()
