"""What the permission matrices share: the sets of roles a route allows, the store they run
on, the client and data of each cell's request, the refusals it records, and which routes a
matrix covers.

A matrix is a list of routes, each ``(name, method, path, roles allowed, status when
allowed)``; the tests run every route as every role and as nobody logged in (``check_cell``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.bootstrap import Zhucun, bootstrap
from app.store.clock import SettableClock
from tests.builders import CITY, COUNTY, GROUP_A1, TOWNSHIP, VILLAGE_A, VILLAGE_B, apply
from tests.web.builders import OTHER_COUNTY, OTHER_GROUP, OTHER_VILLAGE, ROLES, web_network
from tests.web.conftest import csrf_token, login

EVERYONE = frozenset(ROLES)
CITY_WIDE = frozenset({"city_admin", "auditor"})
IN_COUNTY = CITY_WIDE | {"county_admin", "inspector"}
IN_TOWNSHIP = IN_COUNTY | {"township_officer"}
# The audit log's readers: auditors, inspectors and the administrators (web/audit.py).
AUDITORS = frozenset({"city_admin", "county_admin", "inspector", "auditor"})
# What a route's path and roles may name in tests/web/permissions.toml, besides the module's.
KNOWN = {
    "CITY": CITY,
    "COUNTY": COUNTY,
    "TOWNSHIP": TOWNSHIP,
    "VILLAGE_A": VILLAGE_A,
    "VILLAGE_B": VILLAGE_B,
    "GROUP_A1": GROUP_A1,
    "OTHER_COUNTY": OTHER_COUNTY,
    "OTHER_VILLAGE": OTHER_VILLAGE,
    "OTHER_GROUP": OTHER_GROUP,
    "EVERYONE": EVERYONE,
    "CITY_WIDE": CITY_WIDE,
    "IN_COUNTY": IN_COUNTY,
    "IN_TOWNSHIP": IN_TOWNSHIP,
    "AUDITORS": AUDITORS,
    "PUBLIC": None,  # no login needed
}

Route = tuple[str, str, str, Any, Any]  # name, method, path, roles allowed, status when allowed
REFUSED_FORM = "form"  # status when allowed: the form comes back with the domain's refusal


def routes(table: str, names: Mapping[str, Any]) -> list[Route]:
    """The routes of ``table`` in tests/web/permissions.toml. A path's ``{NAME}`` and a named
    set of roles are looked up in ``names`` (the matrix module's), then in ``KNOWN``;
    a list of roles stands for itself."""
    known = {**KNOWN, **names}
    with (Path(__file__).parent / "permissions.toml").open("rb") as f:
        rows = tomllib.load(f)[table]["routes"]
    return [
        (name, method, path.format(**known), roles_named(allowed, known), status)
        for name, method, path, allowed, status in rows
    ]


def roles_named(allowed: str | list[str], known: Mapping[str, Any]) -> Any:
    return frozenset(allowed) if isinstance(allowed, list) else known[allowed]


def get(name: str, path: str, allowed: Any, status: Any = 200) -> Route:
    """A GET route of a matrix: allowed, it answers ``status`` (200 unless told)."""
    return (name, "GET", path, allowed, status)


def post(name: str, path: str, allowed: Any, status: Any = 200) -> Route:
    """A POST route of a matrix: allowed, it answers ``status`` (200 unless told)."""
    return (name, "POST", path, allowed, status)


# Every role, and nobody logged in (None).
AS_EVERY_ROLE = pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])


def cases(routes: list[Route]) -> Any:
    """The routes as the parameters of a matrix test, each named."""
    return pytest.mark.parametrize(
        ("method", "path", "allowed", "status"),
        [pytest.param(m, p, a, s, id=name) for name, m, p, a, s in routes],
    )


def matrix_store(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    *lines: dict[str, Any],
    build: Callable[[Zhucun], Any] = web_network,
) -> Zhucun:
    """A SQLite store of the web tests' network (tests/web/builders.py, or what ``build``
    makes of it) and then ``lines``, in a new directory."""
    path = tmp_path_factory.mktemp(name) / "zhucun.db"
    z = bootstrap(f"sqlite:///{path}", SettableClock(datetime(2016, 12, 31, 4, 0, tzinfo=UTC)))
    build(z)
    if lines:
        apply(z, *lines)
    return z


def store_fixture(
    name: str, *lines: dict[str, Any], build: Callable[[Zhucun], Any] = web_network
) -> Any:
    """A matrix module's ``store`` fixture: ``matrix_store`` once for the module, closed after
    it. The module's ``matrix_app`` (tests/web/conftest.py) serves it."""

    @pytest.fixture(scope="module")
    def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zhucun]:
        z = matrix_store(tmp_path_factory, name, *lines, build=build)
        yield z
        z.close()

    return store


