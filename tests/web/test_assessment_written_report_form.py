"""The written report of 述职评议 on a team's assessments page, on both engines: the team's
member (or an official) records the report of a year to the bodies ticked, with the document
uploaded; the store keeps the bytes by their SHA-256 and the command cites that hash. The
reports are listed with their hash and a link that returns the same bytes. Every refusal
comes back beside its field and writes nothing to the log."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from app.store.files import sha256_of
from tests.web.conftest import csrf_token, login
from tests.web.test_assessment_pages import assessed_with_accounts, refused_beside, text_of
from tests.web.test_ledger_pages import section

FORM = "/teams/{team}/assessments/report"
PAGE = "/teams/{team}/assessments"
DOCUMENT = "一、驻村基本情况\n二、2014年工作任务完成情况\n".encode()
BODIES = ["dispatching_unit", "organisation_department", "poverty_office"]


@pytest.fixture
def team(zhucun: Zhucun, clock: SettableClock) -> str:
    return assessed_with_accounts(zhucun, clock)


def send(
    client: FlaskClient, team: str, upload: bytes | None = DOCUMENT, **fields: Any
) -> tuple[int, str]:
    path = FORM.format(team=team)
    data: dict[str, Any] = {
        "csrf_token": csrf_token(client, path),
        "occurred_on": "2015-01-08",
        "reason": "报送书面述职报告",
        "year": "2014",
        "bodies": BODIES,
        "title": "2014年度述职报告",
        **fields,
    }
    if upload is not None:
        data["file"] = (io.BytesIO(upload), "述职报告.docx")
    response = client.post(path, data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def reports_table(client: FlaskClient, team: str, lang: str = "") -> str:
    html = client.get(PAGE.format(team=team) + lang).get_data(as_text=True)
    return section(html, "written-reports")


def test_the_team_s_member_records_the_report_to_the_three_bodies_with_its_document(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    login(client, "team_member")
    page = client.get(PAGE.format(team=team)).get_data(as_text=True)
    assert 'id="record-written-report"' in page and 'id="no-written-reports"' in page
    status, html = send(client, team)
    assert status == 302, html
    sha = sha256_of(DOCUMENT)
    listed = reports_table(client, team)
    text = text_of(listed)
    for body in ("派出单位", "组织部", "扶贫办"):
        assert body in text
    assert text.count(sha) == 3 and "2014年度述职报告" in text and "2015年1月8日" in text
    link = f"/teams/{team}/assessments/reports/{sha}"
    assert link in listed
    download = client.get(link)
    assert download.status_code == 200 and download.get_data() == DOCUMENT


def test_an_official_records_a_report_to_one_body_and_another_later(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    login(client, "county_admin")
    assert send(client, team, bodies=["dispatching_unit"])[0] == 302
    other = b"second document"
    assert send(client, team, other, bodies=["poverty_office"], occurred_on="2015-01-09")[0] == 302
    text = text_of(reports_table(client, team))
    assert sha256_of(DOCUMENT) in text and sha256_of(other) in text
    assert "组织部" not in text


def test_a_document_not_cited_by_the_team_s_reports_is_not_found(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    login(client, "team_member")
    stored = zhucun.attach_file(b"not a report")["file"]
    assert client.get(f"/teams/{team}/assessments/reports/{stored}").status_code == 404


@pytest.mark.parametrize(
    ("fields", "upload", "beside", "words"),
    [
        ({}, None, "file", "述职报告文件为必填项"),  # no file: the file is asked for by its label
        ({"bodies": []}, DOCUMENT, "bodies", "必填"),
        ({"year": "2019"}, DOCUMENT, "year", "不在其中"),
        ({"title": ""}, DOCUMENT, "title", "必填"),
        ({"occurred_on": "2017-01-05"}, DOCUMENT, "occurred_on", "2017"),
    ],
)
def test_each_refusal_is_shown_beside_its_field_and_writes_nothing(
    zhucun: Zhucun,
    team: str,
    client: FlaskClient,
    fields: dict[str, Any],
    upload: bytes | None,
    beside: str,
    words: str,
):
    login(client, "team_member")
    assert words in refused_beside(zhucun, beside, (400, 422), send, client, team, upload, **fields)


def test_a_report_already_submitted_to_a_body_is_refused_beside_the_bodies(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    login(client, "team_member")
    assert send(client, team)[0] == 302
    again = {"upload": b"again", "bodies": ["poverty_office"]}
    assert "已报送扶贫办" in refused_beside(zhucun, "bodies", (422,), send, client, team, **again)


def test_the_form_and_the_list_speak_english_on_request(
    zhucun: Zhucun, team: str, client: FlaskClient
):
    login(client, "team_member")
    send(client, team)
    client.get(PAGE.format(team=team))  # where the form leads, with the Chinese page's flash
    form = text_of(client.get(FORM.format(team=team) + "?lang=en").get_data(as_text=True))
    assert "Submitted to" in form and "Report document" in form and "述职" not in form
    listed = text_of(reports_table(client, team, "?lang=en"))
    assert "Organisation department" in listed and "Poverty-relief office" in listed
    assert "Download" in listed


def test_the_chinese_form_has_no_english_words(zhucun: Zhucun, team: str, client: FlaskClient):
    login(client, "team_member")
    form = text_of(client.get(FORM.format(team=team)).get_data(as_text=True))
    assert "报送对象" in form and "述职报告文件" in form
    assert not re.search(r"Submitted to|Report document|dispatching_unit|poverty_office", form)
