"""Checking an upload by what it contains, not by what it is called."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

from .models import Evidence

ALLOWED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}


def human_size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def detect_content_type(upload) -> str:
    """The MIME type the file's first bytes show; raises ValidationError({"file": ...})."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise ValidationError({"file": "The file is empty."})
    if upload.size > limit:
        raise ValidationError(
            {
                "file": (
                    f"The file is {human_size(upload.size)}; "
                    f"files may be at most {human_size(limit)}."
                )
            }
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in ALLOWED:
        raise ValidationError(
            {
                "file": (
                    "Only PDF, PNG and JPEG files are accepted; this file's content is not one of "
                    "those, whatever its name says."
                )
            }
        )
    assert mime in Evidence.ContentType.values
    return mime
