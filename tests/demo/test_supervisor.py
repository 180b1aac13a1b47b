"""rundemo's supervisor (vetting.demo.supervisor) on its own: a program that keeps
dying is restarted with a doubling back-off, logged once per restart, and never
stops the others; Ctrl-C stops them all."""

import signal
import subprocess
import sys
import time

from tests.notifications.support import ROOT

SCRIPT = """
import sys
from vetting.demo.supervisor import Supervisor
supervisor = Supervisor()
supervisor.add("crash", [sys.executable, "-c", "import sys; print('up', flush=True); sys.exit(3)"])
supervisor.add("steady", [sys.executable, "-c", "import time; time.sleep(120)"])
sys.exit(supervisor.run())
"""


def test_a_program_that_keeps_dying_backs_off_and_ctrl_c_stops_everything():
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", SCRIPT], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    lines, started = [], time.monotonic()
    while sum("crash exited" in line for line in lines) < 4:  # at about 0, 1, 3 and 7 s
        assert time.monotonic() - started < 60, "".join(lines)
        lines.append(process.stdout.readline())
    process.send_signal(signal.SIGINT)  # before the fifth start, 8 s later
    rest, _ = process.communicate(timeout=30)
    out = "".join(lines) + rest

    assert process.returncode == 130
    restarts = [line.split("| ", 1)[1] for line in out.splitlines() if "crash exited" in line]
    assert restarts == [
        "crash exited (exit code 3) after 0 s; restart 1 in 1 s",
        "crash exited (exit code 3) after 0 s; restart 2 in 2 s",
        "crash exited (exit code 3) after 0 s; restart 3 in 4 s",
        "crash exited (exit code 3) after 0 s; restart 4 in 8 s",
    ]
    assert len(restarts) == 4
    assert out.count("crash  | up") == 4  # its own output, named
    assert "steady exited" not in out  # the other program never stopped for it
    assert "SIGINT received: stopping everything" in out
    assert "steady stopped (killed by SIGTERM)" in out
