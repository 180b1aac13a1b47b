"""Every response carries a Content-Security-Policy: pages load from this origin only,
with no inline script or style; the API's JSON answers forbid everything."""

import re

import pytest

from tests.console.conftest import verified_client

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def assert_same_origin_only(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    for name in ("script-src", "style-src"):
        sources = policy[name]
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
        assert all(s == "'self'" or s.startswith("'nonce-") for s in sources), sources
    others = [s for v in policy.values() for s in v if re.match(r"https?:|\*", s)]
    assert not others, others


def test_portal_pages_error_pages_and_the_console_send_the_policy(client, cast):
    assert_same_origin_only(client.get("/accounts/login/"))
    assert_same_origin_only(client.get("/no-such-page/"))
    console = verified_client(cast.officer)
    assert_same_origin_only(console.get("/admin/"))
    assert_same_origin_only(console.get("/admin/applications/application/"))


def test_the_api_docs_load_swagger_from_this_origin(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_same_origin_only(response)
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert any("swagger-ui-bundle" in s for s in scripts)
    # Every executable script is a file from /static/ (JSON data blocks do not run).
    for attributes in scripts:
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes


def test_the_check_answers_with_a_policy_that_allows_nothing(gateway, cleared):
    response = gateway.check(cleared.organization_id, cleared.gated_model.slug)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'none'"
    )
    schema = gateway.client.get("/api/v1/openapi.json")
    assert "default-src" in schema.headers["Content-Security-Policy"]
