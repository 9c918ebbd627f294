"""The assessments' commands and `zhucun assess` are all in docs/commands.md, and the
examples of 4.13 are accepted after those of 4.5 and make a run that replays."""

from __future__ import annotations

import json
import re
from uuid import UUID

from app.cli.assess import assess
from tests.assess_builders import replayed, run, team_of
from tests.builders import apply, cmd, small_network
from tests.commands_doc import DOC, assert_documented
from tests.test_ledger_commands_doc import examples
from tests.test_teams_commands_doc import work_teams_section

COMMANDS_4_11 = [
    "adopt_assessment_rules",
    "submit_written_report",
    "record_evaluation",
    "publish_assessment_run",
    "record_spot_check",
    "decide_assessment_proposal",
]


def section(start: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    rest = text[text.index(start) :]
    following = re.search(r"\n#{1,3} \d", rest[1:])
    return rest[: following.start() + 1] if following else rest


def test_every_assessment_command_and_subcommand_is_documented():
    assert_documented(section("### 4.13 考核"), COMMANDS_4_11)
    cli_section = section("## 8. 考核")
    for name in assess.commands:
        assert (
            f"`zhucun assess {name} " in cli_section or f"`zhucun assess {name}`" in cli_section
        ), name


def test_the_documented_examples_are_accepted_after_the_teams_and_make_a_run_that_replays(
    zhucun,
):
    small_network(zhucun)
    teams, mine = examples(work_teams_section()), examples(section("### 4.13 考核"))
    # the spot check's inspector is registered first; a decision needs a run's id
    assert {json.loads(line)["command"] for line in mine} == set(COMMANDS_4_11) - {
        "publish_assessment_run",
        "decide_assessment_proposal",
    } | {"register_dispatching_unit", "register_cadre"}
    result = zhucun.apply_text("\n".join(teams + mine))
    assert result.applied == len(teams) + len(mine)
    team = json.loads(mine[1])["args"]["team"]
    done = run(zhucun)
    t = team_of(zhucun, done["run_id"], team)
    assert t["inputs"]["satisfaction"] == {"numerator": 38, "denominator": 40, "value": "95.00"}
    apply(zhucun, cmd("publish_assessment_run", on="2016-12-30", run=done["run_id"]))
    assert replayed(zhucun, done["run_id"])["reproduced"]
    absence = zhucun.assessments.explain(UUID(done["run_id"]), UUID(team), "absences_found")
    assert [e["spot_check_id"] for e in absence["entries"]] == [
        "00000000-0000-0000-0009-000000000001"
    ]
    later = run(zhucun, "2015")  # the check-in of 4.5 is of 2015-04-08
    traced = zhucun.assessments.explain(UUID(later["run_id"]), UUID(team), "days_checked_in")
    assert [(e["day"], e["recorded_by"]) for e in traced["entries"]] == [("2015-04-08", "li.ming")]
    assert traced["figure"]["numerator"] == 1
