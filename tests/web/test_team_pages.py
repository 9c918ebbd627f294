"""Team pages and history timelines through the Flask test client, on both engines: the list
of teams, a team's roster, residency calendar and diary, the as-of day, the histories of a
unit, a team, a cadre and a household, and the recorded views of a household's personal
data."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.builders import COUNTY, VILLAGE_A, VILLAGE_B, apply, cmd, id_number
from tests.team_builders import MEMBER, cid, lid, second_team
from tests.web.builders import WebNet, diary_and_visit, events_named, web_network
from tests.web.conftest import login

TEAM_NAME = "本溪市农委驻甲村工作队"


def calendar(html: str, cadre: str) -> dict[str, str]:
    """day -> the classes of its square, in the member's calendar."""
    section = re.search(
        rf'<section [^>]*class="member-month[^"]*" id="month-{cadre}">(.*?)</section>', html, re.S
    )
    assert section, f"no calendar for {cadre}"
    return dict(
        (day, cls)
        for cls, day in re.findall(r'<li class="day ([^"]+)" data-day="([\d-]+)"', section.group(1))
    )


@pytest.fixture
def net(zhucun: Zhucun) -> WebNet:
    net = web_network(zhucun)
    member = cid(MEMBER)
    lines = [
        cmd("check_in", on=f"2016-11-0{d}", actor="team.member", role="team_member", cadre=member)
        for d in range(1, 6)
    ]
    lines += [
        cmd(
            "request_leave",
            on="2016-11-08",
            actor="team.member",
            role="team_member",
            cadre=member,
            first_day="2016-11-10",
            last_day="2016-11-12",
            id=lid(1),
        ),
        cmd("approve_leave", on="2016-11-09", leave=lid(1)),
        *diary_and_visit(net),
        cmd("record_absence", on="2016-11-20", role="inspector", cadre=member, note="人不在村"),
    ]
    apply(zhucun, *lines)
    return net


def test_team_list_shows_the_teams_serving_under_the_unit(net: WebNet, client: FlaskClient):
    html = login(client, "county_admin").get("/teams").get_data(as_text=True)
    assert TEAM_NAME in html and "甲村" in html and "张队长" in html
    assert f'href="/teams/{net.team}"' in html


