"""The permission matrix, tried as an attacker: every writing role × every form it may use ×
every code or id field of the form, sent with another jurisdiction's valid value as it is,
padded (space, tab, newline, both ends), upper-cased or in full-width digits, the other fields
filled with the account's own values. Expected: 403, the refusal recorded, nothing else
written, and no name or code from outside the jurisdiction in the answer. Then the reads:
every page that takes a code or id in its address, with the same disguises. Both engines."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask

from app.bootstrap import Zhucun
from app.jurisdiction import COMMAND_ROLES
from domain.accounts import Role
from tests.builders import VILLAGE_A
from tests.team_builders import tid
from tests.test_jurisdiction import (
    OUTSIDE_NAMES,
    REACHES,
    TEMPLATES,
    engines_store_fixture,
    variants,
)
from tests.web.builders import add_accounts
from tests.web.conftest import csrf_token, login, make_app
from tests.web.matrix import refusals
from web.record_forms import FORMS

REFERENCES = {"group", "household", "party_member", "central_household", "cadre", "leave"}
OUTSIDE_CODES = ("210522", "210521101", "210521100202")


def forms_of(role: Role) -> list[str]:
    command = {
        f.name: ("approve_leave" if f.command == "decide_leave" else f.command)
        for f in FORMS.values()
    }
    return [name for name, c in command.items() if role in COMMAND_ROLES[c]]


CASES = [
    pytest.param(role, form, f.name, id=f"{role}-{form}-{f.name}")
    for role, (reach, outside) in REACHES.items()
    for form in forms_of(reach.role)
    for f in FORMS[form].fields
    if f.name in REFERENCES and (f.name if f.name != "group" else "group") in outside
]


# The jurisdiction tests' store with an account of every role.
store = engines_store_fixture(lambda z: add_accounts(z, tid(1)))


@pytest.fixture(scope="module")
def web(store: Zhucun) -> Flask:
    return make_app(store)


def leaks(body: str, sent: str = "") -> list[str]:
    """Names and codes of other jurisdictions in an answer, besides the value sent (a page
    may repeat its own address)."""
    for form in {sent, quote(sent, safe=""), sent.strip()} - {""}:
        body = body.replace(form, "")
    return [s for s in (*OUTSIDE_NAMES, *OUTSIDE_CODES) if s in body]


@pytest.mark.parametrize(("role", "form", "field"), CASES)
def test_a_form_field_naming_another_jurisdiction_in_any_disguise_is_forbidden(
    web: Flask, store: Zhucun, role: str, form: str, field: str
) -> None:
    _, outside = REACHES[role]
    spec = FORMS[form]
    command = "approve_leave" if spec.command == "decide_leave" else spec.command
    template = TEMPLATES[command][0]
    if spec.scope == "unit":
        unit = template.get("unit", VILLAGE_A)
        path = f"/units/{unit}/record/{form}"
    else:
        path = f"/teams/{tid(1)}/record/{form}"
    client = web.test_client()
    login(client, role)
    for value in variants(outside[field]):
        data = {f.name: str(template.get(f.name, "")) for f in spec.fields}
        data.update(
            {
                field: value,
                "occurred_on": "2016-12-30",
                "reason": "test",
                "decision": "approve",
                "csrf_token": csrf_token(client, path),
            }
        )
        before, position = refusals(store), store.store.max_position()
        response = client.post(path, data=data)
        body = response.get_data(as_text=True)
        assert response.status_code == 403, (repr(value), body[:400])
        assert refusals(store) == before + 1, "the refusal is recorded"
        assert store.store.max_position() == position + 1, "nothing but the refusal is written"
        assert leaks(body) == [], repr(value)


READS = [
    "/units/{}",
    "/units/{}/record",
    "/households/{}",
    "/teams/{}",
    "/history/unit/{}",
    "/history/id/{}",
    "/history/team/{}",
    "/history/cadre/{}",
    "/api/v1/summary/{}",
    "/api/v1/units/{}/gaps",
    "/api/v1/units/{}/history",
    "/api/v1/teams/{}/history",
    "/api/v1/households/{}/history",
    "/api/v1/cadres/{}/history",
    "/api/v1/units/{}/people",
    "/api/v1/central-households/{}",
    "/api/v1/units/{}/work-list",
    "/api/v1/units/{}/network",
    "/api/v1/units/{}/trend",
    "/api/v1/units/{}/measures",
    "/api/v1/teams/{}/month",
    "/api/v1/teams/{}/assessments",
    "/api/v1/history/{}",
]


@pytest.mark.parametrize("role", list(REACHES))
@pytest.mark.parametrize("page", READS)
def test_a_page_naming_another_jurisdiction_in_any_disguise_shows_nothing_of_it(
    web: Flask, store: Zhucun, role: str, page: str
) -> None:
    _, outside = REACHES[role]
    kinds = {"unit": ("unit", "group"), "id": ("household", "party_member", "team", "cadre")}
    if "/units/" in page or "/unit/" in page or "summary" in page:
        values = [outside[k] for k in kinds["unit"] if k in outside]
    elif "/team/" in page or "/teams/" in page:
        values = [outside["team"]]
    elif "/cadre" in page:
        values = [outside["cadre"]]
    else:
        values = [outside[k] for k in kinds["id"] if k in outside]
    client = web.test_client()
    login(client, role)
    position = store.store.max_position()
    for value in values:
        for variant in variants(value):
            response = client.get(page.format(quote(variant, safe="")))
            body = response.get_data(as_text=True)
            assert response.status_code in (400, 403, 404), (page, repr(variant), body[:300])
            assert leaks(body, variant) == [], (page, repr(variant))
    # Refusals are recorded; nothing else is.
    assert store.store.max_position() - position <= len(values) * len(variants(values[0]))
