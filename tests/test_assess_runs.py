"""An assessment run freezes what it saw: per team and member each input's figure, the score,
the grade and the criticisms, as known at the log position of the run, recorded with the
rule version and a digest; published once; listed, shown, traced to its events. Each refusal
on both engines, writing nothing."""

from __future__ import annotations

import json
from datetime import date
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from app.bootstrap import BatchRefused
from app.cli.main import cli
from domain.assessments.canonical import digest
from domain.assessments.errors import (
    AssessmentRulesNotFoundError,
    InputNotInRunError,
    InvalidAssessmentPeriodError,
    NoRulesInForceError,
    PeriodNotEndedError,
    RunAlreadyPublishedError,
    RunNotFoundError,
    TeamNotInRunError,
)
from domain.errors import UnitNotFoundError
from tests.assess_builders import (
    RULES_NAME,
    adopt,
    assessed_team,
    check_ins,
    replayed,
    result_of,
    run,
    team_of,
)
from tests.builders import CITY, COUNTY, VILLAGE_B, apply, cmd, refused
from tests.team_builders import LEADER, MEMBER, cid, team_network, tid


@pytest.fixture
def team(zhucun) -> str:
    return assessed_team(zhucun)


def test_a_run_records_each_figure_score_grade_and_criticism_as_known_at_its_position(zhucun, team):
    head = zhucun.store.max_position()
    done = run(zhucun)
    assert done["position"] == head and done["rules"] == f"{RULES_NAME}@1"
    t = team_of(zhucun, done["run_id"], team)
    assert t["inputs"]["months_regularly_resident"] == {
        "numerator": 8,  # the leader's 7 months and the member's June
        "denominator": 14,
        "value": "57.14",
    }
    assert t["inputs"]["days_checked_in"]["numerator"] == 7 * 25 + 22 + 6 * 12
    assert t["inputs"]["measures_done"] == {"numerator": 0, "denominator": 0, "value": None}
    assert t["points"]["measures_done"] is None  # not applicable: its weight left out
    assert (t["score"], t["grade"], t["grade_zh"]) == ("50.28", "fail", "不合格")
    (criticism,) = t["criticisms"]
    assert criticism["reason"] == "not_regularly_resident"
    assert criticism["members"] == [str(UUID(cid(MEMBER)))]
    leader = next(m for m in t["members"] if m["cadre_id"] == str(UUID(cid(LEADER))))
    assert leader["inputs"]["months_regularly_resident"]["value"] == "100.00"
    assert done["digest"] == digest(result_of(zhucun, done["run_id"]))


def test_the_result_holds_no_float_and_its_digest_is_of_its_canonical_bytes(zhucun, team):
    done = run(zhucun)
    row = zhucun.assessments.show(UUID(done["run_id"]))
    assert row["digest"] == done["digest"] == digest(row["result"])
    assert "." not in json.dumps(row["result"]["teams"][0]["inputs"]["absences_found"]["numerator"])


def test_a_run_for_a_period_not_yet_ended_is_refused_and_writes_nothing(zhucun, team):
    before = zhucun.store.max_position()
    with pytest.raises(PeriodNotEndedError) as info:
        run(zhucun, "2016")  # the clock's today is 2016-12-31, the period's last day
    assert info.value.field == "period" and "2016-12-31" in info.value.en
    with pytest.raises(PeriodNotEndedError):
        run(zhucun, "2016H2", "half_year")
    assert zhucun.store.max_position() == before


@pytest.mark.parametrize(
    ("kind", "period"),
    [("annual", "2014H1"), ("half_year", "2014"), ("half_year", "2014H3"), ("annual", "14")],
)
def test_a_period_that_does_not_suit_the_kind_is_refused(zhucun, team, kind, period):
    before = zhucun.store.max_position()
    with pytest.raises(InvalidAssessmentPeriodError):
        run(zhucun, period, kind)
    assert zhucun.store.max_position() == before


def test_a_period_is_read_in_either_case_and_trimmed(zhucun, team):
    assert run(zhucun, " 2014h2 ", "half_year")["period"] == "2014H2"


def test_without_rules_in_force_a_run_is_refused(zhucun):
    team_network(zhucun)
    before = zhucun.store.max_position()
    with pytest.raises(NoRulesInForceError):
        run(zhucun)
    adopt(zhucun, effective_from="2015-01-01")  # not in force in 2014
    with pytest.raises(NoRulesInForceError):
        run(zhucun)
    assert zhucun.store.max_position() == before + 1


