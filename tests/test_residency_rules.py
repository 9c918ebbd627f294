"""Living in the village: check-ins, leave, spot checks, diaries and household visits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from app.network import Network
from app.store.uow import UnitOfWork
from app.teams import Teams
from domain.base import Meta
from domain.residency import member_month_id
from domain.rules import RuleSet
from tests.builders import apply, cmd
from tests.team_builders import (
    CLERK,
    LEADER,
    MEMBER,
    TeamNet,
    cid,
    events_of,
    leave,
    lid,
    refused,
    team_network,
    tid,
    visit,
)

TOWNSHIP_OFFICER = {"actor": "liu.town", "role": "township_officer"}
COUNTY_ADMIN = {"actor": "wang.county", "role": "county_admin"}
CITY_ADMIN = {"actor": "chen.city", "role": "city_admin"}
INSPECTOR = {"actor": "he.inspect", "role": "inspector"}


def decided_leave(
    z, first: str, last: str, decision: str = "approve_leave", by: dict = TOWNSHIP_OFFICER
) -> TeamNet:
    """The team network, and the member's leave 1 from ``first`` to ``last`` decided on
    2014-07-02."""
    net = team_network(z)
    apply(z, leave(1, first, last), cmd(decision, on="2014-07-02", leave=lid(1), **by))
    return net


def month_events(zhucun, cadre: int, month: str) -> list[str]:
    stream = member_month_id(UUID(cid(cadre)), month)
    return [r["event"] for r in zhucun.history_of_id(stream)]


# -- check-in ---------------------------------------------------------------------------------


def test_a_member_checks_in_once_a_day(zhucun):
    team_network(zhucun)
    line = cmd("check_in", on="2014-06-02", cadre=cid(MEMBER), place="村部", lat=41.28, lon=124.12)
    r = apply(zhucun, line)
    assert r.results[0]["team"] == tid(1)
    r = refused(zhucun, cmd("check_in", on="2014-06-02", cadre=cid(MEMBER)))
    assert (r.error.code, r.error.field) == ("already_checked_in", "occurred_on")
    checked = zhucun.history_of_id(member_month_id(UUID(cid(MEMBER)), "2014-06"))[-1]
    assert checked["details"] == {"team_id": tid(1), "place": "村部", "lat": 41.28, "lon": 124.12}


def test_only_a_serving_member_of_a_team_checks_in(zhucun):
    team_network(zhucun)
    r = refused(zhucun, cmd("check_in", on="2014-06-02", cadre=cid(CLERK)))
    assert (r.error.code, r.error.field) == ("not_team_member", "cadre")
    r = refused(zhucun, cmd("check_in", on="2014-05-31", cadre=cid(MEMBER)))
    assert r.error.code == "not_team_member"
    apply(
        zhucun, cmd("leave_team", on="2014-09-01", team=tid(1), cadre=cid(MEMBER), how="recalled")
    )
    apply(zhucun, cmd("check_in", on="2014-09-01", cadre=cid(MEMBER)))  # the last day counts
    r = refused(zhucun, cmd("check_in", on="2014-09-02", cadre=cid(MEMBER)))
    assert r.error.code == "not_team_member"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"lat": 41.2}, "lon"),
        ({"lon": 124.1}, "lat"),
        ({"lat": 91, "lon": 1}, "lat"),
        ({"lat": 1, "lon": 181}, "lon"),
        ({"lat": "41", "lon": 124.1}, "lat"),
    ],
)
def test_a_check_in_position_is_lat_and_lon_together_and_in_range(zhucun, args, field):
    team_network(zhucun)
    r = refused(zhucun, cmd("check_in", on="2014-06-02", cadre=cid(MEMBER), **args))
    assert (r.error.code, r.error.field) == ("invalid_input", field)


def test_check_ins_are_kept_per_member_and_month_so_none_grows_without_bound(zhucun):
    team_network(zhucun)
    start = date(2014, 6, 2)
    days = [start + timedelta(days=i) for i in range(61)]
    apply(zhucun, *[cmd("check_in", on=d.isoformat(), cadre=cid(MEMBER)) for d in days])
    june, july = month_events(zhucun, MEMBER, "2014-06"), month_events(zhucun, MEMBER, "2014-07")
    assert june == ["MemberMonth.Started"] + ["MemberMonth.CheckedIn"] * 29
    assert july == ["MemberMonth.Started"] + ["MemberMonth.CheckedIn"] * 31
    assert len(month_events(zhucun, MEMBER, "2014-08")) == 1 + 1  # 1 August
    # the team and the cadre are untouched by check-ins
    assert len(events_of(zhucun, tid(1))) == 3
    assert len(events_of(zhucun, cid(MEMBER))) == 2


# -- leave ------------------------------------------------------------------------------------


def test_the_length_of_leave_decides_who_approves_it(zhucun):
    team_network(zhucun)
    r = apply(zhucun, leave(1, "2014-07-10", "2014-07-12"), leave(2, "2014-07-20", "2014-07-23"))
    assert [x["tier"] for x in r.results] == ["township", "county"]
    r = refused(zhucun, cmd("approve_leave", on="2014-07-02", leave=lid(1), **COUNTY_ADMIN))
    assert (r.error.code, r.error.field) == ("wrong_role", "role")
    r = refused(zhucun, cmd("approve_leave", on="2014-07-02", leave=lid(2), **TOWNSHIP_OFFICER))
    assert r.error.code == "wrong_role"
    r = refused(zhucun, cmd("reject_leave", on="2014-07-02", leave=lid(2), role="operator"))
    assert r.error.code == "wrong_role"
    apply(
        zhucun,
        cmd("approve_leave", on="2014-07-02", leave=lid(1), **TOWNSHIP_OFFICER),
        cmd("approve_leave", on="2014-07-02", leave=lid(2), **COUNTY_ADMIN),
    )


def test_the_city_may_approve_any_leave(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        leave(1, "2014-07-10", "2014-07-11"),
        leave(2, "2014-07-20", "2014-07-30"),
        cmd("approve_leave", on="2014-07-02", leave=lid(1), **CITY_ADMIN),
        cmd("reject_leave", on="2014-07-02", leave=lid(2), **CITY_ADMIN),
    )


def test_the_township_threshold_is_a_rule(zhucun):
    team_network(zhucun)
    uow = UnitOfWork(zhucun.store)
    teams = Teams(uow, Network(uow, lambda code: []), RuleSet("short", township_leave_max_days=1))
    on = Meta("x", "operator", date(2014, 7, 1), "test", datetime.now(UTC))
    out = teams.request_leave(UUID(cid(MEMBER)), date(2014, 7, 10), date(2014, 7, 11), on)
    assert out["tier"] == "county"


def test_a_leave_is_decided_once(zhucun):
    decided_leave(zhucun, "2014-07-10", "2014-07-12", "reject_leave")
    for name in ("approve_leave", "reject_leave"):
        r = refused(zhucun, cmd(name, on="2014-07-03", leave=lid(1), **TOWNSHIP_OFFICER))
        assert (r.error.code, r.error.field) == ("leave_already_decided", "leave")
    # A rejected leave does not keep the member from checking in.
    apply(zhucun, cmd("check_in", on="2014-07-10", cadre=cid(MEMBER)))


def test_a_leave_ends_on_or_after_its_first_day_and_is_asked_by_a_member(zhucun):
    team_network(zhucun)
    r = refused(zhucun, leave(1, "2014-07-12", "2014-07-10"))
    assert (r.error.code, r.error.field) == ("invalid_leave_dates", "last_day")
    r = refused(zhucun, leave(1, "2014-07-10", "2014-07-11", who=CLERK))
    assert r.error.code == "not_team_member"
    r = refused(zhucun, cmd("approve_leave", leave=lid(9), **TOWNSHIP_OFFICER))
    assert r.error.code == "leave_request_not_found"


def test_no_check_in_on_a_day_of_approved_leave_even_in_the_next_month(zhucun):
    decided_leave(zhucun, "2014-07-30", "2014-08-02", by=COUNTY_ADMIN)
    for day in ("2014-07-31", "2014-08-02"):
        r = refused(zhucun, cmd("check_in", on=day, cadre=cid(MEMBER)))
        assert (r.error.code, r.error.field) == ("on_approved_leave", "occurred_on")
    apply(zhucun, cmd("check_in", on="2014-08-03", cadre=cid(MEMBER)))
    assert month_events(zhucun, MEMBER, "2014-07")[-1] == "MemberMonth.LeaveGranted"
    assert month_events(zhucun, MEMBER, "2014-08")[1] == "MemberMonth.LeaveGranted"


def test_a_leave_cannot_be_approved_over_a_check_in_or_another_leave(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        cmd("check_in", on="2014-07-11", cadre=cid(MEMBER)),
        leave(1, "2014-07-10", "2014-07-12", on="2014-07-09"),
        leave(2, "2014-07-20", "2014-07-21", on="2014-07-09"),
        leave(3, "2014-07-21", "2014-07-22", on="2014-07-09"),
        cmd("approve_leave", on="2014-07-09", leave=lid(2), **TOWNSHIP_OFFICER),
    )
    for n in (1, 3):
        r = refused(zhucun, cmd("approve_leave", on="2014-07-13", leave=lid(n), **TOWNSHIP_OFFICER))
        assert (r.error.code, r.error.field) == ("leave_conflict", "leave")


# -- spot checks, diaries, visits -------------------------------------------------------------


def test_only_an_inspector_finds_a_member_absent_and_once_a_day(zhucun):
    team_network(zhucun)
    r = refused(zhucun, cmd("record_absence", on="2014-07-15", cadre=cid(MEMBER)))
    assert (r.error.code, r.error.field) == ("wrong_role", "role")
    line = cmd("record_absence", on="2014-07-15", cadre=cid(MEMBER), note="抽查不在村", **INSPECTOR)
    apply(zhucun, line)
    r = refused(zhucun, line)
    assert r.error.code == "already_found_absent"
    r = refused(zhucun, cmd("record_absence", on="2014-07-15", cadre=cid(CLERK), **INSPECTOR))
    assert r.error.code == "not_team_member"


def test_a_member_on_approved_leave_is_not_absent(zhucun):
    decided_leave(zhucun, "2014-07-10", "2014-07-12")
    r = refused(zhucun, cmd("record_absence", on="2014-07-11", cadre=cid(MEMBER), **INSPECTOR))
    assert r.error.code == "on_approved_leave"


def test_a_diary_entry_has_text(zhucun):
    team_network(zhucun)
    r = refused(zhucun, cmd("write_diary", on="2014-06-03", cadre=cid(LEADER), text="  "))
    assert (r.error.code, r.error.field) == ("invalid_input", "text")
    apply(zhucun, cmd("write_diary", on="2014-06-03", cadre=cid(LEADER), text="召开村民代表会"))
    assert month_events(zhucun, LEADER, "2014-06")[-1] == "MemberMonth.DiaryWritten"


def test_a_visit_is_to_a_household_of_the_teams_village(zhucun):
    net = team_network(zhucun)
    r = refused(zhucun, visit(net.households["B1"], "2014-06-03", LEADER))
    assert (r.error.code, r.error.field) == ("household_not_in_team_village", "household")
    apply(zhucun, visit(net.households["A2"], "2014-06-03", LEADER, note="了解养殖意愿"))
    visited = zhucun.history_of_id(member_month_id(UUID(cid(LEADER)), "2014-06"))[-1]
    assert visited["details"]["household_id"] == net.households["A2"]
    apply(
        zhucun,
        cmd("household_left", on="2014-07-01", household=net.households["A2"], how="moved_out"),
    )
    r = refused(zhucun, visit(net.households["A2"], "2014-07-02", LEADER))
    assert r.error.code == "household_ended"


def test_no_visits_on_a_day_of_approved_leave(zhucun):
    net = decided_leave(zhucun, "2014-07-10", "2014-07-10")
    r = refused(zhucun, visit(net.households["A1"], "2014-07-10"))
    assert r.error.code == "on_approved_leave"


def test_team_events_leave_the_network_and_coverage_read_models_as_they_were(zhucun):
    net = team_network(zhucun)
    from tests.builders import VILLAGE_A

    summary, coverage = zhucun.summary(VILLAGE_A), zhucun.coverage(VILLAGE_A)
    apply(
        zhucun,
        cmd("check_in", on="2014-06-02", cadre=cid(MEMBER)),
        visit(net.households["A1"], "2014-06-02"),
        cmd("write_diary", on="2014-06-02", cadre=cid(MEMBER), text="入户"),
        leave(1, "2014-07-10", "2014-07-10"),
        cmd("approve_leave", on="2014-07-02", leave=lid(1), **TOWNSHIP_OFFICER),
    )
    assert zhucun.summary(VILLAGE_A) == summary
    assert zhucun.coverage(VILLAGE_A) == coverage
    zhucun.projections.rebuild()
    assert zhucun.summary(VILLAGE_A) == summary
