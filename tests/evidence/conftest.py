import pytest

# A real S3-compatible server on loopback (moto's, as a child process), a fresh bucket per test.
from tests.s3_server import evidence_bucket, s3_endpoint  # noqa: F401


@pytest.fixture(autouse=True)
def private_storage_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT
