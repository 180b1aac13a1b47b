"""Schemathesis against the published OpenAPI document, with valid keys: generated
requests (valid and invalid) must get no server error and no answer outside the
documented schemas, status codes and content types."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
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
    # Not "positive data acceptance": no schema can say "a cursor this API returned" or
    # "a UEI whose letters are not O or I", so some schema-valid values rightly get 400.
    excluded = [positive_data_acceptance]
    if _headers_made_invalid(case):
        # The generated headers are replaced by a valid key below: a case made invalid
        # by a missing or malformed Authorization header is no longer invalid.
        excluded.append(negative_data_rejection)
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, excluded_checks=excluded)


def _headers_made_invalid(case) -> bool:
    component = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return component is not None and component.mode.is_negative
