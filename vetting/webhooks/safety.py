"""Where webhooks may go, and the HTTP client that goes there.

An officer types the URL, so the server must never be made to post to itself or
its network (SSRF): the cloud metadata service at 169.254.169.254, a database on
10.0.0.5, an admin port on 127.0.0.1. Two checks:

- when the URL is saved (``url_problem``): https only (plain http outside
  production only), no user:password, and a host given as an IP address must be
  a public one — a clear error on the form;
- at every send (``session``): requests-hardened resolves the host, refuses a
  loopback, private, link-local, multicast, reserved or otherwise non-public
  address (including IPv4-mapped IPv6 forms), and connects to the address it
  checked — so a name that resolves elsewhere at send time (DNS rebinding) is
  caught too. Redirects are never followed; environment proxies are ignored.

``WEBHOOK_ALLOW_LOOPBACK`` lets tests and a local demo use a receiver on 127.0.0.1.
"""

import ipaddress
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from requests_hardened import Config, Manager
from requests_hardened.ip_filter import EXTRA_BLOCKED_NET_RANGES, InvalidIPAddress

__all__ = ["InvalidIPAddress", "url_problem", "session"]


# The ranges requests-hardened refuses at send time beyond Python's own (NAT64, 6to4,
# CG-NAT...), and IPv4-compatible IPv6 (::a.b.c.d, deprecated): refused when saved too.
_BLOCKED = (*EXTRA_BLOCKED_NET_RANGES, ipaddress.ip_network("::/96"))


def _public(ip) -> bool:
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in _BLOCKED)


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks, or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "This is not a valid URL."
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.WEBHOOK_ALLOW_HTTP):
        return "Webhook URLs must start with https://."
    if not host:
        return "The URL has no host name."
    if parts.username or parts.password:
        return "Put no user name or password in the URL; receivers verify the signature."
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: checked when resolved, at every send
    if ip.is_loopback and settings.WEBHOOK_ALLOW_LOOPBACK:
        return None
    if not _public(ip):
        return f"{ip} is not a public address; webhooks go only to public receivers."
    return None


@cache
def _manager(allow_loopback: bool, connect: float, read: float) -> Manager:
    return Manager(
        Config(
            ip_filter_enable=True,
            ip_filter_allow_loopback_ips=allow_loopback,
            never_redirect=True,
            default_timeout=(connect, read),
            user_agent_override="Vetting-Webhooks/1",
        )
    )


_sessions: dict = {}


def session():
    """This process's HTTP session (kept, so connections to a receiver are reused)."""
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    key = (settings.WEBHOOK_ALLOW_LOOPBACK, min(timeout, 5.0), timeout)
    if key not in _sessions:
        http = _manager(*key).get_session()
        http.trust_env = False  # no proxy or .netrc from the environment
        _sessions.clear()
        _sessions[key] = http
    return _sessions[key]
