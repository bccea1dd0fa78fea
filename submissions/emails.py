"""The messages ``submissions`` sends (registered with the core mail engine). Built-in wording is in
``submissions/templates/emails/<key>/{subject,body}.txt``; a conference may override it."""

from django.utils.translation import gettext_lazy as _

from cms.emails import register_message

SUBMISSION_PLACEHOLDERS = (
    "submission.code",
    "submission.title",
    "submission.topic.name",
    "submission_url",
    "conference.name",
)

register_message("submissions.received", _("Submission received"), SUBMISSION_PLACEHOLDERS)
register_message(
    "submissions.file_added",
    _("New version of a submission's file received"),
    (*SUBMISSION_PLACEHOLDERS, "file.original_name", "file.revision"),
)
