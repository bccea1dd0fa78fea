"""django-q2 entry points of ``commerce``: thin, each calls one service."""

from commerce.services import orders

SCHEDULES = (
    # (task function, minutes between runs)
    ("commerce.tasks.task_expire_orders", 5),
    ("commerce.tasks.task_remind_unpaid", 15),
    ("commerce.tasks.task_reconcile_alipay", 10),
)


def task_expire_orders():
    return orders.expire_due_orders()


def task_remind_unpaid():
    return orders.remind_due_orders()


def task_reconcile_alipay():
    """Apply recorded notifications whose task never ran, then ask Alipay about payments whose
    asynchronous notification never arrived."""
    from commerce.providers.alipay import apply_stale_queued_events, reconcile_pending_payments

    apply_stale_queued_events()
    return reconcile_pending_payments()


def task_apply_alipay_event(*, event_pk):
    from commerce.providers.alipay import apply_queued_event

    return apply_queued_event(event_pk=event_pk)


def ensure_schedules(**kwargs):
    """Create the periodic tasks once (after ``migrate``); an operator's changes to them are kept."""
    from cms.tasks import ensure_schedules as ensure

    ensure(SCHEDULES)
