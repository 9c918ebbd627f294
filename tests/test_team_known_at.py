"""Rosters and residency as the system knew them at a moment (``--as-known-at``): what was
recorded later, even dated earlier, is left out; what was believed then and corrected since
is shown as it was believed."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from tests.builders import COUNTY, answer, apply, cmd
from tests.team_builders import CLERK, LEADER, MEMBER, SPARE_LEADER, cid, team_network

DAY = date(2015, 6, 1)


@pytest.fixture
def moments(zhucun, clock) -> dict[str, object]:
    """At T0 the team is recorded (leader and member since 2014-06-01) with some July 2015
    check-ins. A day later (T1), back-dated: the clerk joined on 2015-03-01, the member was
    recalled on 2015-05-31, a new leader took over on 2015-04-01, the member had been
    promoted on 2015-01-01, the term was extended, and more July check-ins."""
    team = team_network(zhucun).team
    apply(
        zhucun,
        *[
            cmd("check_in", on=f"2015-07-{d:02d}", cadre=cid(LEADER), place="村部")
            for d in range(1, 6)
        ],
    )
    t0 = clock.now()
    clock.advance(timedelta(days=1))
    apply(
        zhucun,
        cmd("join_team", on="2015-03-01", team=team, cadre=cid(CLERK)),
        cmd("join_team", on="2015-03-01", team=team, cadre=cid(SPARE_LEADER)),
        cmd("change_team_leader", on="2015-04-01", team=team, cadre=cid(SPARE_LEADER)),
        cmd("change_cadre_rank", on="2015-01-01", cadre=cid(MEMBER), rank="deputy_section"),
        cmd("leave_team", on="2015-05-31", team=team, cadre=cid(MEMBER), how="recalled"),
        cmd("extend_team_term", on="2016-12-01", team=team, until="2018-05-31"),
        *[
            cmd("check_in", on=f"2015-07-{d:02d}", cadre=cid(LEADER), place="村部")
            for d in range(6, 11)
        ],
    )
    return {"team": team, "before": t0 + timedelta(hours=1), "after": clock.now()}


def roster(zhucun, at, day: date = DAY) -> dict:
    (team,) = zhucun.teams(COUNTY, day, at) or []
    return team


def names(team: dict) -> set[str]:
    return {m["name"] for m in team["members"]}


def test_a_back_dated_joining_is_absent_as_known_before_it_was_recorded(zhucun, moments):
    assert "赵科员" not in names(roster(zhucun, moments["before"]))
    assert "赵科员" in names(roster(zhucun, moments["after"]))
    assert "赵科员" in names(roster(zhucun, None))


def test_a_back_dated_leaving_shows_the_member_still_serving_as_known_before(zhucun, moments):
    assert "李队员" in names(roster(zhucun, moments["before"]))
    assert "李队员" not in names(roster(zhucun, moments["after"]))


def test_the_leader_and_ranks_are_those_believed_at_the_moment(zhucun, moments):
    before = roster(zhucun, moments["before"])
    assert before["leader"]["name"] == "张队长"
    member = next(m for m in before["members"] if m["name"] == "李队员")
    assert member["rank"] == "clerk"
    after = roster(zhucun, moments["after"], date(2015, 5, 1))
    assert after["leader"]["name"] == "钱处长"
    member = next(m for m in after["members"] if m["name"] == "李队员")
    assert member["rank"] == "deputy_section"


def test_a_term_extended_later_is_not_known_before(zhucun, moments):
    day = date(2016, 12, 15)
    before = roster(zhucun, moments["before"], day)
    assert before["term_end"] == "2017-05-31"
    assert "term_extended" not in {f["code"] for f in before["flags"]}
    after = roster(zhucun, moments["after"], day)
    assert after["term_end"] == "2018-05-31"
    assert "term_extended" in {f["code"] for f in after["flags"]}


def test_nothing_is_known_before_anything_was_recorded(zhucun, moments):
    assert zhucun.teams(COUNTY, DAY, moments["before"] - timedelta(days=2)) == []


def test_residency_as_known_at_counts_only_the_days_recorded_by_then(zhucun, moments):
    team = UUID(moments["team"])

    def leader(at):
        (report,) = zhucun.residency("2015-07", team=team, as_known_at=at) or []
        return {m["name"]: m for m in report["members"]}

    assert leader(moments["before"])["张队长"]["days_checked_in"] == 5
    assert "李队员" in leader(moments["before"])
    assert leader(moments["after"])["张队长"]["days_checked_in"] == 10
    assert "李队员" not in leader(None)


def test_a_rebuild_keeps_what_was_known_when(zhucun, moments):
    checksum = zhucun.projections.checksum()
    before = zhucun.teams(COUNTY, DAY, moments["before"])
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == checksum
    assert zhucun.teams(COUNTY, DAY, moments["before"]) == before


def test_the_command_line_takes_as_known_at(zhucun, moments, run):
    at = moments["before"].isoformat()
    r = run("teams", "--unit", COUNTY, "--as-of", DAY.isoformat(), "--as-known-at", at, "--json")
    assert r.exit_code == 0, r.output
    (team,) = answer(r.output)
    assert {m["name"] for m in team["members"]} == {"张队长", "李队员"}
    r = run("teams", "--unit", COUNTY, "--as-of", DAY.isoformat(), "--as-known-at", at)
    assert r.exit_code == 0 and "as known at" in r.output
    r = run("residency", "--team", moments["team"], "--month", "2015-07", "--as-known-at", at)
    assert r.exit_code == 0 and "as known at" in r.output
    r = run("teams", "--unit", COUNTY, "--as-known-at", "yesterday")
    assert r.exit_code == 2
