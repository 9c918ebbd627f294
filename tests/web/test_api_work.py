"""The API's reads of the work pages (web/api_work.py) on both engines: the blind spots' work
list with its rectification filter, the measures board and a team's month answer what their
pages' helpers answer, in the form the description gives; another county's code or team,
clean, padded or in full-width digits, is refused (403) naming nothing of it."""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.api_tokens import ApiTokens
from app.bootstrap import Zhucun
from domain.party import central_household_id
from tests.builders import COUNTY, TOWNSHIP, VILLAGE_A, apply, cmd, hid, household
from tests.ledger_builders import MINUTES, evidence, goal, sha
from tests.team_builders import MEMBER, cid, second_team
from tests.web.builders import OTHER_GROUP, OTHER_VILLAGE, WebNet, diary_and_visit, events_named
from tests.web.conftest import login
from tests.web.ledger_data import ledger_network
from tests.web.test_api_reads import _variants, conforming, refused_naming_nothing, walk


@pytest.fixture
def net(zhucun: Zhucun) -> WebNet:
    net = ledger_network(zhucun)
    member = cid(MEMBER)
    apply(
        zhucun,
        cmd(
            "assign_rectification",
            on="2016-12-01",
            role="county_admin",
            type="unlinked_household",
            subject=hid(2),
            unit=VILLAGE_A,
            assignee="王五",
            due_on="2016-12-20",
        ),
        cmd("check_in", on="2016-11-01", actor="team.member", role="team_member", cadre=member),
        *diary_and_visit(net),
    )
    return net


def test_the_work_list_filters_by_rectification_as_its_page_does(
    county: FlaskClient, zhucun: Zhucun
) -> None:
    every = conforming(county, f"/api/v1/units/{TOWNSHIP}/work-list")
    assert every["total"] == len(zhucun.gaps(TOWNSHIP) or []) == len(every["rows"])
    overdue = conforming(county, f"/api/v1/units/{TOWNSHIP}/work-list?rect=overdue")
    assert [(g["subject"]["id"], g["rectification"]["assignee"]) for g in overdue["rows"]] == [
        (hid(2), "王五")
    ]
    assert overdue["rect_counts"]["overdue"] == 1
    none = conforming(county, f"/api/v1/units/{TOWNSHIP}/work-list?rect=none")
    assert hid(2) not in {g["subject"]["id"] for g in none["rows"]}
    assert len(none["rows"]) == every["total"] - 1
    kind = conforming(county, f"/api/v1/units/{TOWNSHIP}/work-list?type=unlinked_household")
    assert {g["type"] for g in kind["rows"]} == {"unlinked_household"}
    within = conforming(county, f"/api/v1/units/{COUNTY}/work-list?unit={VILLAGE_A}")
    assert {g["unit"] for g in within["rows"]} <= {VILLAGE_A} | {
        g["unit"] for g in within["rows"] if g["unit"].startswith(VILLAGE_A)
    }
    assert len(walk(county, f"/api/v1/units/{TOWNSHIP}/work-list")) == every["total"]
    backwards = f"/api/v1/units/{TOWNSHIP}/work-list?since_from=2016-12-01&since_to=2016-01-01"
    assert conforming(county, backwards, 404)["field"] == "since_to"
    assert conforming(county, f"/api/v1/units/{TOWNSHIP}/work-list?rect=x", 400)["field"] == "rect"
    for given in ("UNLINKED_HOUSEHOLD", " unlinked_household", "unlinked"):
        bad = conforming(county, f"/api/v1/units/{TOWNSHIP}/work-list?type={given}", 400)
        assert (bad["code"], bad["field"]) == ("unknown_gap_type", "type")  # as /gaps says


def test_the_measures_board_filters_as_the_board_does(county: FlaskClient, zhucun: Zhucun) -> None:
    board = conforming(county, f"/api/v1/units/{TOWNSHIP}/measures")
    recorded = zhucun.ledger_measures(TOWNSHIP)
    assert recorded is not None
    assert sorted(m["id"] for m in board["rows"]) == sorted(m["id"] for m in recorded["measures"])
    overdue = conforming(county, f"/api/v1/units/{TOWNSHIP}/measures?overdue=true")
    assert len(overdue["rows"]) == 2 and all(m["overdue"] for m in overdue["rows"])
    income = conforming(county, f"/api/v1/units/{TOWNSHIP}/measures?category=committees")
    assert {m["category"] for m in income["rows"]} <= {"committees"}
    one = conforming(county, f"/api/v1/units/{TOWNSHIP}/measures?village={VILLAGE_A}")
    assert {m["village"] for m in one["rows"]} == {VILLAGE_A}
    assert len(walk(county, f"/api/v1/units/{TOWNSHIP}/measures")) == len(board["rows"])


