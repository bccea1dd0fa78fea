"""The messages of the accounts app (registered with the core mail engine).

They carry links that sign a person in or set a password, so they are sent without a
conference: their log is visible to platform administrators only, never to a conference's staff.
"""

from django.utils.translation import gettext_lazy as _

from cms.emails import register_message

CONFIRM_EMAIL = "accounts.confirm_email"
PASSWORD_RESET = "accounts.password_reset"
SIGNUP_ATTEMPT = "accounts.signup_attempt"
ACCOUNT_MESSAGES = (CONFIRM_EMAIL, PASSWORD_RESET, SIGNUP_ATTEMPT)

register_message(
    CONFIRM_EMAIL, _("Confirm the address of a new account"), ("recipient", "confirm_url", "valid_days", "via")
)
register_message(PASSWORD_RESET, _("Set a new password"), ("recipient", "reset_url", "valid_hours", "via"))
register_message(
    SIGNUP_ATTEMPT,
    _("Someone tried to sign up with an address that has an account"),
    ("recipient", "login_url", "reset_url", "via"),
)
