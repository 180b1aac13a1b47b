import pytest

from vetting.applications.models import State
from vetting.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every factory user gets a password; the production hasher's deliberate
    # slowness would dominate the run time of these service tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def history(cast):
    """A real trail: one application taken all the way to approval."""
    cast.walk_to(State.APPROVED)
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) >= 10
    return events
