"""The unit dashboard and the drill-down, on both engines: figures from the read side, the
as-of day, gaps with their cause, sites, the chart's data, jurisdiction."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from domain.party import central_household_id
from tests.builders import CITY, COUNTY, GROUP_A1, TOWNSHIP, VILLAGE_A, VILLAGE_B, apply, cmd
from tests.web.builders import OTHER_COUNTY, WebNet, web_network
from tests.web.conftest import login


@pytest.fixture
def net(zhucun: Zhucun) -> WebNet:
    """The web network, plus on 2015-03-01 a second household of village A linked to the
    central household (2 of its 3 linked from then on) and on 2015-05-01 its station."""
    net = web_network(zhucun)
    central = str(central_household_id(UUID(net.households["A1"])))
    apply(
        zhucun,
        cmd(
            "link_household",
            on="2015-03-01",
            household=net.households["A1b"],
            central_household=central,
        ),
        cmd("open_site", on="2015-05-01", unit=VILLAGE_A, kind="station"),
    )
    return net


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def figure(html: str, element_id: str) -> str:
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}".*?</\1>', html, re.S)
    assert found, element_id
    return text(found.group(0))


@pytest.fixture
def county(net: WebNet, client: FlaskClient) -> FlaskClient:
    return login(client, "county_admin")


def test_dashboard_shows_the_coverage_of_the_accounts_unit(county: FlaskClient, zhucun: Zhucun):
    response = county.get(f"/units/{COUNTY}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    cov = zhucun.coverage(COUNTY)
    assert cov is not None
    assert "<h1>本溪满族自治县</h1>" in html
    households = figure(html, "households")
    assert f"在册户数 {cov['households']['total']}" in households
    assert f"已联系 {cov['households']['linked']}" in households
    assert "50.0%" in households  # 2 of 4 linked
    for kind, n in cov["gaps"].items():
        assert figure(html, f"gaps-{kind}").endswith(f" {n} ")
    assert "甲村为民服务站" not in html  # sites of this unit and its children only


def test_drill_down_from_city_to_village(net: WebNet, client: FlaskClient):
    city = login(client, "city_admin")
    html = city.get(f"/units/{CITY}").get_data(as_text=True)
    assert f'href="/units/{COUNTY}"' in html and f'href="/units/{OTHER_COUNTY}"' in html
    html = city.get(f"/units/{COUNTY}").get_data(as_text=True)
    assert f'href="/units/{TOWNSHIP}"' in html
    assert f'<a href="/units/{CITY}">本溪市</a>' in html  # the trail back up
    html = city.get(f"/units/{TOWNSHIP}").get_data(as_text=True)
    assert f'href="/units/{VILLAGE_A}"' in html and f'href="/units/{VILLAGE_B}"' in html
    html = city.get(f"/units/{VILLAGE_A}").get_data(as_text=True)
    # The village page: its groups, its gaps with their cause, its sites.
    assert f'id="child-{GROUP_A1}"' in html and "甲村一组" in html
    gaps = figure(html, "gaps")
    assert "没有为民服务点的村民小组" in gaps and "甲村一组" in gaps and "Opened" not in gaps
    assert "2014年1月1日 设立单位 · li.clerk" in gaps  # the cause: its day, what, who
    sites = figure(html, "sites")
    assert "甲村为民服务站" in sites and "为民服务站" in sites and "无人" in sites


def test_as_of_date_re_renders_the_page_for_that_day(net: WebNet, client: FlaskClient):
    city = login(client, "city_admin")
    today = city.get(f"/units/{VILLAGE_A}").get_data(as_text=True)
    before = city.get(f"/units/{VILLAGE_A}?as_of=2015-01-01").get_data(as_text=True)
    assert "2016年12月31日" in figure(today, "as-of-shown")
    assert "2015年1月1日" in figure(before, "as-of-shown")
    assert "已联系 2" in figure(today, "households")
    assert "已联系 1" in figure(before, "households")
    # Links made on that page keep the day.
    assert f'href="/units/{GROUP_A1}?as_of=2015-01-01"' in before
    # Before the village was opened, there is nothing to show.
    assert city.get(f"/units/{VILLAGE_A}?as_of=2013-06-01").status_code == 404


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2015-13-01", "date '2015-13-01' is invalid: YYYY-MM-DD expected"),
        ("20150101", "date '20150101' is invalid"),  # a form Python would read, not ours
        ("2015-1-1", "date '2015-1-1' is invalid"),
        ("2030-01-01", "after today"),
        ("２０３０－０１－０１", "date 2030-01-01 is after today"),  # folded, then checked
    ],
)
def test_bad_as_of_is_a_400_naming_the_field(county: FlaskClient, as_of: str, message: str):
    response = county.get(f"/units/{COUNTY}?as_of={as_of}&lang=en")
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "given", [" 2015-01-01 ", "２０１５－０１－０１", "2015%E2%80%9001%E2%80%9001"]
)
def test_a_day_typed_padded_or_full_width_is_read_as_the_plain_one(county: FlaskClient, given: str):
    shown = county.get(f"/units/{COUNTY}?as_of={given}")
    if "%E2" in given:  # a Unicode hyphen is no dash of a date: refused, in one wording
        assert shown.status_code == 400 and "应为 YYYY-MM-DD" in shown.get_data(as_text=True)
        return
    plain = county.get(f"/units/{COUNTY}?as_of=2015-01-01")
    assert shown.status_code == 200
    assert figure(shown.get_data(True), "households") == figure(plain.get_data(True), "households")


def test_chart_data_gives_the_link_rate_of_each_child(county: FlaskClient):
    data = county.get(f"/units/{TOWNSHIP}/children.json?as_of=2015-06-01").get_json()
    assert data["as_of"] == "2015-06-01"
    rates = {c["code"]: c["link_rate"] for c in data["children"]}
    assert rates == {VILLAGE_A: pytest.approx(2 / 3, abs=1e-4), VILLAGE_B: 0.0}
    html = county.get(f"/units/{TOWNSHIP}").get_data(as_text=True)
    assert 'id="link-rate-chart"' in html
    assert "/static/vendor/echarts-6.1.0/echarts.min.js" in html


def test_a_county_admin_cannot_open_another_county(county: FlaskClient):
    response = county.get(f"/units/{OTHER_COUNTY}")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 403
    assert "不在本账号的管辖范围" in html and "outside this account's jurisdiction" in html
    assert county.get(f"/units/{OTHER_COUNTY}/children.json").status_code == 403
    api = county.get(f"/api/v1/summary/{OTHER_COUNTY}")
    assert api.status_code == 403 and api.mimetype == "application/problem+json"
    assert api.get_json()["code"] == "outside_jurisdiction"


def test_trail_stops_at_the_accounts_own_unit(net: WebNet, client: FlaskClient):
    officer = login(client, "township_officer")
    html = officer.get(f"/units/{VILLAGE_A}").get_data(as_text=True)
    trail = re.search(r'<nav class="trail".*?</nav>', html, re.S)
    assert trail
    assert f'/units/{TOWNSHIP}"' in trail.group(0) and f'/units/{COUNTY}"' not in trail.group(0)


def test_dashboard_in_english_formats_dates_the_english_way(county: FlaskClient):
    html = county.get(f"/units/{COUNTY}?as_of=2015-01-01&lang=en").get_data(as_text=True)
    assert "Jan 1, 2015" in figure(html, "as-of-shown")
    assert "Blind spots by type" in html and "各类盲点" not in html


def test_accounts_page_lists_accounts_inside_the_jurisdiction(county: FlaskClient):
    html = county.get("/accounts").get_data(as_text=True)
    assert "county.admin" in html and "township.officer" in html and "team.member" in html
    assert "city.admin" not in html and "city.auditor" not in html


def test_page_shows_what_was_recorded_since_the_last_request(
    net: WebNet, county: FlaskClient, zhucun: Zhucun
):
    assert "已联系 2" in figure(
        county.get(f"/units/{VILLAGE_A}").get_data(as_text=True), "households"
    )
    apply(
        zhucun,
        cmd(
            "link_household",
            on="2016-01-01",
            household=net.households["A2"],
            central_household=str(central_household_id(UUID(net.households["A1"]))),
        ),
    )
    html = county.get(f"/units/{VILLAGE_A}").get_data(as_text=True)
    assert "已联系 3" in figure(html, "households")
    data = county.get(f"/units/{TOWNSHIP}/children.json").get_json()
    assert {c["code"]: c["linked"] for c in data["children"]}[VILLAGE_A] == 3


def test_a_gap_type_link_lists_that_type_alone(county: FlaskClient):
    html = county.get(f"/units/{VILLAGE_A}").get_data(as_text=True)
    assert f'href="/units/{VILLAGE_A}?gap=party_member_without_role#gap-list"' not in html
    link = f'href="/units/{VILLAGE_A}?gap=group_without_point#gap-list"'
    assert link in html
    only = county.get(f"/units/{VILLAGE_A}?gap=group_without_point").get_data(as_text=True)
    rows = figure(only, "gaps")
    assert "没有为民服务点的村民小组" in rows and "未联系党员中心户的户" not in rows
    assert "全部类型" in only
    response = county.get(f"/units/{VILLAGE_A}?gap=everything&lang=en")
    assert response.status_code == 400 and "unknown gap type" in response.get_data(as_text=True)


@pytest.mark.parametrize("given", [" GROUP_WITHOUT_POINT ", "ｇｒｏｕｐ_without_point"])
def test_a_gap_type_padded_upper_case_or_full_width_lists_that_type(
    county: FlaskClient, given: str
):
    exact = figure(county.get(f"/units/{VILLAGE_A}?gap=group_without_point").get_data(True), "gaps")
    assert figure(county.get(f"/units/{VILLAGE_A}?gap={given}").get_data(True), "gaps") == exact


def test_a_gap_type_not_on_the_list_is_refused_naming_the_filter(county: FlaskClient):
    response = county.get(f"/units/{VILLAGE_A}?gap=group_without_points&lang=en")
    body = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "unknown gap type 'group_without_points'" in body
    long = unescape(county.get(f"/units/{VILLAGE_A}?gap={'x' * 5000}&lang=en").get_data(True))
    assert f"unknown gap type '{'x' * 40}';" in long  # what was given is shown cut short


def test_a_gap_type_refused_on_a_chinese_page_names_the_types_in_words(county: FlaskClient):
    response = county.get(f"/units/{VILLAGE_A}?gap=group_without_points")
    body = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "未知的盲点类型 'group_without_points'" in body
    assert "没有为民服务点的村民小组；没有为民服务站的村" in body
    listed = body.split("应为以下之一：", 1)[1].split("<", 1)[0]
    assert not re.search(r"[a-z]+_[a-z_]+", listed)  # no type's value, in any case


def test_each_gap_links_to_its_subject(county: FlaskClient):
    html = county.get(f"/units/{VILLAGE_A}").get_data(as_text=True)
    households = re.findall(r'<a class="subject" href="(/households/[0-9a-f-]{36})"', html)
    units = re.findall(r'<a class="subject" href="(/units/\d+)"', html)
    assert households and units  # unlinked households; groups without a point
    page = county.get(households[0])
    assert page.status_code == 200
    assert county.get(units[0]).status_code == 200


def test_network_map_data_nests_the_units_with_their_figures(county: FlaskClient, zhucun: Zhucun):
    data = county.get(f"/units/{COUNTY}/network.json?as_of=2015-06-01").get_json()
    tree = data["tree"]
    assert (tree["code"], tree["households"], tree["unlinked"]) == (COUNTY, 4, 2)
    (township,) = tree["children"]
    village_a = next(v for v in township["children"] if v["code"] == VILLAGE_A)
    assert village_a["link_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert village_a["children"] == []  # below a county, the map stops at villages
    data = county.get(f"/units/{TOWNSHIP}/network.json?as_of=2015-06-01").get_json()
    village_a = next(v for v in data["tree"]["children"] if v["code"] == VILLAGE_A)
    assert {g["code"] for g in village_a["children"]} == {GROUP_A1, VILLAGE_A + "002"}
    for node in (tree, township, village_a, *village_a["children"]):
        cov = zhucun.coverage(node["code"], date(2015, 6, 1))
        assert cov is not None
        assert node["households"] == cov["households"]["total"]
        assert node["gaps"] == sum(cov["gaps"].values())
    html = county.get(f"/units/{COUNTY}").get_data(as_text=True)
    assert 'id="network-map"' in html


def test_link_rate_over_time_follows_the_recorded_history(county: FlaskClient, zhucun: Zhucun):
    data = county.get(f"/units/{VILLAGE_A}/trend.json?as_of=2016-06-30").get_json()
    points = data["points"]
    assert points[0]["day"] == "2014-01-31" and points[-1]["day"] == "2016-06-30"
    assert len(points) <= 24
    for p in points:
        cov = zhucun.coverage(VILLAGE_A, date.fromisoformat(p["day"]))
        assert cov is not None
        assert (p["households"], p["unlinked"]) == (
            cov["households"]["total"],
            cov["households"]["unlinked"],
        )
    rates = [p["link_rate"] for p in points if p["link_rate"] is not None]
    # From June 2014 the central household covers its own; from March 2015 one more.
    assert rates[0] == pytest.approx(1 / 3, abs=1e-4)
    assert rates[-1] == pytest.approx(2 / 3, abs=1e-4)
    html = county.get(f"/units/{VILLAGE_A}").get_data(as_text=True)
    assert 'id="trend-chart"' in html and "联系率变化" in html


def test_sites_are_shown_as_they_stood_on_the_as_of_day(
    net: WebNet, zhucun: Zhucun, client: FlaskClient
) -> None:
    """The station opened on 2015-05-01 with nobody responsible; 王站长 took it on 2015-08-01."""
    apply(
        zhucun,
        cmd("assign_site_responsible", on="2015-08-01", unit=VILLAGE_A, name="王站长"),
    )
    city = login(client, "city_admin")

    def sites_on(day: str) -> str:
        html = city.get(f"/units/{VILLAGE_A}?as_of={day}").get_data(as_text=True)
        return figure(html, "sites") if 'id="sites"' in html else ""

    assert "甲村为民服务站" not in sites_on("2015-04-30")
    assert "甲村为民服务站" in sites_on("2015-06-01") and "无人" in sites_on("2015-06-01")
    assert "王站长" not in sites_on("2015-06-01")
    assert "王站长" in sites_on("2015-08-01") and "无人" not in sites_on("2015-08-01")
