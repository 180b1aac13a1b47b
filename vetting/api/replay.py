"""A WSGI layer in front of Django that resends the check's answer to a repeated ask.

A gateway asks the same question (its key, one organization, one model) over and
over; ``vetting.api.check`` keeps the serialized answer per (key, query string)
for the current change generation. For such a repeat, Django's request handling
(WSGIRequest, the request signals, SecurityMiddleware, HttpResponse) costs more
than the answer itself, so this layer sends the kept bytes with the headers Django
sent with them. Everything else, and every ask it is unsure of, goes to Django:
a first ask, ``Cache-Control: no-cache``, HEAD or any other method, a missing or
unknown key, an unreadable generation (Django answers 503: fail closed), a key
whose last use is due to be recorded, and a request whose security context
(HTTPS or not, as Django would judge it) has not yet had a 200 from Django.

The headers are not written here but recorded from Django's own 200 answer to the
check, per security context: SecurityMiddleware's output (nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy, and HSTS over HTTPS) depends on the settings and on
that context only, and with SECURE_SSL_REDIRECT a plain-HTTP ask is redirected by
Django (a 301, never recorded, so never replayed). A revocation or any other change
starts a new generation, which empties the kept answers in every process within
``freshness.LOCAL_TTL``, so this layer can never answer past a change that the
Django path would have seen.

No database connection is used here, so Django's per-request connection
housekeeping (which runs on the next request that reaches Django) is not needed.
"""

import threading

from django.conf import settings

from .check import CHECK_PATH, replay

_LENGTH = "content-length"


def _secure(environ) -> bool:
    """``request.is_secure()`` as Django's HttpRequest.scheme computes it."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _replay(environ) -> bytes | None:
    try:
        return replay(environ)
    except Exception:  # noqa: BLE001 - unsure: Django answers, and logs what went wrong
        return None


class CheckReplay:
    """Wraps Django's WSGI application (see the module's docstring)."""

    def __init__(self, django_application):
        self.django_application = django_application
        # security context (is_secure) -> the headers of Django's 200 to the check,
        # with None for Content-Length's value
        self.headers: dict[bool, list[tuple[str, str | None]]] = {}
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != CHECK_PATH or environ.get("REQUEST_METHOD") != "GET":
            return self.django_application(environ, start_response)
        secure = _secure(environ)
        headers = self.headers.get(secure)
        body = None if headers is None else _replay(environ)
        if body is not None:
            length = str(len(body))
            start_response("200 OK", [(k, length if v is None else v) for k, v in headers])
            return [body]

        def recording_start_response(status, response_headers, exc_info=None):
            if status.startswith("200 ") and exc_info is None:
                # Content-Length is the one header that differs between answers.
                kept = [(k, None if k.lower() == _LENGTH else v) for k, v in response_headers]
                with self._lock:
                    self.headers.setdefault(secure, kept)
            return start_response(status, response_headers, exc_info)

        return self.django_application(environ, recording_start_response)
