"""The ledger's pages through the Flask test client, on both engines: a village's ledger, a
tab per part, on the as-of day and as known at a moment; the roll-up of a township, county or
the city, beside the seed report's figures for the city; the measures board with its filters;
the workbook, recorded as an export by the account; jurisdiction (another county's village is
refused, recorded, in any disguise); Chinese and English, with no stored value shown raw."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.builders import CITY, COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B
from tests.ledger_builders import msid, plid
from tests.web.builders import OTHER_COUNTY, OTHER_VILLAGE, WebNet
from tests.web.conftest import login
from tests.web.ledger_data import (
    BRANCH,
    CATTLE,
    MEMBERS_PLAN,
    MUSHROOMS,
    ROAD,
    YOUNG,
    ledger_network,
)

LEDGER = f"/units/{VILLAGE_A}/ledger"
# Stored values a Chinese page must never show as they are stored.
RAW = (
    "under_way",
    "weak_and_lax",
    "poor_infrastructure",
    "collective_economy",
    "urban_rural",
    "statistics_table",
    "three_year",
    "party_member",
)


@pytest.fixture
def net(zhucun: Zhucun) -> WebNet:
    return ledger_network(zhucun)


def text_of(html: str) -> str:
    """What a reader sees: the page without its tags, attributes and scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, element_id: str) -> str:
    """The element of that id, from its opening tag to the tag that closes it."""
    opening = re.search(rf'<(\w+)\b[^>]*\bid="{re.escape(element_id)}"', html)
    assert opening, f"no #{element_id}"
    tag, depth = opening.group(1), 0
    for m in re.finditer(rf"<(/?){tag}\b", html[opening.start() :]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return html[opening.start() : opening.start() + m.end()]
    raise AssertionError(f"#{element_id} is not closed")


def refusals(z: Zhucun) -> int:
    return sum(
        1
        for page in z.store.iter_log()
        for e in page
        if type(e.event).__qualname__ == "AccessLog.AccessRefused"
    )


# -- a village's ledger -------------------------------------------------------------------------


def test_a_village_ledger_shows_each_part_on_its_own_tab(net: WebNet, client: FlaskClient):
    login(client, "city_admin")
    survey = client.get(LEDGER).get_data(as_text=True)
    assert 'aria-current="page" id="tab-survey"' in survey
    seen = text_of(survey)
    assert "甲村工作台账" in seen and "刘书记" in seen and "软弱涣散" in seen
    assert "350,000.50" in seen  # the registration form's assets, in yuan
    assert "村路不通，农产品运不出去" in seen and "基础设施薄弱" in seen
    assert "调查问卷 60 / 58" in seen and "统计表 20 / 20" in seen
    plans = text_of(client.get(f"{LEDGER}?tab=plans").get_data(as_text=True))
    assert "2014 年度帮扶计划" in plans and "2014年7月15日 由王镇长批准" in plans
    assert "修通村路 4 公里" in plans and "三年帮扶目标 · 三年帮扶目标" in plans
    measures = client.get(f"{LEDGER}?tab=measures").get_data(as_text=True)
    assert "当日有 2 项措施逾期。" in text_of(measures)
    for n, overdue in ((ROAD, True), (MUSHROOMS, True), (YOUNG, False), (BRANCH, False)):
        row = section(measures, f"measure-{msid(n)}")
        assert ('class="overdue"' in row) is overdue, n
    assert "资金未到位" in text_of(section(measures, f"measure-{msid(CATTLE)}"))
    letters = text_of(client.get(f"{LEDGER}?tab=letters").get_data(as_text=True))
    assert "农委主任" in letters and "两年内硬化村路 4 公里" in letters


def test_the_ledger_follows_the_as_of_day(net: WebNet, client: FlaskClient):
    login(client, "city_admin")
    before = text_of(client.get(f"{LEDGER}?as_of=2014-06-01").get_data(as_text=True))
    assert "截至日期 2014年6月1日" in before and "未开始" in before
    assert "当日尚未填报登记表。" in before
    drafted = client.get(f"{LEDGER}?tab=plans&as_of=2014-07-10").get_data(as_text=True)
    assert "未批准" in text_of(drafted) and "由王镇长批准" not in drafted
    assert "当日尚无帮扶措施。" in text_of(
        client.get(f"{LEDGER}?tab=measures&as_of=2014-07-31").get_data(as_text=True)
    )
    # Before its due date, the road was neither under way nor overdue.
    early = client.get(f"{LEDGER}?tab=measures&as_of=2014-08-15").get_data(as_text=True)
    assert 'class="overdue"' not in section(early, f"measure-{msid(ROAD)}")
    # The tab links keep the day.
    assert f'href="{LEDGER}?tab=plans&amp;as_of=2014-08-15"' in early


def test_the_ledger_follows_the_moment_it_is_known_at(
    zhucun: Zhucun, clock: SettableClock, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    clock.advance(timedelta(hours=2))  # 14:00 in Beijing
    from tests.builders import apply
    from tests.ledger_builders import progress

    apply(zhucun, progress(ROAD, "路面完成 1 公里", "2016-12-31"))
    path = f"{LEDGER}?tab=measures"
    assert "路面完成 1 公里" in client.get(path).get_data(as_text=True)
    earlier = client.get(f"{path}&as_known_at=2016-12-31T13:00").get_data(as_text=True)
    assert "路面完成 1 公里" not in earlier and "路基完成" in earlier
    assert 'id="known-at-shown"' in earlier
    assert client.get(f"{path}&as_known_at=yesterday").status_code == 400
    assert client.get(f"{path}&as_known_at=2017-01-05").status_code == 404


def test_a_bad_day_or_part_is_refused_by_name(net: WebNet, client: FlaskClient):
    login(client, "city_admin")
    assert client.get(f"{LEDGER}?as_of=2016-13-01").status_code == 400
    assert client.get(f"{LEDGER}?as_of=2017-01-01").status_code == 400
    wrong = client.get(f"{LEDGER}?tab=budget")
    assert wrong.status_code == 400 and "台账没有" in wrong.get_data(as_text=True)


# -- the roll-up ----------------------------------------------------------------------------------


def test_the_citys_ledger_shows_its_survey_beside_the_seed_reports_figures(
    net: WebNet, client: FlaskClient
):
    login(client, "city_admin")
    html = client.get(f"/units/{CITY}/ledger").get_data(as_text=True)
    row = text_of(section(html, "figure-tables_and_questionnaires"))
    assert "发放问卷和统计表 80 4,200 余 尚未" in row
    assert "突出问题 1 90 尚未" in text_of(section(html, "figure-problems"))
    assert "帮扶措施 6 310 余 尚未" in text_of(section(html, "figure-measures"))
    assert "工作目标责任书 1 64 尚未" in text_of(section(html, "figure-letters"))
    assert 'id="seed-chart"' in html and '"number": 4200' in html
    villages = section(html, "villages")
    assert f'href="/units/{VILLAGE_A}/ledger"' in villages
    assert f'href="/units/{OTHER_VILLAGE}/ledger"' in html
    # A county is not the city of the report: its figures stand alone.
    county = client.get(f"/units/{COUNTY}/ledger").get_data(as_text=True)
    assert "原始报告" not in county and 'id="seed-chart"' not in county
    assert f'href="/units/{OTHER_VILLAGE}/ledger"' not in county


def test_a_townships_roll_up_counts_its_villages_on_the_day(net: WebNet, client: FlaskClient):
    login(client, "township_officer")
    html = client.get(f"/units/{TOWNSHIP}/ledger").get_data(as_text=True)
    a = text_of(section(html, f"village-{VILLAGE_A}"))
    # form in; 80 tables, 1 symposium, 0 visited, 1 interview, 2 opinions, 1 problem;
    # 1 of 3 plans approved; 1 of 5 measures done, 2 overdue; the letter ended in June 2016.
    assert "已填登记表 80 1 0 1 2 1 1 / 3 1 / 5 2 0 / 1" in a
    assert "– 0 0 0 0 0 0 0 / 0 0 / 0 0 0 / 0" in text_of(section(html, f"village-{VILLAGE_B}"))
    earlier = client.get(f"/units/{TOWNSHIP}/ledger?as_of=2014-07-20").get_data(as_text=True)
    assert "已填登记表 80 1 0 1 2 1 1 / 2 0 / 0 0 1 / 1" in text_of(
        section(earlier, f"village-{VILLAGE_A}")
    )


# -- the measures board ---------------------------------------------------------------------------


def test_the_board_has_a_column_per_status_with_the_overdue_marked(
    net: WebNet, client: FlaskClient
):
    login(client, "county_admin")
    html = client.get(f"/units/{COUNTY}/measures").get_data(as_text=True)
    columns = {
        status: re.findall(r'id="measure-([0-9a-f-]+)"', section(html, f"column-{status}"))
        for status in ("planned", "under_way", "done", "dropped")
    }
    assert columns == {
        "planned": [msid(MUSHROOMS), msid(YOUNG)],
        "under_way": [msid(ROAD)],
        "done": [msid(BRANCH)],
        "dropped": [msid(CATTLE)],
    }
    assert 'class="measure overdue" id="measure-' + msid(ROAD) in html
    assert 'class="measure" id="measure-' + msid(YOUNG) in html
    card = section(html, f"measure-{msid(ROAD)}")
    assert f'href="/units/{VILLAGE_A}/ledger?tab=measures#measure-{msid(ROAD)}"' in card
    assert "已逾期：期限为 2014年10月31日" in text_of(card) and "路基完成" in card
    assert msid(3) not in html  # the other county's


def test_the_boards_filters_keep_what_they_say(net: WebNet, client: FlaskClient):
    login(client, "city_admin")
    board = f"/units/{CITY}/measures"
    overdue = client.get(f"{board}?overdue=1").get_data(as_text=True)
    assert set(re.findall(r'<article class="measure[^"]*" id="measure-([0-9a-f-]+)"', overdue)) == {
        msid(ROAD),
        msid(MUSHROOMS),
        msid(3),  # the other county's village: due 2014-10-31, planned
    }
    economy = client.get(f"{board}?category=collective_economy").get_data(as_text=True)
    found = set(re.findall(r'<article class="measure[^"]*" id="measure-([0-9a-f-]+)"', economy))
    assert found == {msid(MUSHROOMS), msid(CATTLE)}
    one = client.get(f"{board}?village={OTHER_VILLAGE}").get_data(as_text=True)
    assert set(re.findall(r'<article class="measure[^"]*" id="measure-([0-9a-f-]+)"', one)) == {
        msid(3)
    }
    assert client.get(f"{board}?category=roads").status_code == 400
    assert client.get(f"{board}?village={VILLAGE_A}x").status_code == 400
    # A day before any measure: every column empty.
    assert "显示 0 项措施中的 0 项" in text_of(
        client.get(f"{board}?as_of=2014-07-01").get_data(as_text=True)
    )


# -- the workbook ---------------------------------------------------------------------------------


def test_the_workbook_is_downloaded_and_recorded_as_an_export_by_the_account(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    response = client.get(f"/units/{TOWNSHIP}/ledger.xlsx?as_of=2016-06-30")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "ledger-210521100-2016-06-30.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert "措施" in book.sheetnames and "责任书" in book.sheetnames
    measures = [r for r in book["措施"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert len(measures) == 5
    (export,) = [
        logged.event
        for page in zhucun.store.iter_log()
        for logged in page
        if type(logged.event).__qualname__ == "DataAccess.Exported"
    ]
    assert (export.actor_id, export.actor_role, export.what, export.format) == (
        "township.officer",
        "township_officer",
        "village work ledger",
        "xlsx",
    )
    assert export.filters == {"unit": TOWNSHIP, "as_of": "2016-06-30"}
    assert export.target == "web:ledger-210521100-2016-06-30.xlsx" and export.rows > len(measures)


def test_the_workbook_of_another_county_is_refused_and_nothing_exported(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "county_admin")
    before = zhucun.store.max_position()
    assert client.get(f"/units/{OTHER_VILLAGE}/ledger.xlsx").status_code == 403
    kinds = [
        type(logged.event).__qualname__ for page in zhucun.store.iter_log(before) for logged in page
    ]
    assert kinds == ["AccessLog.AccessRefused"]


# -- who sees what --------------------------------------------------------------------------------


def test_a_team_member_sees_the_ledger_of_its_own_village_only(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    html = client.get(LEDGER).get_data(as_text=True)
    assert f'id="nav-ledger" href="{LEDGER}"' in html
    assert client.get(f"/units/{VILLAGE_A}/measures").status_code == 200
    before = refusals(zhucun)
    for path in (
        f"/units/{VILLAGE_B}/ledger",
        f"/units/{TOWNSHIP}/ledger",
        f"/units/{TOWNSHIP}/measures",
        f"/units/{VILLAGE_B}/ledger.xlsx",
    ):
        assert client.get(path).status_code == 403, path
    assert refusals(zhucun) == before + 4


@pytest.mark.parametrize(
    "code",
    [
        OTHER_VILLAGE,
        f" {OTHER_VILLAGE}",
        f"{OTHER_VILLAGE}%20",
        OTHER_VILLAGE.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        OTHER_COUNTY,
    ],
)
def test_a_county_admin_never_sees_another_countys_ledger_in_any_disguise(
    zhucun: Zhucun, net: WebNet, client: FlaskClient, code: str
):
    login(client, "county_admin")
    before = refusals(zhucun)
    for page in ("ledger", "measures", "ledger.xlsx", "ledger/record/collect-opinion"):
        response = client.get(f"/units/{code}/{page}")
        assert response.status_code == 403, (page, response.status_code)
        assert "丙村" not in response.get_data(as_text=True)
    assert refusals(zhucun) == before + 4


def test_an_address_that_is_no_unit_is_refused_by_name(net: WebNet, client: FlaskClient):
    login(client, "city_admin")
    assert client.get("/units/999999999/ledger").status_code == 404
    assert client.get("/units/21052110020x/ledger").status_code == 400
    assert client.get("/units/999999/measures").status_code == 404
    assert client.get("/units/999999/ledger.xlsx").status_code == 404


def test_the_unit_pages_link_to_the_ledger_and_the_board(net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    html = client.get(f"/units/{VILLAGE_A}?as_of=2015-06-30").get_data(as_text=True)
    assert f'id="unit-ledger" href="{LEDGER}?as_of=2015-06-30"' in html
    assert f'id="unit-measures" href="/units/{VILLAGE_A}/measures?as_of=2015-06-30"' in html
    assert f'id="nav-ledger" href="/units/{COUNTY}/ledger"' in html


# -- languages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        LEDGER,
        f"{LEDGER}?tab=plans",
        f"{LEDGER}?tab=measures",
        f"{LEDGER}?tab=letters",
        f"/units/{CITY}/ledger",
        f"/units/{CITY}/measures",
        f"/units/{VILLAGE_A}/ledger/record/plan-measure",
        f"/units/{VILLAGE_A}/ledger/record/record-survey-problem",
    ],
)
def test_a_chinese_page_shows_no_stored_value_raw(net: WebNet, client: FlaskClient, path: str):
    login(client, "city_admin")
    seen = text_of(client.get(path).get_data(as_text=True))
    assert [raw for raw in RAW if raw in seen] == []


def test_the_ledger_speaks_english_on_request(net: WebNet, client: FlaskClient):
    login(client, "city_admin")
    survey = text_of(client.get(f"{LEDGER}?lang=en").get_data(as_text=True))
    assert "Work ledger of 甲村" in survey and "weak and lax" in survey
    assert "Jun 10, 2014" in survey and "摸底排查" not in survey
    measures = text_of(client.get(f"{LEDGER}?tab=measures").get_data(as_text=True))
    assert "under way" in measures and "2 measures are overdue on this day." in measures
    assert "development and living conditions" in measures and "fiscal input" in measures
    assert "帮扶措施" not in measures and "under_way" not in measures
    board = text_of(client.get(f"/units/{CITY}/measures").get_data(as_text=True))
    assert "Measures board of 本溪市" in board and "Overdue: due on Oct 31, 2014" in board
    city = text_of(client.get(f"/units/{CITY}/ledger").get_data(as_text=True))
    assert "more than 4,200" in city and "not yet" in city


def test_every_stored_value_of_the_ledger_has_a_label_in_both_languages(app):
    from web.ledger_labels import ENGLISH, label

    with app.test_request_context("/?lang=en"):
        for kind, names in ENGLISH.items():
            assert set(names) == set(kind), kind
            assert all(label(m) and "_" not in label(m) for m in kind)
    with app.test_request_context("/"):
        for kind in ENGLISH:
            assert all(label(m) and not label(m).isascii() for m in kind), kind


def test_every_plan_is_listed_with_the_approval_it_awaits(net: WebNet, client: FlaskClient):
    login(client, "township_officer")
    html = client.get(f"{LEDGER}?tab=plans").get_data(as_text=True)
    waiting = section(html, f"plan-{plid(MEMBERS_PLAN)}")
    assert "未批准" in waiting
    assert f"/ledger/record/approve-plan?plan={plid(MEMBERS_PLAN)}" in waiting
    approved = section(html, f"plan-{plid(1)}")
    assert "approve-plan" not in approved and "revise-plan" in approved
