# The webhook tests use the same real worker processes and SMTP sink as the
# notification tests (an endpoint disabled after a day emails its owners).
from tests.notifications.conftest import smtp, start_worker  # noqa: F401
