"""On every write that can change an API answer, the writing process drops what it
kept for the API as the write commits (freshness.changed), so it answers from the
database at once; other processes need no telling (their memos end within
freshness.MAX_AGE). Signals rather than calls in each service: they also catch
writes made outside the services (the admin's change forms, data migrations, the
deny-list import). ``queryset.update()`` sends no signal; such writes are seen
within MAX_AGE like any other process's.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from . import freshness


def _changed(sender, **kwargs):
    if kwargs.get("raw"):  # loading fixtures
        return
    freshness.changed()


def _model_changed(sender, instance, **kwargs):
    """A gated model's suspension or restoration changes every one of its
    clearances' answers, so the sync lists them as changed."""
    from vetting.clearances.models import Clearance

    _changed(sender, **kwargs)
    if not kwargs.get("raw") and not kwargs.get("created"):
        Clearance.objects.filter(gated_model_id=instance.pk).update(changed_at=timezone.now())


def _restored_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        _model_changed(sender, instance)


def _m2m_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        freshness.changed()


def connect():
    from vetting.clearances.models import Clearance
    from vetting.gated_models.models import GatedModel
    from vetting.organizations.models import Organization
    from vetting.screening.models import DeniedParty

    from .models import GatewayKey

    for model in (Clearance, Organization, DeniedParty, GatewayKey):
        post_save.connect(_changed, sender=model, dispatch_uid=f"api-fresh-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"api-fresh-del-{model.__name__}")
    post_save.connect(_model_changed, sender=GatedModel, dispatch_uid="api-fresh-model")
    post_delete.connect(_changed, sender=GatedModel, dispatch_uid="api-fresh-del-model")
    m2m_changed.connect(
        _restored_changed,
        sender=GatedModel.restored_sectors.through,
        dispatch_uid="api-fresh-restored",
    )
    m2m_changed.connect(
        _m2m_changed, sender=GatewayKey.gated_models.through, dispatch_uid="api-fresh-key-models"
    )
