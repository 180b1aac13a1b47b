"""The address of the person at the other end, behind a known number of proxies.

Behind nginx every request comes from nginx's address, so login throttling keyed on
REMOTE_ADDR would put every client in one bucket: one person could lock any staff
account for everyone. nginx appends the address it saw to ``X-Forwarded-For``
(``$proxy_add_x_forwarded_for``); whatever the client wrote there itself stands to the
left of it. So with ``TRUSTED_PROXY_HOPS`` proxies in front, the client is the entry
that many places from the right, and nothing a client sends can move it. With no
proxy (0, the development default) the header is ignored.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's address (normalized), or REMOTE_ADDR when the header is missing,
    short, or holds something that is not an address."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [e for e in entries if e]
    if len(entries) < hops:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-hops]))
    except ValueError:
        return remote
