"""The ledger's 六有 and funds tabs through the Flask test client, on both engines: the duties
and goals with their target, status in words, judge and evidence, each file downloaded with
its hash checked and the read recorded; the four-source funds per source on the page's day,
their entries and chart, and the funds on the roll-ups; the forms of both parts (a file
uploaded is kept by its hash, then cited; the overspend refused beside the amount in the
page's language); and what a village's form names must be the village's own."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from tests.builders import CITY, COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B
from tests.ledger_builders import MINUTES, RULES, msid, plid, sha
from tests.web.builders import OTHER_VILLAGE, WebNet
from tests.web.conftest import login
from tests.web.ledger_data import (
    B_MEASURE,
    B_PLAN,
    MEMBERS_PLAN,
    ROAD,
    ledger_network_with_funds,
)
from tests.web.test_ledger_forms import events, refused_beside
from tests.web.test_ledger_pages import refusals, section, text_of
from tests.web.test_records import send

LEDGER = f"/units/{VILLAGE_A}/ledger"
FORMS = f"{LEDGER}/record"
FILE = f"{LEDGER}/files/{sha(MINUTES)}"
# Stored values of the 六有 and funds a Chinese page must never show as they are stored.
RAW = (
    "leadership_team",
    "service_venue",
    "under_way",
    "not_started",
    "minutes",
    "fiscal",
    "urban_rural",
    "allocation",
    "expenditure",
)


@pytest.fixture
def net(zhucun: Zhucun) -> WebNet:
    return ledger_network_with_funds(zhucun)


def exports(z: Zhucun) -> list[Any]:
    return events(z, "DataAccess.Exported")


# -- the 六有 tab ----------------------------------------------------------------------------------


def test_the_goals_tab_shows_each_goal_under_its_duty_with_status_judge_and_evidence(
    net: WebNet, client: FlaskClient
):
    login(client, "county_admin")
    html = client.get(f"{LEDGER}?tab=goals").get_data(as_text=True)
    assert 'aria-current="page" id="tab-goals"' in html
    assert "六有目标已设定 2 项，已达到 0 项。" in text_of(html)
    leadership = section(html, "duty-leadership")
    seen = text_of(section(leadership, "goal-leadership_team"))
    assert "抓好班子、建好队伍" in text_of(leadership)
    assert "两委班子配齐配强，书记 45 岁以下" in seen
    assert "推进中" in seen and "2014年9月1日 由小市镇 王部长评定" in seen
    assert "两委班子调整会议记录 会议记录 2014年7月30日 会议记录.txt" in seen
    assert f'href="{FILE}"' in section(leadership, "goal-leadership_team")
    venue = text_of(section(html, "goal-service_venue"))
    assert "村级活动场所 200 平方米" in venue and "尚未评定" in venue and "当日尚无证据。" in venue
    assert "当日尚未设定目标。" in text_of(section(html, "goal-backbone_team"))


def test_a_team_member_reads_the_judging_units_name_not_its_code(net: WebNet, client: FlaskClient):
    login(client, "team_member")
    html = client.get(f"{LEDGER}?tab=goals").get_data(as_text=True)
    seen = text_of(section(html, "goal-leadership_team"))
    assert "由小市镇 王部长评定" in seen and TOWNSHIP not in seen


def test_the_goals_tab_follows_the_as_of_day(net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    august = client.get(f"{LEDGER}?tab=goals&as_of=2014-08-15").get_data(as_text=True)
    goal = text_of(section(august, "goal-leadership_team"))
    assert "尚未评定" in goal and "会议记录.txt" in goal
    assert f"{FILE}?as_of=2014-08-15" in august  # the file's link keeps the day
    july = client.get(f"{LEDGER}?tab=goals&as_of=2014-07-15").get_data(as_text=True)
    assert "当日尚无证据。" in text_of(section(july, "goal-leadership_team"))
    june = text_of(client.get(f"{LEDGER}?tab=goals&as_of=2014-06-30").get_data(as_text=True))
    assert "六有目标已设定 0 项" in june


def test_a_goals_evidence_file_is_downloaded_checked_and_recorded(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    before = len(exports(zhucun))
    response = client.get(FILE)
    assert response.status_code == 200 and response.data == MINUTES
    assert "attachment" in response.headers["Content-Disposition"]
    assert "%E4%BC%9A%E8%AE%AE%E8%AE%B0%E5%BD%95.txt" in response.headers["Content-Disposition"]
    assert response.mimetype == "text/plain"
    (export,) = exports(zhucun)[before:]
    assert (export.actor_id, export.what, export.format) == ("team.member", "evidence file", "file")
    assert export.filters == {"file": sha(MINUTES), "village": VILLAGE_A}
    # Upper case or padded, the hash reads as the same file.
    assert client.get(f"{LEDGER}/files/{sha(MINUTES).upper()}").data == MINUTES
    assert client.get(f"{LEDGER}/files/%20{sha(MINUTES)}%20").data == MINUTES


def test_a_file_the_villages_evidence_does_not_cite_is_not_found_there(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    zhucun.attach_file(RULES)  # stored, but evidence of no goal
    login(client, "township_officer")
    before = len(exports(zhucun))
    for path, status in (
        (f"{LEDGER}/files/{sha(RULES)}", 404),
        (f"/units/{VILLAGE_B}/ledger/files/{sha(MINUTES)}", 404),  # A's, not B's
        (f"{FILE}?as_of=2014-07-15", 404),  # not cited yet that day
        (f"{LEDGER}/files/not-a-hash", 400),
        (f"/units/{TOWNSHIP}/ledger/files/{sha(MINUTES)}", 404),
    ):
        assert client.get(path).status_code == status, path
    assert len(exports(zhucun)) == before


def test_a_file_altered_in_the_store_is_refused_not_sent(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    from sqlalchemy import update

    from app.store.files import files

    with zhucun.files.engine.begin() as conn:
        conn.execute(update(files).values(content=b"forged"))
    login(client, "team_member")
    response = client.get(FILE)
    assert response.status_code >= 400 and b"forged" not in response.data


def test_another_countys_evidence_file_is_refused_and_recorded(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "county_admin")
    before = refusals(zhucun)
    assert client.get(f"/units/{OTHER_VILLAGE}/ledger/files/{sha(MINUTES)}").status_code == 403
    assert refusals(zhucun) == before + 1


# -- the funds tab and the chart -------------------------------------------------------------------


def chart_of(html: str) -> list[dict[str, Any]]:
    found = re.search(r"id=\"funds-chart\"[^>]*data-rows='([^']*)'", html)
    assert found, "no funds chart"
    return list(json.loads(found.group(1).replace("&#34;", '"').replace("&quot;", '"')))


def test_the_funds_tab_shows_each_source_on_the_day_with_its_entries_and_chart(
    net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    html = client.get(f"{LEDGER}?tab=funds").get_data(as_text=True)
    assert "财政投入 100,000.00 30,000.00 70,000.00" in text_of(section(html, "source-fiscal"))
    assert "城乡统筹 2,500.50 0.00 2,500.50" in text_of(section(html, "source-urban_rural"))
    assert "合计 102,500.50 30,000.00 72,500.50" in text_of(section(html, "source-total"))
    spent = text_of(section(html, "entry-fiscal-ZC-001"))
    assert "2014年8月15日 支出 财政投入 硬化村路一期 2 公里 ZC-001 30,000.00" in spent
    assert "本溪路桥公司" in spent
    reversed_ = section(html, "entry-fiscal-ZC-002")
    assert 'class="reversed"' in reversed_ and "已于 2014年8月21日 冲销：重复记账" in text_of(
        reversed_
    )
    rows = {r["source"]: r for r in chart_of(html)}
    assert rows["财政投入"] == {
        "source": "财政投入",
        "allocated": 100000.0,
        "spent": 30000.0,
        "balance": 70000.0,
    }
    assert set(rows) == {"集体自筹", "财政投入", "党费补贴", "城乡统筹"}
    assert "echarts" in html and "ledger.js" in html


def test_the_funds_tab_follows_the_as_of_day(net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    before = client.get(f"{LEDGER}?tab=funds&as_of=2014-08-10").get_data(as_text=True)
    assert "财政投入 100,000.00 0.00 100,000.00" in text_of(section(before, "source-fiscal"))
    assert 'id="entry-fiscal-ZC-001"' not in before
    # The reversal of 08-21 had not happened on 08-20: the 100 yuan were spent that day.
    mid = client.get(f"{LEDGER}?tab=funds&as_of=2014-08-20").get_data(as_text=True)
    assert "财政投入 100,000.00 30,100.00 69,900.00" in text_of(section(mid, "source-fiscal"))
    assert 'class="reversed"' not in mid
    empty = client.get(f"{LEDGER}?tab=funds&as_of=2014-07-01").get_data(as_text=True)
    assert "当日尚无资金拨入或支出。" in text_of(empty)


@pytest.mark.parametrize("code", [TOWNSHIP, COUNTY, CITY])
def test_a_roll_up_shows_the_funds_of_its_villages_by_source_as_a_chart(
    net: WebNet, client: FlaskClient, code: str
):
    login(client, "city_admin")
    html = client.get(f"/units/{code}/ledger").get_data(as_text=True)
    assert "合计 102,500.50 30,000.00 72,500.50" in text_of(section(html, "source-total"))
    assert {r["source"]: r["spent"] for r in chart_of(html)}["财政投入"] == 30000.0
    early = client.get(f"/units/{code}/ledger?as_of=2014-07-31").get_data(as_text=True)
    assert "合计 0.00 0.00 0.00" in text_of(section(early, "source-total"))


@pytest.mark.parametrize(
    "path", [f"{LEDGER}?tab=goals", f"{LEDGER}?tab=funds", f"/units/{TOWNSHIP}/ledger"]
)
def test_the_goals_and_funds_show_no_stored_value_raw_on_a_chinese_page(
    net: WebNet, client: FlaskClient, path: str
):
    login(client, "city_admin")
    seen = text_of(client.get(path).get_data(as_text=True))
    assert [raw for raw in RAW if raw in seen] == []
    for form in ("add-six-have-evidence", "judge-six-have-goal", "reverse-fund-entry"):
        page = text_of(client.get(f"{FORMS}/{form}").get_data(as_text=True))
        assert [raw for raw in RAW if raw in page] == [], form


def test_the_goals_and_funds_speak_english_on_request(net: WebNet, client: FlaskClient):
    login(client, "city_admin")
    goals = client.get(f"{LEDGER}?tab=goals&lang=en").get_data(as_text=True)
    seen = text_of(goals)
    assert "build the leadership and the team" in seen and "a strong leadership team" in seen
    assert "under way" in seen and "judged by 王部长 for 小市镇 on Sep 1, 2014" in seen
    assert "minutes" in seen and "Jul 30, 2014" in seen and "not judged yet" in seen
    assert not re.search(r"[六目标评定抓好职责]", seen.replace("六有", "")), "Chinese words"
    funds = text_of(client.get(f"{LEDGER}?tab=funds").get_data(as_text=True))
    assert "fiscal input 100,000.00 30,000.00 70,000.00" in funds
    assert "reversed on Aug 21, 2014" in funds and "财政投入" not in funds
    chart = chart_of(client.get(f"/units/{CITY}/ledger").get_data(as_text=True))
    assert [r["source"] for r in chart] == [
        "collective self-raised",
        "fiscal input",
        "party-fee subsidy",
        "urban–rural coordination",
    ]


# -- the 六有 forms -------------------------------------------------------------------------------


def test_a_team_member_uploads_evidence_kept_by_its_hash_then_cited(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    content = "甲村服务场所照片".encode() * 10
    response = send(
        client,
        f"{FORMS}/add-six-have-evidence",
        goal="service_venue",
        title="村级活动场所竣工照片",
        kind="photo",
        dated="2016-12-30",
        file=(io.BytesIO(content), "照片/2016/场所.jpg"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert response.headers["Location"] == f"{LEDGER}?tab=goals"
    (added,) = [e for e in events(zhucun, "SixHaveGoal.EvidenceAdded") if e.kind == "photo"]
    assert (added.file_sha256, added.file_size) == (sha(content), len(content))
    assert (added.file_name, added.media_type) == ("场所.jpg", "image/jpeg")
    assert (added.actor_id, added.actor_role) == ("team.member", "team_member")
    assert zhucun.stored_file(sha(content)) == content
    page = client.get(f"{LEDGER}?tab=goals").get_data(as_text=True)
    assert "村级活动场所竣工照片 照片 2016年12月30日 场所.jpg" in text_of(
        section(page, "goal-service_venue")
    )
    assert client.get(f"{LEDGER}/files/{sha(content)}").data == content


@pytest.mark.parametrize(
    ("fields", "beside", "status"),
    [
        ({}, "title", 400),  # neither file nor document
        ({"title": "  ", "kind": "minutes", "dated": "2016-12-01"}, "title", 400),
        ({"title": "会议记录", "kind": "minutes", "dated": "2016-12-01"}, "file", 400),
        ({"title": "会议记录", "dated": "2016-12-01", "upload": b"x"}, "kind", 400),
        ({"title": "会议记录", "kind": "minutes", "upload": b"x"}, "dated", 400),
        (
            {"title": "会议记录", "kind": "minutes", "dated": "2016-12-01", "upload": b""},
            "file",
            400,
        ),
        # The same file cited for this goal already.
        (
            {"title": "会议记录", "kind": "minutes", "dated": "2016-12-01", "upload": MINUTES},
            "file",
            422,
        ),
    ],
    ids=["nothing", "blank title", "no file", "no kind", "no date", "empty file", "cited"],
)
def test_evidence_without_a_file_or_its_document_is_refused_beside_the_field(
    zhucun: Zhucun,
    net: WebNet,
    client: FlaskClient,
    fields: dict[str, Any],
    beside: str,
    status: int,
):
    login(client, "team_member")
    fields = dict(fields)  # the same case runs on both engines
    upload = fields.pop("upload", None)
    if upload is not None:
        fields["file"] = (io.BytesIO(upload), "记录.txt")
    path = f"{FORMS}/add-six-have-evidence"
    assert refused_beside(zhucun, client, path, beside, status, goal="leadership_team", **fields)


def test_evidence_for_a_goal_the_village_has_not_set_is_refused_beside_the_goal(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"{FORMS}/add-six-have-evidence"
    html = client.get(path).get_data(as_text=True)
    assert 'value="leadership_team"' in html and 'value="backbone_team"' not in html
    said = refused_beside(
        zhucun,
        client,
        path,
        "goal",
        404,
        goal="backbone_team",
        title="名册",
        kind="roster",
        dated="2016-12-01",
        file=(io.BytesIO(RULES), "名册.txt"),
    )
    assert "甲村" in said or VILLAGE_A in said or "骨干" in said


def test_a_township_officer_judges_a_goal_and_a_team_member_may_not(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    assert client.get(f"{FORMS}/judge-six-have-goal").status_code == 403
    login(client, "township_officer")
    response = send(
        client,
        f"{FORMS}/judge-six-have-goal?goal=leadership_team",
        goal="leadership_team",
        status="met",
        judged_by="王部长",
        judge_unit=TOWNSHIP,
        note="班子配齐",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    page = text_of(client.get(f"{LEDGER}?tab=goals").get_data(as_text=True))
    assert "已达到" in page and "六有目标已设定 2 项，已达到 1 项。" in page
    # Met needs evidence by the day: the service venue has none.
    said = refused_beside(
        zhucun,
        client,
        f"{FORMS}/judge-six-have-goal",
        "status",
        422,
        goal="service_venue",
        status="met",
        judged_by="王部长",
        judge_unit=TOWNSHIP,
    )
    assert "证据" in said


def test_a_team_member_sets_a_goal_from_its_card(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    login(client, "team_member")
    page = client.get(f"{LEDGER}?tab=goals").get_data(as_text=True)
    link = f"{FORMS}/set-six-have-goal?goal=backbone_team"
    assert f'href="{link}"' in section(page, "goal-backbone_team")
    form = client.get(link).get_data(as_text=True)
    assert '<option value="backbone_team" selected>' in form
    response = send(client, link, goal="backbone_team", target="培养后备干部 3 名")
    assert response.status_code == 302
    after = text_of(client.get(f"{LEDGER}?tab=goals").get_data(as_text=True))
    assert "培养后备干部 3 名" in after


# -- the funds forms ------------------------------------------------------------------------------


def test_a_team_member_records_an_expenditure_and_the_tab_shows_it(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    response = send(
        client,
        f"{FORMS}/record-expenditure",
        source="fiscal",
        amount="20,000.50",
        voucher="ZC-003",
        measure=msid(ROAD),
        payee="本溪路桥公司",
        purpose="路面工程款",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert response.headers["Location"] == f"{LEDGER}?tab=funds"
    (spent,) = [e for e in events(zhucun, "FundAccount.Spent") if e.voucher == "ZC-003"]
    assert (spent.amount_fen, spent.actor_id) == (2_000_050, "team.member")
    html = client.get(f"{LEDGER}?tab=funds").get_data(as_text=True)
    assert "财政投入 100,000.00 50,000.50 49,999.50" in text_of(section(html, "source-fiscal"))


@pytest.mark.parametrize(
    ("lang", "says"), [("zh", "支出不能超过拨入"), ("en", "more than")], ids=["zh", "en"]
)
def test_spending_beyond_a_sources_allocation_is_refused_beside_the_amount(
    zhucun: Zhucun, net: WebNet, client: FlaskClient, lang: str, says: str
):
    login(client, "team_member")
    client.get(f"{LEDGER}?lang={lang}")
    said = refused_beside(
        zhucun,
        client,
        f"{FORMS}/record-expenditure",
        "amount",
        422,
        source="fiscal",
        amount="70000.01",
        voucher="ZC-009",
        measure=msid(ROAD),
        payee="本溪路桥公司",
        purpose="路面工程款",
    )
    assert says in said, said
    if lang == "en":
        assert not re.search(r"[\u4e00-\u9fff]", said.replace("本溪路桥公司", ""))


def test_an_officer_allocates_and_reverses_an_entry_chosen_from_the_villages_own(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    assert client.get(f"{FORMS}/allocate-funds").status_code == 403
    assert client.get(f"{FORMS}/reverse-fund-entry").status_code == 403
    login(client, "township_officer")
    response = send(
        client,
        f"{FORMS}/allocate-funds",
        source="party_fee",
        amount="5000",
        voucher="JZ-010",
        allocated_by="县委组织部",
        plan=plid(1),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    path = f"{FORMS}/reverse-fund-entry"
    form = client.get(path).get_data(as_text=True)
    assert 'value="party_fee|JZ-010"' in form and 'value="fiscal|ZC-001"' in form
    assert 'value="fiscal|ZC-002"' not in form  # reversed already
    response = send(client, path, entry="party_fee|JZ-010", because="文号有误")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    html = client.get(f"{LEDGER}?tab=funds").get_data(as_text=True)
    assert "党费补贴 0.00 0.00 0.00" in text_of(section(html, "source-party_fee"))
    assert "文号有误" in text_of(section(html, "entry-party_fee-JZ-010"))


def test_reversing_an_allocation_already_spent_is_refused_and_writes_nothing(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    said = refused_beside(
        zhucun,
        client,
        f"{FORMS}/reverse-fund-entry",
        "entry",
        422,
        entry="fiscal|JZ-001",
        because="拨错",
    )
    assert said


# -- what a village's form names is the village's own -------------------------------------------

B_PLAN_ID, B_MEASURE_ID = plid(B_PLAN), msid(B_MEASURE)


def hostile(value: str) -> list[str]:
    """Another village's valid id as it is, padded, and in upper case."""
    return [value, f"  {value} ", value.upper()]


