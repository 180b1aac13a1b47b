"""gunicorn settings for production (and bench/check_load, which measures them):

    gunicorn -c python:vetting.gunicorn_conf vetting.wsgi

Every request this application serves is short and bound by CPU or the database
(mail, webhooks and screening run in Celery), so the worker is gunicorn's default
``sync`` one, behind a buffering TLS proxy (nginx, a load balancer) as gunicorn
requires for it; the proxy keeps the gateways' connections alive. Measured on 2
cores against ``gthread`` (keep-alive, 1 or 2 threads): the same peak throughput,
and a shorter latency tail at half load, since a request is not handed between a
polling thread and a worker thread.

The default is one worker process per core plus one, not gunicorn's suggested
2 x cores + 1: the requests wait on little (the check answers most asks from the
worker's memo, the database is a round trip of 0.1-0.2 ms), so more processes only
contend for the cores. Measured by bench/check_load on 2 cores, in alternate runs:
3 workers against 5, peak 3,270-3,390 against 2,600-3,410 requests/s, and the
warm check's p99 at half its peak 4.8 against 5.7-6.6 ms. Where the database is
across a network and requests do wait on it, raise WEB_CONCURRENCY.

Environment: ``WEB_BIND`` (default 0.0.0.0:8000), ``WEB_CONCURRENCY`` (worker
processes, default cores + 1), ``WEB_WORKER_CLASS`` (``gthread`` to serve
keep-alive connections without a proxy in front), ``WEB_THREADS`` and
``WEB_KEEPALIVE`` (gthread only; defaults 1 and 30 s).
"""

import gc
import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
worker_class = os.environ.get("WEB_WORKER_CLASS", "sync")
threads = int(os.environ.get("WEB_THREADS", "1"))
keepalive = int(os.environ.get("WEB_KEEPALIVE", "30"))
# gthread: each worker listens on its own SO_REUSEPORT socket and the kernel spreads
# new connections over them evenly. With one shared socket, whichever worker wakes
# first accepts: 8 keep-alive connections opened at once were seen to land all on
# one worker, halving throughput for as long as they stayed open. sync: one shared
# socket, from which an idle worker takes the next connection; per-worker sockets
# would queue a request behind a busy worker while another idles (measured: lower
# throughput and a longer tail at peak and at half load).
reuse_port = worker_class != "sync"
# Import Django and the project once, in the master, before forking: workers start
# ready (and share those pages) instead of importing on their first request.
preload_app = True


def when_ready(server):
    """In the master, after the preload and before the first fork: move what the
    import made out of the garbage collector's sight, so workers' collections do not
    walk (and copy) those shared pages."""
    gc.freeze()
