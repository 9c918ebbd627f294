"""The ledger's commands are all in docs/commands.md, and its examples work in order."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app.commands import COMMANDS
from tests.builders import VILLAGE_A, small_network

DOC = Path(__file__).resolve().parent.parent / "docs" / "commands.md"

SURVEY_COMMANDS = [
    "register_village_form",
    "set_survey_period",
    "record_survey_tables",
    "hold_symposium",
    "hold_interview",
    "collect_opinion",
    "record_survey_problem",
]


def survey_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("The village work ledger: the survey\n")
    rest = text[start:]
    following = re.search(r"\n#{1,3} ", rest)
    return rest[: following.start()] if following else rest


def test_every_survey_command_is_registered_and_documented():
    section = survey_section()
    for name in SURVEY_COMMANDS:
        assert name in COMMANDS
        assert f"#### `{name}` — " in section, name
    assert "### `zhucun ledger --unit CODE" in DOC.read_text(encoding="utf-8")


def test_the_documented_examples_are_accepted_in_order(zhucun):
    small_network(zhucun)
    blocks = re.findall(r"```json\n(.*?)```", survey_section(), flags=re.S)
    lines = [line for block in blocks for line in block.splitlines() if line.strip()]
    used = {json.loads(line)["command"] for line in lines}
    assert used == {*SURVEY_COMMANDS, "classify_village"}
    result = zhucun.apply_text("\n".join(lines))
    assert result.applied == len(lines)
    survey = (zhucun.ledger(VILLAGE_A) or {})["survey"]
    assert (survey["opinions"], survey["problems"], len(survey["class_cites"])) == (2, 2, 2)
