"""django-q2 entry points of hotel and tour bookings: thin, each calls one service."""

SCHEDULES = (
    # (task function, minutes between runs)
    ("attendance.booking_tasks.task_expire_tour_offers", 10),
)


def task_expire_tour_offers():
    """Lapse tour offers not accepted in time and offer the seats to the next people waiting."""
    from attendance.services.tours import expire_tour_offers

    return expire_tour_offers()


def ensure_schedules(**kwargs):
    from cms.tasks import ensure_schedules as ensure

    ensure(SCHEDULES)
