"""``POST /api/v1/commands`` on both engines: one command, a batch all or nothing, an
idempotent retry (also two at once), another body under the same key, every error at once,
and another county's valid code, padded or in full-width digits, refused as outside the
jurisdiction with nothing written and nothing of it named."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from app.bootstrap import Zhucun, bootstrap
from tests.builders import TOWNSHIP, apply, hid, household
from tests.web.builders import OTHER_GROUP, OTHER_TOWNSHIP, web_network
from tests.web.conftest import login, make_app
from web import api_commands

URL = "/api/v1/commands"
NEW_VILLAGE = TOWNSHIP + "299"


def open_village(code: str = NEW_VILLAGE, name: str = "新立村", **over: Any) -> dict[str, Any]:
    return {
        "command": "open_unit",
        "args": {"code": code, "name": name, "level": "village", "parent": TOWNSHIP},
        "occurred_on": "2014-08-01",
        "reason": "区划调整",
        **over,
    }


def register_into(group: str) -> dict[str, Any]:
    return {
        "command": "register_household",
        "args": {
            "group": group,
            "head_name": "王五",
            "members": 3,
            "id_number": "210521198001010011",
        },
        "occurred_on": "2014-08-01",
        "reason": "入户登记",
    }


@pytest.fixture
def app(zhucun: Zhucun) -> Flask:
    web_network(zhucun)
    return make_app(zhucun)


def logged_in(app: Flask, role: str = "county_admin") -> tuple[FlaskClient, dict[str, str]]:
    """A client logged in by its session cookie, and the CSRF header that must go with it."""
    client = app.test_client()
    login(client, role)
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "no CSRF token on the home page"
    return client, {"X-CSRFToken": found.group(1)}


def head(z: Zhucun) -> int:
    return z.store.max_position()


# The accounts' own records (logins, refused accesses): the rest is the business written.
ACCOUNT_RECORDS = ("Account.", "AccessLog.", "LoginGuard.")


def business(z: Zhucun, after: int) -> list[str]:
    """What was written after log position ``after``, but the accounts' own records."""
    return [
        kind
        for le in z.store.read_log(after, 1000)
        if not (kind := type(le.event).__qualname__).startswith(ACCOUNT_RECORDS)
    ]


def post(client: FlaskClient, headers: dict[str, str], body: Any, **more: str) -> Any:
    return client.post(URL, data=json.dumps(body), headers={**headers, **more})


def test_one_command_is_written_with_its_events_and_the_read_position(app, zhucun):
    client, csrf = logged_in(app)
    before = head(zhucun)
    response = post(client, csrf, open_village())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["applied"] == 1
    assert body["position"] == head(zhucun) > before
    assert [e["type"] for e in body["events"]] == ["Unit.Opened"]
    assert body["events"][0]["position"] == body["position"]
    assert body["events"][0]["recorded_at"]
    assert zhucun.summary(NEW_VILLAGE) is not None
    # The actor is the account, whatever the body might have wished.
    event = zhucun.store.read_log(body["position"] - 1, 1)[0].event
    assert event.actor_id == "county.admin"


def test_a_batch_is_written_whole_or_not_at_all_and_names_the_failing_index(app, zhucun):
    client, csrf = logged_in(app)
    before = head(zhucun)
    second = open_village(TOWNSHIP + "298", "后立村")
    refused = post(client, csrf, {"commands": [open_village(), second, open_village()]})
    assert refused.status_code == 422, refused.get_json()
    problem = refused.get_json()
    assert refused.mimetype == "application/problem+json"
    assert problem["index"] == 2 and problem["errors"][0]["index"] == 2
    assert head(zhucun) == before and zhucun.summary(NEW_VILLAGE) is None

    done = post(client, csrf, {"commands": [open_village(), second]})
    assert done.status_code == 201
    assert [r["index"] for r in done.get_json()["results"]] == [0, 1]
    assert done.get_json()["applied"] == 2


