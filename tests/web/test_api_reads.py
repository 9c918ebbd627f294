"""The JSON API's reads (web/api_reads.py) on both engines: each answers what the app's use
case answers, in the form its description gives (validated against the document); a cursor
walks every row once, even with events recorded between the pages; ``as_of`` before an
event hides it; another county's code or team, clean, padded or in full-width digits, is
refused (403) naming nothing of it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts import Accounts
from app.bootstrap import Zhucun
from domain.party import central_household_id
from tests.builders import (
    CITY,
    COUNTY,
    GROUP_A1,
    TOWNSHIP,
    VILLAGE_A,
    VILLAGE_B,
    apply,
    cmd,
    hid,
    household,
    mid,
)
from tests.team_builders import cid, second_team
from tests.web.builders import (
    ACCOUNTS,
    OTHER_COUNTY,
    OTHER_GROUP,
    OTHER_VILLAGE,
    WebNet,
)
from tests.web.conftest import login

OUTSIDE_NAMES = ("桓仁满族自治县", "桓仁镇", "丙村")
OUTSIDE_CODES = (OTHER_COUNTY, "210522100", OTHER_VILLAGE, OTHER_GROUP)


def conforming(client: FlaskClient, path: str, status: int = 200) -> dict[str, Any]:
    """The answer, checked against the schema the description gives for it."""
    response = client.get(path)
    body = response.get_json()
    assert response.status_code == status, (path, body)
    if status != 200:
        assert response.mimetype == "application/problem+json"
        return dict(body)
    document = client.get("/api/v1/openapi.json").get_json()
    template = "/api/v1/" + path.split("?")[0].removeprefix("/api/v1/")
    operation = next(op["get"] for p, op in document["paths"].items() if _matches(p, template))
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(body, {**ref, "components": document["components"]})
    assert 0 < body["freshness"]["position"] <= body["freshness"]["head"]
    return dict(body)


def refused_naming_nothing(
    client: FlaskClient,
    template: str,
    value: str,
    outside: tuple[str, ...] = (*OUTSIDE_NAMES, *OUTSIDE_CODES),
) -> dict[str, Any]:
    """``template`` with ``value`` in it, quoted, is refused (403, as described), and the
    answer names nothing of ``outside`` (the other county's names and codes) but what was
    sent."""
    sent = quote(value, safe="")
    body = conforming(client, template.format(sent), 403)
    text = str(body).replace(value, "").replace(sent, "")
    assert [s for s in outside if s in text] == [], (value, body)
    return body


def _matches(template: str, path: str) -> bool:
    a, b = template.split("/"), path.split("/")
    return len(a) == len(b) and all(x == y or x.startswith("{") for x, y in zip(a, b, strict=True))


def walk(client: FlaskClient, path: str, between: Any = None) -> list[dict[str, Any]]:
    """Every row of a read, a page at a time; ``between(n)`` runs after page n."""
    rows: list[dict[str, Any]] = []
    sep = "&" if "?" in path else "?"
    answer = conforming(client, f"{path}{sep}limit=1")
    pages = 0
    while True:
        rows += answer["rows"]
        pages += 1
        if between:
            between(pages)
        if answer["next"] is None:
            return rows
        answer = conforming(client, f"{path}{sep}limit=1&cursor={quote(answer['next'])}")


def test_each_read_answers_what_the_use_case_answers(
    county: FlaskClient, zhucun: Zhucun, net: WebNet
) -> None:
    coverage = conforming(county, f"/api/v1/units/{COUNTY}/coverage")
    assert coverage["households"] == zhucun.coverage(COUNTY)["households"]  # type: ignore[index]
    assert [r["unit"] for r in coverage["rows"]] == [TOWNSHIP]

    gaps = conforming(county, f"/api/v1/units/{COUNTY}/gaps?type=unlinked_household")
    assert len(gaps["rows"]) == len(zhucun.gaps(COUNTY, "unlinked_household") or []) > 0

    households = conforming(county, f"/api/v1/units/{VILLAGE_A}/households")
    assert sorted(h["id"] for h in households["rows"]) == sorted(
        [net.households["A1"], net.households["A1b"], net.households["A2"]]
    )

    teams = conforming(county, f"/api/v1/units/{COUNTY}/teams")
    assert [t["team_id"] for t in teams["rows"]] == [net.team]
    team = conforming(county, f"/api/v1/teams/{net.team}")
    assert team["village"] == VILLAGE_A and len(team["members"]) == 2

    residency = conforming(county, f"/api/v1/teams/{net.team}/residency?month=2016-11")
    assert residency["rows"][0]["month"] == "2016-11"
    conforming(county, f"/api/v1/units/{COUNTY}/residency?month=2016-11")

    history = conforming(county, f"/api/v1/units/{VILLAGE_A}/history")
    assert [r["position"] for r in history["rows"]] == [
        r["position"] for r in zhucun.history_of_unit(VILLAGE_A)
    ]
    conforming(county, f"/api/v1/teams/{net.team}/history")
    conforming(county, f"/api/v1/households/{net.households['A1']}/history")
    conforming(county, f"/api/v1/cadres/{cid(1)}/history")

    audit = conforming(county, "/api/v1/audit?type=Household.Registered")
    assert {r["event"] for r in audit["rows"]} == {"Household.Registered"}
    about = conforming(county, f"/api/v1/audit?subject={net.households['A1']}&actor=li.clerk")
    assert {r["subject"] for r in about["rows"]} == {net.households["A1"]}

    ledger = conforming(county, f"/api/v1/units/{VILLAGE_A}/ledger")
    assert [v["code"] for v in ledger["rows"]] == [VILLAGE_A]
    assert conforming(county, "/api/v1/assessments")["rows"] == []


def test_a_cursor_gives_every_row_once_even_with_events_between_the_pages(
    county: FlaskClient, zhucun: Zhucun, net: WebNet
) -> None:
    before = {h["id"] for h in conforming(county, f"/api/v1/units/{VILLAGE_A}/households")["rows"]}

    def register(page: int) -> None:  # a household before and one after the cursor's place
        if page == 1:
            apply(zhucun, household(90 + page, GROUP_A1, f"新户{page}", 2))

    rows = walk(county, f"/api/v1/units/{VILLAGE_A}/households", register)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "no row twice"
    assert before <= set(ids), "no row skipped"

    history = walk(county, f"/api/v1/units/{VILLAGE_A}/history")
    assert [r["position"] for r in history] == [
        r["position"] for r in zhucun.history_of_unit(VILLAGE_A)
    ]
    team = walk(county, f"/api/v1/teams/{net.team}/history")
    assert [r["position"] for r in team] == sorted({r["position"] for r in team})
    audit = walk(county, "/api/v1/audit?unit=" + VILLAGE_A)
    assert [r["position"] for r in audit] == sorted({r["position"] for r in audit})
    gaps = walk(county, f"/api/v1/units/{COUNTY}/gaps")
    assert len(gaps) == len(zhucun.gaps(COUNTY) or [])


def test_a_cursor_is_bound_to_its_query(county: FlaskClient) -> None:
    first = conforming(county, f"/api/v1/units/{COUNTY}/gaps?limit=1")
    assert first["next"]
    other = f"/api/v1/units/{COUNTY}/gaps?limit=1&type=unlinked_household&cursor={first['next']}"
    assert conforming(county, other, 404)["field"] == "cursor"
    assert conforming(county, f"/api/v1/units/{COUNTY}/gaps?cursor=a%20b", 400)["field"] == "cursor"
    assert conforming(county, f"/api/v1/units/{COUNTY}/gaps?limit=0", 400)["field"] == "limit"


def test_as_of_before_an_event_hides_it(county: FlaskClient, net: WebNet) -> None:
    # The households were registered on 2014-06-01, the team dispatched the same day.
    on = conforming(county, f"/api/v1/units/{VILLAGE_A}/households?as_of=2014-06-01")
    before = conforming(county, f"/api/v1/units/{VILLAGE_A}/households?as_of=2014-05-31")
    assert net.households["A1"] in {h["id"] for h in on["rows"]}
    assert before["rows"] == []
    assert conforming(county, f"/api/v1/units/{COUNTY}/teams?as_of=2014-05-31")["rows"] == []
    history = conforming(county, f"/api/v1/households/{hid(1)}/history?as_of=2014-05-31")
    assert history["rows"] == []
    # Everything was recorded on 2016-12-31: the day before, the village was not known.
    path = f"/api/v1/units/{VILLAGE_A}/households?as_known_at=2016-12-30"
    assert conforming(county, path, 404)["code"] == "unit_not_found"
    history = conforming(county, f"/api/v1/units/{VILLAGE_A}/history?as_known_at=2016-12-30")
    assert history["rows"] == []


def _variants(value: str) -> list[str]:
    full = value.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return [value, f" {value} ", f"\t{value}", full, value.upper()]


@pytest.mark.parametrize(
    "template",
    [
        "/api/v1/units/{}/coverage",
        "/api/v1/units/{}/gaps",
        "/api/v1/units/{}/households",
        "/api/v1/units/{}/teams",
        "/api/v1/units/{}/residency",
        "/api/v1/units/{}/ledger",
        "/api/v1/units/{}/history",
        "/api/v1/units/{}/people",
        "/api/v1/audit?unit={}",
        "/api/v1/assessments?unit={}",
        # The work routes (tests/web/test_api_work.py): the same refusal.
        "/api/v1/units/{}/work-list",
        f"/api/v1/units/{COUNTY}/work-list?unit={{}}",
        "/api/v1/units/{}/measures",
        f"/api/v1/units/{COUNTY}/measures?village={{}}",
        "/api/v1/units/{}/network",
        "/api/v1/units/{}/trend",
    ],
)
def test_another_county_in_any_disguise_is_refused_naming_nothing_of_it(
    county: FlaskClient, template: str
) -> None:
    for value in _variants(OTHER_VILLAGE):
        body = refused_naming_nothing(county, template, value)
        assert body["code"] == "outside_jurisdiction"


def test_another_county_s_team_is_refused_naming_nothing_of_it(
    county: FlaskClient, zhucun: Zhucun
) -> None:
    team = second_team(zhucun, village=OTHER_VILLAGE, n=7)
    for path in ("/api/v1/teams/{}", "/api/v1/teams/{}/residency", "/api/v1/teams/{}/history"):
        for value in _variants(team):
            refused_naming_nothing(county, path, value)


def test_inside_the_jurisdiction_a_code_is_written_as_the_description_says(
    county: FlaskClient,
) -> None:
    assert conforming(county, f"/api/v1/units/%20{VILLAGE_A}/gaps", 400)["field"] == "code"
    assert conforming(county, f"/api/v1/units/{COUNTY}/households", 404)["field"] == "code"


def test_the_audit_log_is_for_the_audit_page_s_roles(web: Flask) -> None:
    officer = login(web.test_client(), "township_officer")
    assert conforming(officer, "/api/v1/audit", 403)["code"] == "role_not_allowed"
    city = login(web.test_client(), "city_admin")
    assert conforming(city, "/api/v1/audit")["unit"] is None, "the whole log, as on the page"
    county = login(web.test_client(), "county_admin")
    assert conforming(county, "/api/v1/audit")["unit"] == COUNTY
    anonymous = web.test_client()
    assert anonymous.get(f"/api/v1/units/{COUNTY}/gaps").status_code == 401


def test_the_search_answers_what_the_search_box_finds_in_reach(
    web: Flask, county: FlaskClient, zhucun: Zhucun
) -> None:
    found = conforming(county, "/api/v1/search?q=%E7%8E%8B")  # 王
    assert "王大" in {r["name"] for r in found["rows"]}
    within = Accounts(zhucun).unit_path(COUNTY)
    assert within is not None
    who = zhucun.search("王", within, everywhere=False)
    assert [(r["kind"], r["key"]) for r in found["rows"]] == [(r["kind"], r["key"]) for r in who]
    assert "spelled" not in found["rows"][0], "how a name is matched is not part of it"
    assert conforming(county, "/api/v1/search?q=wd")["rows"][0]["name"] == "王大"
    assert conforming(county, "/api/v1/search")["rows"] == []
    # Another county's village is not found by a county's account, by name or by code.
    assert conforming(county, "/api/v1/search?q=%E4%B8%99")["rows"] == []  # 丙
    assert conforming(county, f"/api/v1/search?q={OTHER_VILLAGE}")["rows"] == []
    city = login(web.test_client(), "city_admin")
    by_city = conforming(city, f"/api/v1/search?q={OTHER_VILLAGE}")["rows"]
    assert [r["key"] for r in by_city] == [OTHER_VILLAGE, OTHER_GROUP]
    member = login(web.test_client(), "team_member")
    assert conforming(member, "/api/v1/search?q=%E8%B5%B5%E5%9B%9B")["rows"] == []  # 赵四
    too_long = conforming(county, "/api/v1/search?q=" + "x" * 41, 400)
    assert too_long["field"] == "q"


def test_the_people_of_a_group_and_a_village_on_a_day(county: FlaskClient, net: WebNet) -> None:
    group = conforming(county, f"/api/v1/units/{GROUP_A1}/people")
    assert group["level"] == "group" and group["village"] == VILLAGE_A
    assert {h["id"] for h in group["households"]} == {net.households["A1"], net.households["A1b"]}
    village = conforming(county, f"/api/v1/units/{VILLAGE_A}/people")
    assert village["households"] == [] and len(village["central_households"]) == 1
    before = conforming(county, f"/api/v1/units/{GROUP_A1}/people?as_of=2014-05-31")
    assert before["households"] == [] and before["as_of"] == "2014-05-31"
    assert conforming(county, f"/api/v1/units/{TOWNSHIP}/people", 404)["field"] == "code"
    assert conforming(county, f"/api/v1/units/{GROUP_A1}/people?as_of=2014-13-01", 404)


def test_a_central_household_on_a_day_within_reach(
    web: Flask, county: FlaskClient, zhucun: Zhucun
) -> None:
    ch = str(central_household_id(UUID(hid(1))))
    on = conforming(county, f"/api/v1/central-households/{ch}")
    assert on["designated"] is True and on["village"] == VILLAGE_A and on["id"] == ch
    before = conforming(county, f"/api/v1/central-households/{ch}?as_of=2014-06-01")
    assert before["designated"] is False
    assert conforming(county, f"/api/v1/central-households/{ch.upper()}")["id"] == ch
    padded = quote(f" {ch} ", safe="")
    assert conforming(county, f"/api/v1/central-households/{padded}", 400)["field"] == (
        "central_household"
    )
    nobody = "00000000-0000-4000-8000-000000000000"
    assert conforming(county, f"/api/v1/central-households/{nobody}", 404)
    # Village B's central household: refused to the team of village A, however written.
    apply(
        zhucun,
        cmd("party_member_joined", name="赵四", household=hid(4), id=mid(4)),
        cmd("designate_central_household", on="2014-06-02", party_member=mid(4)),
    )
    other = str(central_household_id(UUID(hid(4))))
    member = login(web.test_client(), "team_member")
    for value in (other, f" {other} ", other.upper()):
        body = conforming(member, f"/api/v1/central-households/{quote(value, safe='')}", 403)
        assert body["code"] == "outside_jurisdiction"
        assert "赵四" not in str(body) and VILLAGE_B not in str(body)
    assert conforming(county, f"/api/v1/central-households/{other}")["village"] == VILLAGE_B


def test_the_accounts_are_those_the_accounts_page_lists_in_reach(web: Flask) -> None:
    city = login(web.test_client(), "city_admin")
    everyone = {a["username"] for a in walk(city, "/api/v1/accounts")}
    assert everyone == {username for username, _ in ACCOUNTS.values()}
    county = login(web.test_client(), "county_admin")
    inside = walk(county, "/api/v1/accounts")
    assert {a["username"] for a in inside} == {
        username for username, unit in ACCOUNTS.values() if unit != CITY
    }, "the city's own accounts lie above a county administrator's reach"
    assert not [a for a in inside if {"password", "password_hash", "token"} & set(a)]
    officer = login(web.test_client(), "township_officer")
    assert conforming(officer, "/api/v1/accounts", 403)["code"] == "role_not_allowed"


@pytest.mark.parametrize(
    "given", ["UNLINKED_HOUSEHOLD", " unlinked_household", "ｕｎｌｉｎｋｅｄ_household", "unlinked"]
)
def test_a_gap_type_is_one_of_the_description_s_values_exactly(
    county: FlaskClient, given: str
) -> None:
    """The API takes the values its description lists as they are (pages and the command
    line read a padded, upper-case or full-width type as the type); the refusal is the
    same named one in both languages."""
    problem = conforming(county, f"/api/v1/units/{COUNTY}/gaps?type={given}", 400)
    assert problem["code"] == "unknown_gap_type" and problem["field"] == "type"
    assert "未知的盲点类型" in problem["zh"] and "unknown gap type" in problem["en"]