@pytest.mark.parametrize("ref", [f"{RULES_NAME}@2", "other-rules", "other-rules@1"])
def test_rules_not_adopted_are_refused_by_name(zhucun, team, ref):
    before = zhucun.store.max_position()
    with pytest.raises(AssessmentRulesNotFoundError):
        run(zhucun, rules=ref)
    assert zhucun.store.max_position() == before


def test_a_run_for_an_unknown_unit_is_refused(zhucun, team):
    before = zhucun.store.max_position()
    with pytest.raises(UnitNotFoundError):
        run(zhucun, unit="210599")
    assert zhucun.store.max_position() == before


def test_a_run_takes_the_teams_under_the_unit_only(zhucun, team):
    apply(
        zhucun,
        cmd("dispatch_team", on="2014-06-01", unit="CITY-CIVIL", village=VILLAGE_B, id=tid(2)),
    )
    assert {
        t["team_id"] for t in result_of(zhucun, run(zhucun, unit=VILLAGE_B)["run_id"])["teams"]
    } == {str(UUID(tid(2)))}
    assert len(result_of(zhucun, run(zhucun, unit=COUNTY)["run_id"])["teams"]) == 2


def test_publishing_once_is_recorded_and_twice_is_refused(zhucun, team):
    done = run(zhucun)
    apply(
        zhucun, cmd("publish_assessment_run", on="2016-12-30", actor="org.dept", run=done["run_id"])
    )
    (listed,) = zhucun.assessments.runs(COUNTY)
    assert (listed["published"], listed["published_by"], listed["published_on"]) == (
        True,
        "org.dept",
        "2016-12-30",
    )
    e = refused(zhucun, cmd("publish_assessment_run", on="2016-12-31", run=done["run_id"]))
    assert isinstance(e.error, RunAlreadyPublishedError) and "org.dept" in e.error.en


def test_publishing_an_unknown_run_is_refused(zhucun, team):
    e = refused(zhucun, cmd("publish_assessment_run", run=tid(77)))
    assert isinstance(e.error, RunNotFoundError)


def test_the_list_names_each_runs_kind_period_unit_position_rules_and_digest(zhucun, team):
    first, second = run(zhucun, "2014H2", "half_year"), run(zhucun)
    listed = zhucun.assessments.runs()
    assert [
        (r["run_id"], r["kind"], r["period"], r["position"], r["rules"], r["digest"])
        for r in listed
    ] == [
        (
            first["run_id"],
            "half_year",
            "2014H2",
            first["position"],
            f"{RULES_NAME}@1",
            first["digest"],
        ),
        (
            second["run_id"],
            "annual",
            "2014",
            second["position"],
            f"{RULES_NAME}@1",
            second["digest"],
        ),
    ]
    assert zhucun.assessments.runs("210522") == []


def test_explain_lists_the_check_ins_behind_a_month_and_who_recorded_them(zhucun, team):
    done = run(zhucun)
    traced = zhucun.assessments.explain(
        UUID(done["run_id"]), UUID(team), "months_regularly_resident", UUID(cid(MEMBER))
    )
    assert traced["figure"] == {"numerator": 1, "denominator": 7, "value": "14.29"}
    june = next(m for m in traced["months"] if m["month"] == "2014-06")
    assert (june["days_checked_in"], june["days_required"], june["regularly_resident"]) == (
        22,
        20,
        True,
    )
    june_entries = [e for e in traced["entries"] if e["day"].startswith("2014-06")]
    assert len(june_entries) == 22
    assert all(e["name"] == "李队员" and e["recorded_by"] == "li.clerk" for e in june_entries)
    assert all(e["position"] <= done["position"] for e in traced["entries"])


def test_explain_of_an_unknown_team_or_input_is_refused(zhucun, team):
    done = run(zhucun)
    with pytest.raises(TeamNotInRunError):
        zhucun.assessments.explain(UUID(done["run_id"]), UUID(tid(9)), "days_checked_in")
    with pytest.raises(InputNotInRunError):
        zhucun.assessments.explain(UUID(done["run_id"]), UUID(team), "days_in_village")
    with pytest.raises(RunNotFoundError):
        zhucun.assessments.explain(UUID(tid(9)), UUID(team), "days_checked_in")


