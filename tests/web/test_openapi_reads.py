"""schemathesis over the reads' paths (web/api_reads.py, web/openapi_reads.py) with every
check, as tests/web/test_openapi_schemathesis.py runs it over the summary: zero failures,
zero errors, zero server errors."""

from __future__ import annotations

import json
from typing import Any
from urllib.request import urlopen
from uuid import UUID

import pytest
import schemathesis
from schemathesis.config._auth import AuthConfig

from domain.party import central_household_id
from tests.builders import hid
from tests.team_builders import cid, tid
from tests.web.test_openapi_schemathesis import READS, assert_every_check_passed, served  # noqa: F401

IDS = {
    "team_id": tid(1),
    "household_id": hid(1),
    "cadre_id": cid(1),
    "central_household_id": str(central_household_id(UUID(hid(1)))),
}
EXAMPLES = 15  # per operation and phase: 21 operations, a few minutes in all


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_reads_answer_as_their_description_says_under_every_check(
    served: tuple[str, str],  # noqa: F811
) -> None:
    base, cookie = served
    with urlopen(f"{base}/api/v1/openapi.json") as response:
        document = json.load(response)
    # The network's own ids as the paths' examples, so that the id paths answer 200 too.
    for operation in (
        p["get"] for path, p in document["paths"].items() if "_id}" in path and "get" in p
    ):
        for parameter in operation["parameters"]:
            if parameter.get("name") in IDS:
                parameter["example"] = IDS[parameter["name"]]
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=base)
    schema = schema.include(path_regex=READS, method="GET")
    schema.config.auth = AuthConfig(openapi={"session": {"api_key": cookie}})
    schema.config.checks.update(included_check_names=["all"])
    schema.config.generation.update(max_examples=EXAMPLES)

    assert_every_check_passed(
        schema, "ignored_auth", "response_schema_conformance", "not_a_server_error"
    )


def test_every_read_declares_both_schemes_and_every_status(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    bearer = document["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")  # a description may come
    reads = [
        p
        for p, operations in document["paths"].items()
        if p.startswith(("/api/v1/units", "/api/v1/audit")) and "get" in operations
    ]
    assert len(reads) >= 8
    for path in reads:
        get = document["paths"][path]["get"]
        assert get["security"] == [{"session": []}, {"bearerAuth": []}]
        assert {"200", "400", "401", "403", "404", "422", "429"} <= set(get["responses"])
