from django.utils.translation import gettext_lazy as _


class FlockError(Exception):
    """A domain error whose message is safe and translated for the person who caused it."""

    default_message = _("This action is not possible.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class IllegalTransition(FlockError):
    default_message = _("This change of state is not allowed.")