OWNERSHIP = [
    *[
        ("revise-plan", "plan", {"plan": v, "title": "t", "revised_by": "x", "items-0-key": "A1"})
        for v in hostile(B_PLAN_ID)
    ],
    *[
        ("approve-plan", "plan", {"plan": v, "approver": "王镇长", "approver_unit": TOWNSHIP})
        for v in hostile(B_PLAN_ID)
    ],
    *[
        ("set-measure-status", "measure", {"measure": v, "status": "under_way"})
        for v in hostile(B_MEASURE_ID)
    ],
    *[
        ("note-measure-progress", "measure", {"measure": v, "note": "x"})
        for v in hostile(B_MEASURE_ID)
    ],
    *[
        (
            "plan-measure",
            "item",
            {
                "item": f"{v}|B1",
                "title": "x",
                "responsible": "x",
                "due_on": "2017-01-01",
                "budget": "0",
            },
        )
        for v in hostile(B_PLAN_ID)
    ],
    *[
        (
            "record-expenditure",
            "measure",
            {
                "source": "fiscal",
                "amount": "1",
                "voucher": "ZC-100",
                "measure": v,
                "payee": "x",
                "purpose": "x",
            },
        )
        for v in hostile(B_MEASURE_ID)
    ],
    *[
        (
            "allocate-funds",
            "plan",
            {
                "source": "fiscal",
                "amount": "1",
                "voucher": "JZ-100",
                "allocated_by": "x",
                "plan": v,
            },
        )
        for v in hostile(B_PLAN_ID)
    ],
]


