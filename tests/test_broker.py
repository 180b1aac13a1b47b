"""The embedded broker (vetting.broker): a worker polling the queue directory
while another process writes never reads a half-written message.

kombu's stock filesystem transport loses a few messages in this test (the
consumer reads a file created but not yet written: kombu issue #1551); that is
what stopped a worker in CI.
"""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from kombu import Connection

TRANSPORT = "vetting.broker:Transport"
COUNT = 3000
ROOT = Path(__file__).resolve().parent.parent


def options(folder: Path) -> dict:
    return {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder.with_name(folder.name + "-control")),
        "polling_interval": 0.001,
    }


def connect(folder: Path) -> Connection:
    return Connection("filesystem://", transport=TRANSPORT, transport_options=options(folder))


PUBLISHER = f"""
COUNT = {COUNT}
import json, sys
from kombu import Connection
options = json.loads(sys.argv[2])
with Connection("filesystem://", transport=sys.argv[1], transport_options=options) as c:
    q = c.SimpleQueue("stress")
    for i in range(int(sys.argv[3]), int(sys.argv[3]) + COUNT):
        q.put({{"i": i, "pad": "x" * 2000}})
"""


def drain(queue, count: int, seconds: float) -> tuple[set[int], list[Exception]]:
    received, errors = set(), []
    deadline = time.monotonic() + seconds
    while len(received) < count and time.monotonic() < deadline:
        try:
            message = queue.get(timeout=0.5)
        except queue.Empty:
            continue
        except Exception as exc:  # what a worker's consumer would die of
            errors.append(exc)
            continue
        received.add(message.payload["i"])
        message.ack()
    return received, errors


# kombu keeps exchange bindings per process, not per folder: each test here uses
# its own queue name so that its folder gets its own binding.


def test_a_consumer_reading_while_another_process_publishes_gets_every_message_whole(tmp_path):
    folder = tmp_path / "broker"
    folder.mkdir()
    publishers = [
        subprocess.Popen(  # noqa: S603 - this interpreter, our script
            [sys.executable, "-c", PUBLISHER, TRANSPORT, json.dumps(options(folder)), str(first)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for first in (0, COUNT)
    ]
    try:
        with connect(folder) as c:
            received, errors = drain(c.SimpleQueue("stress"), 2 * COUNT, seconds=60)
    finally:
        for publisher in publishers:
            publisher.wait(timeout=60)

    assert [publisher.returncode for publisher in publishers] == [0, 0]
    assert errors == []
    assert received == set(range(2 * COUNT))
    assert not list(folder.glob("*.part")), "a finished message was left under its partial name"


class Recorded(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_an_undecodable_message_file_is_set_aside_and_the_next_one_is_delivered(tmp_path):
    folder = tmp_path / "broker"
    folder.mkdir()
    recorded = Recorded()
    logging.getLogger("vetting.broker").addHandler(recorded)
    try:
        with connect(folder) as c:
            queue = c.SimpleQueue("corrupt")
            (folder / "0_corrupt.corrupt.msg").write_bytes(b"")  # sorts first: read first
            queue.put({"job": "after"})
            message = queue.get(timeout=5)
            message.ack()
    finally:
        logging.getLogger("vetting.broker").removeHandler(recorded)

    assert message.payload == {"job": "after"}
    assert list(folder.iterdir()) == []
    assert recorded.messages == ["broker: an undecodable message on queue corrupt was set aside"]


def test_a_message_still_being_written_is_not_read(tmp_path):
    folder = tmp_path / "broker"
    folder.mkdir()
    with connect(folder) as c:
        queue = c.SimpleQueue("partial")
        queue.put({"job": "whole"})
        (whole,) = folder.iterdir()
        # What a publisher killed mid-write leaves behind: a file under its partial name.
        (folder / (whole.name + ".part")).write_bytes(b'{"bo')

        delivered = queue.get(timeout=5)
        delivered.ack()
        assert delivered.payload == {"job": "whole"}
        try:
            queue.get(timeout=0.5)
            raise AssertionError("the partial file was delivered")
        except queue.Empty:
            pass
