"""The recording forms through the Flask test client, on both engines: each sends the apply
command with the account as actor; a refusal is shown beside the field it names, in the
page's language, and writes nothing; a form sent twice is recorded once; no CSRF token, no
write; jurisdiction is checked on what the form names."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from tests.builders import GROUP_A1, GROUP_A2, VILLAGE_A, apply, cmd, id_number
from tests.team_builders import LEADER, MEMBER, cid, second_team
from tests.web.builders import OTHER_GROUP, OTHER_VILLAGE, WebNet, events_named
from tests.web.conftest import login

MEMBER_ID = cid(MEMBER)
PARTY_MEMBER = "00000000-0000-0000-0001-000000000001"  # 王大, whose household is central


def open_form(client: FlaskClient, path: str) -> dict[str, str]:
    """The hidden fields of a form page: its CSRF token and its one-time token."""
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    return {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
    }


def send(client: FlaskClient, path: str, **fields: Any) -> Any:
    data = open_form(client, path) | {"reason": "web test", "occurred_on": "2016-12-31"} | fields
    return client.post(path, data=data)


def error_beside(html: str, field: str) -> str:
    found = re.search(
        rf'<div class="field invalid" id="field-{field}">.*?'
        rf'<p class="error" id="{field}-error">([^<]+)</p>',
        html,
        re.S,
    )
    assert found, f"no error beside {field}: {re.findall(r'class=.error[^>]*>[^<]*', html)}"
    return found.group(1)


# -- the team's own records ---------------------------------------------------------------------


def test_a_team_member_checks_in_and_sees_it_on_the_team_page(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    path = f"/teams/{net.team}/record/check-in"
    response = send(client, path, cadre=MEMBER_ID, place="甲村村部")
    assert response.status_code == 302 and response.headers["Location"] == f"/teams/{net.team}"
    checked = events_named(zhucun, "MemberMonth.CheckedIn")
    assert len(checked) == 1
    e = checked[0]
    assert (e.actor_id, e.actor_role, e.occurred_on, e.place) == (
        "team.member",
        "team_member",
        "2016-12-31",
        "甲村村部",
    )
    page = client.get(f"/teams/{net.team}").get_data(as_text=True)
    assert re.search(rf'id="month-{MEMBER_ID}">.*?class="day in" data-day="2016-12-31"', page, re.S)
    # Next time the form offers the same member first: one tap.
    html = client.get(path).get_data(as_text=True)
    assert f'<option value="{MEMBER_ID}" selected>' in html


def test_checking_in_twice_is_refused_beside_the_day_and_writes_nothing(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    path = f"/teams/{net.team}/record/check-in"
    assert send(client, path, cadre=MEMBER_ID).status_code == 302
    before = zhucun.store.max_position()
    response = send(client, path, cadre=MEMBER_ID)
    assert response.status_code == 422
    assert "已签到过" in error_beside(response.get_data(as_text=True), "occurred_on")
    assert zhucun.store.max_position() == before


def test_a_form_sent_twice_is_recorded_once(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    login(client, "team_member")
    path = f"/teams/{net.team}/record/write-diary"
    data = open_form(client, path) | {
        "cadre": MEMBER_ID,
        "text": "走访三户",
        "occurred_on": "2016-12-30",
        "reason": "民情日记",
    }
    assert client.post(path, data=data).status_code == 302
    position = zhucun.store.max_position()
    again = client.post(path, data=data)
    assert again.status_code == 302
    assert zhucun.store.max_position() == position
    assert len(events_named(zhucun, "MemberMonth.DiaryWritten")) == 1
    assert "只记录了一次" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_without_the_csrf_token_nothing_is_written(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    path = f"/teams/{net.team}/record/check-in"
    data = open_form(client, path)
    del data["csrf_token"]
    before = zhucun.store.max_position()
    response = client.post(path, data=data | {"cadre": MEMBER_ID, "reason": "x"})
    assert response.status_code == 400
    assert zhucun.store.max_position() == before


def test_an_empty_diary_is_refused_beside_the_text_in_english(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    client.get("/teams?lang=en")  # remembered in a cookie
    path = f"/teams/{net.team}/record/write-diary"
    before = zhucun.store.max_position()
    response = send(client, path, cadre=MEMBER_ID, text="", occurred_on="2016-12-30")
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "text") == "Diary entry is required"
    assert zhucun.store.max_position() == before


def test_a_day_in_the_future_and_a_missing_reason_are_refused_by_name(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    path = f"/teams/{net.team}/record/write-diary"
    before = zhucun.store.max_position()
    future = send(client, path, cadre=MEMBER_ID, text="x", occurred_on="2017-01-05")
    assert "2017-01-05" in error_beside(future.get_data(as_text=True), "occurred_on")
    no_reason = send(client, path, cadre=MEMBER_ID, text="x", occurred_on="2016-12-30", reason="")
    assert error_beside(no_reason.get_data(as_text=True), "reason") == "事由为必填项"
    assert zhucun.store.max_position() == before


def test_leave_is_asked_by_the_member_and_decided_by_the_tier_role(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "team_member")
    asked = send(
        client,
        f"/teams/{net.team}/record/request-leave",
        cadre=MEMBER_ID,
        first_day="2016-12-20",
        last_day="2016-12-24",
        occurred_on="2016-12-19",
    )
    assert asked.status_code == 302
    leave = str(events_named(zhucun, "LeaveRequest.Requested")[0].originator_id)
    # Five days: the county decides. The township officer is refused beside nothing but the
    # form (the role), and nothing is written.
    officer = login(client.application.test_client(), "township_officer")
    path = f"/teams/{net.team}/record/decide-leave"
    assert leave in officer.get(path).get_data(as_text=True)
    before = zhucun.store.max_position()
    refused = send(officer, path, leave=leave, decision="approve", occurred_on="2016-12-19")
    assert refused.status_code == 422
    assert "county_admin" in re.search(
        r'<p class="error general"[^>]*>([^<]+)', refused.get_data(as_text=True)
    ).group(1)
    assert zhucun.store.max_position() == before
    county = login(client.application.test_client(), "county_admin")
    approved = send(county, path, leave=leave, decision="approve", occurred_on="2016-12-19")
    assert approved.status_code == 302
    page = county.get(f"/teams/{net.team}?month=2016-12").get_data(as_text=True)
    assert 'class="day leave" data-day="2016-12-22"' in page


def test_a_visit_to_a_household_of_the_village(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    login(client, "team_member")
    response = send(
        client,
        f"/teams/{net.team}/record/visit-household",
        cadre=MEMBER_ID,
        household=net.households["A2"],
        note="了解种植意愿",
        occurred_on="2016-12-29",
    )
    assert response.status_code == 302
    assert events_named(zhucun, "MemberMonth.HouseholdVisited")[0].note == "了解种植意愿"


def test_an_inspector_records_an_absence(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    login(client, "inspector")
    response = send(
        client,
        f"/teams/{net.team}/record/record-absence",
        cadre=MEMBER_ID,
        note="人不在村",
        occurred_on="2016-12-28",
    )
    assert response.status_code == 302
    assert events_named(zhucun, "MemberMonth.FoundAbsent")[0].actor_role == "inspector"


def test_a_team_member_records_only_for_its_own_team(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    other = second_team(zhucun)
    login(client, "team_member")
    assert client.get(f"/teams/{other}/record/check-in").status_code == 403
    # A cadre of no team of this account, named in the form: refused and nothing recorded.
    before = len(events_named(zhucun, "MemberMonth.CheckedIn"))
    response = send(client, f"/teams/{net.team}/record/check-in", cadre=cid(6))
    assert response.status_code == 403
    assert len(events_named(zhucun, "MemberMonth.CheckedIn")) == before


# -- the network: households, party members, central households, sites --------------------------


def test_register_a_household_and_refuse_a_bad_identity_number_beside_it(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    path = f"/units/{VILLAGE_A}/record/register-household"
    before = zhucun.store.max_position()
    bad = send(client, path, group=GROUP_A1, head_name="孙五", members="3", id_number="123")
    assert bad.status_code == 400
    assert "18" in error_beside(bad.get_data(as_text=True), "id_number")
    assert zhucun.store.max_position() == before
    good = send(
        client,
        path,
        group=GROUP_A1,
        head_name="孙五",
        members="3",
        id_number=id_number(77),
        occurred_on="2016-12-01",
    )
    assert good.status_code == 302
    registered = events_named(zhucun, "Household.Registered")[-1]
    assert registered.head_name == "孙五" and registered.actor_id == "township.officer"


def test_move_a_household_and_link_and_unlink_it(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    login(client, "township_officer")
    household = net.households["A1b"]
    moved = send(
        client, f"/units/{VILLAGE_A}/record/move-household", household=household, group=GROUP_A2
    )
    assert moved.status_code == 302
    central = str(events_named(zhucun, "CentralHousehold.Designated")[0].originator_id)
    link = f"/units/{VILLAGE_A}/record/link-household"
    assert send(client, link, household=household, central_household=central).status_code == 302
    again = send(client, link, household=household, central_household=central)
    assert again.status_code == 422
    assert error_beside(again.get_data(as_text=True), "household")
    assert (
        send(client, f"/units/{VILLAGE_A}/record/unlink-household", household=household).status_code
        == 302
    )


def test_party_member_forms(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    login(client, "county_admin")
    joined = send(
        client,
        f"/units/{VILLAGE_A}/record/party-member-joined",
        name="张三",
        household=net.households["A2"],
    )
    assert joined.status_code == 302
    new = str(events_named(zhucun, "PartyMember.Joined")[-1].originator_id)
    designated = send(
        client, f"/units/{VILLAGE_A}/record/designate-central-household", party_member=new
    )
    assert designated.status_code == 302
    out = send(
        client,
        f"/units/{VILLAGE_A}/record/party-member-transferred-out",
        party_member=PARTY_MEMBER,
        destination="沈阳",
    )
    assert out.status_code == 302
    died = send(client, f"/units/{VILLAGE_A}/record/party-member-died", party_member=new)
    assert died.status_code == 302


def test_open_a_site_assign_someone_and_close_it(zhucun: Zhucun, net: WebNet, client: FlaskClient):
    login(client, "township_officer")
    opened = send(
        client, f"/units/{GROUP_A2}/record/open-site", kind="point", name="甲村二组服务点"
    )
    assert opened.status_code == 302
    wrong = send(client, f"/units/{GROUP_A1}/record/open-site", kind="station")
    assert wrong.status_code == 422
    assert error_beside(wrong.get_data(as_text=True), "kind")
    assigned = send(
        client,
        f"/units/{GROUP_A2}/record/assign-site-responsible",
        party_member=PARTY_MEMBER,
    )
    assert assigned.status_code == 302
    assert send(client, f"/units/{GROUP_A2}/record/close-site").status_code == 302
    assert len(events_named(zhucun, "Site.Closed")) == 1


def test_what_a_form_names_must_lie_in_the_jurisdiction(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    login(client, "township_officer")
    before = len(events_named(zhucun, "Household.Moved"))
    # A household of another county, and a group of another county, named in a village form.
    assert (
        send(
            client,
            f"/units/{VILLAGE_A}/record/move-household",
            household=net.households["A1b"],
            group=OTHER_GROUP,
        ).status_code
        == 403
    )
    assert len(events_named(zhucun, "Household.Moved")) == before
    assert client.get(f"/units/{OTHER_VILLAGE}/record").status_code == 403


def test_the_unit_index_lists_the_forms_of_the_level(net: WebNet, client: FlaskClient):
    login(client, "township_officer")
    village = client.get(f"/units/{VILLAGE_A}/record").get_data(as_text=True)
    assert "register-household" in village and "open-site" in village
    township = client.get(f"/units/{VILLAGE_A[:9]}/record").get_data(as_text=True)
    assert "open-site" in township and "register-household" not in township
    assert client.get(f"/units/{VILLAGE_A[:9]}/record/register-household").status_code == 404


def test_the_leader_is_offered_on_the_check_in_form(net: WebNet, client: FlaskClient):
    html = (
        login(client, "team_member")
        .get(f"/teams/{net.team}/record/check-in")
        .get_data(as_text=True)
    )
    assert cid(LEADER) in html and MEMBER_ID in html


def test_apply_lines_recorded_by_the_web_read_like_the_command_line(
    zhucun: Zhucun, net: WebNet, client: FlaskClient
):
    """The same check-in from the command line is refused as a duplicate: one rule, one place."""
    login(client, "team_member")
    assert send(client, f"/teams/{net.team}/record/check-in", cadre=MEMBER_ID).status_code == 302
    with pytest.raises(Exception, match=r"already_checked_in|已签到"):
        apply(zhucun, cmd("check_in", on="2016-12-31", role="team_member", cadre=MEMBER_ID))
