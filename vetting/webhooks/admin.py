"""Webhook endpoints (managed here) and their deliveries with every attempt (read-only)."""

from django import forms
from django.contrib import admin, messages

from vetting import permissions
from vetting.console.admin_tools import ReadOnlyAdmin, ScaleAdmin
from vetting.permissions import Action

from .models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint, new_secret
from .safety import url_problem
from .services import webhook_redeliver


class EndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to receive every event.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "event_types", "is_active", "owner_emails"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["secret"] = forms.CharField(
                max_length=100,
                initial=new_secret,
                widget=forms.TextInput(attrs={"size": 60, "autocomplete": "off"}),
                help_text="Copy it to the receiver now: it is stored encrypted and this "
                "page is the only one that shows it.",
            )
        else:
            # Shown once, on the add page (where it is generated); after that the page
            # never prints it: typing a new one replaces it, leaving it empty keeps it.
            self.fields["secret"] = forms.CharField(
                required=False,
                max_length=100,
                widget=forms.PasswordInput(render_value=False),
                help_text="Leave empty to keep the current secret; type a new one to "
                "replace it (and give the receiver the same).",
            )

    def clean_url(self):
        url = self.cleaned_data["url"]
        problem = url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean_secret(self):
        return self.cleaned_data["secret"] or self.instance.secret

    def clean_owner_emails(self):
        value = self.cleaned_data["owner_emails"]
        validate = forms.EmailField().clean
        for line in value.replace(",", "\n").splitlines():
            if line.strip():
                try:
                    validate(line.strip())
                except forms.ValidationError as exc:
                    raise forms.ValidationError(
                        f"{line.strip()!r} is not an email address."
                    ) from exc
        return value

    def save(self, commit=True):
        endpoint = super().save(commit=False)
        if endpoint.is_active:
            # Re-enabled by staff: the day of failures starts again from zero.
            endpoint.failing_since = endpoint.disabled_at = None
            endpoint.disabled_reason = ""
        if commit:
            endpoint.save()
        return endpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "is_active", "failing_since", "disabled_at"]
    list_filter = ["is_active"]
    readonly_fields = ["failing_since", "disabled_at", "disabled_reason", "created_at"]


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = [
        "number",
        "attempted_at",
        "duration_ms",
        "response_status",
        "error",
        "response_body",
        "succeeded",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "event_type", "endpoint"]
    search_fields = ["=event_id"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [AttemptInline]
    actions = ["redeliver"]

    def has_redeliver_permission(self, request):
        return permissions.allowed(request.user, Action.WEBHOOK_REDELIVER)

    @admin.action(
        description="Deliver the selected failed deliveries again", permissions=["redeliver"]
    )
    def redeliver(self, request, queryset):
        done = 0
        for delivery in queryset.filter(status=WebhookDelivery.Status.FAILED):
            webhook_redeliver(actor=request.user, delivery_id=delivery.pk)
            done += 1
        skipped = queryset.count() - done
        self.message_user(
            request,
            f"{done} delivery(ies) queued again"
            + (f"; {skipped} skipped (not failed)." if skipped else "."),
            messages.SUCCESS,
        )
