from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailConfirmation(models.Model):
    """The confirmation of a self-made account's address.

    An account made by signing up starts inactive with an unconfirmed row; following the link in
    the mail (or setting a password from a reset link) confirms it and activates the account. An
    inactive account whose row is confirmed, or which has none (made by staff), was deactivated
    on purpose: no link of this app activates it again.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_confirmation", verbose_name=_("account")
    )
    requested_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email confirmation")
        verbose_name_plural = _("email confirmations")

    def __str__(self):
        return self.user.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None
