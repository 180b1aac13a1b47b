"""Refuse a request body too large to be useful before any of it is read.

Django reads (and spools to disk) a whole upload before a form can say it is too
big. A body up to ``REQUEST_MAX_BYTES`` (twice the evidence limit by default) is
still read, so a file a little over the limit gets the form's own error, next to its
field, with everything else the person typed kept; anything larger is answered 413
from its Content-Length alone. The proxy in front should enforce the same limit
(it also sees bodies sent without a Content-Length).
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            too_big = int(length) > settings.REQUEST_MAX_BYTES
        except ValueError:
            too_big = False  # Django's own parsing answers a malformed length
        if too_big:
            limit_mb = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
            body = render_to_string("413.html", {"limit_mb": limit_mb}, request=None)
            response = HttpResponse(body, status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)
