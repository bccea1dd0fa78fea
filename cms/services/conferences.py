"""Every write to conferences and their roles."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from cms.enums import CONFERENCE_TRANSITIONS, ConferenceStatus, Role
from cms.exceptions import IllegalTransition
from cms.models import ConferenceRole
from cms.services.mail import send_templated_mail
from cms.signals import conference_created, conference_status_changed, role_granted, role_revoked


@transaction.atomic
def create_conference(*, conference, created_by=None):
    """Save a new ``conference`` (validated) and let the other apps set it up.

    Side effects: an audit entry; the creator (when not a superuser) becomes its organizer;
    ``conference_created`` is sent, on which its website is built in every locale.
    """
    conference.full_clean()
    conference.save()
    log(instance=conference, action="wagtail.create", user=created_by)
    if created_by is not None and not created_by.is_superuser:
        grant_role(conference=conference, user=created_by, role=Role.ORGANIZER, granted_by=created_by, notify=False)
    conference_created.send(sender=type(conference), conference=conference, created_by=created_by)
    return conference


@transaction.atomic
def set_conference_status(*, conference, status, user=None):
    """Move a conference to ``status`` along the transition table.

    Side effects: an audit entry and ``conference_status_changed``. Raises ``IllegalTransition``.
    """
    locked = type(conference).objects.select_for_update().get(pk=conference.pk)
    old_status = locked.status
    if status not in CONFERENCE_TRANSITIONS[ConferenceStatus(old_status)]:
        raise IllegalTransition(
            _("A conference that is %(old)s cannot become %(new)s.")
            % {"old": ConferenceStatus(old_status).label, "new": ConferenceStatus(status).label}
        )
    locked.status = status
    locked.save(update_fields=["status"])
    conference.status = status
    log(instance=locked, action="flock.conference.status", user=user, data={"old": old_status, "new": status})
    conference_status_changed.send(
        sender=type(conference), conference=locked, old_status=old_status, new_status=status, user=user
    )
    return locked


def role_group(conference, role):
    """The Wagtail group of everyone holding ``role`` in ``conference``; it grants admin access."""
    with translation.override("en"):  # group names must not depend on the active language
        name = f"{conference.slug} · {Role(role).label}"
    group, created = Group.objects.get_or_create(name=name)
    if created:
        group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


@transaction.atomic
def grant_role(*, conference, user, role, granted_by=None, notify=True):
    """Give ``user`` ``role`` in ``conference``; granting a role held already changes nothing.

    Side effects (on a new role): the user joins the role's Wagtail group, an audit entry,
    ``role_granted``, and unless ``notify`` is false a mail to the user in their language.
    """
    conference_role, created = ConferenceRole.objects.get_or_create(conference=conference, user=user, role=role)
    if not created:
        return conference_role
    user.groups.add(role_group(conference, role))
    log(instance=conference, action="flock.role.grant", user=granted_by, data={"user": user.email, "role": role})
    role_granted.send(sender=ConferenceRole, role=conference_role, granted_by=granted_by)
    if notify:
        send_templated_mail(
            key="cms.role_granted",
            to=user,
            conference=conference,
            context={"role": conference_role, "admin_url": f"{settings.WAGTAILADMIN_BASE_URL}/admin/"},
        )
    return conference_role


@transaction.atomic
def revoke_role(*, conference_role, revoked_by=None):
    """Take a role away. Side effects: leaves the role's group, an audit entry, ``role_revoked``."""
    conference, user, role = conference_role.conference, conference_role.user, conference_role.role
    conference_role.delete()
    user.groups.remove(role_group(conference, role))
    log(instance=conference, action="flock.role.revoke", user=revoked_by, data={"user": user.email, "role": role})
    role_revoked.send(sender=ConferenceRole, role=conference_role, revoked_by=revoked_by)
