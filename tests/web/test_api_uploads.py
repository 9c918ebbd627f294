"""The API's writes outside the commands (web/api_uploads.py) on both engines, with personal
tokens: a file kept by its hash and cited by a command; a spreadsheet imported once, refused
with every row error and nothing written, held to the account's jurisdiction; the templates;
an assessment run and replayed by the roles the pages allow. A session's request needs the
CSRF header; another county's unit or run, however written, is refused naming nothing."""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from werkzeug.test import TestResponse

from app.api_tokens import ApiTokens
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.assess_builders import run
from tests.builders import COUNTY, GROUP_A1, id_number
from tests.import_files import filled_template
from tests.web.builders import (
    ACCOUNTS,
    OTHER_COUNTY,
    OTHER_GROUP,
    WebNet,
    events_named,
)
from tests.web.conftest import login, make_app
from tests.web.test_api_reads import OUTSIDE_NAMES, _variants
from tests.web.test_assessment_pages import assessed_with_accounts
from web.table_export import XLSX

ROWS = [
    [GROUP_A1, "周一", 3, id_number(711), None, None],
    [GROUP_A1, "吴二", 4, id_number(712), None, None],
]
# Row 2: a size in words; row 3: no name and an identity number that is none.
BAD_ROWS = [
    [GROUP_A1, "郑三", "两", id_number(713), None, None],
    [GROUP_A1, "", 2, "1", None, None],
]


@pytest.fixture
def tokens(zhucun: Zhucun, net: WebNet) -> dict[str, str]:
    service = ApiTokens(zhucun)
    return {role: service.issue(ACCOUNTS[role][0])["token"] for role in ACCOUNTS}


