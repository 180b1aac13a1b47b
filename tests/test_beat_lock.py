"""A second celery beat never double-sends the schedule: it stands by while the first
holds the beat lock and takes over when the first dies. Real beat processes, on the
database the suite runs on (an advisory lock on PostgreSQL, a file lock on SQLite)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connections

from vetting import beat_lock

ROOT = Path(__file__).resolve().parent.parent
SENT = "Sending due task clearances-expire"


class Beat:
    def __init__(self, name, var_dir: Path):
        self.log = var_dir / f"beat-{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.beat_settings",
            "VETTING_VAR_DIR": str(var_dir),
            # Messages pile up in var_dir/broker, where nothing consumes them.
            "CELERY_BROKER_URL": "filesystem://",
        }
        if connections["default"].vendor == "postgresql":
            env["DATABASE_URL"] = _database_url()
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv: this interpreter
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "vetting",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(var_dir / f"schedule-{name}"),
                "--pidfile",
                "",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log.read_text()

    def sends(self) -> int:
        return self.text().count(SENT)

    def wait_for(self, words: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while words not in self.text():
            assert self.process.poll() is None, self.text()
            assert time.monotonic() < deadline, f"no {words!r} in:\n{self.text()}"
            time.sleep(0.1)

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


def _database_url() -> str:
    db = connections["default"].settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def beats(tmp_path, transactional_db):
    started = []

    def start(name):
        started.append(Beat(name, tmp_path))
        return started[-1]

    yield start
    for beat in started:
        beat.stop(signal.SIGKILL)


def test_a_second_beat_stands_by_and_takes_over_when_the_first_dies(beats):
    first = beats("first")
    first.wait_for("beat lock taken: this beat sends the schedule")
    first.wait_for(SENT)
    second = beats("second")
    second.wait_for("another beat holds the lock: standing by")

    time.sleep(3)  # six periods of the schedule
    assert first.sends() >= 3
    assert second.sends() == 0  # the expiry task is sent by one beat only

    first.stop(signal.SIGKILL)  # dies without a word: the lock goes with the process
    second.wait_for("beat lock taken over: this beat now sends the schedule")
    second.wait_for(SENT)


def test_the_lock_is_refused_to_another_process_while_this_one_holds_it(transactional_db):
    assert beat_lock.try_acquire()
    try:
        probe = (
            "import django; django.setup(); from vetting import beat_lock; "
            "print(beat_lock.try_acquire())"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vetting.settings"}
        if connections["default"].vendor == "postgresql":
            env["DATABASE_URL"] = _database_url()
        other = subprocess.run(  # noqa: S603 - fixed argv: this interpreter
            [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert other.stdout.strip() == "False", other.stderr
    finally:
        beat_lock.release()
    assert beat_lock.try_acquire()
    beat_lock.release()
