"""Background-work benchmark (issue 18), through Redis and real Celery workers:

1. Emails: queue 10,000 outbox rows, deliver them with two worker processes
   (prefork, one child each: this machine's two cores) into a local SMTP sink
   while a worker is SIGKILLed twice (at a third and two thirds, each worker
   once) and started again; print throughput, lost, duplicated, peak worker memory.
2. Webhooks: 5,000 deliveries to a local receiver; print throughput, lost,
   duplicated.
3. Emergency fan-out: 100 cleared organizations x 10 members and 100 webhook
   endpoints; suspend the model; print the time from the suspension's commit to
   the last email and to the last webhook delivered (target: <= 10 s).

    uv run python bench/notifications/run.py
    BENCH_QUICK=1 uv run python bench/notifications/run.py   # smaller counts (CI)

A sweeper thread in this process does what beat does every minute, every second.
Environment: BENCH_BROKER_URL (default redis://127.0.0.1:6379/4), DATABASE_URL
(default: a fresh SQLite file under a temporary directory).
Exit status 1 if anything was lost; a duplicate is printed (the known window: a
kill between the SMTP server's 250 and the row's UPDATE), not failed on.
"""

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from harness import ROOT, SmtpSink, WebhookSink, Worker, tree_rss_kib

QUICK = bool(os.environ.get("BENCH_QUICK"))
EMAILS = 2_000 if QUICK else 10_000
WEBHOOKS = 1_000 if QUICK else 5_000
ORGS, MEMBERS, ENDPOINTS = (20, 10, 20) if QUICK else (100, 10, 100)
# Where the SIGKILLs land: BENCH_KILLS of them (default 2; 0 shows the clean rate,
# more measure the duplicate rate of the known window), spread over the run.
KILLS = int(os.environ.get("BENCH_KILLS", "2"))
KILL_AT = tuple((n + 1) / (KILLS + 1) for n in range(KILLS))


def environment(var: Path, smtp_port: int) -> dict:
    env = {
        **os.environ,
        "VETTING_VAR_DIR": str(var),
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/4"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{var / 'bench.sqlite3'}"),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        # A short send limit gives a short lease (1.5 x 4 + 1 s): a killed worker's
        # claims come back within seconds; the sweeper re-sends lost tasks after 3 s.
        "NOTIFICATION_SEND_TIME_LIMIT": "4",
        "OUTBOX_SWEEP_AFTER_SECONDS": "3",
        "WEBHOOK_ALLOW_LOOPBACK": "true",
        "WEBHOOK_ALLOW_HTTP": "true",
    }
    os.environ.update(env)
    return env


def sweeper(stop: threading.Event) -> None:
    from django.db import connection

    from vetting.notifications import delivery as emails
    from vetting.notifications.services import dispatch as dispatch_emails
    from vetting.webhooks import delivery as hooks
    from vetting.webhooks.services import dispatch as dispatch_hooks

    while not stop.wait(1.0):
        dispatch_emails(emails.outbox_sweep()["due"])
        dispatch_hooks(hooks.webhooks_sweep())
    connection.close()


def wait_until(done, deadline: float, worker: Worker | None = None) -> int:
    peak = 0
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)
        if worker is not None:
            peak = max(peak, tree_rss_kib(worker.process.pid))
    return peak


def emails_with_kills(env, smtp: SmtpSink) -> tuple[list, bool]:
    from django.db import transaction

    from vetting.notifications.models import Notification
    from vetting.notifications.services import notification_enqueue

    workers = [Worker(env, "worker-a").start(), Worker(env, "worker-b").start()]
    started = time.monotonic()
    for offset in range(0, EMAILS, 500):
        with transaction.atomic():
            notification_enqueue(
                template_key="model_suspended",
                recipients=[f"bench{i}@sink.example" for i in range(offset, offset + 500)],
                context={"gated_model": "Bench", "reason": "Benchmark.", "url_path": "/"},
                event_key=f"bench{offset}",
            )
    peak, kills = 0, []
    deadline = started + 120 + EMAILS / 20
    for n, share in enumerate(KILL_AT):
        reached = lambda s=share: len(smtp.seen) >= EMAILS * s  # noqa: E731
        peak = max(peak, wait_until(reached, deadline, workers[n % len(workers)]))
        victim = n % len(workers)
        workers[victim].kill()
        kills.append(len(smtp.seen))
        workers[victim] = Worker(env, workers[victim].name).start()
    peak = max(peak, wait_until(lambda: len(smtp.seen) >= EMAILS, deadline, workers[0]))
    time.sleep(2)  # anything that would arrive twice arrives now
    elapsed = smtp.last_at - started
    ids = set(Notification.objects.values_list("pk", flat=True))
    delivered = len(ids & set(smtp.seen))
    duplicated = sum(count - 1 for count in smtp.seen.values() if count > 1)
    print(f"emails queued:          {EMAILS} (worker SIGKILLed after {kills} delivered)")
    print(f"  delivered / lost / duplicated: {delivered} / {EMAILS - delivered} / {duplicated}")
    print(
        f"  throughput:           {delivered / elapsed:.0f} emails/s "
        f"({elapsed:.1f} s from first commit to last delivery, kills included)"
    )
    print(f"  peak worker memory:   {peak / 1024:.0f} MiB RSS (one worker: main + child)")
    statuses = Counter(Notification.objects.values_list("status", flat=True))
    print(f"  outbox statuses:      {dict(statuses)}")
    return workers, delivered == EMAILS


