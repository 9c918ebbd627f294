"""schemathesis holds the writes outside the commands (web/api_uploads.py: files, import,
an assessment run and its replay) to the generated document with every check, as the
commands' run does (logged in as the city's administrator, the CSRF header beside the
cookie): zero failures and zero errors. A well-formed request may still be refused by a rule
on what the store holds (a period not ended, a file that is no workbook): 422, as the document
says."""

from __future__ import annotations

import pytest

from tests.web.test_api_commands_schemathesis import served, writes_schema  # noqa: F401
from tests.web.test_openapi_schemathesis import assert_every_check_passed

WRITES = r"^/api/v1/(files|imports|assessments|audit/export)"
EXAMPLES = 15  # per operation and phase


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_writes_answer_as_their_description_says_under_every_check(
    served: tuple[str, str, str],  # noqa: F811
) -> None:
    schema = writes_schema(served, EXAMPLES, path_regex=WRITES, method="POST")
    assert_every_check_passed(
        schema, "ignored_auth", "response_schema_conformance", "not_a_server_error"
    )


def test_every_write_declares_its_schemes_and_every_status(client) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/files",
        "/api/v1/imports/{kind}",
        "/api/v1/assessments",
        "/api/v1/audit/export/{fmt}",
    ):
        post = document["paths"][path]["post"]
        assert post["security"] == [{"session": [], "csrfToken": []}, {"bearerAuth": []}]
        assert {"401", "403", "422", "429"} <= set(post["responses"]), path
    schemas = document["components"]["schemas"]
    assert schemas["RunRequest"]["additionalProperties"] is False
    assert "errors" in schemas["ImportProblem"]["properties"]
    freshness = schemas["Freshness"]
    assert freshness["required"] == ["position", "head", "behind", "lag_seconds", "stopped"]
    assert schemas["Problem"]["required"] == ["type", "title", "status", "detail"]
