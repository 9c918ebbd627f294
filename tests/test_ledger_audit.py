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
    funded_village,
    letter,
    measure,
    opinion,
    plan,
    problem,
    progress,
    revise,
    status,
    survey,
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


def logged(zhucun, unit: str, expected: set[str]) -> list[dict]:
    """The audit log of ``unit`` (``audit_rows``), having all of the ``expected`` events if
    the unit is village A or above it, and none of them if it is village B: another village's
    records are not in its log."""
    indexed = audit_rows(zhucun, unit)
    found = {r["event"] for r in indexed} & expected
    assert found == (set() if unit == VILLAGE_B else expected)
    return indexed


def events(aggregate: str, *names: str) -> set[str]:
    """The event names of ``aggregate``, as the audit log shows them."""
    return {f"{aggregate}.{name}" for name in names}


# Village A, the units above it, and village B beside it.
UNITS = [VILLAGE_A, TOWNSHIP, COUNTY, CITY, VILLAGE_B]


SURVEY = events(
    "VillageSurvey", "Started", "FormRegistered", "TablesRecorded", "SymposiumHeld", "InterviewHeld"
) | {"Opinion.Collected", "SurveyProblem.Found"}


@pytest.mark.parametrize("unit", UNITS)
def test_the_survey_is_in_the_audit_log_of_its_village_and_the_units_above(zhucun, unit):
    team_network(zhucun)
    apply(zhucun, *survey(), opinion(1), problem(1))
    logged(zhucun, unit, SURVEY)


PLANS = (
    events("VillagePlan", "Drafted", "Revised", "Approved")
    | events("Measure", "Planned", "StatusChanged", "ProgressNoted")
    | {"ResponsibilityLetter.Signed"}
)


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
    logged(zhucun, unit, PLANS)


GOALS = events("SixHaveGoal", "TargetSet", "TargetRevised", "EvidenceAdded", "StatusJudged")


@pytest.mark.parametrize("unit", UNITS)
def test_the_six_haves_are_in_the_audit_log_of_their_village_and_the_units_above(zhucun, unit):
    from tests.ledger_builders import MINUTES, evidence, goal, judge

    team_network(zhucun)
    zhucun.attach_file(MINUTES)
    apply(zhucun, goal(), goal(on="2014-07-02", target="改"), evidence(), judge("met"))
    indexed = logged(zhucun, unit, GOALS)
    if unit == VILLAGE_A:
        (set_row,) = [r for r in indexed if r["event"] == "SixHaveGoal.TargetSet"]
        assert (set_row["what_zh"], set_row["what_en"]) == ("设定六有目标", "six-haves goal set")


FUNDS = events("FundAccount", "Opened", "Allocated", "Spent", "Reversed")


@pytest.mark.parametrize("unit", UNITS)
def test_funds_are_in_the_audit_log_of_their_village_and_the_units_above(zhucun, unit):
    funded_village(zhucun)
    logged(zhucun, unit, FUNDS)
