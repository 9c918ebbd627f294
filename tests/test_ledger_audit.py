"""The ledger's records (survey, plans, measures, letters, funds) are in the audit log of
their village and of every unit above it, and in no other unit's: the index and the reading
of the whole log agree. Both engines."""

from __future__ import annotations

import pytest

from app.audit.entries import AuditFilter
from app.audit.log import audit_page, scan_rows
from tests.builders import CITY, COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B, apply
from tests.ledger_builders import (
    approve,
    form,
    funded_village,
    interview,
    letter,
    measure,
    opinion,
    plan,
    problem,
    progress,
    revise,
    status,
    symposium,
    tables,
)
from tests.team_builders import team_network


def audit_rows(zhucun, unit: str) -> list[dict]:
    """The audit log of ``unit`` read through the index, checked against a reading of the
    whole log."""
    zhucun.projections.catch_up()
    f = AuditFilter(unit=unit)
    indexed = audit_page(zhucun.store, zhucun.engine, f).rows
    assert indexed == list(scan_rows(zhucun.store, zhucun.engine, f))
    return indexed


SURVEY = {
    "VillageSurvey.Started",
    "VillageSurvey.FormRegistered",
    "VillageSurvey.TablesRecorded",
    "VillageSurvey.SymposiumHeld",
    "VillageSurvey.InterviewHeld",
    "Opinion.Collected",
    "SurveyProblem.Found",
}


@pytest.mark.parametrize("unit", [VILLAGE_A, TOWNSHIP, COUNTY, CITY, VILLAGE_B])
def test_the_survey_is_in_the_audit_log_of_its_village_and_the_units_above(zhucun, unit):
    team_network(zhucun)
    apply(zhucun, form(), tables(), symposium(), interview(), opinion(1), problem(1))
    indexed = audit_rows(zhucun, unit)
    found = {r["event"] for r in indexed} & SURVEY
    if unit == VILLAGE_B:
        assert not found  # another village's survey is not in its log
    else:
        assert found == SURVEY


PLANS = {
    "VillagePlan.Drafted",
    "VillagePlan.Revised",
    "VillagePlan.Approved",
    "Measure.Planned",
    "Measure.StatusChanged",
    "Measure.ProgressNoted",
    "ResponsibilityLetter.Signed",
}


@pytest.mark.parametrize("unit", [VILLAGE_A, TOWNSHIP, CITY, VILLAGE_B])
def test_plans_measures_and_letters_are_in_the_audit_log_of_their_village_and_the_units_above(
    zhucun, unit
):
    team_network(zhucun)
    apply(
        zhucun,
        plan(1),
        revise(1),
        approve(1),
        measure(1),
        status(1, "under_way"),
        progress(1),
        letter(1),
    )
    indexed = audit_rows(zhucun, unit)
    found = {r["event"] for r in indexed} & PLANS
    assert found == (set() if unit == VILLAGE_B else PLANS)


GOALS = {
    "SixHaveGoal.TargetSet",
    "SixHaveGoal.TargetRevised",
    "SixHaveGoal.EvidenceAdded",
    "SixHaveGoal.StatusJudged",
}


@pytest.mark.parametrize("unit", [VILLAGE_A, TOWNSHIP, COUNTY, CITY, VILLAGE_B])
def test_the_six_haves_are_in_the_audit_log_of_their_village_and_the_units_above(zhucun, unit):
    from tests.ledger_builders import MINUTES, evidence, goal, judge

    team_network(zhucun)
    zhucun.attach_file(MINUTES)
    apply(zhucun, goal(), goal(on="2014-07-02", target="改"), evidence(), judge("met"))
    indexed = audit_rows(zhucun, unit)
    found = {r["event"] for r in indexed} & GOALS
    assert found == (set() if unit == VILLAGE_B else GOALS)
    if unit == VILLAGE_A:
        (set_row,) = [r for r in indexed if r["event"] == "SixHaveGoal.TargetSet"]
        assert (set_row["what_zh"], set_row["what_en"]) == ("设定六有目标", "six-haves goal set")


FUNDS = {
    "FundAccount.Opened",
    "FundAccount.Allocated",
    "FundAccount.Spent",
    "FundAccount.Reversed",
}


@pytest.mark.parametrize("unit", [VILLAGE_A, TOWNSHIP, COUNTY, CITY, VILLAGE_B])
def test_funds_are_in_the_audit_log_of_their_village_and_the_units_above(zhucun, unit):
    funded_village(zhucun)
    indexed = audit_rows(zhucun, unit)
    found = {r["event"] for r in indexed} & FUNDS
    assert found == (set() if unit == VILLAGE_B else FUNDS)
