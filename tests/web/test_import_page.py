"""The import page: templates to download, an upload form (CSRF), the result page with the
counts, or the errors and the file given back marked; held to the account's role and
jurisdiction, in Chinese on the Chinese page."""

from __future__ import annotations

import base64
import io
import re

from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.bootstrap import Zhucun
from app.imports.marked import ERROR_HEADER
from tests.builders import GROUP_A1, id_number
from tests.import_files import filled_template
from tests.web.builders import OTHER_GROUP, WebNet
from tests.web.conftest import csrf_token, login

ROWS = [
    [GROUP_A1, "周一", 3, id_number(711), None, None],
    [GROUP_A1, "吴二", 4, id_number(712), None, None],
]


def send(
    client: FlaskClient,
    content: bytes,
    name: str = "户.xlsx",
    kind: str = "households",
    token: str | None = None,
):  # type: ignore[no-untyped-def]
    data = {
        "kind": kind,
        "file": (io.BytesIO(content), name),
        "csrf_token": token if token is not None else csrf_token(client, "/import"),
        "occurred_on": "2014-07-01",
        "reason": "入户登记",
    }
    return client.post("/import", data=data, content_type="multipart/form-data")


def test_the_menu_leads_to_the_page_and_its_templates(client: FlaskClient, net: WebNet) -> None:
    login(client, "township_officer")
    home = client.get("/?lang=zh", follow_redirects=True).get_data(as_text=True)
    assert 'id="nav-import"' in home and 'id="unit-import"' in home
    page = client.get("/import").get_data(as_text=True)
    assert "从表格导入" in page and 'id="template-households"' in page
    assert "households" not in re.sub(r'(id|href|value)="[^"]*"', "", page)
    got = client.get("/import/households/template.xlsx")
    assert got.status_code == 200
    ws = load_workbook(io.BytesIO(got.data)).worksheets[0]
    assert ws["A1"].value == "村民小组*"


def test_a_good_file_is_recorded_once(client: FlaskClient, net: WebNet, zhucun: Zhucun) -> None:
    login(client, "township_officer")
    client.get("/import?lang=zh")
    content = filled_template("households", ROWS)
    first = send(client, content)
    assert first.status_code == 200, first.get_data(as_text=True)
    assert "已记录 2 行" in first.get_data(as_text=True)
    head = zhucun.store.max_position()
    again = send(client, content).get_data(as_text=True)
    assert "跳过 2 行" in again and zhucun.store.max_position() == head


def test_a_file_with_errors_is_listed_and_given_back_marked(
    client: FlaskClient, net: WebNet, zhucun: Zhucun
) -> None:
    login(client, "township_officer")
    client.get("/import?lang=zh")
    head = zhucun.store.max_position()
    bad = [*ROWS[:1], [GROUP_A1, "郑三", "两", id_number(713), None, None]]
    response = send(client, filled_template("households", bad))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and zhucun.store.max_position() == head
    assert "未记录任何内容" in html and "家庭人口应为整数" in html
    assert "members" not in html  # the column by its label, never the argument's name
    link = re.search(r'id="marked-workbook" href="data:[^;]+;base64,([^"]+)"', html)
    assert link
    ws = load_workbook(io.BytesIO(base64.b64decode(link.group(1)))).worksheets[0]
    assert ws.cell(1, 7).value == ERROR_HEADER and ws["C3"].comment is not None


def test_rows_of_another_county_are_refused_and_nothing_written(
    client: FlaskClient, net: WebNet, zhucun: Zhucun
) -> None:
    login(client, "township_officer")
    head = zhucun.store.max_position()
    rows = [*ROWS[:1], [f" {OTHER_GROUP} ", "孙八", 3, id_number(714), None, None]]
    response = send(client, filled_template("households", rows))
    assert response.status_code == 422 and zhucun.store.max_position() == head


def test_a_file_that_is_no_table_is_refused_on_the_page(client: FlaskClient, net: WebNet) -> None:
    login(client, "township_officer")
    client.get("/import?lang=zh")
    response = send(client, b"\x00\x01\xff", name="x.csv")
    assert response.status_code == 422 and "编码" in response.get_data(as_text=True)


def test_an_upload_without_its_csrf_token_is_refused(
    client: FlaskClient, net: WebNet, zhucun: Zhucun
) -> None:
    login(client, "township_officer")
    head = zhucun.store.max_position()
    response = send(client, filled_template("households", ROWS), token="")
    assert response.status_code == 400 and zhucun.store.max_position() == head


def test_an_auditor_may_import_nothing(client: FlaskClient, net: WebNet, zhucun: Zhucun) -> None:
    login(client, "auditor")
    assert 'id="nav-import"' not in client.get("/import").get_data(as_text=True)
    assert client.get("/import/households/template.xlsx").status_code == 404
    token = csrf_token(client, "/import")
    assert send(client, filled_template("households", ROWS), token=token).status_code == 404
