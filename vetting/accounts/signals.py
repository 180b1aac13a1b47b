"""Role grants and second factors are audit events, however they are made.

A role is a group, and a group is granted by adding a user to it: from the user's
admin form, from the shell (``user.groups.add``), from the group's side
(``group.user_set.add``) or by a migration. Each of those sends ``m2m_changed`` inside
the transaction that changes the membership, so each grant and revocation becomes a
``user.role_granted`` / ``user.role_revoked`` event in the chain within it.

A staff member's passkey or TOTP device is enrolled when it becomes confirmed (or a
confirmed device gets a new secret or key) and removed when a confirmed device is deleted or
unconfirmed: ``user.mfa_enrolled`` / ``user.mfa_removed``. A removed factor or a
revoked role also ends every session of the account (models.sign_out_everywhere).

The actor is the signed-in user of the request (the change history's middleware holds
it); none in a shell or a task, which the trail shows as "system".
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from simple_history.models import HistoricalRecords

from vetting.audit.services import audit_record

from .models import User, sign_out_everywhere


def current_actor():
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _record(**kwargs) -> None:
    # Model signals run after the row is written; outside a transaction (a bare shell
    # save) the event gets one of its own, right after.
    if transaction.get_connection().in_atomic_block:
        audit_record(**kwargs)
    else:
        with transaction.atomic():
            audit_record(**kwargs)


def _pairs(instance, reverse, pk_set):
    """(user, group) for each membership a change of ``instance``'s side touches."""
    through = User.groups.through
    if reverse:
        return through.objects.filter(group=instance, user_id__in=pk_set)
    return through.objects.filter(user=instance, group_id__in=pk_set)


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("pre_remove", "pre_clear"):
        # Before the rows go: which memberships really exist (remove() of a group the
        # user does not have is no revocation).
        side = {"group": instance} if reverse else {"user": instance}
        rows = sender.objects.filter(**side)
        if action == "pre_remove":
            rows = _pairs(instance, reverse, pk_set)
        instance._roles_leaving = list(rows.values_list("user_id", "group_id"))
        return
    if action == "post_add":
        pairs = [(instance.pk, pk) if not reverse else (pk, instance.pk) for pk in pk_set]
        _emit("user.role_granted", pairs)
    elif action in ("post_remove", "post_clear"):
        leaving = instance.__dict__.pop("_roles_leaving", [])
        _emit("user.role_revoked", leaving)
        sign_out_everywhere({user_id for user_id, _ in leaving})
    if not reverse:
        instance.__dict__.pop("_vetting_roles", None)  # roles.has_role's cache


def _emit(action: str, pairs) -> None:
    if not pairs:
        return
    users = User.objects.in_bulk({u for u, _ in pairs})
    groups = Group.objects.in_bulk({g for _, g in pairs})
    actor = current_actor()
    for user_id, group_id in sorted(pairs):
        _record(
            actor=actor,
            action=action,
            obj=users[user_id],
            data={"role": groups[group_id].name, "user": users[user_id].email},
        )


# Each factor's fields whose change enrolls it: confirmed, and its secret or key.
FACTOR_FIELDS = {TOTPDevice: ("confirmed", "key"), WebAuthnCredential: ("confirmed", "public_key")}


def remember_device_state(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        instance._mfa_before = None
        return
    fields = FACTOR_FIELDS[sender]
    if update_fields is not None and not set(fields) & set(update_fields):
        instance._mfa_before = "skip"
        return
    instance._mfa_before = sender.objects.filter(pk=instance.pk).values_list(*fields).first()


def on_device_saved(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_mfa_before", None)
    if raw or before == "skip":
        return
    was_confirmed, old_key = before if before else (False, None)
    if instance.confirmed and (not was_confirmed or old_key != instance.key):
        _device_event("user.mfa_enrolled", instance)
    elif was_confirmed and not instance.confirmed:
        _device_event("user.mfa_removed", instance)
        sign_out_everywhere([instance.user_id])


def on_device_deleted(sender, instance, **kwargs):
    if instance.confirmed:
        _device_event("user.mfa_removed", instance)
        sign_out_everywhere([instance.user_id])


def _device_event(action: str, device) -> None:
    user = User.objects.get(pk=device.user_id)
    _record(
        actor=current_actor(),
        action=action,
        obj=user,
        data={
            "device": device.name,
            "device_id": device.pk,
            "kind": "passkey" if isinstance(device, WebAuthnCredential) else "totp",
            "user": user.email,
        },
    )


def connect() -> None:
    m2m_changed.connect(on_groups_changed, sender=User.groups.through)
    for factor in FACTOR_FIELDS:
        pre_save.connect(remember_device_state, sender=factor)
        post_save.connect(on_device_saved, sender=factor)
        post_delete.connect(on_device_deleted, sender=factor)
