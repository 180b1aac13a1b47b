"""The worker and the one beat do their work on the stack: a password-reset request made
through nginx is delivered by the worker (the stack's mail backend writes files under
VETTING_VAR_DIR/mail), and beat queues the periodic sweeps, which the worker runs."""

import json
import os
import re
import time
from pathlib import Path

from vetting import audit_verifier as trail

from .client import Client

SWEPT = re.compile(r"Task vetting\.notifications\.tasks\.sweep_outbox\[[^]]+\] succeeded")
ACCOUNT = "it@prairiegrain.test"  # a demo applicant no other smoke test uses


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")


def test_the_worker_delivers_mail_queued_by_a_web_request(stack):
    mail = Path(stack["STACK_DIR"]) / "var" / "mail"
    before = set(mail.glob("*.log"))
    c = Client(stack["STACK_BASE_URL"], stack["STACK_SERVER_NAME"], stack["STACK_BASE_URL"])
    form = c.get("/accounts/password/reset/")
    sent = c.post_form("/accounts/password/reset/", {"email": ACCOUNT}, csrf=form.csrf_token())
    assert sent.status == 302, sent.status

    def delivered():
        return [
            f for f in set(mail.glob("*.log")) - before if ACCOUNT in f.read_text(errors="replace")
        ]

    files = wait_for(delivered, 90, f"the reset mail to {ACCOUNT}")
    text = files[0].read_text()
    assert f"{stack['STACK_BASE_URL']}/accounts/reset/" in text  # VETTING_BASE_URL's links


def test_beat_queues_the_sweeps_and_the_worker_runs_them(stack):
    """Only beat queues outbox-sweep (nothing else sends that task), so the worker running
    it shows both at work."""
    stack_dir = Path(stack["STACK_DIR"])
    beat_pid = int((stack_dir / "pids" / "vetting-beat.pid").read_text())
    os.kill(beat_pid, 0)  # beat is still running (raises if it has died)
    worker_log = stack_dir / "logs" / "vetting-worker.log"
    # The first sweep is due 60 s after beat starts (this file runs late: it has passed).
    wait_for(
        lambda: SWEPT.search(worker_log.read_text(errors="replace")),
        120,
        "the worker to run an outbox-sweep queued by beat",
    )


def test_the_worker_signs_audit_checkpoints_that_the_published_key_verifies(stack):
    """seed_demo's clearances queued checkpoints; the worker wrote them to the log under
    the stack's var directory; the key nginx serves verifies every one."""
    log = Path(stack["STACK_DIR"]) / "var" / "audit-checkpoints.jsonl"
    wait_for(lambda: log.exists() and log.read_text().strip(), 90, "a signed checkpoint")
    c = Client(stack["STACK_BASE_URL"], stack["STACK_SERVER_NAME"], stack["STACK_BASE_URL"])
    published = c.get("/api/v1/audit/keys")
    assert published.status == 200, published.status
    keys = dict(trail.parse_public_key(k["public_key"]) for k in json.loads(published.text)["keys"])
    checkpoints = list(trail.read_jsonl(log.read_text().splitlines(), str(log)))
    assert trail.check_checkpoint_log(checkpoints, keys, str(log)) == checkpoints
    assert checkpoints[-1]["count"] > 0
