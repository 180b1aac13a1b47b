"""Importing list files and the in-memory index of the current list entries."""

import hashlib
import threading

from django.conf import settings
from django.db import transaction

from vetting import permissions
from vetting.audit.services import audit_record
from vetting.permissions import Action

from .importers import PARSERS, ListFormatError
from .matching import ListName, ScreeningIndex
from .models import ListEntry, ListVersion

_cache = threading.local()


@transaction.atomic
def list_import(*, actor, data: bytes, fmt: str, filename: str = "") -> tuple[ListVersion, bool]:
    """Store a list file as a new version; returns (version, created). The same file
    again returns the existing version and creates nothing. A malformed file raises
    ListFormatError (with its line) before anything is written.
    Side effects: entries, audit event, and after commit the re-screening of every
    organization with an active clearance."""
    if actor is not None:
        permissions.require(actor, Action.SCREENING_LIST_IMPORT)
    if fmt not in PARSERS:
        raise ListFormatError(0, f"unknown format {fmt!r}; use csl or sdn")
    checksum = hashlib.sha256(data).hexdigest()
    existing = ListVersion.objects.filter(checksum=checksum).first()
    if existing is not None:
        return existing, False
    parsed = PARSERS[fmt](data)
    version = ListVersion.objects.create(
        source=fmt, filename=filename[:255], checksum=checksum, rows=len(parsed), imported_by=actor
    )
    ListEntry.objects.bulk_create(
        [
            ListEntry(
                version=version,
                list_code=p.list_code,
                source_name=p.source_name[:200],
                record_id=p.record_id[:100],
                entry_type=p.entry_type[:20],
                name=p.name[:500],
                aliases=p.aliases,
                programs=p.programs,
                countries=p.countries,
                source_url=p.source_url,
            )
            for p in parsed
        ],
        batch_size=2000,
    )
    audit_record(
        actor=actor,
        action="screening.list_imported",
        obj=version,
        data={"source": fmt, "rows": len(parsed), "checksum": checksum},
    )
    from .tasks import rescreen_cleared_organizations

    transaction.on_commit(lambda: rescreen_cleared_organizations.delay(version.pk), robust=True)
    return version, True


def current_versions() -> list[ListVersion]:
    """The newest version of each source (CSL, SDN): what screening uses now."""
    versions = []
    for source in ListVersion.Format.values:
        latest = ListVersion.objects.filter(source=source).order_by("-imported_at", "-id").first()
        if latest is not None:
            versions.append(latest)
    return versions


def build_index(rows) -> ScreeningIndex:
    """The index of ``rows``: (record, name, aliases, entry_type) tuples."""
    index = ScreeningIndex(threshold=settings.SCREENING_THRESHOLD)
    for record, name, aliases, entry_type in rows:
        kind = entry_type.lower()
        index.add(ListName(record=record, text=name, kind=kind))
        for alias in aliases:
            index.add(ListName(record=record, text=alias, is_alias=True, kind=kind))
    return index


def current_index() -> tuple[ScreeningIndex, list[ListVersion]]:
    """The index of the current versions, built once per process and version set."""
    versions = current_versions()
    key = tuple((v.pk, v.checksum, v.imported_at) for v in versions)
    if getattr(_cache, "key", None) != key:
        rows = (
            ListEntry.objects.filter(version__in=versions)
            .values_list("pk", "name", "aliases", "entry_type")
            .iterator(chunk_size=5000)
        )
        _cache.key, _cache.index = key, build_index(rows)
    return _cache.index, versions
