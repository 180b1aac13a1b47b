"""Where evidence files live: the named storage ``STORAGES["evidence"]``.

By default, private files on this host under ``settings.PRIVATE_STORAGE_ROOT``.
With ``EVIDENCE_S3_BUCKET`` set, a private S3-compatible bucket shared by every
web host. Neither backend hands out a URL: files are read only by the
access-checked download view, which streams them.
"""

import os
from collections.abc import Mapping

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

NO_URL = "Evidence has no URL; it is served only by the access-checked download view."


class PrivateStorage(FileSystemStorage):
    """Files under ``settings.PRIVATE_STORAGE_ROOT``, read at each use (tests move it);
    no URL: files are served only by the access-checked download view."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError(NO_URL)


def evidence_storage_settings(environ: Mapping[str, str] | None = None) -> dict:
    """The ``STORAGES["evidence"]`` entry for ``environ`` (the process environment
    by default).

    ``EVIDENCE_S3_BUCKET`` (non-empty) selects S3; ``EVIDENCE_S3_ENDPOINT_URL`` points
    at an S3-compatible server (path-style addressing then), ``EVIDENCE_S3_REGION``
    defaults to us-east-1, ``EVIDENCE_S3_PREFIX`` (default empty) is prepended to every
    key. Credentials are not settings: boto3 finds them itself (AWS_ACCESS_KEY_ID /
    AWS_SECRET_ACCESS_KEY, an instance role, ...).
    """
    environ = os.environ if environ is None else environ
    bucket = environ.get("EVIDENCE_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "vetting.evidence.storage.PrivateStorage"}
    endpoint = environ.get("EVIDENCE_S3_ENDPOINT_URL", "").strip() or None
    return {
        "BACKEND": "vetting.evidence.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": environ.get("EVIDENCE_S3_REGION", "").strip() or "us-east-1",
            "location": environ.get("EVIDENCE_S3_PREFIX", "").strip().strip("/"),
            # S3-compatible servers (MinIO, Ceph, moto) answer path-style requests
            # whatever their DNS; AWS itself keeps its default.
            "addressing_style": "path" if endpoint else None,
            # No ACL header: objects are private to the bucket owner. (A canned
            # "private" would be refused by AWS buckets with ACLs disabled, the
            # default since 2023; "public-read" is never sent.)
            "default_acl": None,
            "querystring_auth": True,
            "custom_domain": None,
            "file_overwrite": False,
            # Downloads are buffered up to 1 MiB in memory, then in a temporary file.
            "max_memory_size": 1024 * 1024,
        },
    }


def evidence_storage() -> Storage:
    """The evidence storage as configured now (looked up at each call, so a test
    that changes ``STORAGES`` gets the new one)."""
    return storages["evidence"]
