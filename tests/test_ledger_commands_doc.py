"""The ledger's commands are all in docs/commands.md, and its examples work in order."""

from __future__ import annotations

import json
import re
from datetime import date

from tests.builders import VILLAGE_A, small_network
from tests.commands_doc import DOC, assert_documented, doc_part
from tests.test_teams_commands_doc import work_teams_section

SURVEY_COMMANDS = [
    "register_village_form",
    "set_survey_period",
    "record_survey_tables",
    "hold_symposium",
    "hold_interview",
    "collect_opinion",
    "record_survey_problem",
    "withdraw_survey_activity",
]


PLAN_COMMANDS = ["draft_plan", "revise_plan", "approve_plan"]
MEASURE_COMMANDS = ["plan_measure", "set_measure_status", "note_measure_progress"]
LETTER_COMMANDS = ["sign_responsibility_letter"]


def section(title: str) -> str:
    return doc_part(f"The village work ledger: {title}\n")


def survey_section() -> str:
    return section("the survey")


def examples(text: str, corrections: bool = False) -> list[str]:
    """The example lines of a section, in order; without the corrections (4.6) unless asked:
    a correction names a log position, which the sections applied before this one move."""
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines() if line.strip()]
    if corrections:
        return lines
    return [line for line in lines if json.loads(line)["command"] != "record_correction"]


def test_every_survey_command_is_registered_and_documented():
    assert_documented(survey_section(), SURVEY_COMMANDS)
    assert "### `zhucun ledger --unit CODE" in DOC.read_text(encoding="utf-8")


def test_the_documented_examples_are_accepted_in_order(zhucun):
    """On the network of 4.1–4.2, the lines up to the correction as one batch, the correction
    and the withdrawal as another: the correction names the entry of the symposium entered
    twice, and the withdrawal that symposium's number."""
    small_network(zhucun)
    lines = examples(survey_section(), corrections=True)
    used = {json.loads(line)["command"] for line in lines}
    assert used == {*SURVEY_COMMANDS, "classify_village", "record_correction"}
    split = next(n for n, line in enumerate(lines) if "record_correction" in line)
    result = zhucun.apply_text("\n".join(lines[:split]))
    assert result.applied == split
    twice = result.results[-1]
    assert "activity" in twice and twice["participants"] == 39
    result = zhucun.apply_text("\n".join(lines[split:]))
    assert result.applied == len(lines) - split
    correction, withdrawal = result.results
    assert correction["event"] == "VillageSurvey.SymposiumHeld"
    assert withdrawal["activity"] == twice["activity"]
    survey = (zhucun.ledger(VILLAGE_A) or {})["survey"]
    assert (survey["opinions"], survey["problems"], len(survey["class_cites"])) == (2, 2, 2)
    assert survey["symposiums"] == 1 and len(survey["withdrawn_list"]) == 1


def test_every_plan_command_is_registered_and_documented():
    assert_documented(section("plans"), PLAN_COMMANDS)


def test_the_documented_plan_examples_are_accepted_after_the_surveys(zhucun):
    small_network(zhucun)
    survey, plans = examples(survey_section()), examples(section("plans"))
    assert {json.loads(line)["command"] for line in plans} == set(PLAN_COMMANDS)
    result = zhucun.apply_text("\n".join(survey + plans))
    assert result.applied == len(survey) + len(plans)
    found = (zhucun.ledger(VILLAGE_A) or {})["plans"]
    assert [(p["kind"], p["revision"], p["approved"]) for p in found] == [
        ("three_year", 1, True),
        ("annual", 2, True),
    ]


def test_every_measure_command_is_registered_and_documented():
    assert_documented(section("measures"), MEASURE_COMMANDS)


