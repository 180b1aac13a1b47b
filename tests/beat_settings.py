"""Settings for the two real beats of tests/test_beat_lock.py: the project's settings
with the expiry task due every half second."""

from vetting.settings import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "clearances-expire": {
        "task": "vetting.clearances.tasks.expire_due_clearances",
        "schedule": 0.5,
        "options": {"expires": 60},
    }
}
BEAT_LOCK_POLL_SECONDS = 0.5
