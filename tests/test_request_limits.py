"""A body too large to be useful is refused from its Content-Length, unread (413),
with the portal's error page; one a little over the evidence limit still reaches the
form, which names the field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    settings.REQUEST_MAX_BYTES = 2 * 1024 * 1024


def test_a_body_over_the_request_limit_is_a_413_before_anything_reads_it(client):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    response = client.post("/accounts/login/", {"username": "x", "file": big})
    html = response.content.decode()
    assert response.status_code == 413
    assert "That upload is too large" in html and "at most 1 MB" in html


def test_the_declared_length_alone_decides_so_the_body_is_never_read(client):
    response = client.post(
        "/accounts/login/", b"x", content_type="application/octet-stream", CONTENT_LENGTH="9" * 12
    )
    assert response.status_code == 413


def test_a_body_under_the_request_limit_goes_on_to_the_view(client):
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 200  # the login form, with its own error