@pytest.mark.parametrize(("form", "beside", "fields"), OWNERSHIP)
def test_another_villages_plan_or_measure_on_a_villages_form_is_refused_by_name(
    zhucun: Zhucun,
    net: WebNet,
    client: FlaskClient,
    form: str,
    beside: str,
    fields: dict[str, str],
):
    """Village B lies in the township officer's jurisdiction: only ownership refuses it."""
    login(client, "township_officer")
    said = refused_beside(zhucun, client, f"{FORMS}/{form}", beside, 422, **fields)
    assert VILLAGE_B in said and VILLAGE_A in said, said
    assert "不是村" in said


def test_another_villages_plan_is_refused_in_english_too(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    client.get(f"{LEDGER}?lang=en")
    said = refused_beside(
        zhucun,
        client,
        f"{FORMS}/note-measure-progress",
        "measure",
        422,
        measure=B_MEASURE_ID,
        note="x",
    )
    assert (
        unescape(said)
        == f"measure {B_MEASURE_ID} is village {VILLAGE_B}'s, not village {VILLAGE_A}'s"
    )


def test_a_villages_own_plan_in_upper_case_is_its_own(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    response = send(
        client,
        f"{FORMS}/note-measure-progress",
        measure=f" {msid(ROAD).upper()} ",
        note="路面完成",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]


@pytest.mark.parametrize(
    "form",
    [
        "revise-plan",
        "approve-plan",
        "set-measure-status",
        "note-measure-progress",
        "plan-measure",
        "record-expenditure",
        "allocate-funds",
    ],
)
def test_a_villages_form_offers_its_own_plans_and_measures_only(
    net: WebNet, client: FlaskClient, form: str
):
    login(client, "township_officer")
    html = client.get(f"{FORMS}/{form}").get_data(as_text=True)
    assert B_PLAN_ID not in html and B_MEASURE_ID not in html
    assert plid(MEMBERS_PLAN) in html or msid(ROAD) in html or plid(1) in html
    other = client.get(f"/units/{VILLAGE_B}/ledger/record/{form}").get_data(as_text=True)
    assert msid(ROAD) not in other and plid(1) not in other


def test_a_file_kept_by_a_refused_evidence_form_is_cited_when_the_form_is_sent_again(
    zhucun: Zhucun, net: WebNet, client: FlaskClient, app: Any
):
    login(client, "team_member")
    path = f"{FORMS}/add-six-have-evidence"
    content = "村规民约 2016 修订稿".encode()
    fields = {"goal": "service_venue", "title": "村规民约", "dated": "2016-12-01"}
    refused = send(client, path, **fields, file=(io.BytesIO(content), "村规民约.txt"))
    assert refused.status_code == 400  # no kind of document
    page = refused.get_data(as_text=True)
    assert "村规民约.txt" in text_of(section(page, "file-kept"))
    assert zhucun.stored_file(sha(content)) == content
    # Sent again with its kind and no new file: the file kept is cited.
    response = send(client, path, **fields, kind="rules", keep_file="1")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    (added,) = [e for e in events(zhucun, "SixHaveGoal.EvidenceAdded") if e.kind == "rules"]
    assert (added.file_sha256, added.file_name) == (sha(content), "村规民约.txt")
    assert 'id="file-kept"' not in client.get(path).get_data(as_text=True)  # a fresh form
    # Another session kept nothing: "keep" alone cites no file.
    other = app.test_client()
    login(other, "township_officer")
    fields = {"goal": "leadership_team", "title": "x", "kind": "rules", "dated": "2016-12-01"}
    assert refused_beside(zhucun, other, path, "file", 400, **fields, keep_file="1")
