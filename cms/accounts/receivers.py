"""Reactions of the accounts app: failed log-ins are answered more slowly (``lockout.slow_down``)."""

from django.contrib.auth.signals import user_login_failed

from cms.accounts.lockout import slow_down

user_login_failed.connect(slow_down, dispatch_uid="flock.accounts.slow_down")
