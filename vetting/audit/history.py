"""Change history with values for the records that decide who gets in (django-simple-history).

Each tracked model carries ``history = ChangeHistory(...)`` (or is registered with
``track``): every save, delete and many-to-many change made through the ORM — admin,
portal, service, shell or task — writes a row to its ``Historical<Model>`` table with
every tracked value and the request's user (``simple_history``'s middleware; none in
a shell or a task).

Secrets never reach a history table: their columns are left out, and the row keeps
only a keyed digest of each (``secret_digests``), so a change can be shown as
"changed" and its value cannot be read back, even by someone who reads the table.
"""

from django.db import models
from django.utils.crypto import salted_hmac
from simple_history import register
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

_DIGEST_SALT = "vetting.audit.history.secret"


class SecretDigests(models.Model):
    """Base of every history table: the digests of the secrets it does not store."""

    secret_digests = models.JSONField(default=dict, editable=False)

    class Meta:
        abstract = True


def secret_digest(value) -> str:
    if value in (None, ""):
        return ""
    return salted_hmac(_DIGEST_SALT, str(value), algorithm="sha256").hexdigest()[:32]


class ChangeHistory(HistoricalRecords):
    """HistoricalRecords that keeps no secret and no row for a save that changed nothing
    it tracks (django-otp saves a device on every sign-in to move its counter; with
    ``quiet_fields`` left out, such a save is not a change).

    ``secret_fields``: kept only as digests. ``quiet_fields``: bookkeeping not worth a
    history row (last sign-in, TOTP counters)."""

    def __init__(self, *, secret_fields=(), quiet_fields=(), **kwargs):
        self.secret_fields = tuple(secret_fields)
        kwargs.setdefault("bases", (SecretDigests,))
        kwargs["excluded_fields"] = [
            *self.secret_fields,
            *quiet_fields,
            *kwargs.get("excluded_fields", ()),
        ]
        super().__init__(**kwargs)

    def finalize(self, sender, **kwargs):
        if self.cls is not sender:
            return
        super().finalize(sender, **kwargs)
        history_model = getattr(sender, self.manager_name).model
        history_model.secret_fields = self.secret_fields
        # m2m_models is simple-history's registry of every tracked model's m2m fields.
        history_model.m2m_history_models = {
            f.name: m for f, m in self.m2m_models.items() if f.model is sender
        }
        # simple-history puts these classes in self.module but names the app package as
        # their module; Django's shell then fails to auto-import them.
        for model in (history_model, *history_model.m2m_history_models.values()):
            model.__module__ = self.module
        pre_create_historical_record.connect(self._fill_digests, sender=history_model, weak=False)

    def _fill_digests(self, instance, history_instance, **kwargs):
        history_instance.secret_digests = {
            name: secret_digest(getattr(instance, name)) for name in self.secret_fields
        }

    def post_save(self, instance, created, using=None, **kwargs):
        if not created and not kwargs.get("raw") and not self._differs_from_last(instance):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def _differs_from_last(self, instance) -> bool:
        last = getattr(instance, self.manager_name).first()
        if last is None or last.history_type == "-":
            return True
        if any(
            getattr(last, f.attname) != getattr(instance, f.attname)
            for f in self.fields_included(instance)
        ):
            return True
        return any(
            last.secret_digests.get(name) != secret_digest(getattr(instance, name))
            for name in self.secret_fields
        )

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        """simple-history records a reverse change (``group.user_set.add(user)``) on the
        wrong side; here it is a change of each user added or removed."""
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        model = kwargs["model"]
        if action == "pre_clear":
            members = model._default_manager.filter(**{attr: instance})
            instance._history_cleared = set(members.values_list("pk", flat=True))
        if action in ("post_add", "post_remove", "post_clear"):
            if action == "post_clear":
                pk_set = instance.__dict__.pop("_history_cleared", set())
            for other in model._default_manager.filter(pk__in=pk_set or ()):
                self.create_historical_record(other, "~")


def track(model, *, app: str, **options) -> None:
    """Track a model of another package, its history table living in ``app`` (a package path)."""
    register(model, app=app, records_class=ChangeHistory, **options)
