import pytest


@pytest.fixture(autouse=True)
def private_storage_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT
