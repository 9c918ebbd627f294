"""The work-team commands are all in docs/commands.md, and its examples work in order."""

from __future__ import annotations

import json
import re

from tests.builders import small_network
from tests.commands_doc import assert_documented, doc_part

TEAM_COMMANDS = [
    "register_dispatching_unit",
    "classify_village",
    "register_cadre",
    "change_cadre_rank",
    "cadre_joined_party",
    "cadre_left_party",
    "set_cadre_flags",
    "dispatch_team",
    "join_team",
    "change_team_leader",
    "leave_team",
    "extend_team_term",
    "end_team_term",
    "check_in",
    "request_leave",
    "approve_leave",
    "reject_leave",
    "record_absence",
    "write_diary",
    "visit_household",
]


def work_teams_section() -> str:
    return doc_part("Work teams\n")


def test_every_work_team_command_is_registered_and_documented():
    assert_documented(work_teams_section(), TEAM_COMMANDS)


def test_the_documented_examples_are_accepted_in_order(zhucun):
    small_network(zhucun)
    section = work_teams_section()
    blocks = re.findall(r"```json\n(.*?)```", section, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines() if line.strip()]
    used = {json.loads(line)["command"] for line in lines}
    assert used == set(TEAM_COMMANDS)
    result = zhucun.apply_text("\n".join(lines))
    assert result.applied == len(lines)
