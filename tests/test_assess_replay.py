"""Replaying a run: as known at its position under its rules it gives the byte-identical
result and digest, and the log up to it matches the audit chain; an input event altered
since is caught; --known-now shows each later event that changed a figure, with its
position, actor and reason; --rules shows the what-if under another version."""

from __future__ import annotations

import json
from uuid import UUID

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from domain.assessments.errors import AssessmentRulesNotFoundError, OtherRulesNameError
from tests.assess_builders import RULES_NAME, adopt, assessed_team, replayed, run
from tests.builders import COUNTY, apply, cmd
from tests.team_builders import MEMBER, cid
from tests.test_audit_chain import forge, last_of, row, sql


@pytest.fixture
def team(zhucun) -> str:
    return assessed_team(zhucun)


def test_a_replay_reproduces_the_result_and_digest_and_verifies_the_chain_up_to_the_run(
    zhucun, team
):
    done = run(zhucun)
    apply(zhucun, *[cmd("check_in", on="2014-08-30", role="team_member", cadre=cid(MEMBER))])
    again = replayed(zhucun, done["run_id"])
    assert again["reproduced"] is True and again["first_difference"] is None
    assert again["recomputed_digest"] == again["digest"] == done["digest"]
    assert again["chain"] == {
        "ok": True,
        "verified_to": done["position"],
        "link": again["chain"]["link"],
        "inputs_checked": again["chain"]["inputs_checked"],
        "problem": None,
    }
    assert again["chain"]["link"] == zhucun.assessments.recorded(UUID(done["run_id"])).chain_link
    assert again["chain"]["inputs_checked"] > 0


def test_an_input_event_altered_after_the_run_is_caught_by_the_replay(zhucun, team, db_url):
    done = run(zhucun)
    zhucun.projections.catch_up()
    target = last_of(zhucun, done["position"], b"CheckedIn")
    forge(zhucun, target, b"2014-12", b"2014-11")
    again = replayed(zhucun, done["run_id"])
    assert again["reproduced"] is False
    assert again["chain"]["problem"]["position"] == target
    out = CliRunner().invoke(cli, ["--db", db_url, "assess", "replay", done["run_id"]])
    assert out.exit_code == 1 and "NOT reproduced" in out.output
    assert f"position {target}" in out.output


def test_a_result_altered_in_the_log_is_not_reproduced_and_the_first_difference_is_named(
    zhucun, team
):
    done = run(zhucun)
    position = zhucun.assessments.runs()[0]["recorded_at_position"] + 1  # its team's event
    forge(zhucun, position, b'"score":"50.28"', b'"score":"95.28"')
    again = replayed(zhucun, done["run_id"])
    assert again["reproduced"] is False
    assert again["first_difference"] == {
        "path": "teams[0].score",
        "recorded": "95.28",
        "recomputed": "50.28",
    }


def test_known_now_with_nothing_recorded_since_is_an_empty_diff(zhucun, team):
    done = run(zhucun)
    diff = replayed(zhucun, done["run_id"], known_now=True)["diff"]
    assert diff["teams"] == [] and diff["teams_changed"] == 0


def test_known_now_names_a_back_dated_check_in_with_its_position_actor_and_reason(zhucun, team):
    done = run(zhucun)
    apply(
        zhucun,
        cmd(
            "check_in",
            on="2014-09-20",
            actor="wang.township",
            role="township_officer",
            reason="补登：纸质签到簿",
            cadre=cid(MEMBER),
        ),
    )
    late = zhucun.store.max_position()
    found = replayed(zhucun, done["run_id"], known_now=True)
    assert found["recomputed_at"] == late
    (t,) = found["diff"]["teams"]
    assert t["team_id"] == team
    assert t["inputs"]["days_checked_in"]["recorded"]["numerator"] == 269
    assert t["inputs"]["days_checked_in"]["recomputed"]["numerator"] == 270
    (event,) = t["events"]
    assert (event["position"], event["actor"], event["reason"], event["event"]) == (
        late,
        "wang.township",
        "补登：纸质签到簿",
        "MemberMonth.CheckedIn",
    )
    assert replayed(zhucun, done["run_id"])["reproduced"] is True  # the run itself stands


def test_rules_what_if_shows_the_grades_another_version_gives(zhucun, team, db_url):
    done = run(zhucun)
    lenient = [
        {"grade": "excellent", "zh": "优秀", "at_least": "50"},
        {"grade": "good", "zh": "良好", "at_least": "40"},
        {"grade": "fail", "zh": "不合格", "at_least": "0"},
    ]
    adopt(zhucun, version=2, grades=lenient, absence_caps=[])
    found = replayed(zhucun, done["run_id"], rules="2")
    assert found["recomputed_rules"] == f"{RULES_NAME}@2"
    (t,) = found["diff"]["teams"]
    assert t["grade"] == ["fail", "excellent"] and t["score"] == ["50.28", "50.28"]
    assert "events" not in t
    out = CliRunner().invoke(
        cli, ["--db", db_url, "assess", "replay", done["run_id"], "--rules", f"{RULES_NAME}@2"]
    )
    assert out.exit_code == 0 and "grade fail → excellent" in out.output
    with pytest.raises(OtherRulesNameError):
        replayed(zhucun, done["run_id"], rules="other@2")
    with pytest.raises(AssessmentRulesNotFoundError):
        replayed(zhucun, done["run_id"], rules="7")


def test_the_command_line_says_reproduced_and_answers_json(zhucun, team, db_url):
    done = run(zhucun)
    out = CliRunner().invoke(cli, ["--db", db_url, "assess", "replay", done["run_id"]])
    assert out.exit_code == 0 and out.output.startswith("reproduced ✓")
    js = CliRunner().invoke(
        cli, ["--db", db_url, "assess", "replay", done["run_id"], "--known-now", "--json"]
    )
    assert js.exit_code == 0 and json.loads(js.output)["diff"]["teams_changed"] == 0
    both = CliRunner().invoke(
        cli, ["--db", db_url, "assess", "replay", done["run_id"], "--known-now", "--rules", "1"]
    )
    assert both.exit_code == 2
    assert UUID(done["run_id"])
    assert zhucun.assessments.runs(COUNTY)[0]["run_id"] == done["run_id"]


def test_a_chain_built_again_over_an_altered_log_is_caught_by_the_runs_own_link(zhucun, team):
    done = run(zhucun)
    target = next(
        p for p in range(done["position"], 0, -1) if b"DiaryWritten" in row(zhucun, p)[2].encode()
    )
    state = bytes(row(zhucun, target)[3])
    forged = state.replace("走访记录".encode(), "走访记彔".encode(), 1)
    assert forged != state
    sql(zhucun, "UPDATE {t} SET state = :s WHERE {pos} = :p", s=forged, p=target)
    zhucun.projections.rebuild()  # the read models and the chain now agree with the altered log
    again = replayed(zhucun, done["run_id"])
    assert again["first_difference"] is None  # a diary's text is no figure of the run
    assert again["reproduced"] is False and again["chain"]["ok"] is False
