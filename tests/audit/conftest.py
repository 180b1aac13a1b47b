import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every factory user gets a password; the production hasher's deliberate
    # slowness would dominate the run time of these service tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
