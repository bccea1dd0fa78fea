"""django-q2 entry points of the core app: thin, keyword-only, fetch and call one service."""

from cms.services.mail import deliver_email


def task_deliver_email(*, email_log_id):
    deliver_email(email_log_id=email_log_id)


def ensure_schedules(schedules):
    """Create the periodic tasks ``schedules`` (``(dotted task function, minutes between runs)``)
    once; an operator's later changes to them are kept. Apps call it after ``migrate``."""
    from django_q.models import Schedule

    for func, minutes in schedules:
        Schedule.objects.get_or_create(
            func=func, defaults={"name": func.rsplit(".", 1)[-1], "schedule_type": Schedule.MINUTES, "minutes": minutes}
        )
