"""schemathesis holds ``POST /api/v1/commands`` to the generated OpenAPI document with every
check it has, as tests/web/test_openapi_schemathesis.py does for the reads (served over HTTP
from a thread, logged in as the city's administrator by the session cookie, with the CSRF
header the document declares beside it): zero failures and zero errors. The document itself
is valid OpenAPI 3.1 (the meta-schema schemathesis validates with), and every schema in it is
valid JSON Schema 2020-12."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from jsonschema import Draft202012Validator
from schemathesis.config._auth import AuthConfig
from schemathesis.config._checks import PositiveDataAcceptanceConfig
from schemathesis.specs.openapi import definitions

from app.bootstrap import Zhucun
from app.commands import COMMANDS
from tests.web.builders import web_network
from tests.web.conftest import login, make_app, serving
from tests.web.test_openapi_schemathesis import EXAMPLES, assert_every_check_passed
from web.openapi_commands import BEARER_SCHEME


@pytest.fixture
def served(zhucun: Zhucun) -> Iterator[tuple[str, str, str]]:
    """The app on a free port of 127.0.0.1, a session cookie of the city's administrator and
    the CSRF token of that session."""
    web_network(zhucun)
    app = make_app(zhucun)
    client = app.test_client()
    login(client, "city_admin")
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found
    cookie = client.get_cookie("session")
    assert cookie is not None
    with serving(app) as base:
        yield base, cookie.value, found.group(1)


def writes_schema(served: tuple[str, str, str], examples: int, **include: Any) -> Any:
    """The served description's writes (``include``: schemathesis's filter), sent with the
    session and its CSRF header, every check on. A well-formed request may still be refused
    by a rule of the programme on what the store holds (a date after today, a unit already
    open, a household registered twice): 422, as the document says; a schema cannot know the
    store. Every other check is as it comes."""
    base, cookie, token = served
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json").include(**include)
    schema.config.auth = AuthConfig(
        openapi={"session": {"api_key": cookie}, "csrfToken": {"api_key": token}}
    )
    schema.config.checks.update(included_check_names=["all"])
    accepted = PositiveDataAcceptanceConfig().expected_statuses
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=[*accepted, "422"]
    )
    schema.config.generation.update(max_examples=examples)
    return schema


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_commands_endpoint_answers_as_its_description_says_under_every_check(
    served: tuple[str, str, str],
):
    schema = writes_schema(served, EXAMPLES, path="/api/v1/commands")
    assert_every_check_passed(
        schema, "ignored_auth", "response_schema_conformance", "status_code_conformance"
    )


def test_the_generated_document_is_valid_openapi_3_1_with_every_schema_valid(client: Any):
    document = client.get("/api/v1/openapi.json").get_json()
    errors = [e.message for e in definitions.OPENAPI_31_VALIDATOR.iter_errors(document)]
    assert errors == []
    for name, schema in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema), name


def test_the_commands_part_is_one_union_discriminated_by_command_with_every_status(client: Any):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    union = schemas["Command"]
    assert union["discriminator"]["propertyName"] == "command"
    assert set(union["discriminator"]["mapping"]) == set(COMMANDS)
    assert len(union["oneOf"]) == len(COMMANDS)
    open_unit = schemas["Command_open_unit"]
    assert open_unit["properties"]["command"] == {"enum": ["open_unit"]}
    assert open_unit["properties"]["args"]["properties"]["code"]["pattern"]
    assert open_unit["additionalProperties"] is False
    post = document["paths"]["/api/v1/commands"]["post"]
    assert {"201", "401", "403", "409", "422", "429"} <= set(post["responses"])
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == BEARER_SCHEME == {"type": "http", "scheme": "bearer"}
    assert {"session": [], "csrfToken": []} in post["security"]
    assert {"bearerAuth": []} in post["security"]
