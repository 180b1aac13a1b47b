import pytest
from django.utils import timezone

from tests.factories import make_model, make_org, make_user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The production hasher's deliberate slowness would dominate these view tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_storage_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def applicant(db):
    return make_user(email_verified_at=timezone.now(), first_name="Ada", last_name="Admin")


@pytest.fixture
def org(applicant):
    return make_org(admin=applicant)


@pytest.fixture
def model(db):
    return make_model()


@pytest.fixture
def signed_in(client, applicant, org):
    client.force_login(applicant)
    return client
