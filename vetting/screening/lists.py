"""Importing list files and the in-memory index of the current list entries."""

import hashlib
import threading

from django.conf import settings
from django.db import transaction

from vetting import permissions
from vetting.audit.services import audit_record
from vetting.errors import DomainError
from vetting.permissions import Action

from .importers import PARSERS, ListFormatError, ParsedEntry
from .matching import ListName, ScreeningIndex
from .models import ListEntry, ListVersion

_cache = threading.local()


OFAC_COMPANIONS = {"alt": "alt.csv", "add": "add.csv"}  # files that go with sdn.csv only


def list_checksum(data: bytes, companions: dict[str, bytes]) -> str:
    """SHA-256 of the file alone (as before companions existed), or of the set: the
    same files again give the same checksum, a different alt.csv a different one."""
    if not companions:
        return hashlib.sha256(data).hexdigest()
    parts = [f"main={hashlib.sha256(data).hexdigest()}"]
    parts += [f"{role}={hashlib.sha256(blob).hexdigest()}" for role, blob in companions.items()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@transaction.atomic
def list_import(
    *,
    actor,
    data: bytes,
    fmt: str,
    filename: str = "",
    alt: bytes | None = None,
    add: bytes | None = None,
) -> tuple[ListVersion, bool]:
    """Store a list file (for the SDN, optionally with its alt.csv and add.csv) as a
    new version; returns (version, created). The same set of files again returns the
    existing version and creates nothing. A malformed file raises ListFormatError
    (naming the file and line) before anything is written.
    Side effects: entries, an audit event naming each file and its SHA-256, and after
    commit the re-screening of every organization with an active clearance."""
    if actor is not None:
        permissions.require(actor, Action.SCREENING_LIST_IMPORT)
    if fmt not in PARSERS:
        raise ListFormatError(0, f"unknown format {fmt!r}; use csl or sdn")
    companions = {role: blob for role, blob in (("alt", alt), ("add", add)) if blob is not None}
    if companions and fmt != "sdn":
        names = " and ".join(OFAC_COMPANIONS[role] for role in companions)
        raise DomainError(f"{names} can be imported only with Treasury's sdn.csv (format sdn).")
    checksum = list_checksum(data, companions)
    existing = ListVersion.objects.filter(checksum=checksum).first()
    if existing is not None:
        return existing, False
    parsed = PARSERS[fmt](data, **companions)
    version = ListVersion.objects.create(
        source=fmt, filename=filename[:255], checksum=checksum, rows=len(parsed), imported_by=actor
    )
    ListEntry.objects.bulk_create([_entry(version, p) for p in parsed], batch_size=2000)
    files = {"main": _file_facts(data) | {"filename": filename}}
    files |= {OFAC_COMPANIONS[role]: _file_facts(blob) for role, blob in companions.items()}
    audit_record(
        actor=actor,
        action="screening.list_imported",
        obj=version,
        data={"source": fmt, "rows": len(parsed), "checksum": checksum, "files": files},
    )
    from .jobs import rescreen_enqueue

    rescreen_enqueue(version)
    return version, True


def _file_facts(blob: bytes) -> dict:
    return {"sha256": hashlib.sha256(blob).hexdigest(), "bytes": len(blob)}


def _entry(version: ListVersion, p: ParsedEntry) -> ListEntry:
    return ListEntry(
        version=version,
        list_code=p.list_code,
        source_name=p.source_name[:200],
        record_id=p.record_id[:100],
        entry_type=p.entry_type[:20],
        name=p.name[:500],
        aliases=p.aliases,
        alias_types=p.alias_types,
        programs=p.programs,
        countries=p.countries,
        dates_of_birth=p.dates_of_birth,
        places_of_birth=p.places_of_birth,
        nationalities=p.nationalities,
        identifiers=p.identifiers,
        gender=p.gender[:10],
        source_url=p.source_url,
    )


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
