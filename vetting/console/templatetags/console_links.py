"""``may_view``: a console template asks before it links to another admin page.

    {% load console_links %}
    {% if "applications.application"|may_view %}<a href="...">...</a>{% else %}...{% endif %}
    {% if clearance|may_view %}<a href="{% url 'admin:clearances_clearance_change' c.pk %}">

The answer is the target admin's ``has_view_permission`` for the request being
answered (vetting.console.related_links.may_view), the check the linked page makes,
so no template names a role.
"""

from django import template
from django.apps import apps
from django.db.models import Model

from vetting.console.related_links import may_view as _may_view

register = template.Library()


@register.filter
def may_view(target) -> bool:
    """``target``: an ``app_label.model`` label (the model's list) or an instance (its page)."""
    if isinstance(target, Model):
        return _may_view(type(target), target)
    if isinstance(target, str) and target:
        return _may_view(apps.get_model(target))
    return False
