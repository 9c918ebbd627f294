"""The permission matrix of the API with personal tokens (ADR 041): every role's token ×
every API route that needs an account, as the cookie matrix (test_permissions.py) runs the
pages. A token acts with its account's role and jurisdiction, never wider; outside them it
gets 403, recorded; no token, or a revoked one, gets 401."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app.api_tokens import ApiTokens
from app.bootstrap import Zhucun
from tests.web import test_permissions_assessments as on_runs
from tests.web import test_permissions_ledger as on_ledger
from tests.web.builders import ACCOUNTS, ROLES
from tests.web.conftest import make_app
from tests.web.ledger_data import ledger_network_with_funds
from tests.web.matrix import AS_EVERY_ROLE, cases, matrix_store, refusals
from tests.web.test_permissions import NAMED, ROUTES

# Every API route of the cookie matrix but the public description.
API_ROUTES = [r for r in ROUTES if r[2].startswith("/api/") and r[3] is not None]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zhucun]:
    z = matrix_store(tmp_path_factory, "token-matrix", *NAMED)
    yield z
    z.close()


@pytest.fixture(scope="module")
def tokens(store: Zhucun) -> dict[str, str]:
    service = ApiTokens(store)
    made = {role: service.issue(ACCOUNTS[role][0])["token"] for role in ROLES}
    revoked = service.issue(ACCOUNTS["city_admin"][0])
    service.revoke(revoked["id"], actor="test")
    made["revoked"] = revoked["token"]
    return made


@pytest.fixture(scope="module")
def matrix_app(store: Zhucun) -> Flask:
    return make_app(store)


def test_the_api_routes_of_the_matrix_are_here():
    assert {r[2].split("/")[3] for r in API_ROUTES} >= {"summary"}


# The API's routes of the assessment and ledger matrices, on their stores (a run, a ledger).
RUN_ROUTES = [r for r in on_runs.ROUTES if r[2].startswith("/api/")]
LEDGER_ROUTES = [r for r in on_ledger.ROUTES if r[2].startswith("/api/")]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Zhucun]]:
    built = {
        "runs": matrix_store(tmp_path_factory, "token-runs", build=on_runs.published_runs),
        "ledger": matrix_store(tmp_path_factory, "token-ledger", build=ledger_network_with_funds),
    }
    yield built
    for z in built.values():
        z.close()


@pytest.fixture(scope="module")
def served(
    store: Zhucun, matrix_app: Flask, tokens: dict[str, str], stores: dict[str, Zhucun]
) -> dict[str, tuple[Zhucun, Flask, dict[str, str]]]:
    """Each matrix's store, its app and a token per role."""
    out = {"matrix": (store, matrix_app, tokens)}
    for name, z in stores.items():
        service = ApiTokens(z)
        out[name] = (z, make_app(z), {r: service.issue(ACCOUNTS[r][0])["token"] for r in ROLES})
    return out


@AS_EVERY_ROLE
@pytest.mark.parametrize(
    ("which", "method", "path", "allowed", "status"),
    [
        pytest.param(which, m, p, a, s, id=f"{which}-{name}")
        for which, routes in (
            ("matrix", API_ROUTES),
            ("runs", RUN_ROUTES),
            ("ledger", LEDGER_ROUTES),
        )
        for name, m, p, a, s in routes
    ],
)
def test_api_with_a_token_permission_matrix(
    served: dict[str, tuple[Zhucun, Flask, dict[str, str]]],
    which: str,
    role: str | None,
    method: str,
    path: str,
    allowed: frozenset[str],
    status: int,
):
    store, app, tokens = served[which]
    token_cell(app, store, tokens, role, method, path, allowed, status)


def token_cell(
    app: Flask,
    store: Zhucun,
    tokens: dict[str, str],
    role: str | None,
    method: str,
    path: str,
    allowed: frozenset[str],
    status: int,
) -> None:
    """One cell: ``role``'s token (None: no token) asks for ``path``."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    before = refusals(store)
    response = client.open(path, method=method, headers=headers)
    if role is None:
        assert response.status_code == 401
    elif role in allowed:
        assert response.status_code == status, response.get_data(as_text=True)[:300]
        assert refusals(store) == before
    else:
        assert response.status_code == 403
        assert refusals(store) == before + 1


@cases(API_ROUTES)
def test_a_revoked_token_gets_401_on_every_api_route(
    matrix_app: Flask,
    tokens: dict[str, str],
    method: str,
    path: str,
    allowed: frozenset[str],
    status: int,
):
    client = matrix_app.test_client()
    response = client.open(
        path, method=method, headers={"Authorization": f"Bearer {tokens['revoked']}"}
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