def test_a_team_s_month_has_each_member_s_calendar_and_the_diary(
    county: FlaskClient, net: WebNet
) -> None:
    month = conforming(county, f"/api/v1/teams/{net.team}/month?month=2016-11")
    member = next(m for m in month["members"] if m["cadre_id"] == cid(MEMBER))
    days = {d["day"]: d["state"] for d in member["days"]}
    assert days["2016-11-01"] == "in" and days["2016-11-02"] == "gap"
    assert [(r["event"], r["cadre_name"]) for r in month["rows"]] == [
        ("MemberMonth.DiaryWritten", "李队员"),
        ("MemberMonth.HouseholdVisited", "李队员"),
    ]
    assert month["rows"][1]["household"] == "王大"
    assert conforming(county, f"/api/v1/teams/{net.team}/month?month=2016-13", 404)


def test_another_county_s_team_month_is_refused_naming_nothing_of_it(
    county: FlaskClient, zhucun: Zhucun
) -> None:
    team = second_team(zhucun, village=OTHER_VILLAGE, n=7)
    for value in _variants(team):
        refused_naming_nothing(county, "/api/v1/teams/{}/month", value)


def test_any_id_s_history_within_reach(county: FlaskClient, zhucun: Zhucun) -> None:
    ch = str(central_household_id(UUID(hid(1))))
    history = conforming(county, f"/api/v1/history/{ch}")
    assert [r["position"] for r in history["rows"]] == [
        r["position"] for r in zhucun.history_of_id(UUID(ch))
    ]
    views = len(events_named(zhucun, "DataAccess.PersonalDataViewed"))
    head = conforming(county, f"/api/v1/history/{hid(1)}")
    assert head["subject"] == hid(1)
    assert len(events_named(zhucun, "DataAccess.PersonalDataViewed")) == views + 1
    nobody = "00000000-0000-4000-8000-000000000000"
    assert conforming(county, f"/api/v1/history/{nobody}", 404)["field"] == "subject"
    apply(zhucun, household(9, OTHER_GROUP, "钱九", 3))
    for value in _variants(hid(9)):
        sent = quote(value, safe="")
        body = conforming(county, f"/api/v1/history/{sent}", 403)
        assert "钱九" not in str(body) and OTHER_GROUP not in str(body)


def test_an_evidence_file_comes_back_with_a_token_and_its_read_is_recorded(
    web: Flask, zhucun: Zhucun
) -> None:
    zhucun.attach_file(MINUTES)
    apply(zhucun, goal(), evidence())
    token = ApiTokens(zhucun).issue("team.member")["token"]
    client = web.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/units/{VILLAGE_A}/ledger/files/{sha(MINUTES)}"
    before = len(events_named(zhucun, "DataAccess.Exported"))
    response = client.get(path, headers=headers)
    assert response.status_code == 200 and response.data == MINUTES
    (export,) = events_named(zhucun, "DataAccess.Exported")[before:]
    assert export.target.startswith("api:") and export.actor_id == "team.member"
    bad = client.get(
        f"/api/v1/units/{VILLAGE_A}/ledger/files/{sha(MINUTES).upper()}", headers=headers
    )
    assert bad.status_code == 400 and bad.get_json()["field"] == "sha256"
    county = {"Authorization": f"Bearer {ApiTokens(zhucun).issue('county.admin')['token']}"}
    for value in _variants(OTHER_VILLAGE):
        sent = quote(value, safe="")
        other = client.get(f"/api/v1/units/{sent}/ledger/files/{sha(MINUTES)}", headers=county)
        assert other.status_code == 403, value


def test_the_dashboard_s_map_and_trend_as_the_page_draws_them(county: FlaskClient) -> None:
    page = county.get(f"/units/{TOWNSHIP}/network.json").get_json()
    answer = conforming(county, f"/api/v1/units/{TOWNSHIP}/network")
    assert (answer["tree"], answer["trail"]) == (page["tree"], page["trail"])
    trend = conforming(county, f"/api/v1/units/{VILLAGE_A}/trend?as_of=2016-06-30")
    drawn = county.get(f"/units/{VILLAGE_A}/trend.json?as_of=2016-06-30").get_json()
    assert trend["points"] == drawn["points"] and trend["as_of"] == "2016-06-30"


def test_the_audit_chain_and_a_checkpoint_for_the_audit_roles(
    web: Flask, county: FlaskClient, zhucun: Zhucun
) -> None:
    chain = conforming(county, "/api/v1/audit/chain?again=true")
    assert chain["verdict"]["ok"] is True
    point = conforming(county, "/api/v1/audit/checkpoint")
    assert point["position"] > 0 and len(point["link"]) == 64
    officer = login(web.test_client(), "township_officer")
    assert conforming(officer, "/api/v1/audit/checkpoint", 403)["code"] == "role_not_allowed"
