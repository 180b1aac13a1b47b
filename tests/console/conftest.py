import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from vetting.accounts.mfa import ensure_totp_device

KEY = "3132333435363738393031323334353637383930"


def verified_client(user) -> Client:
    """A client signed in with password and TOTP, as the login pages would leave it."""
    device = ensure_totp_device(user, KEY)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def console():
    return verified_client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness is not under test here; it made this suite 10x slower."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
