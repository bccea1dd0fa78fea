"""django-q2 entry points of the core app: thin, keyword-only, fetch and call one service."""

from cms.services.mail import deliver_email


def task_deliver_email(*, email_log_id):
    deliver_email(email_log_id=email_log_id)
