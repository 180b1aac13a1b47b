"""One outbox for every durable background job.

Work that must happen after a commit is written as a row in the same
transaction, then handed to the broker after the commit. A broker that is down at
that moment only delays the work: the sweeper finds the row and hands it over
again. Three tables hold such rows — emails (``notifications.Notification``),
webhook deliveries (``webhooks.WebhookDelivery``) and every other job
(``outbox.Job``: starting a review, re-screening after a list import) — and all
three go through one engine, ``vetting.outbox.lease.Queue``: claim by
conditional UPDATE, a lease, retry with backoff and jitter, dead letter after N
attempts, and the sweep that recovers abandoned claims and lost tasks.

The outbox knows nothing of the domain: apps register what they run
(``vetting.outbox.registry.job``) and the consistency checks that find work
nobody queued (``registry.consistency_check``).
"""
