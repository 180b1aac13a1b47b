import socket
import threading
from pathlib import Path

import dns.message
import dns.rdatatype
import dns.rrset
import pytest

from tests.factories import Cast
from vetting.screening.lists import list_import

DATA = Path(__file__).parent / "data"


@pytest.fixture
def lists(db):
    """The small CSL fixture, imported as the current list version."""
    version, _ = list_import(actor=None, data=(DATA / "csl.csv").read_bytes(), fmt="csl")
    return version


def declare(cast, app, name, **extra):
    from vetting.applications.services import personnel_save

    fields = {
        "legal_name": name,
        "work_email": f"p{app.pk}@{cast.org.domain}",
        "role": "Engineer",
        "work_country": "US",
        "us_person_status": "us_citizen",
        "citizenships": ["US"],
        **extra,
    }
    return personnel_save(actor=cast.applicant, application_id=app.pk, **fields)


class LoopbackDns:
    """A tiny authoritative DNS server on 127.0.0.1 answering TXT queries from a dict,
    built with dnspython's message parser."""

    def __init__(self):
        self.records: dict[str, list[str]] = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                wire, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".").lower()
            values = self.records.get(name, [])
            if question.rdtype == dns.rdatatype.TXT and values:
                response.answer.append(
                    dns.rrset.from_text_list(
                        question.name, 60, "IN", "TXT", [f'"{v}"' for v in values]
                    )
                )
            else:
                response.set_rcode(3)  # NXDOMAIN
            self.sock.sendto(response.to_wire(), peer)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def loopback_dns(settings):
    server = LoopbackDns()
    settings.VETTING_DNS_NAMESERVER = f"127.0.0.1:{server.port}"
    yield server
    server.stop()


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
