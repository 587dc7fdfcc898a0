"""Schemathesis over the whole published OpenAPI schema: no input answers a server error
(issue 10, point 11; docs/decisions/0071-layers-checked-by-a-tool.md).

A bounded, repeatable run: every operation of the schema, a few generated requests each
(valid and invalid bodies, parameters and path ids), a fixed derivation of examples, sent
through the WSGI application with the API token of a hub user who holds every role, so
that each request reaches past authentication into the views and services. The only check
is `not_a_server_error`: a 5xx is a defect whatever the input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from nestguard.accounts.models import Role
from nestguard.accounts.services import api_token_create
from tests.factories import UserFactory

# Small enough that the whole schema runs in a few minutes on two cores.
EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """Each WSGI request ends by closing "old" database connections, which would close the
    test's transaction under it; Django's own test client disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(personas) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A hub user with every role: each operation is reachable, none is refused at the door."""
    user = UserFactory(username="fuzzer", agency=personas.hub, roles=[r.value for r in Role])
    _, plain = api_token_create(actor=None, user=user, name="schemathesis")
    return {"Authorization": f"Bearer {plain}"}


def _published_schema() -> schemathesis.schemas.BaseSchema:
    """The schema as /api/v1/schema/ publishes it, generated in-process (no database), with
    requests sent to the WSGI application."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = WSGIHandler()
    return loaded


schema = _published_schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case, bearer, connection_kept):  # type: ignore[no-untyped-def]
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])


@pytest.mark.django_db
def test_a_control_character_in_the_system_is_a_field_error(client, bearer):
    """Schemathesis's first find: a non-field ValidationError (from the shared text check)
    reached code that expected errors by field, and the answer was a 500."""
    response = client.post(
        "/api/v1/source-records/",
        {"system": "Case\x06system", "record_id": "1"},
        content_type="application/json",
        headers=bearer,
    )
    assert response.status_code == 400
    assert "system" in response.json()
