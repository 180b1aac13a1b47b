"""Throttles: how often one client, or one account or address, may do what sends
mail, writes an audit event or tries a secret. One home for the limits; every
entry point asks ``throttled`` before it does any of those things, so a throttled
request sends nothing and writes nothing.

Counted by django-ratelimit in the cache (Redis in production, shared by every
process; the embedded default's one process counts in its memory). The client is
the real one behind the proxy (vetting.clientip, as for the sign-in lockout of
django-axes). Fixed windows: a limit of 5/h allows 5 in each clock hour.
"""

import logging

from django.conf import settings
from django_ratelimit.core import get_usage

log = logging.getLogger(__name__)

# name -> ((what is counted, rate), ...): each must be under its rate.
LIMITS = {
    "signup": (("ip", "10/h"), ("email", "3/h")),
    "password_reset": (("ip", "20/h"), ("email", "3/h")),
    "verify_resend": (("ip", "20/h"), ("email", "3/h")),
    "invitation": (("user", "30/h"), ("email", "3/h")),
    "second_factor": (("user", "10/15m"), ("ip", "30/15m")),
    "api_key_failure": (("ip", "60/m"),),
}
# Where a cache outage must not lock staff out of the console (the devices' own
# throttle, in the database, still slows guessing) nor gateways out of the API.
FAIL_OPEN = frozenset({"second_factor", "api_key_failure"})

MESSAGE = "Too many attempts from here or for this account; wait a while and try again."


def throttled(request, name: str, *, email: str = "", user=None, count: bool = True) -> bool:
    """Count this attempt at ``name`` (unless ``count`` is False: only look) and say
    whether it is over a limit. ``email`` (normalized here) and ``user`` are what the
    per-address and per-account limits count; a limit whose value is missing is not
    counted."""
    if not getattr(settings, "THROTTLES_ENABLED", True):
        return False
    values = {"email": email.strip().lower(), "user": str(user.pk) if user else ""}
    over = False
    for what, rate in LIMITS[name]:
        if what != "ip" and not values[what]:
            continue
        key = "ip" if what == "ip" else (lambda group, request, value=values[what]: value)
        group = f"vetting:{name}:{what}"
        try:
            usage = get_usage(request, group=group, key=key, rate=rate, increment=count)
            if usage is None:  # RATELIMIT_ENABLE off
                continue
            # Counting, this attempt is over if it is past the limit; looking, the
            # next one would be once the limit is used up.
            over |= usage["count"] > usage["limit"] - (0 if count else 1)
        except Exception:  # the cache is down
            log.warning("throttle %s: the cache cannot count", name, exc_info=True)
            return name not in FAIL_OPEN
    return over