def test_an_absence_found_caps_the_grade_as_the_rules_say(zhucun, team):
    apply(zhucun, *check_ins(MEMBER, "2014-07-13", 10))  # the member resident from July on
    for month in ("08", "09", "10", "11", "12"):
        apply(zhucun, *check_ins(MEMBER, f"2014-{month}-13", 10))
    clean = team_of(zhucun, run(zhucun)["run_id"], team)
    apply(zhucun, cmd("record_absence", on="2014-11-28", role="inspector", cadre=cid(LEADER)))
    capped = team_of(zhucun, run(zhucun)["run_id"], team)
    assert capped["inputs"]["absences_found"]["numerator"] == 1
    assert clean["criticisms"] == [] and clean["score"] == capped["score"]
    assert capped["capped_by_absences"] is (clean["grade"] == "excellent")
    assert capped["grade"] != "excellent"


def test_the_command_line_runs_lists_shows_and_explains(zhucun, team, db_url, monkeypatch):
    monkeypatch.setenv("ZHUCUN_ACTOR", "org.dept")

    def assess(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", db_url, "assess", *args])

    def run_of(kind: str, period: str, *more: str) -> Result:
        return assess("run", "--kind", kind, "--period", period, "--unit", COUNTY, *more)

    out = run_of("half_year", "2014H2")
    assert out.exit_code == 0, out.output
    done = run_of("annual", "2014", "--json")
    assert done.exit_code == 0, done.output
    run_id = json.loads(done.output)["run_id"]
    listed = assess("list", "--unit", COUNTY, "--json")
    assert [r["period"] for r in json.loads(listed.output)["rows"]] == ["2014H2", "2014"]
    shown = assess("show", run_id)
    assert "不合格 fail" in shown.output and "通报批评" in shown.output
    traced = assess("explain", run_id, "--team", team, "--input", "days_checked_in")
    assert traced.exit_code == 0 and "269 / 280" in traced.output
    published = assess("publish", run_id)
    assert published.exit_code == 0, published.output
    again = assess("publish", run_id)
    assert again.exit_code == 1 and "run_already_published" in again.output
    this_year = str(date.today().year)  # the command line reads the system clock
    late = run_of("annual", this_year)
    assert late.exit_code == 1 and "period_not_ended" in late.output


def test_the_assessments_read_model_rebuilt_from_the_log_equals_the_one_kept_up(zhucun, team):
    apply(
        zhucun,
        cmd("write_diary", on="2014-12-01", role="team_member", cadre=cid(MEMBER), text="入户"),
        cmd(
            "open_unit",
            on="2015-01-01",
            code="210521101",
            name="新镇",
            level="township",
            parent=COUNTY,
        ),
        cmd("move_unit", on="2015-01-01", unit=VILLAGE_B, parent="210521101"),
    )
    done = run(zhucun)
    apply(zhucun, cmd("publish_assessment_run", on="2016-12-30", run=done["run_id"]))
    kept = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == kept
    assert replayed(zhucun, done["run_id"])["reproduced"]


def test_an_account_publishes_only_the_runs_of_units_in_its_reach(zhucun, team):
    from app.commands import parse_command_line
    from app.jurisdiction import Reach
    from domain.account_errors import NotInJurisdictionError, RoleNotAllowedError
    from domain.accounts import Role

    apply(
        zhucun,
        cmd(
            "open_unit", on="2014-01-01", code="210522", name="桓仁县", level="county", parent=CITY
        ),
    )
    done = run(zhucun, unit=COUNTY)
    line = parse_command_line(
        {
            "command": "publish_assessment_run",
            "args": {"run": done["run_id"]},
            "actor": "other.county",
            "role": "county_admin",
            "occurred_on": "2016-12-30",
            "reason": "test",
        }
    )
    before = zhucun.store.max_position()
    for reach, refusal in (
        (Reach(Role.COUNTY_ADMIN, "210522"), NotInJurisdictionError),
        (Reach(Role.TOWNSHIP_OFFICER, "210521100"), RoleNotAllowedError),
    ):
        with pytest.raises(BatchRefused) as info:
            zhucun.execute([line], reach=reach)
        assert isinstance(info.value.error, refusal)
    assert zhucun.store.max_position() == before
    zhucun.execute([line], reach=Reach(Role.COUNTY_ADMIN, COUNTY))
    assert zhucun.assessments.runs()[0]["published"]
