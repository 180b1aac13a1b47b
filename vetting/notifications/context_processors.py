"""``inbox_unread``: the signed-in person's unread inbox messages, for the portal's
menu. One indexed COUNT; none on the console (/admin/) or for anonymous readers."""

import logging

from django.db import DatabaseError

from .inbox import unread_count

log = logging.getLogger(__name__)


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/admin/"):
        return {}
    try:
        return {"inbox_unread": unread_count(user)}
    except DatabaseError:  # an error page rendered while the database is down
        log.warning("inbox count unavailable", exc_info=True)
        return {}
