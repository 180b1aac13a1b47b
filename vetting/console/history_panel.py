"""The History panel at the foot of a change page: every recorded change of the object
with when, who and each field's before → after (secrets: "changed").

It is a read-only field of the change page, so whoever may open the page (the
ModelAdmin's view or change permission) sees it, and nobody else.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from vetting.audit.history_entries import change_entries

FIELD = "change_history"


def with_history(model, admin_class):
    """``admin_class`` with the panel in front (so it wraps the class's own
    ``get_fieldsets``), if ``model`` records its history."""
    if not hasattr(model._meta, "simple_history_manager_attribute"):
        return admin_class
    if issubclass(admin_class, HistoryPanelAdmin):
        return admin_class
    return type(
        admin_class.__name__,
        (HistoryPanelAdmin, admin_class),
        {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
    )


class HistoryPanelAdmin:
    """In front of the ModelAdmin of a model that records its history (audit.history)."""

    history_panel_limit = 50

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, FIELD] if obj is not None and FIELD not in fields else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        kept = [
            (name, {**options, "fields": [f for f in options["fields"] if f != FIELD]})
            for name, options in fieldsets
        ]
        return [*kept, ("History", {"fields": [FIELD]})]

    @admin.display(description="Recorded changes")
    def change_history(self, obj):
        return render_history(obj, limit=self.history_panel_limit)


def _change_line(change):
    if change.secret:
        return format_html("<li><strong>{}</strong>: {}</li>", change.label, change.after)
    return format_html(
        "<li><strong>{}</strong>: {} → {}</li>", change.label, change.before, change.after
    )


def render_history(obj, *, limit: int) -> str:
    entries, more = change_entries(obj, limit=limit)
    if not entries:
        return "No change recorded yet."
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td><ul>{}</ul></td></tr>",
        (
            (
                entry.when.isoformat(timespec="seconds"),
                entry.who,
                entry.kind,
                format_html_join("", "{}", ((_change_line(c),) for c in entry.changes)),
            )
            for entry in entries
        ),
    )
    note = format_html("<p>Showing the newest {} changes.</p>", limit) if more else ""
    return format_html(
        '<table class="change-history"><thead><tr><th>when (UTC)</th><th>who</th>'
        "<th>what</th><th>before → after</th></tr></thead><tbody>{}</tbody></table>{}",
        rows,
        note,
    )
