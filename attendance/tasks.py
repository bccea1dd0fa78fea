"""django-q2 entry points of ``attendance``: thin, each calls one service."""

SCHEDULES = (
    # (task function, minutes between runs)
    ("attendance.tasks.task_sweep_wizard_uploads", 60),
    ("attendance.tasks.task_sweep_print_batches", 24 * 60),
)


def task_sweep_wizard_uploads():
    """Delete the files of registration attempts abandoned for a day."""
    from attendance.wizards import sweep_wizard_uploads

    return sweep_wizard_uploads()


def task_sweep_print_batches():
    """Delete print jobs of letters and badges older than a week."""
    from attendance.services.printing import sweep_print_batches

    return sweep_print_batches()


def ensure_schedules(**kwargs):
    """Create the periodic tasks once (after ``migrate``); an operator's changes to them are kept."""
    from cms.tasks import ensure_schedules as ensure

    ensure(SCHEDULES)


def task_build_print_batch(*, batch_id):
    """One run of a print job of letters or badges (it queues the next run itself)."""
    from attendance.services.printing import build_print_batch

    build_print_batch(batch_id=batch_id)
