"""Documented extension points of the core app.

``conference_created(sender=Conference, conference, created_by)``
    Sent once, after a conference row is first saved by ``create_conference``. The website app
    builds the conference's pages in reaction.

``conference_status_changed(sender=Conference, conference, old_status, new_status, user)``
    Sent after ``set_conference_status`` changed the status.

``role_granted(sender=ConferenceRole, role, granted_by)`` / ``role_revoked(...)``
    Sent after a person gained or lost a role in a conference.
"""

from django.dispatch import Signal

conference_created = Signal()
conference_status_changed = Signal()
role_granted = Signal()
role_revoked = Signal()
