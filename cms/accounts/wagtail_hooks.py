from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("flock.account.sign_up", _("Sign up"), _("Account opened"))
    actions.register_action("flock.account.confirm", _("Confirm address"), _("Address confirmed"))
    actions.register_action(
        "flock.account.password_reset", _("Set password from a link"), _("Password set from a reset link")
    )
    actions.register_action(
        "flock.account.password_change", pgettext_lazy("account", "Change password"), _("Password changed")
    )
    actions.register_action("flock.account.profile", _("Edit profile"), _("Profile changed"))
