"""One search box (``/search?q=``) on both engines: households by their head's name, its
pinyin or its initials, party members, cadres, teams and units by name or code — only within
the account's jurisdiction, whatever way the text is written (padded, full-width, upper case);
and the read model behind it kept up to date by moves, departures and renames, and rebuilt to
the same rows."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Zhucun
from projections.search import names, spelled
from projections.tables import units
from tests.builders import GROUP_A1, GROUP_B1, VILLAGE_A, VILLAGE_B, apply, cmd, hid, household
from tests.web.builders import OTHER_GROUP, WebNet, web_network
from tests.web.conftest import login

OURS, THEIRS, MOVED = 21, 22, 23


@pytest.fixture
def net(zhucun: Zhucun) -> WebNet:
    net = web_network(zhucun)
    apply(
        zhucun,
        household(OURS, GROUP_A1, "王桂兰", 3),
        household(THEIRS, OTHER_GROUP, "王桂芳", 2),  # another county's
        household(MOVED, GROUP_A1, "单雄信", 2),
    )
    return net


def results(client: FlaskClient, q: str) -> list[str]:
    html = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    section = re.search(r'<section id="search-results".*?</section>', html, re.S)
    assert section is not None
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', section.group(0))


@pytest.mark.parametrize(
    "q", ["王桂兰", "桂兰", "wgl", "WGL", " wgl\t", "ｗｇｌ", "wangguilan", "Wang Gui Lan"]
)
def test_a_household_is_found_by_name_pinyin_or_initials_however_typed(
    net: WebNet, client: FlaskClient, q: str
):
    assert "王桂兰" in results(login(client, "county_admin"), q)


def test_another_county_s_household_is_not_found_by_a_county_admin_but_by_the_city(
    net: WebNet, client: FlaskClient
):
    assert "王桂芳" not in results(login(client, "county_admin"), "wgf")
    assert "王桂芳" not in results(client, "王桂芳")
    city = client.application.test_client()
    assert "王桂芳" in results(login(city, "city_admin"), "wgf")


def test_a_team_member_finds_the_own_village_only(net: WebNet, client: FlaskClient):
    found = results(login(client, "team_member"), "王")
    assert "王桂兰" in found and "王大" in found
    assert "赵四" not in results(client, "赵四")  # village B: outside a team member's reach


def test_units_are_found_by_name_or_the_start_of_their_code(net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    assert "甲村" in results(client, "甲村")
    assert "甲村" in results(client, VILLAGE_A)
    assert "桓仁满族自治县" not in results(client, "桓仁")  # the other county


def test_a_team_and_its_cadres_are_found(net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    assert any("工作队" in name for name in results(client, "工作队"))
    assert "张队长" in results(client, "zdz")


def test_the_exact_name_comes_first(net: WebNet, client: FlaskClient):
    found = results(login(client, "county_admin"), "王大")
    assert found[0] == "王大"


def test_wildcards_in_the_text_match_only_themselves(net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    assert results(client, "%") == [] and results(client, "_") == []


def test_a_text_too_long_is_refused_naming_the_field(net: WebNet, client: FlaskClient):
    response = login(client, "county_admin").get("/search", query_string={"q": "王" * 41})
    assert response.status_code == 400
    assert "搜索词过长" in response.get_data(as_text=True)


def test_results_follow_a_move_a_departure_and_a_rename(zhucun: Zhucun, net: WebNet):
    apply(
        zhucun,
        cmd("move_household", on="2014-07-01", household=hid(OURS), group=GROUP_B1),
        cmd("household_left", on="2014-08-01", household=hid(MOVED), how="moved_out"),
        cmd("rename_unit", on="2014-09-01", unit=VILLAGE_A, name="甲新村"),
    )
    with zhucun.engine.connect() as conn:
        path_b = conn.execute(select(units.c.path).where(units.c.code == VILLAGE_B)).scalar()
    assert any(r["name"] == "王桂兰" for r in zhucun.search("wgl", path_b))
    left = [r for r in zhucun.search("单雄信", "/") if r["kind"] == "household"]
    assert left and left[0]["ended"]
    assert [r["name"] for r in zhucun.search("jxc", "/") if r["kind"] == "unit"] == ["甲新村"]


def test_a_rebuild_gives_the_same_rows(zhucun: Zhucun, net: WebNet):
    def rows() -> list[tuple]:
        with zhucun.projections.reading() as conn:  # caught up with the log
            return sorted(tuple(r) for r in conn.execute(select(names)))

    before = rows()
    zhucun.projections.rebuild()
    assert rows() == before and len(before) > 10


def test_pinyin_and_initials_are_computed_once_in_lower_case():
    assert spelled("王桂兰") == ("wangguilan", "wgl")
    assert spelled("Ｗａｎｇ 桂兰") == ("wangguilan", "wanggl")
