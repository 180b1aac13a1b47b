"""A staff session ends 12 hours after its sign-in, however active it stays.

Every session already ends after ``SESSION_COOKIE_AGE`` (30 min) without a request
(the cookie's age is renewed on each one). A staff member's also has an absolute
limit, ``STAFF_SESSION_MAX_HOURS``: the sign-in time is kept in the session, and a
request past the limit is signed out and sent to sign in again.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login

SIGNED_IN_AT = "vetting_signed_in_at"


def remember_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


user_logged_in.connect(remember_sign_in, dispatch_uid="vetting.accounts.sessions")


class StaffSessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            started = request.session.get(SIGNED_IN_AT)
            limit = settings.STAFF_SESSION_MAX_HOURS * 3600
            if not isinstance(started, int | float) or time.time() - started > limit:
                logout(request)
                return redirect_to_login(request.get_full_path(), "admin:login")
        return self.get_response(request)
