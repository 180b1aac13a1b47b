"""The Celery app as configured from settings: JSON only, no result backend, a time
limit on every task, late acknowledgement only where a task is idempotent, and a
beat schedule whose every entry names a registered task."""

import pytest

from vetting.celery import app

IDEMPOTENT = {
    "vetting.notifications.tasks.deliver_notification",
    "vetting.notifications.tasks.deliver_notifications",
    "vetting.notifications.tasks.sweep_outbox",
    "vetting.clearances.tasks.send_expiry_reminders",
    "vetting.applications.tasks.send_review_deadline_digest",
    "vetting.webhooks.tasks.deliver_webhook",
    "vetting.webhooks.tasks.deliver_webhooks",
    "vetting.webhooks.tasks.sweep_webhooks",
    "vetting.clearances.tasks.expire_due_clearances",
    "vetting.outbox.tasks.run_job",
    "vetting.outbox.tasks.consistency_sweep",
}


@pytest.fixture(scope="module")
def tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith("vetting.")}


def test_it_speaks_json_only_and_keeps_no_results():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.result_backend is None
    assert app.conf.task_ignore_result is True
    assert app.conf.task_acks_late is False


def test_every_task_has_a_time_limit(tasks):
    assert set(tasks) >= IDEMPOTENT
    for name, task in tasks.items():
        limit = task.time_limit or app.conf.task_time_limit
        assert limit and limit <= 600, name


def test_background_delivery_tasks_acknowledge_late_because_they_are_idempotent(tasks):
    for name in IDEMPOTENT:
        assert tasks[name].acks_late is True, name


def test_the_beat_schedule_runs_every_background_job_on_a_registered_task(tasks):
    schedule = app.conf.beat_schedule
    names = {entry["task"] for entry in schedule.values()}
    assert {
        "vetting.notifications.tasks.sweep_outbox",
        "vetting.webhooks.tasks.sweep_webhooks",
        "vetting.outbox.tasks.consistency_sweep",
        "vetting.clearances.tasks.expire_due_clearances",
        "vetting.clearances.tasks.send_expiry_reminders",
        "vetting.applications.tasks.send_review_deadline_digest",
    } <= names
    assert names <= set(tasks)
    assert schedule["outbox-sweep"]["schedule"] == 60.0
    assert schedule["clearances-expire"]["schedule"] <= 600
