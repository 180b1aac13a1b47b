"""The embedded Celery broker: kombu's filesystem transport, made safe to read
while another process writes.

kombu's own ``_put`` creates the message file and only then writes into it, and
its ``_get`` moves and reads files without waiting for the writer's lock. A
worker polling at the wrong instant reads an empty file, fails to decode it
and its consumer stops taking messages (kombu issue #1551, open). The same
window exists when a fanout exchange's table is first written.

Here a message is written under a name the reader skips (it does not end in
``.<queue>.msg``) and renamed into place when complete: a rename within one
directory is atomic, so a reader sees the whole message or nothing. A file that
still does not decode (left by an older version, or a disk fault) is logged
and set aside rather than stopping the consumer.

``vetting.celery`` makes it what ``filesystem://`` means.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".part"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + PARTIAL_SUFFIX
        try:
            with open(partial, "wb", buffering=0) as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue):
        while True:
            try:
                return super()._get(queue)
            except json.JSONDecodeError:
                # super() has already moved the file out of the queue: only
                # this message is lost, and the outbox sweep re-sends its work.
                log.error("broker: an undecodable message on queue %s was set aside", queue)

    def get_table(self, exchange):
        try:
            return super().get_table(exchange)
        except json.JSONDecodeError:
            # The table is being created this instant: no queue is bound yet.
            return []


class Transport(filesystem.Transport):
    Channel = Channel