def webhooks(hooks: WebhookSink) -> bool:
    from django.db import transaction

    from vetting.webhooks.models import WebhookDelivery, WebhookEndpoint
    from vetting.webhooks.services import webhook_event_record

    endpoints = [
        WebhookEndpoint.objects.create(name=f"Gateway {i}", url=hooks.url) for i in range(10)
    ]
    started = time.monotonic()
    for event in range(WEBHOOKS // len(endpoints)):
        with transaction.atomic():
            webhook_event_record(event_type="model.restored", data={}, event_key=f"e{event}")
    wait_until(lambda: len(hooks.seen) >= WEBHOOKS, started + 60 + WEBHOOKS / 20)
    elapsed = hooks.last_at - started
    delivered = len(hooks.seen)
    duplicated = sum(count - 1 for count in hooks.seen.values() if count > 1)
    print(f"webhooks queued:        {WEBHOOKS} ({len(endpoints)} endpoints, one receiver)")
    print(f"  delivered / lost / duplicated: {delivered} / {WEBHOOKS - delivered} / {duplicated}")
    print(f"  throughput:           {delivered / elapsed:.0f} deliveries/s ({elapsed:.1f} s)")
    WebhookEndpoint.objects.filter(pk__in=[e.pk for e in endpoints]).update(is_active=False)
    WebhookDelivery.objects.all().delete()
    return delivered == WEBHOOKS


def fan_out(smtp: SmtpSink, hooks: WebhookSink) -> bool:
    from django.db import transaction
    from django.db.models.signals import post_save

    from tests.factories import Cast, make_org
    from vetting.accounts.models import User
    from vetting.applications.models import State
    from vetting.gated_models.models import GatedModel
    from vetting.gated_models.services import gated_model_suspend
    from vetting.notifications.models import Notification
    from vetting.organizations.models import Membership
    from vetting.webhooks.models import WebhookDelivery, WebhookEndpoint

    seeding = time.monotonic()
    cast = Cast()

    def person(n: int):  # no password: hashing 1,000 of them is not under test
        return User.objects.create(email=f"fan{n}@members.example", password="!")  # noqa: S106

    for o in range(ORGS):
        cast.applicant = person(o * MEMBERS)
        cast.org = make_org(admin=cast.applicant)
        Membership.objects.bulk_create(
            Membership(user=person(o * MEMBERS + m), organization=cast.org, role="member")
            for m in range(1, MEMBERS)
        )
        cast.walk_to(State.APPROVED)
    for i in range(ENDPOINTS):
        WebhookEndpoint.objects.create(name=f"Gateway fan-out {i}", url=hooks.url)
    print(
        f"fan-out:                {ORGS} cleared organizations x {MEMBERS} members, "
        f"{ENDPOINTS} endpoints (seeded in {time.monotonic() - seeding:.0f} s)"
    )
    wait_until(lambda: not Notification.objects.filter(status="pending").exists(), seeding + 300)
    smtp.reset()
    hooks.seen.clear()
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    committed = []
    post_save.connect(  # the time of the suspension's commit
        lambda **kw: transaction.on_commit(lambda: committed.append(time.monotonic())),
        sender=GatedModel,
        weak=False,
    )
    gated_model_suspend(actor=cast.officer, gated_model_id=cast.model.pk, reason="Order 7.")
    commit_at = committed[-1]
    mails = set(
        Notification.objects.filter(template_key="model_suspended", pk__gt=before).values_list(
            "pk", flat=True
        )
    )
    deliveries = set(
        str(pk)
        for pk in WebhookDelivery.objects.filter(event_type="model.suspended").values_list(
            "pk", flat=True
        )
    )
    wait_until(lambda: mails <= set(smtp.seen) and deliveries <= set(hooks.seen), commit_at + 120)
    email_s = max(smtp.last_at - commit_at, 0)
    hook_s = max(hooks.last_at - commit_at, 0)
    got_mail, got_hooks = len(mails & set(smtp.seen)), len(deliveries & set(hooks.seen))
    print(f"  emails:               {got_mail}/{len(mails)}, the last {email_s:.2f} s after commit")
    print(f"  webhooks:             {got_hooks}/{len(deliveries)}, the last {hook_s:.2f} s after")
    verdict = "met" if max(email_s, hook_s) <= 10 else "MISSED"
    print(f"  target (last delivery <= 10 s after the suspension's commit): {verdict}")
    return got_mail == len(mails) == ORGS * MEMBERS and got_hooks == len(deliveries) == ENDPOINTS


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="vetting-bench-"))
    smtp, hooks = SmtpSink(), WebhookSink()
    smtp.controller.start()
    env = environment(var, smtp.port)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
    import django

    django.setup()
    from vetting.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    print(f"broker / database:      {env['CELERY_BROKER_URL']} / {env['DATABASE_URL'][:8]}…")
    stop = threading.Event()
    threading.Thread(target=sweeper, args=(stop,), daemon=True).start()
    workers = []
    try:
        workers, emails_ok = emails_with_kills(env, smtp)
        hooks_ok = webhooks(hooks)
        fan_ok = fan_out(smtp, hooks)
    finally:
        stop.set()
        for worker in workers:
            worker.stop()
        smtp.controller.stop()
    sys.exit(0 if emails_ok and hooks_ok and fan_ok else 1)


if __name__ == "__main__":
    main()
