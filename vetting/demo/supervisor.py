"""rundemo's process supervisor: runs the web server, a worker and beat side by side,
prints their output with a name per line (honcho's printer), and restarts any that
exits, after a back-off that doubles while it keeps dying quickly (1 s up to 30 s,
back to 1 s once a run has lasted a minute). Each restart is logged once. Only
Ctrl-C (SIGINT) or SIGTERM stops everything: then each main process gets SIGTERM,
and its whole group SIGKILL after KILL_WAIT seconds.

Each process runs in its own session and process group, so a worker's pool
children go with it: when a worker's main process dies, what is left of its group
is killed before a new one starts (no orphan keeps consuming from the broker).
"""

from __future__ import annotations

import contextlib
import datetime
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from honcho.colour import get_colours
from honcho.printer import Message, Printer

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
STEADY_SECONDS = 60.0  # a run this long resets the back-off
KILL_WAIT = 10.0
SYSTEM = "system"
SIGNAL_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


@dataclass
class Program:
    name: str
    argv: list[str]
    env: dict[str, str] | None
    colour: str | None
    popen: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    delay: float = 0.0
    restarts: int = 0
    running: bool = field(default=False)


def describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


class Supervisor:
    def __init__(self, output=None):
        self.events: queue.Queue = queue.Queue()
        self.printer = Printer(output or sys.stdout, width=len(SYSTEM))
        self.programs: dict[str, Program] = {}
        self._colours = get_colours()
        self.stopping_since: float | None = None
        self.returncode = 0

    def add(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.programs[name] = Program(name, argv, env, next(self._colours))
        self.printer.width = max(self.printer.width, len(name))

    # --- output -----------------------------------------------------------
    def say(self, text: str, name: str = SYSTEM, colour: str | None = None) -> None:
        now = datetime.datetime.now()
        self.printer.write(Message("line", text + "\n", now, name, colour))

    # --- processes --------------------------------------------------------
    def _start(self, program: Program) -> None:
        program.popen = subprocess.Popen(  # noqa: S603 - argv built by rundemo, no shell
            program.argv,
            env=program.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        program.started_at = time.monotonic()
        program.restart_at = None
        program.running = True
        self.say(f"{program.name} started (pid {program.popen.pid})")
        popen = program.popen
        threading.Thread(target=self._read, args=(program, popen), daemon=True).start()
        threading.Thread(target=self._wait, args=(program, popen), daemon=True).start()

    def _read(self, program: Program, popen: subprocess.Popen) -> None:
        for line in iter(popen.stdout.readline, b""):
            self.events.put(("line", program, line))
        popen.stdout.close()

    def _wait(self, program: Program, popen: subprocess.Popen) -> None:
        returncode = popen.wait()
        with contextlib.suppress(ProcessLookupError):  # the rest of its group: pool children
            os.killpg(popen.pid, signal.SIGKILL)
        self.events.put(("exit", program, returncode))

    def _exited(self, program: Program, returncode: int) -> None:
        program.running = False
        ran = time.monotonic() - program.started_at
        if self.stopping_since is not None:
            self.say(f"{program.name} stopped ({describe(returncode)})")
            return
        if ran >= STEADY_SECONDS or program.delay == 0:
            program.delay = BACKOFF_FIRST
        else:
            program.delay = min(BACKOFF_MAX, program.delay * 2)
        program.restarts += 1
        program.restart_at = time.monotonic() + program.delay
        self.say(
            f"{program.name} exited ({describe(returncode)}) after {ran:.0f} s; "
            f"restart {program.restarts} in {program.delay:.0f} s"
        )

    def _signal(self, signum, frame) -> None:
        if self.stopping_since is not None:
            return
        self.returncode = SIGNAL_CODES[signum]
        self.stopping_since = time.monotonic()
        self.say(f"{signal.Signals(signum).name} received: stopping everything")
        for program in self.programs.values():
            program.restart_at = None
            if program.running:
                # The main process only: a worker then finishes its tasks (warm
                # shutdown) and stops its own pool; the group gets SIGKILL later.
                program.popen.send_signal(signal.SIGTERM)

    def _send(self, program: Program, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(program.popen.pid, signum)

    def run(self) -> int:
        signal.signal(signal.SIGINT, self._signal)
        signal.signal(signal.SIGTERM, self._signal)
        for program in self.programs.values():
            self._start(program)
        killed = False
        while True:
            try:
                kind, program, data = self.events.get(timeout=0.2)
            except queue.Empty:
                pass
            else:
                if kind == "line":
                    self.printer.write(
                        Message("line", data, datetime.datetime.now(), program.name, program.colour)
                    )
                else:
                    self._exited(program, data)
            now = time.monotonic()
            if self.stopping_since is None:
                for program in self.programs.values():
                    if program.restart_at is not None and now >= program.restart_at:
                        self._start(program)
                continue
            if not any(program.running for program in self.programs.values()):
                return self.returncode
            if not killed and now - self.stopping_since > KILL_WAIT:
                killed = True
                for program in self.programs.values():
                    if program.running:
                        self.say(f"{program.name} did not stop in {KILL_WAIT:.0f} s: SIGKILL")
                        self._send(program, signal.SIGKILL)
