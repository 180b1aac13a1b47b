"""The one-command demo holds up when a team uses it (README's first command).

Several processes queue email for STRESS_SECONDS (two minutes by default) while
pages are served: the worker never dies, every message is delivered exactly
once. Then the worker is killed with SIGKILL: the site keeps answering, a new
worker runs within 10 s and does what was queued meanwhile. Ctrl-C stops it all.
"""

import os
import signal
import threading
import time
from collections import Counter

import pytest

from tests.notifications.support import Sink, wait_for

from .support import Demo, page_loop

pytestmark = pytest.mark.embedded

STRESS_SECONDS = float(os.environ.get("STRESS_SECONDS", "120"))
ENQUEUERS = 3
PAGES = ["/apply/", "/accounts/login/", "/admin/login/", "/readyz"]


@pytest.fixture(scope="module")
def smtp():
    sink = Sink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory, smtp):
    running = Demo(tmp_path_factory.mktemp("demo-var"), smtp.port, OUTBOX_SWEEP_INTERVAL_SECONDS=10)
    try:
        running.start()
        yield running
    finally:
        returncode = running.stop()
        print("".join(running.output[-150:]))  # shown when a test fails
    assert returncode == 130, "Ctrl-C did not stop the demo cleanly"


def recipients(smtp, domain: str) -> Counter:
    return Counter(m["To"] for m in list(smtp.messages) if m["To"].endswith(domain))


def test_several_processes_queueing_mail_while_pages_are_served_lose_and_repeat_nothing(demo, smtp):
    stop, answers = threading.Event(), Counter()
    pages = threading.Thread(target=page_loop, args=(demo, PAGES, stop, answers), daemon=True)
    pages.start()
    enqueuers = [demo.enqueue(f"p{n}", STRESS_SECONDS) for n in range(ENQUEUERS)]
    queued = 0
    for enqueuer in enqueuers:
        out, _ = enqueuer.communicate(timeout=STRESS_SECONDS + 120)
        assert enqueuer.returncode == 0
        queued += int(out.strip().splitlines()[-1])

    def all_sent():
        return demo.notification_statuses()["sent"] == queued

    drained_from = time.monotonic()
    try:
        wait_for(all_sent, timeout=180, interval=1, what=f"all {queued} stress emails sent")
    finally:
        stop.set()
        pages.join(30)
    lag = time.monotonic() - drained_from
    print(f"queued {queued}; the last one sent {lag:.1f} s after the last was queued")
    time.sleep(2)  # a duplicate would arrive now

    got = recipients(smtp, "@stress.example")
    assert queued >= 5 * STRESS_SECONDS  # the load was real: at least 5 emails a second
    assert sum(got.values()) == queued, "a message was lost or sent twice"
    assert set(got.values()) == {1}
    assert demo.notification_statuses() == Counter(sent=queued)
    assert set(answers) == {200}, f"pages answered {dict(answers)}"
    assert demo.lines(r"system \| \w+ exited") == [], "a process died under load"
    assert demo.lines(r"Unrecoverable error|JSONDecodeError") == []


def test_a_worker_killed_outright_is_back_within_10_s_and_the_site_never_stops(demo, smtp):
    old = demo.worker_pid()
    os.kill(old, signal.SIGKILL)
    killed_at = time.monotonic()
    late = demo.enqueue("late", 0.01)  # queued while no worker runs
    assert late.wait(60) == 0

    answers = Counter()
    while time.monotonic() - killed_at < 10:
        answers[demo.get("/apply/")] += 1
        time.sleep(0.2)
    assert set(answers) == {200}, f"the site answered {dict(answers)} while the worker was down"
    new = demo.worker_pid()
    assert new != old, "no new worker within 10 s"
    restarted = demo.lines(r"system \| worker exited \(killed by SIGKILL\).*restart 1 in 1 s")
    assert len(restarted) == 1, "the restart is logged once"

    wait_for(
        lambda: recipients(smtp, "@stress.example")["late-0@stress.example"] == 1,
        timeout=60,
        what="the email queued while the worker was down",
    )
    assert demo.lines(r"system \| (web|beat) (exited|stopped)") == []
