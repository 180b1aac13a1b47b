"""Login throttling through django-axes."""

from axes.backends import AxesStandaloneBackend


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' backend, minus its refusal of calls without a request.

    Web logins always carry the request, so they are throttled; programmatic
    checks (the test client's ``login``, management commands) have no client IP
    to key a lockout on and are passed on to the next backend unthrottled.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