def matrix_test(routes: list[Route]) -> Callable[..., None]:
    """A matrix module's test: every route of ``routes`` as every role and as nobody logged
    in, each cell checked by ``check_cell``; the module names it."""

    @AS_EVERY_ROLE
    @cases(routes)
    # The cell's parameters, as check_cell takes them.
    def test(matrix_app, store, role, method, path, allowed, status) -> None:
        check_cell(matrix_app, store, role, method, path, allowed, status)

    return test


def refusals(z: Zhucun) -> int:
    return sum(
        1
        for page in z.store.iter_log()
        for e in page
        if type(e.event).__qualname__ == "AccessLog.AccessRefused"
    )


def client_as(app: Flask, role: str | None, method: str) -> tuple[FlaskClient, Any]:
    """A client for one cell, logged in as ``role`` (if any), and the data its request sends:
    for a form, only its CSRF token."""
    client = app.test_client()
    if role is not None:
        login(client, role)
    data = {"csrf_token": csrf_token(client, "/login")} if method == "POST" else None
    return client, data


def covered(app: Flask, routes: list[Route]) -> set[tuple[str, str]]:
    """The (endpoint, method) pairs the routes of a matrix reach."""
    adapter = app.url_map.bind("localhost")
    return {
        (adapter.match(path.split("?")[0], method=method)[0], method)
        for _name, method, path, _allowed, _status in routes
    }


def uncovered(app: Flask, routes: list[Route], blueprints: set[str]) -> set[tuple[str, str]]:
    """The (endpoint, method) pairs of the ``blueprints`` that no route of a matrix reaches."""
    return {
        (endpoint, method)
        for endpoint, method in endpoints(app)
        if endpoint.split(".")[0] in blueprints
    } - covered(app, routes)


def endpoints(app: Flask) -> set[tuple[str, str]]:
    """Every (endpoint, method) pair of the app but its static files."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def check_cell(
    app: Flask,
    store: Zhucun,
    role: str | None,
    method: str,
    path: str,
    allowed: frozenset[str] | None,
    status: int | str,
) -> None:
    """One cell of a matrix: ``role`` (None: nobody logged in) asks for ``path``. Allowed
    (``allowed`` None: anyone) gets ``status``, or for ``REFUSED_FORM`` the form again with
    a refusal and nothing written; a logged-in account not allowed gets 403, recorded; nobody
    logged in gets the login page (401 from the API)."""
    client, data = client_as(app, role, method)
    before, position = refusals(store), store.store.max_position()
    response = client.open(path, method=method, data=data)
    body = "" if response.mimetype.startswith("application/vnd") else response.get_data(True)
    if allowed is None or (role is not None and role in allowed):
        if status == REFUSED_FORM:
            assert response.status_code in (400, 404, 422), body[:300]
            assert 'id="record-form"' in body
            assert store.store.max_position() == position, "a refused form writes nothing"
        else:
            assert response.status_code == status, body[:300]
        assert refusals(store) == before
    elif role is None:
        if path.startswith("/api/"):
            assert response.status_code == 401
        else:
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/login?next=")
    else:
        assert response.status_code == 403, body[:300]
        assert refusals(store) == before + 1
    response.close()
