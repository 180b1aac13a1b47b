"""The S3 backend for evidence, in its own module so that boto3 is imported only
where ``EVIDENCE_S3_BUCKET`` selects it."""

from storages.backends.s3 import S3Storage

from .storage import NO_URL


class PrivateS3Storage(S3Storage):
    """A private bucket; no URL, signed or not, ever leaves the application."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)
