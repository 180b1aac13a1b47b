"""Gateway keys in the admin: created here (the key is shown once), revoked by an action."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from vetting import permissions
from vetting.errors import DomainError
from vetting.permissions import Action

from . import keys
from .models import GatewayKey, PartnerListVersion


@admin.register(GatewayKey)
class GatewayKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "kind", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    fields = [
        "name",
        "kind",
        "gated_models",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = [
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    filter_horizontal = ["gated_models"]
    actions = ["revoke_keys"]

    def get_readonly_fields(self, request, obj=None):
        # A key's scope is fixed once issued: to change it, revoke and issue a new one.
        if obj is not None:
            return [*self.readonly_fields, "name", "kind", "gated_models"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # revoked keys stay on record

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            key, raw = keys.gateway_key_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                gated_model_ids=[m.pk for m in form.cleaned_data["gated_models"]],
            )
        except DomainError as exc:
            raise PermissionDenied(str(exc)) from exc
        obj.pk = key.pk
        messages.warning(
            request, f"New key for {key.name} — copy it now, it is shown only once: {raw}"
        )

    def save_related(self, request, form, formsets, change):
        pass  # the service set the models

    def has_manage_permission(self, request):
        return permissions.allowed(request.user, Action.GATEWAY_KEY_MANAGE)

    @admin.action(description="Revoke the selected keys", permissions=["manage"])
    def revoke_keys(self, request, queryset):
        for key in queryset:
            try:
                keys.gateway_key_revoke(actor=request.user, key_id=key.pk)
            except DomainError as exc:
                self.message_user(request, f"{key}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{key}: revoked.", messages.SUCCESS)


@admin.register(PartnerListVersion)
class PartnerListVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "generated_at", "digest"]
    readonly_fields = ["number", "generated_at", "digest", "entries"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
