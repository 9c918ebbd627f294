"""Every table a page shows can be downloaded as .xlsx (web/table_export.py, ADR 038): each
page's tables (and its lists marked as tables) carry a link to their workbook; the workbook
holds the page's columns in the page's language and exactly the page's rows, under the
page's filters and day; the export is recorded as the other exports are; another county's
administrator cannot export this county's table; a cell that reads like a formula stays text;
and a bad export request is refused, naming its field."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.accounts import Accounts
from app.bootstrap import Zhucun
from tests.builders import COUNTY, TOWNSHIP, VILLAGE_A
from tests.web.builders import (
    FAST_HASHER,
    OTHER_COUNTY,
    PASSWORD,
    WebNet,
    events_named,
)
from tests.web.conftest import login
from tests.web.ledger_data import ledger_network_with_funds
from web.table_export import read_table, value_of, workbook

LINK = re.compile(r'<a class="export-link" id="export-([^"]+)" href="([^"]+)"')


@pytest.fixture
def network(zhucun: Zhucun) -> WebNet:
    net = ledger_network_with_funds(zhucun)
    Accounts(zhucun, hasher=FAST_HASHER).add(
        "other.admin", "county_admin", OTHER_COUNTY, PASSWORD, actor="test"
    )
    return net


@pytest.fixture
def city(network: WebNet, client: FlaskClient) -> FlaskClient:
    return login(client, "city_admin")


def pages(net: WebNet) -> list[str]:
    """Pages of every kind that show tables or lists marked as tables."""
    household = net.households["A1"]
    return [
        f"/units/{COUNTY}",
        f"/units/{TOWNSHIP}?as_of=2016-06-30",
        f"/units/{VILLAGE_A}",
        f"/units/{VILLAGE_A}/gaps",
        f"/units/{VILLAGE_A}/ledger",
        f"/units/{VILLAGE_A}/measures",
        f"/units/{TOWNSHIP}/ledger",
        "/summary",
        "/accounts",
        "/teams",
        f"/teams/{net.team}",
        f"/history/unit/{VILLAGE_A}",
        f"/households/{household}",
        "/search?q=王",
    ]


def tables_of(html: str) -> list[str]:
    """The ids of the tables on the page, and of the lists marked as tables."""
    ids = re.findall(r'<table\b(?![^>]*data-export="no")[^>]*\bid="([^"]+)"', html)
    ids += re.findall(r'<(?:ol|ul|div)\b(?=[^>]*\bdata-export\b)[^>]*\bid="([^"]+)"', html)
    return ids


def sheet_rows(body: bytes) -> list[list[Any]]:
    ws = load_workbook(io.BytesIO(body)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def expected(text: str, numeric: bool) -> Any:
    """What a workbook cell holds for a page's cell: its text, or the number or day it says
    (an empty cell: nothing)."""
    value = value_of(text, numeric)[0]
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    return None if value == "" else value


def test_every_table_of_every_page_offers_an_export_whose_rows_are_the_pages(
    network: WebNet, city: FlaskClient, zhucun: Zhucun
):
    exported = 0
    before = len(events_named(zhucun, "DataAccess.Exported"))
    for path in pages(network):
        response = city.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        # No table lacks an id (an id is what its export is asked by).
        assert len(re.findall(r"<table\b(?![^>]*data-export=\"no\")", html)) == len(
            re.findall(r'<table\b(?![^>]*data-export="no")[^>]*\bid="', html)
        ), path
        links = dict(LINK.findall(html))
        assert set(tables_of(html)) == set(links), path
        for ident, href in links.items():
            href = href.replace("&amp;", "&")
            got = city.get(href)
            assert got.status_code == 200, (path, ident, got.get_data(as_text=True)[:300])
            assert got.mimetype.endswith("spreadsheetml.sheet")
            assert got.headers["Content-Disposition"].endswith('.xlsx"')
            found = read_table(html, ident)
            assert found is not None
            _title, headings, rows = found
            sheet = sheet_rows(got.data)
            if headings:
                assert sheet[0] == headings, (path, ident)
                sheet = sheet[1:]
            assert len(sheet) == len(rows), (path, ident)
            for row, cells in zip(sheet, rows, strict=True):
                want = [expected(text, num) for text, num in cells]
                assert row == want + [None] * (len(row) - len(want)), (path, ident)
            exported += 1
    assert exported >= 25
    assert len(events_named(zhucun, "DataAccess.Exported")) == before + exported


def test_the_units_below_as_a_workbook_hold_the_pages_figures_as_numbers_in_chinese(
    network: WebNet, city: FlaskClient, zhucun: Zhucun
):
    children = city.get(f"/units/{COUNTY}/children.json").get_json()["children"]
    body = city.get(f"/units/{COUNTY}?export=xlsx&table=children").data
    sheet = sheet_rows(body)
    assert sheet[0] == ["单位", "层级", "在册户数", "联系率", "盲点"]
    assert [r[0] for r in sheet[1:]] == [f"{c['name']} {c['code']}" for c in children]
    assert [r[2] for r in sheet[1:]] == [c["households"] for c in children]
    assert [r[4] for r in sheet[1:]] == [c["gaps"] for c in children]
    for row, c in zip(sheet[1:], children, strict=True):
        assert float(row[3]) == pytest.approx(round(c["link_rate"] * 100, 1) / 100)
    # In English on request: the same rows, English headings.
    english = sheet_rows(city.get(f"/units/{COUNTY}?export=xlsx&table=children&lang=en").data)
    assert english[0] == ["Unit", "Level", "Households", "Link rate", "Blind spots"]
    assert len(english) == len(sheet)
    exported = events_named(zhucun, "DataAccess.Exported")[-1]
    assert exported.what == "table children" and exported.format == "xlsx"
    assert exported.filters["path"] == f"/units/{COUNTY}" and exported.rows == len(children)


def test_a_teams_residency_and_a_units_history_export_as_tables(network: WebNet, city: FlaskClient):
    page = city.get(f"/teams/{network.team}?month=2016-06").get_data(as_text=True)
    href = dict(LINK.findall(page))["residency"].replace("&amp;", "&")
    assert "month=2016-06" in href
    sheet = sheet_rows(city.get(href).data)
    assert sheet[0][0] == "姓名"
    assert {"已签到", "请假", "无记录", "应驻", "在队天数"} <= set(sheet[0]), sheet[0]
    names = re.findall(r'<h3><span data-col="姓名">([^<]+)</span>', page)
    assert [r[0] for r in sheet[1:]] == names and names
    checked_in = sheet[0].index("已签到")
    assert all(isinstance(r[checked_in], int) for r in sheet[1:])
    history = city.get(f"/history/unit/{VILLAGE_A}").get_data(as_text=True)
    sheet = sheet_rows(city.get(dict(LINK.findall(history))["timeline"].replace("&amp;", "&")).data)
    assert sheet[0][:2] == ["事项", "日志序号"]
    assert len(sheet) - 1 == history.count('<li class="entry"')


def test_the_export_keeps_the_pages_day_and_filters(network: WebNet, city: FlaskClient):
    page = city.get(f"/units/{VILLAGE_A}/gaps?type=unlinked_household").get_data(as_text=True)
    href = dict(LINK.findall(page))["gaps"].replace("&amp;", "&")
    assert "type=unlinked_household" in href and "export=xlsx" in href
    sheet = sheet_rows(city.get(href).data)
    kinds = {r[0] for r in sheet[1:]}
    assert kinds == {"未联系党员中心户的户"}, kinds
    # A past day: the workbook is that day's table.
    past = sheet_rows(
        city.get(f"/units/{TOWNSHIP}?as_of=2014-01-15&export=xlsx&table=children").data
    )
    today = sheet_rows(city.get(f"/units/{TOWNSHIP}?export=xlsx&table=children").data)
    assert [r[2] for r in past[1:]] != [r[2] for r in today[1:]]
    assert all(r[2] == 0 for r in past[1:])


def test_another_countys_admin_cannot_export_this_countys_table(
    network: WebNet, client: FlaskClient, zhucun: Zhucun
):
    other = login(client, "other.admin")
    before = len(events_named(zhucun, "DataAccess.Exported"))
    for path in (f"/units/{COUNTY}", f"/units/{VILLAGE_A}/gaps", f"/history/unit/{VILLAGE_A}"):
        refused = other.get(path + ("&" if "?" in path else "?") + "export=xlsx&table=children")
        assert refused.status_code == 403, path
        assert not refused.mimetype.endswith("spreadsheetml.sheet")
    assert len(events_named(zhucun, "DataAccess.Exported")) == before


def test_a_bad_export_request_is_refused_naming_its_field(network: WebNet, city: FlaskClient):
    wrong_format = city.get(f"/units/{COUNTY}?export=pdf&table=children")
    assert wrong_format.status_code == 400
    text = wrong_format.get_data(as_text=True)
    assert "导出格式" in text and "pdf" in text
    no_table = city.get(f"/units/{COUNTY}?export=xlsx&table=nothing-here")
    assert no_table.status_code == 400
    assert "本页没有表格" in no_table.get_data(as_text=True)
    unnamed = city.get(f"/units/{COUNTY}?export=xlsx")
    assert unnamed.status_code == 400 and "表格" in unnamed.get_data(as_text=True)


def test_a_cell_that_reads_like_a_formula_stays_text():
    body = workbook("test", ["名称", "数"], [[('=HYPERLINK("http://x")', False), ("12", True)]])
    ws = load_workbook(io.BytesIO(body)).active
    cell = ws["A2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'
    assert ws["B2"].value == 12


def test_days_and_percentages_become_dates_and_fractions():
    assert value_of("2014年6月5日", False) == (date(2014, 6, 5), 'yyyy"年"m"月"d"日"')
    assert value_of("Jun 5, 2014", False)[0] == date(2014, 6, 5)
    assert value_of("95.3%", True)[0] == pytest.approx(0.953)
    assert value_of("1,234", True) == (1234, None)
    assert value_of("1,234", False) == ("1,234", None)
    assert value_of("–", True) == ("–", None)
