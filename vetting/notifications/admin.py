"""The outbox in the console: what was sent, what is pending, what failed and why."""

from django.contrib import admin, messages

from vetting import permissions
from vetting.console.admin_tools import ReadOnlyAdmin, ScaleAdmin
from vetting.permissions import Action

from .models import Notification
from .services import notification_resend

LINK_KEYS = {"url", "url_path"}


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
    # The context as the email shows it, minus its links: those of password resets,
    # verification, invitations and staff enrollment carry a token that signs in
    # (or enrolls) whoever opens it.
    readonly_fields = fields = [
        "shown_context" if f.name == "context" else f.name for f in Notification._meta.fields
    ]
    actions = ["resend_failed"]

    def has_resend_permission(self, request):
        return permissions.allowed(request.user, Action.NOTIFICATION_RESEND)

    @admin.action(description="Resend the selected failed notifications", permissions=["resend"])
    def resend_failed(self, request, queryset):
        failed = list(
            queryset.filter(status=Notification.Status.FAILED).values_list("pk", flat=True)
        )
        for pk in failed:
            notification_resend(actor=request.user, notification_id=pk)
        skipped = queryset.count() - len(failed)
        self.message_user(
            request,
            f"{len(failed)} notification(s) queued again"
            + (f"; {skipped} skipped because they had not failed." if skipped else "."),
            messages.SUCCESS if failed else messages.WARNING,
        )

    @admin.display(description="context")
    def shown_context(self, obj):
        return {
            key: "(link withheld: it may carry a sign-in token)" if key in LINK_KEYS else value
            for key, value in (obj.context or {}).items()
        }

    @admin.display(description="last error")
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error
