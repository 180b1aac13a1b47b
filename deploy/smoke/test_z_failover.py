"""nginx's passive failover: with host A stopped, every request through nginx is answered
by host B, sign-ins (POST) included, since a refused connection means the request was
never sent. Named to run last: it leaves host A down (deploy/ci-stack.sh down copes)."""

import os
import signal
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from .client import Client
from .conftest import PASSWORD

ACCOUNT = "noc@northwindtel.test"  # a demo applicant no other smoke test signs in as


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_with_host_a_stopped_nginx_serves_everything_from_host_b(stack):
    port_a = urlsplit(stack["WEB_HOSTS"][0]).port
    pid = int((Path(stack["STACK_DIR"]) / "pids" / f"vetting-web@{port_a}.pid").read_text())
    os.kill(pid, signal.SIGTERM)  # the gunicorn master this stack started for host A
    deadline = time.monotonic() + 40  # gunicorn's graceful timeout is 30 s
    while not refused(port_a):
        assert time.monotonic() < deadline, "host A did not stop"
        time.sleep(0.2)

    base = stack["STACK_BASE_URL"]
    for _ in range(6):
        c = Client(base, stack["STACK_SERVER_NAME"], base)
        assert c.get("/readyz").status == 200
        signed_in = c.sign_in(ACCOUNT, PASSWORD)
        assert signed_in.status == 302, signed_in.status
        assert c.get("/apply/").status == 200
    log = (Path(stack["STACK_DIR"]) / "logs" / "vetting.access.log").read_text()
    assert f"up=127.0.0.1:{port_a}, 127.0.0.1:" in log  # nginx tried A, then went on