def test_team_page_shows_the_roster_with_unit_village_class_leader_and_term(
    net: WebNet, client: FlaskClient
):
    response = login(client, "township_officer").get(f"/teams/{net.team}?as_of=2015-01-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TEAM_NAME in html
    roster = re.search(r'<table class="summary" id="roster">(.*?)</table>', html, re.S)
    assert roster and "张队长" in roster.group(1) and "李队员" in roster.group(1)
    facts = re.search(r'id="roster-facts">(.*?)</dl>', html, re.S)
    assert facts and "本溪市农委 · 市 · " in facts.group(1)  # the unit, its level, its sector
    assert "经济" in html  # village A is an economy village
    assert "2014年6月1日" in html  # the term's first day
    assert "2015年1月1日" in html  # the as-of day shown


def test_residency_calendar_marks_each_day_of_a_member(net: WebNet, client: FlaskClient):
    html = (
        login(client, "team_member").get(f"/teams/{net.team}?month=2016-11").get_data(as_text=True)
    )
    days = calendar(html, cid(MEMBER))
    assert days["2016-11-01"] == "in" and days["2016-11-05"] == "in"
    assert days["2016-11-10"] == "leave" and days["2016-11-12"] == "leave"
    assert days["2016-11-06"] == "gap"
    assert days["2016-11-20"] == "gap absent"
    section = re.search(rf'id="month-{cid(MEMBER)}">(.*?)</section>', html, re.S)
    assert section and '<b class="checked-in">5</b>' in section.group(1)
    # 5 days checked in of the 20 required: not regularly resident.
    assert "not-resident" in re.search(rf'class="([^"]*)" id="month-{cid(MEMBER)}"', html).group(1)


def test_calendar_before_the_dispatch_shows_days_off_the_team(net: WebNet, client: FlaskClient):
    html = (
        login(client, "city_admin").get(f"/teams/{net.team}?month=2014-05").get_data(as_text=True)
    )
    assert "这个月没有人在队" in html or 'id="month-' not in html


def test_diary_and_visits_of_the_month_are_listed(net: WebNet, client: FlaskClient):
    html = (
        login(client, "team_member").get(f"/teams/{net.team}?month=2016-11").get_data(as_text=True)
    )
    diary = re.search(r'<ul class="diary" id="diary">(.*?)</ul>', html, re.S)
    assert diary
    assert "二组灌溉渠年久失修" in diary.group(1) and "介绍合作社" in diary.group(1)
    assert "李队员" in diary.group(1)
    # The visited household, by its head, links to its page.
    assert f'href="/households/{net.households["A1"]}">王大</a>' in diary.group(1)
    other = (
        login(client, "team_member").get(f"/teams/{net.team}?month=2016-10").get_data(as_text=True)
    )
    assert 'id="diary"' not in other


def test_as_of_day_before_the_dispatch_shows_no_roster(net: WebNet, client: FlaskClient):
    html = (
        login(client, "county_admin")
        .get(f"/teams/{net.team}?as_of=2014-05-01")
        .get_data(as_text=True)
    )
    assert 'id="not-serving"' in html and 'id="roster"' not in html


def test_a_bad_month_or_day_is_refused_by_name(net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    assert client.get(f"/teams/{net.team}?month=2016-13").status_code == 400
    assert client.get(f"/teams/{net.team}?as_of=2999-01-01").status_code in (400, 422)


def test_a_team_member_sees_its_own_team_only(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    other = second_team(zhucun, village=VILLAGE_B)
    login(client, "team_member")
    assert client.get(f"/teams/{other}").status_code == 403
    assert TEAM_NAME in client.get("/teams").get_data(as_text=True)
    assert "乙村" not in client.get("/teams").get_data(as_text=True)


def test_the_page_speaks_english_on_request(net: WebNet, client: FlaskClient):
    html = (
        login(client, "county_admin")
        .get(f"/teams/{net.team}?month=2016-11&lang=en")
        .get_data(as_text=True)
    )
    assert "Roster" in html and "Residency" in html and "Not regularly resident" in html


# -- histories ----------------------------------------------------------------------------------


def test_team_history_shows_who_what_when_and_why(net: WebNet, client: FlaskClient):
    html = login(client, "county_admin").get(f"/history/team/{net.team}").get_data(as_text=True)
    assert html.count('class="entry"') >= 10
    assert "驻村签到" in html or "签到" in html
    assert "team.member" in html  # who recorded it
    assert "2016年11月1日" in html  # when it happened
    assert "每日签到" in html or "test" in html  # why


def entries(html: str) -> list[int]:
    return [int(p) for p in re.findall(r'<li class="entry" id="entry-(\d+)">', html)]


def next_page(html: str) -> str | None:
    found = re.search(r'<a id="next-page" rel="next" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_team_history_comes_a_page_at_a_time_with_a_next_page_link(
    zhucun: Zhucun, net: WebNet, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, order: str
):
    import web.history

    monkeypatch.setattr(web.history, "PAGE", 4)
    login(client, "county_admin")
    path: str | None = f"/history/team/{net.team}?order={order}"
    seen: list[list[int]] = []
    while path:
        html = client.get(path).get_data(as_text=True)
        seen.append(entries(html))
        path = next_page(html)
        if path:
            assert 'hx-select="#history-page"' in html  # htmx swaps the page's section only
    whole = [r["position"] for r in zhucun.history_of_team(UUID(net.team))]
    assert [p for page in seen for p in page] == (whole[::-1] if order == "newest" else whole)
    assert len(seen) > 2 and all(1 <= len(page) <= 4 for page in seen)


@pytest.mark.parametrize(
    "path",
    ["/history/unit/{village}", "/history/cadre/{member}", "/households/{household}"],
)
@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_every_timeline_comes_a_page_at_a_time_and_the_pages_hold_it_whole(
    zhucun: Zhucun,
    net: WebNet,
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    order: str,
):
    import web.history

    monkeypatch.setattr(web.history, "PAGE", 1)
    login(client, "county_admin")
    first = path.format(village=VILLAGE_A, member=cid(MEMBER), household=net.households["A1"])
    at: str | None = f"{first}?order={order}"
    seen: list[list[int]] = []
    while at:
        html = client.get(at).get_data(as_text=True)
        seen.append(entries(html))
        assert 'id="show-all"' not in html  # no page of thousands of entries at once
        at = next_page(html)
    whole = {
        "/history/unit/{village}": lambda: zhucun.history_of_unit(VILLAGE_A),
        "/history/cadre/{member}": lambda: zhucun.history_of_cadre(UUID(cid(MEMBER))),
        "/households/{household}": lambda: zhucun.history_of_id(UUID(net.households["A1"])),
    }[path]()
    positions = [r["position"] for r in whole]
    assert [p for page in seen for p in page] == (
        positions[::-1] if order == "newest" else positions
    )
    assert len(seen) == len(positions) > 1


def test_a_team_s_history_no_longer_shows_everything_at_once(net: WebNet, client: FlaskClient):
    html = login(client, "county_admin").get(f"/history/team/{net.team}?all=1")
    text = html.get_data(as_text=True)
    assert 'id="show-all"' not in text and len(entries(text)) <= 50


def test_a_timeline_in_chinese_shows_no_event_or_field_names(net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    for path in (
        f"/history/unit/{VILLAGE_A}",
        f"/history/team/{net.team}",
        f"/history/cadre/{cid(MEMBER)}",
        f"/households/{net.households['A1']}",
    ):
        html = client.get(path, query_string={"lang": "zh"}).get_data(as_text=True)
        body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
        body = re.sub(r"<[^>]+>", " ", body)
        assert not re.search(r"\b[A-Z][a-z]+\.[A-Z][A-Za-z]+\b", body), path  # Household.Registered
        for key in ("household_id", "cadre_id", "occurred_on", "team_id", "group_code"):
            assert key not in body, (path, key)
        assert "年" in body and "月" in body  # dates and times the Chinese way


def test_a_back_dated_entry_carries_the_mark_and_one_on_time_does_not(
    zhucun: Zhucun, net: WebNet, client: FlaskClient, clock: SettableClock
):
    clock.set(datetime(2017, 1, 2, 2, 0, tzinfo=UTC))  # 2017-01-02 10:00 in Beijing
    on_time = cmd(
        "check_in", on="2017-01-02", actor="team.member", role="team_member", cadre=cid(MEMBER)
    )
    apply(zhucun, on_time)
    html = login(client, "county_admin").get(f"/history/cadre/{cid(MEMBER)}")
    entry = dict(
        re.findall(
            r'<li class="entry" id="entry-(\d+)">(.*?)</li>', html.get_data(as_text=True), re.S
        )
    )
    newest = max(entry, key=int)
    assert "flag backdated" not in entry[newest]  # recorded the day it happened
    # the fixture's check-ins of 2016-11-01..05, recorded on 2016-12-31: back-dated
    assert sum("flag backdated" in text for text in entry.values()) >= 5


@pytest.mark.parametrize(("query", "field"), [("after=abc", "after"), ("order=sideways", "order")])
def test_a_bad_page_of_team_history_is_refused_naming_the_field(
    net: WebNet, client: FlaskClient, query: str, field: str
):
    response = login(client, "county_admin").get(f"/history/team/{net.team}?{query}&lang=en")
    assert response.status_code == 400
    assert field in response.get_data(as_text=True)


def test_unit_history_lists_the_unit_events(net: WebNet, client: FlaskClient):
    response = login(client, "township_officer").get(f"/history/unit/{VILLAGE_A}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "甲村" in html and 'class="entry"' in html


def test_cadre_history_of_a_team_member(net: WebNet, client: FlaskClient):
    response = login(client, "team_member").get(f"/history/cadre/{cid(MEMBER)}")
    assert response.status_code == 200
    assert "李队员" in response.get_data(as_text=True)


def test_history_outside_the_jurisdiction_is_refused(net: WebNet, client: FlaskClient):
    login(client, "team_member")
    assert client.get(f"/history/unit/{COUNTY}").status_code == 403
    assert client.get(f"/history/unit/{VILLAGE_B}").status_code == 403


def test_a_party_member_history_by_id(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    member = "00000000-0000-0000-0001-000000000001"
    response = login(client, "township_officer").get(f"/history/id/{member}")
    assert response.status_code == 200 and "王大" in response.get_data(as_text=True)


# -- a household's personal data ------------------------------------------------------------------


def test_household_page_masks_the_identity_number_and_records_the_view(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    before = len(events_named(zhucun, "DataAccess.PersonalDataViewed"))
    html = (
        login(client, "township_officer")
        .get(f"/households/{net.households['A1']}")
        .get_data(as_text=True)
    )
    number = id_number(1)
    assert number not in html
    assert number[:4] + "**********" + number[-4:] in html
    viewed = events_named(zhucun, "DataAccess.PersonalDataViewed")
    assert len(viewed) == before + 1
    assert viewed[-1].actor_id == "township.officer" and viewed[-1].unmasked is False
    assert viewed[-1].household_id.hex == net.households["A1"].replace("-", "")
    assert 'id="show-identity"' not in html  # not a role that may see it in full


def test_city_admin_sees_the_number_in_full_and_that_is_recorded(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    html = (
        login(client, "city_admin")
        .get(f"/households/{net.households['A1']}?identity=full")
        .get_data(as_text=True)
    )
    assert id_number(1) in html
    viewed = events_named(zhucun, "DataAccess.PersonalDataViewed")
    assert viewed[-1].unmasked is True and viewed[-1].actor_role == "city_admin"


def test_a_role_not_allowed_is_refused_the_full_number(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    before = len(events_named(zhucun, "DataAccess.PersonalDataViewed"))
    response = login(client, "county_admin").get(
        f"/households/{net.households['A1']}?identity=full"
    )
    assert response.status_code == 403
    assert id_number(1) not in response.get_data(as_text=True)
    assert len(events_named(zhucun, "DataAccess.PersonalDataViewed")) == before


def test_a_team_serving_today_offers_the_day_s_forms(net: WebNet, client: FlaskClient):
    html = login(client, "team_member").get(f"/teams/{net.team}").get_data(as_text=True)
    assert f'href="/teams/{net.team}/record/check-in"' in html
    assert 'id="not-serving-today"' not in html


def test_a_team_whose_term_has_ended_says_so_instead_of_offering_a_check_in(
    net: WebNet, client: FlaskClient, clock: SettableClock
):
    clock.set(datetime(2018, 3, 1, 2, 0, tzinfo=UTC))  # the term ran to 2017-05-31
    html = login(client, "team_member").get(f"/teams/{net.team}").get_data(as_text=True)
    assert f'href="/teams/{net.team}/record/check-in"' not in html
    assert f'href="/teams/{net.team}/record/write-diary"' not in html
    assert "该工作队今天不在驻村期内" in html and "2017年5月31日" in html
