"""Documented extension points of ``submissions``. All are sent inside the transaction that made
the change, so a receiver's writes commit or roll back with it.

``submission_created(sender=Submission, submission, user)``
    A draft was started, or an invited abstract imported (it is then submitted at once, so
    ``submission_state_changed`` follows). ``submission_state_changed`` is not sent for the
    first state, ``draft``.

``submission_state_changed(sender=Submission, submission, old_state, new_state, user)``
    Any later change of state (see ``submissions.enums.SUBMISSION_TRANSITIONS``). ``reviewing``
    sends decisions through ``submissions.services.decisions``; mails react to this signal.

``submission_file_added(sender=Submission, submission, file, user)``
    A file (a paper, a revision of it, a supplementary file or the camera-ready version) was
    stored. ``file.revision`` counts the versions of that kind, from 1.
"""

from django.dispatch import Signal

submission_created = Signal()
submission_state_changed = Signal()
submission_file_added = Signal()
