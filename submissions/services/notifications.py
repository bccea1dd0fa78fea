"""Mail to authors about their submission, in the submission's language (the one its submitter
wrote in): to the submitter, and to the corresponding author when that is someone else.

Each message goes through ``cms.services.mail.send_templated_mail`` (logged, delivered after
commit); see ``submissions.emails`` for the keys and placeholders.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cms.services.mail import send_templated_mail


def submission_url(submission):
    """The absolute address of the submission's page for its authors, in its language."""
    with translation.override(submission.language):
        path = reverse(
            "submissions:detail", kwargs={"conference_slug": submission.conference.slug, "code": submission.code}
        )
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}"


def recipients(submission):
    """The submitter, and the corresponding authors when they are someone else (as addresses)."""
    submitter = submission.submitter
    people = [submitter]
    corresponding = [a.email for a in submission.authors.all() if a.corresponding]
    people += [email for email in corresponding if email != submitter.email.lower()]
    return people


def _send(key, submission, **context):
    return [
        send_templated_mail(
            key=key,
            to=recipient,
            conference=submission.conference,
            language=submission.language,
            context={"submission": submission, "submission_url": submission_url(submission), **context},
        )
        for recipient in recipients(submission)
    ]


def notify_received(*, submission):
    """Submitted, or resubmitted after a revision was requested."""
    return _send("submissions.received", submission)


def notify_file_added(*, submission, stored_file):
    """A new version of a file of a submission that is no longer a draft."""
    return _send("submissions.file_added", submission, file=stored_file)
