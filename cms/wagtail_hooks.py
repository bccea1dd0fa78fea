from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cms.viewsets import FlockViewSetGroup


@hooks.register("register_admin_viewset")
def register_viewsets():
    return FlockViewSetGroup()


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("flock.conference.status", _("Change conference status"), _("Conference status changed"))
    actions.register_action("flock.role.grant", _("Grant role"), _("Role granted"))
    actions.register_action("flock.role.revoke", _("Revoke role"), _("Role revoked"))
