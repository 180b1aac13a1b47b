"""gunicorn settings for production (and bench/check_load, which measures them):

    gunicorn -c python:vetting.gunicorn_conf vetting.wsgi

Gateways call the check many times a second over keep-alive connections, so the
worker is ``gthread`` (a sync worker closes every connection after one request).
Environment: ``WEB_BIND`` (default 0.0.0.0:8000), ``WEB_CONCURRENCY`` (worker
processes, default 2 x cores + 1), ``WEB_THREADS`` (threads per worker, default 2),
``WEB_KEEPALIVE`` (seconds an idle connection is kept; set it above the idle timeout
of the proxy or gateway in front, default 30).
"""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
worker_class = "gthread"
# One thread per worker: threads of one process share the GIL, and on 2 cores a
# second thread lengthened the check's latency tail (p99 at half load 10-15 ms
# against 7-8 ms) without adding throughput. More workers instead.
threads = int(os.environ.get("WEB_THREADS", "1"))
keepalive = int(os.environ.get("WEB_KEEPALIVE", "30"))
# Each worker listens on its own SO_REUSEPORT socket and the kernel spreads new
# connections over them evenly. With one shared socket, whichever worker wakes
# first accepts: a gateway opening 8 keep-alive connections at once was seen to
# put all 8 on one worker, halving throughput for as long as they stayed open.
reuse_port = True
# Import Django and the project once, in the master, before forking: workers start
# ready (and share those pages) instead of importing on their first request.
preload_app = True
