"""Which evidence storage the environment selects: local private files unless
EVIDENCE_S3_BUCKET names a bucket; the S3 options keep it private."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from storages.backends.s3 import S3Storage

from vetting.evidence.storage import PrivateStorage, evidence_storage, evidence_storage_settings

ROOT = Path(__file__).resolve().parents[2]


def test_without_a_bucket_evidence_stays_in_local_private_files(settings, private_storage_root):
    for environ in ({}, {"EVIDENCE_S3_BUCKET": "  ", "EVIDENCE_S3_REGION": "eu-west-1"}):
        assert evidence_storage_settings(environ) == {
            "BACKEND": "vetting.evidence.storage.PrivateStorage"
        }
    settings.STORAGES = {**settings.STORAGES, "evidence": evidence_storage_settings({})}
    storage = evidence_storage()
    assert isinstance(storage, PrivateStorage)
    assert storage.location == str(private_storage_root)
    with pytest.raises(ValueError, match="no URL"):
        storage.url("evidence/0123.pdf")


def test_a_bucket_selects_a_private_s3_storage(settings):
    environ = {"EVIDENCE_S3_BUCKET": "vetting-evidence", "AWS_SECRET_ACCESS_KEY": "not-a-setting"}
    settings.STORAGES = {**settings.STORAGES, "evidence": evidence_storage_settings(environ)}

    storage = evidence_storage()

    assert isinstance(storage, S3Storage)
    assert storage.bucket_name == "vetting-evidence"
    assert storage.region_name == "us-east-1"
    assert storage.endpoint_url is None and storage.addressing_style is None  # AWS itself
    assert storage.location == ""  # keys are evidence/<random>.<ext>
    assert storage.default_acl is None  # no ACL header: private to the bucket owner
    assert storage.querystring_auth is True and storage.custom_domain is None
    assert storage.file_overwrite is False
    assert "not-a-setting" not in repr(settings.STORAGES["evidence"])  # boto3 finds keys itself


def test_an_s3_compatible_server_gets_its_endpoint_region_prefix_and_path_style():
    options = evidence_storage_settings(
        {
            "EVIDENCE_S3_BUCKET": "evidence",
            "EVIDENCE_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "EVIDENCE_S3_REGION": "eu-central-1",
            "EVIDENCE_S3_PREFIX": "/vetting/",
        }
    )["OPTIONS"]
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["addressing_style"] == "path"
    assert options["region_name"] == "eu-central-1"
    assert options["location"] == "vetting"
    assert "access_key" not in options and "secret_key" not in options


def test_settings_read_the_bucket_from_the_process_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_S3_", "DJANGO_"))}
    env.update(VETTING_VAR_DIR=str(tmp_path), EVIDENCE_S3_BUCKET="vetting-evidence")
    code = (
        "from django.conf import settings; from django.core.files.storage import storages; "
        "from storages.backends.s3 import S3Storage; s = storages['evidence']; "
        "print(settings.STORAGES['evidence']['BACKEND'], isinstance(s, S3Storage), s.bucket_name)"
    )
    result = subprocess.run(  # noqa: S603 - fixed argv: this interpreter running manage.py
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "vetting.evidence.s3.PrivateS3Storage",
        "True",
        "vetting-evidence",
    ]
