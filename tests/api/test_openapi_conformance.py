"""Schemathesis against the published OpenAPI document, with valid keys and every
check: generated requests (valid and invalid) must get no server error and no answer
outside the documented schemas, status codes, headers and content types; every request
the document allows is answered (2xx, 3xx, 404: never 400), every one it forbids gets a
4xx, and other methods get 405 with Allow. No check is excluded.

The parameters' patterns are the server's exact rules (tests/api/test_parameter_patterns.py
shows they agree on many more values than this run sends)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from vetting.api.keys import gateway_key_create
from vetting.api.models import GatewayKey

# Loading the document touches no database; requests go straight to the WSGI app.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def api_keys(cast):
    # Called in-process, the WSGI handler would close the test's connection after each
    # request; Django's own test client disconnects the same receivers.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cast.walk_to("approved")
    _, gateway = gateway_key_create(
        actor=cast.officer, name="Fuzz gateway", gated_model_ids=[cast.model.pk]
    )
    _, auditor = gateway_key_create(
        actor=cast.officer, name="Fuzz auditor", kind=GatewayKey.Kind.AUDITOR
    )
    yield {"gateway": gateway, "auditor": auditor}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_openapi_document(case, api_keys):
    key = api_keys["auditor" if case.path.endswith("/partner-list") else "gateway"]
    # A valid key replaces the generated Authorization header, except in a case whose
    # headers schemathesis made invalid (the key missing or malformed): that one goes
    # as generated and must be refused. With a key put in, such a case would be a
    # valid request, and "negative data rejection" would rightly fail on its 200.
    headers = None if _headers_made_invalid(case) else {"Authorization": f"Bearer {key}"}
    case.call_and_validate(headers=headers)


def _headers_made_invalid(case) -> bool:
    component = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return component is not None and component.mode.is_negative
