"""Small helpers for the portal's form templates."""

from django import template

register = template.Library()


@register.filter
def summary_label(label) -> str:
    """A field's label as the error summary writes it before ': <message>': a label
    that is a whole sentence loses its final stop ("...their nationality.:" read badly)."""
    return str(label).rstrip(" .:")
