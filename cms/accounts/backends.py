"""Authentication backends: django-axes in front of Django's ``ModelBackend``."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses any log-in of a locked-out address and client before the password is checked.

    Without a request (the test client's ``login()``, a shell) there is no client to count
    failures for, so the check is skipped instead of failing: every log-in form of the site and
    the admin passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
