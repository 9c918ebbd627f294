"""The permission matrix of ``POST /api/v1/commands``, tried as an attacker, as
tests/web/test_permissions_adversarial.py tries the forms: every writing role × every command
it may send × every argument naming a record, sent with another jurisdiction's valid value as
it is, padded (space, tab, newline, both ends, an ideographic space), upper-cased or in
full-width digits, the other arguments the account's own (tests/test_jurisdiction.py). Then
every role × every command it may not send; with the session's cookie and with a personal
token. Expected: 403, the refusal recorded, nothing else
written, and no name or code from outside the jurisdiction in the answer. Both engines."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.api_tokens import ApiTokens
from app.bootstrap import Zhucun
from app.jurisdiction import COMMAND_ROLES
from tests.team_builders import tid
from tests.test_jurisdiction import CASES, REACHES, TEMPLATES, engines_store_fixture, variants
from tests.web.builders import ACCOUNTS, ROLES, add_accounts
from tests.web.conftest import login, make_app
from tests.web.matrix import refusals
from tests.web.test_permissions_adversarial import leaks

URL = "/api/v1/commands"


# The jurisdiction tests' store with an account of every role.
store = engines_store_fixture(lambda z: add_accounts(z, tid(1)))


@pytest.fixture(scope="module", params=["cookie", "token"])
def clients(
    request: pytest.FixtureRequest, store: Zhucun
) -> dict[str, tuple[FlaskClient, dict[str, str], int]]:
    """One client per role, with what authenticates it: the session's cookie and its CSRF
    header, or a personal token; and how many records of the access each request leaves
    beside a refusal (a token's use is recorded, a session's request is not)."""
    app: Flask = make_app(store)
    out = {}
    tokens = ApiTokens(store)
    for role in ROLES:
        client = app.test_client()
        if request.param == "token":
            token = tokens.issue(ACCOUNTS[role][0])["token"]
            out[role] = (client, {"Authorization": f"Bearer {token}"}, 1)
            continue
        login(client, role)
        html = client.get("/", follow_redirects=True).get_data(as_text=True)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        assert found
        out[role] = (client, {"X-CSRFToken": found.group(1)}, 0)
    return out


def send(clients: Any, role: str, command: str, args: dict[str, Any]) -> Any:
    client, headers, _ = clients[role]
    body = {"command": command, "args": args, "occurred_on": "2016-12-30", "reason": "test"}
    return client.post(URL, data=json.dumps(body), headers=headers)


@pytest.mark.parametrize(("role", "command", "arg", "kind"), CASES)
def test_another_jurisdictions_value_in_any_disguise_is_forbidden_naming_nothing_of_it(
    store: Zhucun, clients: Any, role: str, command: str, arg: str, kind: str
) -> None:
    _, outside = REACHES[role]
    template, _ = TEMPLATES[command]
    for value in variants(outside[kind]):
        sent = [value] if isinstance(template.get(arg), list) else value  # a list of ids
        before, position = refusals(store), store.store.max_position()
        response = send(clients, role, command, {**template, arg: sent})
        body = response.get_data(as_text=True)
        assert response.status_code == 403, (repr(value), body[:400])
        problem = response.get_json()
        assert (problem["code"], problem["field"]) == ("outside_jurisdiction", arg)
        assert refusals(store) == before + 1, "the refusal is recorded"
        recorded = 1 + clients[role][2]
        assert store.store.max_position() == position + recorded, "nothing but the refusal"
        assert leaks(body) == [] and outside[kind] not in body, repr(value)


@pytest.mark.parametrize("role", ROLES)
def test_a_role_may_send_only_the_commands_of_its_role(
    store: Zhucun, clients: Any, role: str
) -> None:
    reach = REACHES[role][0] if role in REACHES else None
    for command, (template, _) in TEMPLATES.items():
        if reach is not None and reach.role in COMMAND_ROLES[command]:
            continue
        if reach is None and role in {r.value for r in COMMAND_ROLES[command]}:
            continue
        position = store.store.max_position()
        response = send(clients, role, command, template)
        assert response.status_code == 403, (command, response.get_data(as_text=True)[:300])
        assert response.get_json()["code"] == "role_not_allowed", command
        assert store.store.max_position() == position + 1 + clients[role][2], command
