"""schemathesis holds the API to its OpenAPI document with every check it has, the same run
as ``schemathesis run --checks all`` (every phase: examples, coverage, fuzzing; stateful has no
links to follow), against the Flask app served from a thread of the test on 127.0.0.1,
logged in by the session cookie the document declares: zero failures and zero errors.

Served over HTTP rather than through schemathesis's WSGI transport: the ``ignored_auth``
check's second request (the same one without the cookie) cannot go through that transport in
schemathesis 4.32 (its WSGI client refuses the ``max_redirects`` argument the check passes).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.config._auth import AuthConfig
from schemathesis.engine import Status, events, from_schema

from app.bootstrap import Zhucun
from tests.builders import CITY
from tests.web.builders import web_network
from tests.web.conftest import login, make_app, serving
from web.summary import ROWS

READS = r"^/api/v1/(units|teams|households|central-households|cadres|audit|assessments|search)"

EXAMPLES = 40  # per operation and phase: the whole run takes a few seconds


@pytest.fixture
def served(zhucun: Zhucun) -> Iterator[tuple[str, str]]:
    """The app on a free port of 127.0.0.1, and a session cookie of the city's administrator."""
    web_network(zhucun)
    app = make_app(zhucun)
    client = app.test_client()
    login(client, "city_admin")
    cookie = client.get_cookie("session")
    assert cookie is not None
    with serving(app) as base:
        yield base, cookie.value


def run_schemathesis(schema: Any) -> tuple[list[str], dict[str, int]]:
    """Every failure and error of a run, as text; and how many requests each check looked at."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for checks in event.recorder.checks.values():
                for check in checks:
                    seen[check.name] = seen.get(check.name, 0) + 1
                    if check.status in (Status.FAILURE, Status.ERROR):
                        info = check.failure_info
                        text = f"{info.failure.title}\n{info.failure.message}" if info else ""
                        problems.append(
                            f"{event.recorder.label} {check.name} {check.status}: {text}"
                        )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            problems.append(f"{type(event).__name__}: {getattr(event, 'value', event)!r}")
    return problems, seen


def assert_every_check_passed(schema: Any, *ran: str) -> None:
    """A run over ``schema`` finds no failure and no error, and each check of ``ran`` looked at
    one request at least."""
    problems, seen = run_schemathesis(schema)
    assert problems == [], "\n\n".join(problems[:20])
    for check in ran:
        assert seen.get(check, 0) > 0, f"{check} never ran: {seen}"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_api_answers_as_its_description_says_under_every_check(served: tuple[str, str]):
    base, cookie = served
    # The reads: their own run, test_openapi_reads.py.
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    # The writes (with the CSRF header): test_api_commands_schemathesis.py and
    # test_openapi_uploads.py.
    schema = schema.exclude(method="POST").exclude(path_regex=READS)
    schema.config.auth = AuthConfig(openapi={"session": {"api_key": cookie}})
    schema.config.checks.update(included_check_names=["all"])
    schema.config.generation.update(max_examples=EXAMPLES)

    assert_every_check_passed(
        schema, "ignored_auth", "response_schema_conformance", "unsupported_method"
    )


def test_the_description_declares_the_session_cookie_and_401_403(client: Any):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["session"] == {
        **document["components"]["securitySchemes"]["session"],
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
    }
    summary = document["paths"]["/api/v1/summary/{code}"]["get"]
    assert summary["security"] == [{"session": []}, {"bearerAuth": []}]
    bearer = document["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    assert {"401", "403"} <= set(summary["responses"])


def test_the_summary_s_part_is_generated_from_the_summary_page_s_rows(client: Any):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["components"]["schemas"]["Summary"]
    counts = [name for _group, rows in ROWS for name, _label, _note in rows]
    assert schema["required"] == ["unit", "name", "level", *counts, "freshness"]
    assert set(schema["properties"]) == {*schema["required"], "as_of", "as_known_at"}
    households = schema["properties"]["households"]
    assert (households["type"], households["minimum"]) == ("integer", 0)
    assert households["description"] == (
        "在册户数（未迁出、未注销） / Households (not moved out or dissolved)"
    )
    summary = document["paths"]["/api/v1/summary/{code}"]["get"]
    assert [p["name"] for p in summary["parameters"]] == ["code", "as_of", "as_known_at", "lang"]
    assert sorted(summary["responses"]) == ["200", "400", "401", "403", "404"]
    assert summary["operationId"] == "getSummary"


def test_a_problem_names_any_path_as_a_valid_uri_reference(client: Any):
    response = client.get('/api/v1/summary/a b"<é>%25')
    assert response.status_code == 401
    assert response.get_json()["instance"] == "/api/v1/summary/a%20b%22%3C%C3%A9%3E%25"


def test_a_method_the_api_does_not_take_gets_405_with_allow(client: Any):
    response = client.delete(f"/api/v1/summary/{CITY}")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    page = client.post("/summary")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