def test_the_documented_measure_examples_are_accepted_after_the_plans(zhucun):
    small_network(zhucun)
    before = examples(survey_section()) + examples(section("plans"))
    measures = examples(section("measures"))
    assert {json.loads(line)["command"] for line in measures} == set(MEASURE_COMMANDS)
    result = zhucun.apply_text("\n".join(before + measures))
    assert result.applied == len(before) + len(measures)
    found = (zhucun.ledger(VILLAGE_A, as_of=date(2014, 10, 1)) or {})["measures"]
    assert [(m["status"], m["overdue"], len(m["progress"])) for m in found] == [
        ("dropped", False, 0),
        ("under_way", False, 1),
    ]


def test_the_documented_letter_is_accepted_after_the_teams_and_plans(zhucun):
    text = section("responsibility letters")
    assert_documented(text, LETTER_COMMANDS)
    small_network(zhucun)
    before = examples(work_teams_section()) + examples(survey_section())
    before += examples(section("plans")) + examples(section("measures"))
    letters = examples(text)
    assert {json.loads(line)["command"] for line in letters} == set(LETTER_COMMANDS)
    result = zhucun.apply_text("\n".join(before + letters))
    assert result.applied == len(before) + len(letters)
    (letter,) = (zhucun.ledger(VILLAGE_A, as_of=date(2015, 1, 1)) or {})["letters"]
    assert (letter["in_force"], [t["item"] for t in letter["targets"]]) == (True, ["B1", "C1"])


GOAL_COMMANDS = ["set_six_have_goal", "add_six_have_evidence", "judge_six_have_goal"]


def test_the_documented_six_haves_are_accepted_with_the_documented_file(zhucun):
    text = section("duties and the six haves")
    assert_documented(text, GOAL_COMMANDS)
    # The file the examples cite is the one the section makes with printf.
    (made,) = re.findall(r"printf '(.*?)\\n'", text)
    content = (made + "\n").encode()
    small_network(zhucun)
    stored = zhucun.attach_file(content)
    lines = examples(text)
    assert {json.loads(line)["command"] for line in lines} == set(GOAL_COMMANDS)
    assert f'"file": "{stored["file"]}"' in text and f"({stored['size']} bytes)" in text
    result = zhucun.apply_text("\n".join(lines))
    assert result.applied == len(lines)
    six = (zhucun.ledger(VILLAGE_A, as_of=date(2015, 1, 1)) or {})["six_haves"]
    rules = six["duties"][2]["goals"][0]
    assert (rules["goal"], rules["revision"], rules["status"]) == ("rules_and_mechanisms", 2, "met")
    assert [e["file_name"] for e in rules["evidence"]] == ["村规民约.txt"]
    assert (six["goals_set"], six["met"]) == (2, 1)


FUND_COMMANDS = ["allocate_funds", "record_expenditure", "reverse_fund_entry"]


def test_every_funding_command_is_registered_and_documented():
    assert_documented(section("four-source funding"), FUND_COMMANDS)
    assert "### `zhucun funds --unit CODE" in DOC.read_text(encoding="utf-8")


def test_the_documented_funding_examples_are_accepted_after_the_measures(zhucun):
    small_network(zhucun)
    before = examples(survey_section()) + examples(section("plans"))
    before += examples(section("measures"))
    funds = examples(section("four-source funding"))
    assert {json.loads(line)["command"] for line in funds} == set(FUND_COMMANDS)
    result = zhucun.apply_text("\n".join(before + funds))
    assert result.applied == len(before) + len(funds)
    found = zhucun.funds(VILLAGE_A) or {}
    totals = {s: (t["allocated_yuan"], t["spent_yuan"]) for s, t in found["by_source"].items()}
    assert totals == {
        "collective_self_raised": ("20000.00", "0.00"),
        "fiscal": ("300000.00", "121200.00"),
        "party_fee": ("5000.00", "0.00"),
        "urban_rural": ("100000.00", "50000.00"),
    }
    vouchers = [(e["voucher"], e["reversed"] is not None) for e in found["entries"]]
    assert ("ZC-2014-001", False) in vouchers and ("CX-2014-007", False) in vouchers
    assert ("ZC-2014-003", True) in vouchers
