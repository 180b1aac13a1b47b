# The webhook tests use the same real worker processes and SMTP sink as the
# notification tests (an endpoint disabled after a day emails its owners).
import pytest

from tests.notifications.conftest import smtp, start_worker  # noqa: F401


@pytest.fixture(autouse=True)
def loopback_receivers(settings):
    """These tests' receivers listen on 127.0.0.1 (test_safety turns it off again)."""
    settings.WEBHOOK_ALLOW_LOOPBACK = True