def test_a_retry_with_the_same_key_gets_the_first_answer_and_writes_nothing(app, zhucun):
    client, csrf = logged_in(app)
    first = post(client, csrf, open_village(), **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    written = head(zhucun)
    again = post(client, csrf, open_village(), **{"Idempotency-Key": "k-1"})
    assert (again.status_code, again.get_data()) == (first.status_code, first.get_data())
    assert head(zhucun) == written

    other = post(client, csrf, open_village(name="另一个名字"), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.get_json()["field"] == "Idempotency-Key"
    assert head(zhucun) == written


def test_keys_are_per_account(app, zhucun):
    county, csrf = logged_in(app)
    assert post(county, csrf, open_village(), **{"Idempotency-Key": "same"}).status_code == 201
    city, city_csrf = logged_in(app, "city_admin")
    second = open_village(TOWNSHIP + "297", "又一村")
    answer = post(city, city_csrf, second, **{"Idempotency-Key": "same"})
    assert answer.status_code == 201
    assert zhucun.summary(TOWNSHIP + "297") is not None


def test_two_identical_requests_with_one_key_at_once_write_once(app, zhucun):
    client, csrf = logged_in(app)
    cookie = client.get_cookie("session")
    assert cookie is not None
    before = head(zhucun)
    answers: list[Any] = []
    start = threading.Barrier(2)

    def send() -> None:
        other = app.test_client()
        other.set_cookie("session", cookie.value)
        start.wait()
        answers.append(post(other, csrf, open_village(), **{"Idempotency-Key": "race"}))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(a.status_code for a in answers)
    assert statuses in ([201, 201], [201, 409]), [a.get_json() for a in answers]
    if statuses == [201, 201]:
        assert answers[0].get_data() == answers[1].get_data()
    opened = [
        le
        for le in zhucun.store.read_log(before, 100)
        if type(le.event).__qualname__ == "Unit.Opened"
    ]
    assert len(opened) == 1


def test_every_error_is_listed_at_once_each_with_its_label_in_both_languages(app, zhucun):
    client, csrf = logged_in(app)
    before = head(zhucun)
    bad = {
        "command": "register_household",
        "args": {"group": "21052110020100x", "members": "many", "id_number": "123"},
        "occurred_on": "2014-13-01",
        "reason": "  ",
    }
    response = post(client, csrf, {"commands": [open_village(), bad]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    fields = {e["field"] for e in errors}
    assert {"group", "head_name", "members", "id_number", "occurred_on", "reason"} <= fields
    assert {e["index"] for e in errors} == {1}
    for e in errors:
        assert e["zh"] and e["en"] and e["label_zh"] and e["label_en"]
    members = next(e for e in errors if e["field"] == "members")
    assert (members["label_zh"], members["label_en"]) == ("人口数", "members") or members[
        "label_zh"
    ] != members["label_en"]
    assert head(zhucun) == before


@pytest.mark.parametrize(
    "group",
    [
        OTHER_GROUP,
        f" {OTHER_GROUP}",
        f"{OTHER_GROUP}\t",
        f"\n{OTHER_GROUP} ",
        OTHER_GROUP.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ],
)
def test_another_countys_valid_code_is_outside_the_jurisdiction_and_named_nowhere(
    app, zhucun, group
):
    client, csrf = logged_in(app)
    before = head(zhucun)
    response = post(client, csrf, register_into(group))
    assert response.status_code == 403, response.get_json()
    text = response.get_data(as_text=True)
    for outside in (OTHER_GROUP, OTHER_TOWNSHIP, "210522", "桓仁", "丙村"):
        assert outside not in text
    problem = response.get_json()
    assert problem["code"] == "outside_jurisdiction" and problem["field"] == "group"
    assert business(zhucun, before) == []


def test_a_role_that_may_not_send_the_command_is_refused(app, zhucun):
    client, csrf = logged_in(app, "auditor")
    before = head(zhucun)
    response = post(client, csrf, open_village())
    assert response.status_code == 403
    assert response.get_json()["code"] == "role_not_allowed"
    assert zhucun.summary(NEW_VILLAGE) is None and before <= head(zhucun)


def test_the_session_cookie_needs_the_csrf_header_and_no_session_gets_401(app, zhucun):
    client, _csrf = logged_in(app)
    refused = post(client, {}, open_village())
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    assert zhucun.summary(NEW_VILLAGE) is None
    stranger = app.test_client()
    assert post(stranger, {}, open_village()).status_code == 401
    bearer = post(stranger, {"Authorization": "Bearer not-a-token"}, open_village())
    assert bearer.status_code == 401


def test_a_body_that_is_not_json_is_a_bad_request(app, zhucun):
    client, csrf = logged_in(app)
    response = client.post(URL, data="{not json", headers=csrf)
    assert response.status_code == 400
    assert response.get_json()["field"] == "body"
    assert post(client, csrf, {"commands": []}).status_code == 422
    actor = post(client, csrf, open_village(actor="someone.else"))
    assert actor.status_code == 422 and actor.get_json()["errors"][0]["field"] == "actor"


def test_the_first_answer_is_kept_in_the_store_across_a_restart(app, zhucun, db_url, clock):
    client, csrf = logged_in(app)
    first = post(client, csrf, open_village(), **{"Idempotency-Key": "restart"})
    assert first.status_code == 201
    written = head(zhucun)
    again = bootstrap(db_url, clock)  # another process's view of the same store
    try:
        other, other_csrf = logged_in(make_app(again))
        retry = post(other, other_csrf, open_village(), **{"Idempotency-Key": "restart"})
        assert (retry.status_code, retry.get_data()) == (201, first.get_data())
        assert business(again, written) == []
    finally:
        again.close()


def test_a_retry_while_the_first_has_no_answer_yet_is_told_to_retry(app, zhucun, monkeypatch):
    client, csrf = logged_in(app)
    monkeypatch.setattr(api_commands, "WAIT_FOR_ANSWER_SECONDS", 0)
    monkeypatch.setattr(Zhucun, "answered", lambda *a, **k: None)  # as if still running
    assert post(client, csrf, open_village(), **{"Idempotency-Key": "slow"}).status_code == 201
    written = head(zhucun)
    retry = post(client, csrf, open_village(), **{"Idempotency-Key": "slow"})
    assert retry.status_code == 409 and retry.get_json()["code"] == "request_in_progress"
    assert retry.headers["Retry-After"] == "1"
    assert head(zhucun) == written


@pytest.mark.parametrize(
    "shown", [str.upper, lambda i: f" {i}", lambda i: f"{i}\n", lambda i: f"\t{i.upper()} "]
)
def test_another_countys_household_named_by_its_id_in_any_case_or_padding_is_refused(
    app, zhucun, shown
):
    apply(zhucun, household(901, OTHER_GROUP, "曲春生", 2, on="2014-07-01"))
    client, csrf = logged_in(app)
    before = head(zhucun)
    command = {
        "command": "household_left",
        "args": {"household": shown(hid(901)), "how": "moved_out"},
        "occurred_on": "2014-08-01",
        "reason": "迁出",
    }
    response = post(client, csrf, {"commands": [open_village(), command]})
    assert response.status_code == 403, response.get_json()
    assert response.get_json()["index"] == 1
    text = response.get_data(as_text=True)
    for outside in ("曲春生", OTHER_GROUP, "210522", hid(901), hid(901).upper()):
        assert outside not in text
    assert business(zhucun, before) == [] and zhucun.summary(NEW_VILLAGE) is None


def test_a_code_of_its_own_jurisdiction_padded_and_full_width_is_used_as_normalised(app, zhucun):
    client, csrf = logged_in(app)
    code = f"\u3000{NEW_VILLAGE.translate(str.maketrans('0123456789', '０１２３４５６７８９'))}\t"
    response = post(client, csrf, open_village(code))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["results"][0]["unit"] == NEW_VILLAGE
    assert zhucun.summary(NEW_VILLAGE) is not None


def test_the_answers_are_those_the_description_gives(app, zhucun):
    """A 201, a 422 and a 403 as sent, each valid by the schema the document gives it."""
    client, csrf = logged_in(app)
    document = client.get("/api/v1/openapi.json").get_json()
    responses = document["paths"][URL]["post"]["responses"]

    def check(response: Any) -> None:
        content = responses[str(response.status_code)]["content"]
        schema = content[response.mimetype]["schema"]
        validator = Draft202012Validator({**schema, "components": document["components"]})
        errors = [e.message for e in validator.iter_errors(response.get_json())]
        assert errors == [], response.get_json()

    check(post(client, csrf, {"commands": [open_village(), open_village(TOWNSHIP + "298")]}))
    check(post(client, csrf, {"commands": [open_village(), {"command": "open_unit"}]}))
    check(post(client, csrf, register_into(OTHER_GROUP)))
