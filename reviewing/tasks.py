"""django-q2 entry points of ``reviewing``: thin, each calls one service."""

SCHEDULES = (
    # (task function, minutes between runs)
    ("reviewing.tasks.task_remind_overdue", 60),
)


def task_remind_overdue():
    """Mail reviewers whose reviews are overdue (at most once a day per review)."""
    from reviewing.services.reminders import remind_overdue

    return remind_overdue()


def ensure_schedules(**kwargs):
    """Create the periodic tasks once (after ``migrate``); an operator's changes to them are kept."""
    from cms.tasks import ensure_schedules as ensure

    ensure(SCHEDULES)
