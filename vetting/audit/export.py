"""The signed JSON-lines export of the audit trail, for auditors.

Line 1 is a header, then every checkpoint of the local log, then every event in chain
order (its canonical fields, id and hash), then a signature line: the audit key's
signature over the SHA-256 of all lines before it, with the count and last hash. It
verifies with ``vetting/audit_verifier.py`` alone, no database needed.
"""

import hashlib
import json

from django.utils import timezone

from vetting import audit_verifier as trail

from . import checkpoints
from .models import GENESIS_HASH, AuditChainHead
from .services import event_rows


def export_lines():
    """The export, line by line (streamed: constant memory however long the trail)."""
    head = AuditChainHead.objects.filter(id=1).first()
    count = head.count if head else 0
    digest = hashlib.sha256()

    def line(record: dict) -> str:
        text = json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"
        digest.update(text.encode())
        return text

    now = timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    yield line(
        {
            "type": "header",
            "format": trail.EXPORT_FORMAT,
            "exported_at": now,
            "keys": checkpoints.published_keys(),
        }
    )
    for checkpoint in checkpoints.read_log():
        yield line({"type": "checkpoint", "checkpoint": checkpoint})
    written, last_hash = 0, GENESIS_HASH
    for event_id, fields, stored in event_rows():
        if written == count:  # appended after the export began
            break
        yield line({"type": "event", "id": event_id, "hash": stored, **fields})
        written, last_hash = written + 1, stored
    yield (
        json.dumps(
            checkpoints.sign(
                {
                    "type": "signature",
                    "exported_at": now,
                    "count": written,
                    "last_hash": last_hash,
                    "sha256": digest.hexdigest(),
                }
            ),
            sort_keys=True,
        )
        + "\n"
    )