def bearer(tokens: dict[str, str], role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


def described(client: FlaskClient, response: TestResponse, path: str, method: str) -> Any:
    """The answer's body, checked against the schema the description gives for its status."""
    document = client.get("/api/v1/openapi.json").get_json()
    answer = document["paths"][path][method]["responses"][str(response.status_code)]
    if "$ref" in answer:
        answer = document["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    media, content = next(iter(answer["content"].items()))
    assert response.mimetype == media
    body = response.get_json()
    jsonschema.validate(body, {**content["schema"], "components": document["components"]})
    return body


def test_a_file_is_kept_by_its_hash_once_and_its_hash_cited(
    web: Flask, zhucun: Zhucun, tokens: dict[str, str]
) -> None:
    client = web.test_client()
    content = "村民代表大会记录".encode()
    raw = client.post(
        "/api/v1/files?name=记录.txt", data=content, headers=bearer(tokens, "township_officer")
    )
    assert raw.status_code == 201
    kept = described(client, raw, "/api/v1/files", "post")
    assert kept["file"] == hashlib.sha256(content).hexdigest() and kept["size"] == len(content)
    assert kept["media_type"] == "text/plain"
    form = client.post(
        "/api/v1/files",
        data={"file": (io.BytesIO(content), "again.txt")},
        content_type="multipart/form-data",
        headers=bearer(tokens, "team_member"),
    )
    assert form.status_code == 201 and form.get_json()["file"] == kept["file"]
    assert zhucun.stored_file(kept["file"]) == content


def test_a_file_too_large_or_missing_is_refused_and_not_kept(
    web: Flask, zhucun: Zhucun, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZHUCUN_MAX_FILE_BYTES", "10")
    client = web.test_client()
    big = b"x" * 11
    refused = client.post("/api/v1/files", data=big, headers=bearer(tokens, "county_admin"))
    assert refused.status_code == 422
    assert described(client, refused, "/api/v1/files", "post")["code"] == "file_too_large"
    empty = client.post("/api/v1/files", data=b"", headers=bearer(tokens, "county_admin"))
    assert empty.status_code == 422 and empty.get_json()["field"] == "file"
    with pytest.raises(Exception):  # noqa: B017 (the store's own refusal of an unknown hash)
        zhucun.stored_file(hashlib.sha256(big).hexdigest())


@pytest.mark.parametrize("role", ["inspector", "auditor"])
def test_who_may_cite_no_file_may_keep_none(web: Flask, tokens: dict[str, str], role: str) -> None:
    response = web.test_client().post("/api/v1/files", data=b"x", headers=bearer(tokens, role))
    assert response.status_code == 403


def test_a_session_s_write_needs_the_csrf_header(web: Flask) -> None:
    client = login(web.test_client(), "county_admin")
    assert client.post("/api/v1/files?name=a.txt", data=b"x").status_code == 400
    assert client.post("/api/v1/assessments", json={"kind": "annual"}).status_code == 400


def _import(client: FlaskClient, headers: dict[str, str], content: bytes) -> TestResponse:
    return client.post(
        "/api/v1/imports/households",
        data={
            "file": (io.BytesIO(content), "户.xlsx"),
            "occurred_on": "2014-07-01",
            "reason": "入户登记",
        },
        content_type="multipart/form-data",
        headers=headers,
    )


def test_a_workbook_is_imported_once_and_again_skipped(
    web: Flask, zhucun: Zhucun, tokens: dict[str, str]
) -> None:
    client = web.test_client()
    content = filled_template("households", ROWS)
    first = _import(client, bearer(tokens, "township_officer"), content)
    assert first.status_code == 200, first.get_data(as_text=True)
    done = described(client, first, "/api/v1/imports/{kind}", "post")
    assert (done["applied"], done["skipped"]) == (2, 0)
    head = zhucun.store.max_position()
    again = _import(client, bearer(tokens, "township_officer"), content)
    assert (again.get_json()["applied"], again.get_json()["skipped"]) == (0, 2)
    assert zhucun.store.max_position() == head + 1, "one event: the token's use"
    raw = client.post(
        "/api/v1/imports/households?name=户.xlsx&occurred_on=2014-07-01",
        data=content,
        headers=bearer(tokens, "township_officer"),
    )
    assert raw.status_code == 200 and raw.get_json()["skipped"] == 2


def test_a_workbook_with_errors_answers_every_one_and_writes_nothing(
    web: Flask, zhucun: Zhucun, tokens: dict[str, str]
) -> None:
    client = web.test_client()
    head = zhucun.store.max_position()
    response = _import(
        client, bearer(tokens, "township_officer"), filled_template("households", BAD_ROWS)
    )
    assert response.status_code == 422
    body = described(client, response, "/api/v1/imports/{kind}", "post")
    assert {e["row"] for e in body["errors"]} == {2, 3} and len(body["errors"]) >= 3
    assert zhucun.store.max_position() == head + 1, "only the token's use"


def test_a_refused_workbook_asked_for_as_a_workbook_comes_back_with_its_errors_marked(
    web: Flask, zhucun: Zhucun, tokens: dict[str, str]
) -> None:
    client = web.test_client()
    head = zhucun.store.max_position()
    headers = bearer(tokens, "township_officer") | {"Accept": XLSX}
    response = _import(client, headers, filled_template("households", BAD_ROWS))
    assert response.status_code == 422 and response.mimetype == XLSX
    assert "errors.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    own, listing = book.worksheets[0], book.worksheets[-1]
    assert own["A1"].value == "村民小组*", "the official's own sheet comes first"
    assert {row[0] for row in listing.iter_rows(min_row=2, values_only=True)} == {2, 3}
    assert zhucun.store.max_position() == head + 1, "only the token's use"
    as_json = _import(
        client, bearer(tokens, "township_officer"), filled_template("households", BAD_ROWS)
    )
    assert as_json.mimetype == "application/problem+json", "JSON unless a workbook is asked for"


def test_rows_of_another_county_are_refused_naming_nothing_of_it(
    web: Flask, zhucun: Zhucun, tokens: dict[str, str]
) -> None:
    client = web.test_client()
    rows = [[OTHER_GROUP, "钱十", 3, id_number(714), None, None]]
    head = zhucun.store.max_position()
    response = _import(client, bearer(tokens, "county_admin"), filled_template("households", rows))
    assert response.status_code in (403, 422)
    assert [s for s in OUTSIDE_NAMES if s in response.get_data(as_text=True)] == []
    assert zhucun.store.max_position() <= head + 2, "the use, and the refusal recorded"
    assert not [
        e for page in zhucun.store.iter_log() for e in page if "钱十" in str(vars(e.event))
    ], "nothing of the row written"


def test_templates_and_kinds_are_the_import_page_s(web: Flask, tokens: dict[str, str]) -> None:
    client = web.test_client()
    kinds = client.get("/api/v1/imports", headers=bearer(tokens, "township_officer"))
    assert "households" in {k["kind"] for k in kinds.get_json()["rows"]}
    got = client.get(
        "/api/v1/imports/households/template.xlsx", headers=bearer(tokens, "township_officer")
    )
    assert got.status_code == 200
    assert load_workbook(io.BytesIO(got.data)).worksheets[0]["A1"].value == "村民小组*"
    auditor = client.get(
        "/api/v1/imports/households/template.xlsx", headers=bearer(tokens, "auditor")
    )
    assert auditor.status_code == 403, "a kind the role may not record: refused, recorded"
    nothing = client.get("/api/v1/imports/nothing/template.xlsx", headers=bearer(tokens, "auditor"))
    assert nothing.status_code == 404
    assert client.get("/api/v1/imports", headers=bearer(tokens, "auditor")).get_json()["rows"] == []


@pytest.fixture
def assessed(zhucun: Zhucun, clock: SettableClock) -> tuple[Flask, dict[str, str]]:
    """The assessed team's store (rules in force), and a token per role."""
    assessed_with_accounts(zhucun, clock)
    service = ApiTokens(zhucun)
    tokens = {role: service.issue(ACCOUNTS[role][0])["token"] for role in ACCOUNTS}
    return make_app(zhucun), tokens


def test_an_assessment_is_run_and_replayed_by_the_pages_roles(
    assessed: tuple[Flask, dict[str, str]], zhucun: Zhucun
) -> None:
    web, tokens = assessed
    client = web.test_client()
    sent = {"kind": "annual", "period": "2014", "unit": COUNTY}
    done = client.post("/api/v1/assessments", json=sent, headers=bearer(tokens, "county_admin"))
    assert done.status_code == 201, done.get_data(as_text=True)
    run_id = described(client, done, "/api/v1/assessments", "post")["run_id"]
    assert run_id in {r["run_id"] for r in zhucun.assessments.runs()}
    path = f"/api/v1/assessments/{run_id}/replay"
    replayed = client.post(path, headers=bearer(tokens, "auditor"))
    assert replayed.status_code == 200
    assert described(client, replayed, "/api/v1/assessments/{run_id}/replay", "post")["mode"] == (
        "reproduce"
    )
    now = client.post(path, json={"known_now": True}, headers=bearer(tokens, "auditor"))
    assert now.get_json()["mode"] == "known_now"
    member = bearer(tokens, "team_member")
    assert client.post("/api/v1/assessments", json=sent, headers=member).status_code == 403
    assert client.post(path, headers=member).status_code == 403


def test_a_run_refused_by_field_writes_nothing_and_a_retry_with_its_id_runs_once(
    assessed: tuple[Flask, dict[str, str]], zhucun: Zhucun
) -> None:
    web, tokens = assessed
    client = web.test_client()
    county = bearer(tokens, "county_admin")
    for sent, name in (
        ({"kind": "monthly", "period": "2014"}, "kind"),
        ({"kind": "annual", "period": "2014", "colour": "red"}, "colour"),
        ({"kind": "annual", "period": "2099"}, "period"),
    ):
        response = client.post("/api/v1/assessments", json=sent, headers=county)
        assert response.status_code == 422, response.get_data(as_text=True)
        assert response.get_json()["field"] == name
        if name == "kind":  # by its label, in both languages
            assert "考核类别" in response.get_json()["zh"]
            assert "kind of assessment" in response.get_json()["en"]
    assert client.post("/api/v1/assessments", data="{", headers=county).status_code == 400
    assert zhucun.assessments.runs() == []
    sent = {"kind": "annual", "period": "2014", "run_id": "00000000-0000-4000-8000-0000000000aa"}
    assert client.post("/api/v1/assessments", json=sent, headers=county).status_code == 201
    assert client.post("/api/v1/assessments", json=sent, headers=county).status_code == 422
    assert len(zhucun.assessments.runs()) == 1


def test_another_county_s_unit_or_run_is_refused_naming_nothing_of_it(
    assessed: tuple[Flask, dict[str, str]], zhucun: Zhucun
) -> None:
    web, tokens = assessed
    client = web.test_client()
    county = bearer(tokens, "county_admin")
    for value in _variants(OTHER_COUNTY):
        sent = {"kind": "annual", "period": "2014", "unit": value}
        body = client.post("/api/v1/assessments", json=sent, headers=county)
        assert body.status_code == 403, (value, body.get_json())
        assert [s for s in OUTSIDE_NAMES if s in body.get_data(as_text=True)] == []
    theirs = run(zhucun, unit=OTHER_COUNTY)["run_id"]
    for value in _variants(theirs):
        response = client.post(
            f"/api/v1/assessments/{quote(value, safe='')}/replay", headers=county
        )
        assert response.status_code == 403, value


def test_the_audit_log_exported_through_the_api_holds_every_entry_and_is_recorded(
    web: Flask, zhucun: Zhucun, tokens: dict[str, str]
) -> None:
    client = web.test_client()
    county = bearer(tokens, "county_admin")
    entries = []
    path = "/api/v1/audit?limit=50"
    while path:
        answer = client.get(path, headers=county).get_json()
        entries += answer["rows"]
        path = answer["next"] and f"/api/v1/audit?limit=50&cursor={quote(answer['next'])}"
    response = client.post("/api/v1/audit/export/csv?reason=2016年度审计", headers=county)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(lines) - 1 == len(entries), "every entry of the county's log, one a line"
    recorded = events_named(zhucun, "DataAccess.Exported")[-1]
    assert (recorded.actor_id, recorded.format, recorded.rows) == (
        "county.admin",
        "csv",
        len(entries),
    )
    assert recorded.reason == "2016年度审计" and recorded.filters["unit"] == COUNTY
    assert recorded.target.startswith("api:audit-log-")


def test_an_audit_export_refused_writes_nothing_but_the_refusal(
    web: Flask, zhucun: Zhucun, tokens: dict[str, str]
) -> None:
    client = web.test_client()
    too_long = client.post(
        f"/api/v1/audit/export/xlsx?reason={'长' * 2001}", headers=bearer(tokens, "county_admin")
    )
    assert too_long.status_code == 400 and too_long.get_json()["field"] == "reason"
    outside = client.post(
        f"/api/v1/audit/export/csv?unit={OTHER_COUNTY}", headers=bearer(tokens, "county_admin")
    )
    assert outside.status_code == 403
    officer = client.post("/api/v1/audit/export/csv", headers=bearer(tokens, "township_officer"))
    assert officer.status_code == 403
    session = login(web.test_client(), "county_admin").post("/api/v1/audit/export/csv")
    assert session.status_code == 400, "a session's request needs the CSRF header"
    assert events_named(zhucun, "DataAccess.Exported") == []
