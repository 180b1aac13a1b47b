"""Error pages in the portal's design, with ways back and no internals (DEBUG off,
as in production and the demo)."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from tests.console.conftest import verified_client
from tests.factories import make_user

pytestmark = pytest.mark.django_db

INTERNALS = ("Traceback", "URLconf", "urlpatterns", "DEBUG = True", "Request Method")


def _assert_page(response, status, heading):
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert "uswds.min.css" in html and 'href="/apply/"' in html
    assert not any(word in html for word in INTERNALS)


def test_a_stale_link_gets_the_portal_404(client):
    from django.utils import timezone

    client.force_login(make_user(email_verified_at=timezone.now()))
    _assert_page(client.get("/apply/applications/999999/"), 404, "We cannot find that page")
    _assert_page(client.get("/no/such/page/"), 404, "We cannot find that page")


def test_a_refused_console_page_gets_the_403(cast):
    response = verified_client(cast.sector).get("/admin/audit/auditevent/export.csv")
    _assert_page(response, 403, "You are not allowed to do this")


def test_a_tampered_query_string_gets_the_400(cast):
    response = verified_client(cast.sector).get(
        "/admin/applications/personneldeclaration/?citizenships__contains=IR"
    )
    _assert_page(response, 400, "We could not understand that request")


def test_an_expired_form_gets_its_own_403():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "x", "password": "y"})
    _assert_page(response, 403, "That form has expired")


def test_the_500_page_renders_without_any_context():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "uswds.min.css" in html


def test_with_debug_off_outside_production_whitenoise_serves_the_stylesheet(client):
    # what rundemo relies on: its web server runs with DEBUG off
    response = client.get("/static/uswds/css/uswds.min.css")
    assert response.status_code == 200
    assert b"usa-button" in b"".join(response.streaming_content)
