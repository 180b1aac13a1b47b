"""The outbox in the console: what was sent, what is pending, what failed and why."""

from django.contrib import admin

from vetting.console.admin_tools import ReadOnlyAdmin, ScaleAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "id",
        "template_key",
        "recipient_email",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "template_key"]
    search_fields = ["=recipient_email", "=dedupe_key"]
    ordering = ["-id"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    @admin.display(description="last error")
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error
