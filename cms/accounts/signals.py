"""Documented extension points of the accounts app.

``account_confirmed(sender=User, user)``
    Sent once, after a new account's address was confirmed (by its link, or by setting a password
    from a reset link) and the account activated.
"""

from django.dispatch import Signal

account_confirmed = Signal()
