"""Who may do what, by conference role.

The admin is scoped structurally: every viewset of business rows uses a
``ConferenceScopedPermissionPolicy``, whose querysets narrow to the conferences where the user
holds one of the roles the action needs. Superusers (platform administrators) see everything.
"""

from wagtail.permission_policies.base import BasePermissionPolicy

from cms.enums import Role
from cms.models import Conference, ConferenceRole


def user_roles(user):
    """The set of ``(conference_id, role)`` a user holds, cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, "_flock_roles"):
        user._flock_roles = frozenset(ConferenceRole.objects.filter(user=user).values_list("conference_id", "role"))
    return user._flock_roles


def has_role(user, conference, *roles):
    """Whether ``user`` holds one of ``roles`` (any role when none) in ``conference``."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    conference_id = getattr(conference, "pk", conference)
    return any(cid == conference_id and (not roles or role in roles) for cid, role in user_roles(user))


def conference_ids_for(user, *roles):
    return {cid for cid, role in user_roles(user) if not roles or role in roles}


def is_organizer(user, conference):
    return has_role(user, conference, Role.ORGANIZER)


class ConferenceScopedPermissionPolicy(BasePermissionPolicy):
    """Permissions on a model whose rows belong to a conference.

    ``conference_field`` is the lookup from the model to its conference (``None`` when the model
    is ``Conference`` itself); ``roles`` maps an action to the roles that allow it. Actions not in
    ``roles`` are for superusers only.
    """

    def __init__(self, model, *, conference_field="conference", roles=None, denied_actions=()):
        super().__init__(model)
        self.conference_field = conference_field
        self.roles = roles or {action: (Role.ORGANIZER,) for action in ("add", "change", "delete", "view")}
        self.denied_actions = set(denied_actions)

    def _is_platform_admin(self, user):
        return user.is_active and user.is_superuser

    def user_has_permission(self, user, action):
        if not user.is_authenticated or not user.is_active or action in self.denied_actions:
            return False
        if self._is_platform_admin(user):
            return True
        return bool(conference_ids_for(user, *self.roles.get(action, ())) if action in self.roles else False)

    def user_has_permission_for_instance(self, user, action, instance):
        if not user.is_authenticated or not user.is_active or action in self.denied_actions:
            return False
        if self._is_platform_admin(user):
            return True
        if action not in self.roles:
            return False
        return self._conference_id(instance) in conference_ids_for(user, *self.roles[action])

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        if not user.is_authenticated or not user.is_active:
            return queryset.none()
        if self._is_platform_admin(user):
            return queryset
        ids = set()
        for action in actions:
            if action in self.roles:
                ids |= conference_ids_for(user, *self.roles[action])
        lookup = "pk__in" if self.conference_field is None else f"{self.conference_field}__in"
        return queryset.filter(**{lookup: ids})

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        roles = {role for action in actions for role in self.roles.get(action, ())}
        users = get_user_model().objects.filter(is_active=True)
        return users.filter(is_superuser=True) | users.filter(conference_roles__role__in=roles).distinct()

    def _conference_id(self, instance):
        if self.conference_field is None:
            return instance.pk
        if "__" not in self.conference_field:
            return getattr(instance, f"{self.conference_field}_id")
        value = instance
        for part in self.conference_field.split("__"):
            value = getattr(value, part)
        return value.pk if isinstance(value, Conference) else value


def conferences_for(user, *roles):
    """Conferences where ``user`` holds one of ``roles`` (any when none); all for superusers."""
    return Conference.objects.for_user(user, *roles)
