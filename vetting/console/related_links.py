"""Links from a read-only related field only for those who may open the target.

Django's admin renders a read-only foreign key as a link to the related object's
change page whenever that URL exists (``AdminReadonlyField.get_admin_url``), without
asking the related model's admin: a sector reviewer reading a review decision was
offered the reviewer's user page, which answers 403. The field has no request to ask
with, so the console keeps the request being answered in a context variable (set by
``ConsoleAdminSite.admin_view`` around the view and its rendering) and the link is
made only when the target admin's ``has_view_permission`` says yes; otherwise the
object is shown as text.
"""

import contextvars

from django.contrib.admin import helpers
from django.template.response import SimpleTemplateResponse

current_request = contextvars.ContextVar("console_request", default=None)
_django_admin_url = helpers.AdminReadonlyField.get_admin_url


def may_view(model, obj=None, site=None) -> bool:
    """May the reader of the page being rendered open ``model``'s admin (for ``obj``)?
    For read-only display methods, which get no request either. The answer is the
    target admin's own ``has_view_permission``, the check its pages make."""
    from django.contrib import admin

    request = current_request.get()
    target = (site or admin.site)._registry.get(model)
    return request is not None and target is not None and target.has_view_permission(request, obj)


def reader():
    """The user the page being rendered is for (None outside a console view)."""
    return getattr(current_request.get(), "user", None)


def _admin_url_if_allowed(self, remote_field, remote_obj):
    site = getattr(self.model_admin, "admin_site", None)
    if not may_view(remote_field.model, remote_obj, site):
        return str(remote_obj)
    return _django_admin_url(self, remote_field, remote_obj)


def install() -> None:
    helpers.AdminReadonlyField.get_admin_url = _admin_url_if_allowed


def answering(view):
    """Wraps an admin view: the request is known to the fields while the view runs and
    while its template renders (rendered here, before the context variable goes)."""

    def inner(request, *args, **kwargs):
        token = current_request.set(request)
        try:
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
            return response
        finally:
            current_request.reset(token)

    return inner
