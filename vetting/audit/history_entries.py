"""Reading the change history: each recorded change of one object as when, who and
field by field before → after (see history.py for how it is recorded).

Secrets have no value to show: a change of one reads "changed" ("set" when created).
"""

import json
from dataclasses import dataclass, field

from django.utils import formats, timezone
from simple_history.utils import get_m2m_reverse_field_name

SYSTEM_ACTOR = "system/shell"
HIDDEN_CHANGE = "changed"
EMPTY = "—"
KINDS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    label: str
    before: str
    after: str
    secret: bool = False


@dataclass
class Entry:
    when: object
    who: str
    kind: str
    changes: list[Change] = field(default_factory=list)


def change_entries(obj, *, limit: int = 50) -> tuple[list[Entry], bool]:
    """The newest ``limit`` changes of ``obj`` (newest first), and whether there are
    older ones. A save that changed nothing shown is left out."""
    manager = getattr(obj, obj._meta.simple_history_manager_attribute)
    records = list(manager.select_related("history_user")[: limit + 1])
    more = len(records) > limit
    labels = _Labels(manager.model, records)
    entries = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = _changes(manager.model, previous, record, labels)
        if record.history_type == "~" and previous is not None and not changes:
            continue
        kind = (
            KINDS[record.history_type]
            if previous or record.history_type != "~"
            else ("first recorded state")
        )
        entries.append(Entry(record.history_date, _who(record), kind, changes))
    return entries, more


def _who(record) -> str:
    user = record.history_user
    return str(user) if user is not None else SYSTEM_ACTOR


def _changes(history_model, previous, record, labels) -> list[Change]:
    changes = []
    for f in history_model.tracked_fields:
        if f.primary_key:
            continue
        after = getattr(record, f.attname)
        before = getattr(previous, f.attname) if previous else None
        if previous is None and after in (None, ""):
            continue
        if previous is not None and before == after:
            continue
        changes.append(Change(str(f.verbose_name), labels.show(f, before), labels.show(f, after)))
    for name, ids in labels.m2m_values(record).items():
        before = labels.m2m_values(previous).get(name) if previous else None
        if (previous is None and not ids) or (previous is not None and before == ids):
            continue
        f = history_model.instance_type._meta.get_field(name)
        changes.append(
            Change(str(f.verbose_name), labels.show_m2m(f, before), labels.show_m2m(f, ids))
        )
    for name in history_model.secret_fields:
        digest = record.secret_digests.get(name, "")
        before = previous.secret_digests.get(name, "") if previous else ""
        if digest != before:
            f = history_model.instance_type._meta.get_field(name)
            after = ("set" if previous is None else HIDDEN_CHANGE) if digest else "removed"
            changes.append(Change(str(f.verbose_name), "", after, secret=True))
    return changes


class _Labels:
    """Display values, with the related objects of every shown record fetched at once."""

    def __init__(self, history_model, records):
        self.m2m = {}
        ids: dict[type, set] = {}
        for name, m2m_model in history_model.m2m_history_models.items():
            f = history_model.instance_type._meta.get_field(name)
            target = get_m2m_reverse_field_name(f) + "_id"
            rows = m2m_model.objects.filter(history__in=records).values_list("history_id", target)
            values = {r.pk: frozenset() for r in records}
            for history_id, target_id in rows:
                values[history_id] = values[history_id] | {target_id}
            self.m2m[name] = values
            ids.setdefault(f.related_model, set()).update(*values.values())
        for f in history_model.tracked_fields:
            if f.is_relation and f.many_to_one:
                found = {getattr(r, f.attname) for r in records} - {None}
                ids.setdefault(f.related_model, set()).update(found)
        self.objects = {
            model: model._default_manager.in_bulk(pks) for model, pks in ids.items() if pks
        }

    def m2m_values(self, record) -> dict:
        return {name: values[record.pk] for name, values in self.m2m.items()}

    def _related(self, model, pk) -> str:
        found = self.objects.get(model, {}).get(pk)
        return str(found) if found is not None else f"#{pk} (gone)"

    def show_m2m(self, f, ids) -> str:
        if not ids:
            return EMPTY
        return ", ".join(sorted(self._related(f.related_model, pk) for pk in ids))

    def show(self, f, value) -> str:
        if value is None or value == "":
            return EMPTY
        if f.is_relation:
            return self._related(f.related_model, value)
        if f.flatchoices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        if hasattr(value, "tzinfo") and timezone.is_aware(value):
            return formats.localize(timezone.localtime(value))
        if isinstance(value, (dict, list)):
            return json.dumps(value, sort_keys=True)
        return str(value)
