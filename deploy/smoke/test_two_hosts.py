"""Two gunicorn hosts behind one nginx share everything a person's work needs: a session
made through nginx is valid on either host, and evidence uploaded on host A downloads,
byte for byte, from host B (shared S3-compatible storage when the stack has one)."""

import os
import re

from .client import Client
from .conftest import PASSWORD

ACCOUNT = "chief@metro911.test"  # the demo applicant with a draft application


def pdf(marker: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        + f"% {marker}\n".encode()
        + os.urandom(2048).hex().encode()
        + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def test_a_session_works_on_both_hosts_and_evidence_uploaded_on_a_downloads_on_b(stack):
    base = stack["STACK_BASE_URL"]
    host_a, host_b = stack["WEB_HOSTS"]
    via_nginx = Client(base, stack["STACK_SERVER_NAME"], base)
    signed_in = via_nginx.sign_in(ACCOUNT, PASSWORD)
    assert signed_in.status == 302, signed_in.status
    on_a, on_b = via_nginx.on(host_a), via_nginx.on(host_b)
    for host in (on_a, on_b):
        dashboard = host.get("/apply/")
        assert dashboard.status == 200, (host.base, dashboard.status)
        assert ACCOUNT in dashboard.text or "Metro" in dashboard.text

    draft = re.search(r"/apply/applications/(\d+)/", on_a.get("/apply/").text)
    assert draft, "the draft applicant's dashboard links to no application"
    evidence_step = f"/apply/applications/{draft.group(1)}/steps/evidence/"
    form = on_a.get(evidence_step)
    assert form.status == 200, form.status
    content = pdf(f"two-host-{os.getpid()}")
    name = f"two-host-{os.getpid()}.pdf"
    uploaded = on_a.post_file(
        evidence_step,
        {"description": "Uploaded on host A"},
        form.csrf_token(),
        name,
        content,
        "application/pdf",
    )
    assert uploaded.status == 302, (uploaded.status, uploaded.text[:500])

    listing = on_b.get(evidence_step).text  # host B lists what host A stored
    match = re.search(r'href="(/apply/evidence/(\d+)/)"[^>]*>\s*' + re.escape(name), listing)
    assert match, f"host B's evidence step does not list {name}"
    downloaded = on_b.get(match.group(1))
    assert downloaded.status == 200, downloaded.status
    assert downloaded.body == content
    assert name in downloaded.headers["Content-Disposition"]
