"""Spot checks: an unannounced visit to a team is one event (day, inspectors, members found
present or absent, findings); each absence it finds lands on the member's month as
``record_absence`` does, and residency and the assessments count it once. They show in a run's
inputs and its trace, and in ``zhucun assess spot-checks``. Each refusal on both engines,
writing nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from app.commands import parse_command_line
from app.jurisdiction import Reach
from domain.account_errors import NotInJurisdictionError, RoleNotAllowedError
from domain.accounts import Role
from domain.assessments.errors import (
    InspectorOfOwnUnitError,
    PresentAndAbsentError,
    SpotCheckWithoutInspectorsError,
    SpotCheckWithoutMembersError,
)
from domain.errors import (
    AlreadyFoundAbsentError,
    DatedAfterTermError,
    DatedBeforeDispatchError,
    FutureDateError,
    NotTeamMemberError,
    WrongRoleError,
)
from tests.assess_builders import assessed_team, run, team_of
from tests.builders import COUNTY, answer, apply, cmd, refused
from tests.team_builders import CLERK, LEADER, MEMBER, NON_PARTY, cid, tid

INSPECTOR, SECOND_INSPECTOR = 6, 7  # cadres of COUNTY-AGRI, not the team's unit (CITY-AGRI)
CHECK = "00000000-0000-0000-0009-000000000001"


def spot_check(on: str = "2014-09-17", **changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "team": tid(1),
        "inspectors": [cid(INSPECTOR), cid(SECOND_INSPECTOR)],
        "present": [cid(LEADER)],
        "absent": [cid(MEMBER)],
        "findings": "队员李队员不在村，未请假",
        "id": CHECK,
        **changes,
    }
    return cmd("record_spot_check", on=on, actor="du.cha", role="inspector", **args)


@pytest.fixture
def team(zhucun) -> str:
    return assessed_team(zhucun)


def test_a_spot_check_is_one_event_and_its_absence_lands_on_the_member_s_month(zhucun, team):
    before = zhucun.store.max_position()
    done = apply(zhucun, spot_check())
    assert done.results[0]["spot_check"] == CHECK and done.results[0]["absent"] == 1
    kinds = [
        type(x.event).__qualname__ for x in zhucun.store.read_log(before, 10)
    ]  # the visit, and the absence on the member's month
    assert kinds == ["SpotCheck.Recorded", "MemberMonth.FoundAbsent"]
    (report,) = zhucun.residency("2014-09", team=UUID(team)) or []
    member = next(m for m in report["members"] if m["name"] == "李队员")
    assert member["absences_found"] == 1 and report["absences_found"] == 1


def test_the_run_counts_the_absence_once_and_the_trace_names_the_spot_check(zhucun, team):
    apply(zhucun, spot_check())
    done = run(zhucun)
    t = team_of(zhucun, done["run_id"], team)
    assert t["inputs"]["absences_found"]["numerator"] == 1
    assert t["capped_by_absences"] is False or t["grade"] != "excellent"
    traced = zhucun.assessments.explain(UUID(done["run_id"]), UUID(team), "absences_found")
    (entry,) = traced["entries"]
    assert entry["day"] == "2014-09-17" and entry["cadre_id"] == str(UUID(cid(MEMBER)))
    assert entry["spot_check_id"] == CHECK and entry["recorded_by"] == "du.cha"


def test_the_command_line_trace_names_the_spot_check(zhucun, team, db_url):
    apply(zhucun, spot_check())
    done = run(zhucun)
    args = ["assess", "explain", done["run_id"], "--team", team, "--input", "absences_found"]
    out = CliRunner().invoke(cli, ["--db", db_url, *args])
    assert out.exit_code == 0, out.output
    assert f"2014-09-17 李队员 on spot check {CHECK} (recorded by du.cha)" in out.output


def test_an_absence_already_recorded_that_day_is_refused_so_none_is_counted_twice(zhucun, team):
    apply(
        zhucun,
        cmd("record_absence", on="2014-09-17", role="inspector", cadre=cid(MEMBER), note="不在村"),
    )
    e = refused(zhucun, spot_check())
    assert isinstance(e.error, AlreadyFoundAbsentError)
    t = team_of(zhucun, run(zhucun)["run_id"], team)
    assert t["inputs"]["absences_found"]["numerator"] == 1


def test_a_spot_check_finding_everyone_present_records_no_absence(zhucun, team):
    before = zhucun.store.max_position()
    apply(zhucun, spot_check(present=[cid(LEADER), cid(MEMBER)], absent=[]))
    assert zhucun.store.max_position() == before + 1
    t = team_of(zhucun, run(zhucun)["run_id"], team)
    assert t["inputs"]["absences_found"]["numerator"] == 0


def test_the_spot_checks_are_listed_by_team_and_by_unit_as_json(zhucun, team, db_url):
    apply(zhucun, spot_check(), spot_check(on="2014-10-09", id=None, absent=[], findings=""))
    rows = zhucun.assessments.spot_checks(team=UUID(team))
    assert [r["day"] for r in rows] == ["2014-09-17", "2014-10-09"]
    first = rows[0]
    assert first["absent"] == [str(UUID(cid(MEMBER)))]
    assert first["present"] == [str(UUID(cid(LEADER)))]
    assert [i["name"] for i in first["inspectors"]] == ["孙科长", "周科员"]
    assert zhucun.assessments.spot_checks(unit=COUNTY) == rows
    assert zhucun.assessments.spot_checks(unit="210522") == []
    out = CliRunner().invoke(
        cli, ["--db", db_url, "assess", "spot-checks", "--team", team, "--json"]
    )
    assert out.exit_code == 0, out.output
    assert answer(out.output)[0]["spot_check_id"] == CHECK
    text = CliRunner().invoke(cli, ["--db", db_url, "assess", "spot-checks", "--unit", COUNTY])
    assert "孙科长, 周科员; present 1, absent 1" in text.output


def test_an_inspector_of_the_team_s_own_dispatching_unit_is_refused(zhucun, team):
    e = refused(zhucun, spot_check(inspectors=[cid(INSPECTOR), cid(NON_PARTY)]))
    assert isinstance(e.error, InspectorOfOwnUnitError)
    assert "王处长" in e.error.zh and "CITY-AGRI" in e.error.en


def test_a_member_not_on_the_team_that_day_is_refused(zhucun, team):
    e = refused(zhucun, spot_check(absent=[cid(CLERK)]))
    assert isinstance(e.error, NotTeamMemberError) and "赵科员" in e.error.zh
    # on the team before and after, not on the day: the member joins later
    apply(zhucun, cmd("join_team", on="2014-10-01", team=team, cadre=cid(CLERK)))
    e = refused(zhucun, spot_check(absent=[cid(CLERK)]))
    assert isinstance(e.error, NotTeamMemberError)


@pytest.mark.parametrize(
    ("on", "error"),
    [("2014-05-20", DatedBeforeDispatchError), ("2017-06-02", DatedAfterTermError)],
)
def test_a_team_not_serving_that_day_is_refused(zhucun, team, clock, on, error):
    clock.set(datetime(2017, 12, 31, 4, tzinfo=UTC))
    e = refused(zhucun, spot_check(on=on))
    assert isinstance(e.error, error)


def test_a_spot_check_dated_in_the_future_is_refused(zhucun, team):
    e = refused(zhucun, spot_check(on="2017-01-05"))  # the clock's today is 2016-12-31
    assert isinstance(e.error, FutureDateError)


@pytest.mark.parametrize(
    "present",
    [
        [cid(MEMBER)],
        [f" {cid(MEMBER)} "],  # padded
        [cid(MEMBER).upper()],  # other case
    ],
)
def test_a_member_both_present_and_absent_is_refused(zhucun, team, present):
    e = refused(zhucun, spot_check(present=present))
    assert isinstance(e.error, PresentAndAbsentError) and "李队员" in e.error.zh


def test_a_full_width_id_is_refused_as_an_invalid_id(zhucun, team):
    wide = cid(MEMBER).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    e = refused(zhucun, spot_check(absent=[wide]))
    assert e.error.field == "absent"


def test_a_spot_check_without_inspectors_or_without_members_is_refused(zhucun, team):
    e = refused(zhucun, spot_check(inspectors=[]))
    assert isinstance(e.error, SpotCheckWithoutInspectorsError)
    e = refused(zhucun, spot_check(present=[], absent=[]))
    assert isinstance(e.error, SpotCheckWithoutMembersError)


def test_only_an_inspector_records_a_spot_check(zhucun, team):
    line = spot_check()
    line["role"] = "township_officer"
    e = refused(zhucun, line)
    assert isinstance(e.error, WrongRoleError)


def test_an_account_records_a_spot_check_only_as_inspector_within_its_reach(zhucun, team):
    line = parse_command_line(spot_check())
    with pytest.raises(Exception) as info:
        zhucun.execute([line], reach=Reach(Role.INSPECTOR, "210522"))
    assert isinstance(getattr(info.value, "error", None), NotInJurisdictionError)
    with pytest.raises(Exception) as info:
        zhucun.execute([line], reach=Reach(Role.TOWNSHIP_OFFICER, COUNTY))
    assert isinstance(getattr(info.value, "error", None), RoleNotAllowedError)
    zhucun.execute([line], reach=Reach(Role.INSPECTOR, COUNTY))
    assert zhucun.assessments.spot_checks(team=UUID(team))[0]["spot_check_id"] == CHECK
