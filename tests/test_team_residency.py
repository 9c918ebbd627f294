"""The residency month report: days checked in, on leave, unaccounted for, absences found,
and the members below the rule set's threshold of days in the village."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from tests.builders import CITY, COUNTY, VILLAGE_A, answer, apply, cmd
from tests.team_builders import CLERK, LEADER, MEMBER, cid, leave, lid, second_team, team_network


def days(first: str, n: int) -> list[str]:
    start = date.fromisoformat(first)
    return [(start + timedelta(days=i)).isoformat() for i in range(n)]


def check_ins(cadre: int, first: str, n: int) -> list[dict[str, Any]]:
    return [cmd("check_in", on=d, cadre=cid(cadre), place="村部") for d in days(first, n)]


@pytest.fixture
def july(zhucun) -> str:
    return record_july(zhucun)


def record_july(zhucun) -> str:
    """July 2014: the leader checks in 20 days; the member 10 days, 3 days of approved leave
    and one absence found; a clerk joins on the 16th and checks in 11 days."""
    team = team_network(zhucun).team
    apply(
        zhucun,
        *check_ins(LEADER, "2014-07-01", 20),
        *check_ins(MEMBER, "2014-07-01", 10),
        leave(1, "2014-07-11", "2014-07-13", on="2014-07-09"),
        cmd("approve_leave", on="2014-07-10", leave=lid(1)),
        cmd("record_absence", on="2014-07-20", cadre=cid(MEMBER), note="不在村", role="inspector"),
        cmd("join_team", on="2014-07-16", team=team, cadre=cid(CLERK)),
        *check_ins(CLERK, "2014-07-16", 11),
    )
    return team


def by_name(report: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    assert report is not None and len(report) == 1
    return {m["name"]: m for m in report[0]["members"]}


def test_a_member_with_enough_days_in_the_village_is_resident(zhucun, july):
    leader = by_name(zhucun.residency("2014-07", team=UUID(july)))["张队长"]
    assert leader["days_served"] == 31 and leader["days_checked_in"] == 20
    assert leader["days_unaccounted"] == 11 and leader["days_on_leave"] == 0
    assert leader["not_regularly_resident"] is False


def test_leave_and_absences_are_counted_and_a_short_month_is_flagged(zhucun, july):
    member = by_name(zhucun.residency("2014-07", team=UUID(july)))["李队员"]
    assert (member["days_checked_in"], member["days_on_leave"]) == (10, 3)
    assert member["days_unaccounted"] == 31 - 10 - 3
    assert member["absences_found"] == 1
    assert member["not_regularly_resident"] is True


def test_a_member_who_joined_during_the_month_owes_a_share_of_the_threshold(zhucun, july):
    clerk = by_name(zhucun.residency("2014-07", team=UUID(july)))["赵科员"]
    assert clerk["days_served"] == 16 and clerk["days_required"] == 11
    assert clerk["not_regularly_resident"] is False


def test_the_team_totals_and_the_threshold_come_with_the_report(zhucun, july):
    (team,) = zhucun.residency("2014-07", team=UUID(july)) or []
    assert team["min_days_in_village"] == zhucun.rules.min_days_in_village_per_month == 20
    assert team["days_checked_in"] == 20 + 10 + 11
    assert team["absences_found"] == 1 and team["members_not_regularly_resident"] == 1


def test_a_month_without_check_ins_leaves_every_day_unaccounted(zhucun, july):
    members = by_name(zhucun.residency("2014-08", team=UUID(july)))
    assert {m["days_unaccounted"] for m in members.values()} == {31}
    assert all(m["not_regularly_resident"] for m in members.values())


def test_the_unit_report_lists_the_teams_serving_under_it(zhucun, july):
    second = second_team(zhucun)
    report = zhucun.residency("2014-07", code=COUNTY) or []
    assert [t["team_id"] for t in report] == [july, second]
    assert report[1]["members"] == []
    assert [t["village"] for t in zhucun.residency("2014-07", code=VILLAGE_A) or []] == [VILLAGE_A]
    assert zhucun.residency("2014-05", code=CITY) == []
    assert zhucun.residency("2014-07", code="999999") is None


def test_a_rebuild_gives_the_same_month_report(zhucun, july):
    before = zhucun.residency("2014-07", code=CITY)
    zhucun.projections.rebuild()
    assert zhucun.residency("2014-07", code=CITY) == before


def test_days_taken_in_one_event_at_a_time_equal_them_taken_in_one_page(zhucun):
    """The model writes a page's days at its end, after the team changes among them (the
    clerk joins between check-ins): the same rows as one event per page."""
    zhucun.projections.batch_size = 1
    july = record_july(zhucun)
    zhucun.projections.catch_up()
    one_by_one = zhucun.projections.checksum()
    report = zhucun.residency("2014-07", team=UUID(july))
    zhucun.projections.rebuild()  # every event in one page
    assert zhucun.projections.checksum() == one_by_one
    assert zhucun.residency("2014-07", team=UUID(july)) == report
    assert by_name(report)["赵科员"]["days_checked_in"] == 11


def test_the_residency_command_prints_json_and_text(zhucun, july):
    def run(*args: str):
        return CliRunner().invoke(cli, ["--db", zhucun.config.url, "residency", *args])

    r = run("--team", july, "--month", "2014-07", "--json")
    assert r.exit_code == 0, r.output
    (team,) = answer(r.output)
    assert {m["name"] for m in team["members"] if m["not_regularly_resident"]} == {"李队员"}
    r = run("--unit", COUNTY, "--month", "2014-07")
    assert r.exit_code == 0, r.output
    assert "李队员" in r.output and "not regularly resident" in r.output
    assert run("--unit", COUNTY, "--month", "2014-13").exit_code == 1
    assert run("--team", july, "--unit", COUNTY, "--month", "2014-07").exit_code == 2
    assert run("--team", lid(9), "--month", "2014-07").exit_code == 1
