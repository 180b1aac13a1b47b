# The broker fault tests use the notification tests' SMTP sink (a submission emails).
from tests.notifications.conftest import smtp  # noqa: F401
