"""A form for a past day offers what stood on that day: the villager groups, households,
party members, central households and team members of the form's day, not today's; the
button beside the day shows the form again with that day's choices and writes nothing."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from tests.builders import (
    GROUP_A1,
    VILLAGE_A,
    apply,
    cmd,
    hid,
    household,
    mid,
    open_unit,
)
from tests.team_builders import CLERK, cid
from tests.web.builders import WebNet, found, web_network
from tests.web.conftest import login
from tests.web.test_records import open_form

NEW_HOUSEHOLD = hid(21)
NEW_GROUP = VILLAGE_A + "003"


@pytest.fixture
def net(zhucun: Zhucun) -> WebNet:
    """Village A as in every web test, then: a third group and a household registered in
    2016, the party member 王大 dead since 2015-03-01, and a clerk on the team since
    2016-06-01."""
    net = web_network(zhucun)
    apply(
        zhucun,
        open_unit(NEW_GROUP, "甲村三组", "group", VILLAGE_A, on="2016-01-10"),
        household(21, GROUP_A1, "孙新", 2, on="2016-02-01"),  # NEW_HOUSEHOLD
        cmd("party_member_died", on="2015-03-01", party_member=mid(1)),
        cmd("join_team", on="2016-06-01", team=net.team, cadre=cid(CLERK)),
    )
    return net


def options(html: str, field: str) -> dict[str, str]:
    """value -> label of a select's options (the empty choice left out)."""
    select = found(
        rf'<select id="{field}" name="{field}"[^>]*>(.*?)</select>', html, f"select {field}"
    )
    return {
        value: label
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
        if value
    }


def grab(html: str, element_id: str) -> str:
    return found(rf'id="{element_id}">(.*?)</', html, f"element {element_id}")


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_households_of_a_past_day_are_those_registered_by_then(net: WebNet, client: FlaskClient):
    login(client, "township_officer")
    path = f"/units/{VILLAGE_A}/record/link-household"
    assert NEW_HOUSEHOLD in options(page(client, path), "household")
    past = page(client, path + "?occurred_on=2015-06-01")
    assert NEW_HOUSEHOLD not in options(past, "household")
    assert hid(2) in options(past, "household")
    assert 'value="2015-06-01"' in past  # the day field keeps the day of the choices


def test_central_households_and_party_members_follow_the_day(net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    link = f"/units/{VILLAGE_A}/record/link-household"
    assert options(page(client, link + "?occurred_on=2014-06-01"), "central_household") == {}
    on_day = options(page(client, link + "?occurred_on=2014-07-01"), "central_household")
    assert list(on_day.values()) == ["王大 · 王大"]
    died = f"/units/{VILLAGE_A}/record/party-member-died"
    assert mid(1) in options(page(client, died + "?occurred_on=2015-02-28"), "party_member")
    assert mid(1) not in options(page(client, died), "party_member")


def test_villager_groups_of_a_past_day(net: WebNet, client: FlaskClient):
    login(client, "city_admin")
    path = f"/units/{VILLAGE_A}/record/register-household"
    assert NEW_GROUP in options(page(client, path), "group")
    assert NEW_GROUP not in options(page(client, path + "?occurred_on=2015-12-31"), "group")


def test_team_members_of_a_past_day(net: WebNet, client: FlaskClient):
    login(client, "team_member")
    path = f"/teams/{net.team}/record/write-diary"
    assert cid(CLERK) in options(page(client, path), "cadre")
    assert cid(CLERK) not in options(page(client, path + "?occurred_on=2016-05-31"), "cadre")


def test_the_button_beside_the_day_shows_its_choices_and_writes_nothing(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"/units/{VILLAGE_A}/record/link-household"
    hidden = open_form(client, path)
    before = zhucun.store.max_position()
    response = client.post(
        path,
        data=hidden
        | {"refresh": "1", "occurred_on": "2015-06-01", "household": hid(2), "reason": "补录"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and zhucun.store.max_position() == before
    assert NEW_HOUSEHOLD not in options(html, "household")
    assert re.search(rf'<option value="{hid(2)}" selected>', html)  # what was chosen stays
    assert f'name="token" value="{hidden["token"]}"' in html  # the same form, not yet sent
    assert "2015年6月1日" in grab(html, "choices-day")


def test_a_form_sent_for_a_past_day_shows_that_day_choices_again_after_a_refusal(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"/units/{VILLAGE_A}/record/link-household"
    response = client.post(
        path, data=open_form(client, path) | {"occurred_on": "2015-06-01", "reason": "补录"}
    )
    assert response.status_code == 400
    assert NEW_HOUSEHOLD not in options(response.get_data(as_text=True), "household")


@pytest.mark.parametrize("day", ["2099-01-01", "yesterday"])
def test_a_bad_day_for_the_choices_is_refused_naming_the_field(
    net: WebNet, client: FlaskClient, day: str
):
    login(client, "township_officer")
    response = client.get(f"/units/{VILLAGE_A}/record/link-household?occurred_on={day}&lang=en")
    assert response.status_code == 400
    assert "occurred_on" in response.get_data(as_text=True)


def test_only_valid_households_are_offered_for_linking_and_unlinking(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    link = f"/units/{VILLAGE_A}/record/link-household"
    unlink = f"/units/{VILLAGE_A}/record/unlink-household"
    login(client, "township_officer")
    offered = options(page(client, link), "central_household")
    ch = next(iter(offered))
    apply(zhucun, cmd("link_household", on="2014-06-10", household=hid(2), central_household=ch))
    to_link = options(page(client, link), "household")
    to_unlink = options(page(client, unlink), "household")
    assert hid(2) not in to_link and hid(3) in to_link  # linked already: not offered again
    assert hid(1) not in to_link  # a central household's own household
    assert hid(2) in to_unlink and hid(3) not in to_unlink
    assert "李二 (甲村一组)" in to_unlink.values()  # the group by its name, not its code


def test_a_party_member_already_a_central_household_is_not_offered_again(
    net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"/units/{VILLAGE_A}/record/designate-central-household?occurred_on=2015-01-01"
    assert mid(1) not in options(page(client, path), "party_member")  # 王大: one already
