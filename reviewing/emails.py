"""The messages ``reviewing`` sends (registered with the core mail engine). Built-in wording is in
``reviewing/templates/emails/<key>/{subject,body}.txt``; a conference may override it."""

from django.utils.translation import gettext_lazy as _

from cms.emails import register_message

register_message(
    "reviewing.decision",
    _("Decision on a submission"),
    (
        "submission.code",
        "submission.title",
        "decision.get_outcome_display",
        "decision.note_to_authors",
        "comments",
        "submission_url",
        "conference.name",
    ),
)
register_message(
    "reviewing.reminder",
    _("Reminder of overdue reviews"),
    ("assignments", "count", "panel_url", "conference.name"),
)
register_message(
    "reviewing.invitation",
    _("Invitation to review"),
    ("recipient", "conference.name", "inviter", "topics", "accept_url", "decline_url", "invitation_url"),
)
