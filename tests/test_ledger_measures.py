"""Measures (帮扶措施): each serving an item of its village's approved plan, with its category,
responsible person, due date, budget in fen and funding sources; a status planned → under way
→ done, or dropped with a reason; progress notes; overdue ones marked. Both engines; every
refusal is named and writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from tests.builders import COUNTY, VILLAGE_B, apply
from tests.ledger_builders import approve, ledger_of, measure, msid, plan, plid, progress, status
from tests.team_builders import refused, team_network


def approved_plan(zhucun) -> None:
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1))


def test_a_measure_is_listed_with_its_item_budget_sources_and_status(zhucun):
    approved_plan(zhucun)
    apply(
        zhucun,
        measure(1),
        status(1, "under_way"),
        progress(1),
        progress(1, "路面完成 1 公里", "2014-10-01"),
    )
    (m,) = ledger_of(zhucun, as_of=date(2014, 10, 15))["measures"]
    assert (m["id"], m["plan"], m["item"]) == (msid(1), plid(1), "B1")
    assert (m["category"], m["category_zh"]) == ("conditions", "发展环境和生产生活条件")
    assert (m["budget_fen"], m["budget_yuan"]) == (40_000_000, "400000.00")
    assert m["sources"] == ["fiscal", "urban_rural"]
    assert (m["status"], m["status_on"], m["overdue"]) == ("under_way", "2014-09-01", False)
    assert ledger_of(zhucun)["measures"][0]["overdue"]  # today, long past its due date
    assert [n["note"] for n in m["progress"]] == ["路基完成", "路面完成 1 公里"]
    before = ledger_of(zhucun, as_of=date(2014, 8, 31))["measures"][0]
    assert (before["status"], before["progress"]) == ("planned", [])
    assert ledger_of(zhucun, as_of=date(2014, 7, 31))["measures"] == []


def test_a_measure_past_its_due_date_is_overdue_until_done_or_dropped(zhucun):
    approved_plan(zhucun)
    apply(zhucun, measure(1), measure(2, item="C1", due_on="2014-09-30"), status(1, "under_way"))
    assert ledger_of(zhucun, as_of=date(2014, 10, 31))["measures"][1]["overdue"] is False
    day = date(2014, 11, 1)
    overdue = {m["id"]: m["overdue"] for m in ledger_of(zhucun, as_of=day)["measures"]}
    assert overdue == {msid(1): True, msid(2): True}
    apply(
        zhucun,
        status(1, "done", on="2014-11-10"),
        status(2, "dropped", on="2014-11-10", because="资金未到位"),
    )
    later = ledger_of(zhucun, as_of=date(2014, 11, 10))["measures"]
    assert [(m["status"], m["overdue"]) for m in later] == [("dropped", False), ("done", False)]
    assert later[0]["because"] == "资金未到位"
    assert ledger_of(zhucun, as_of=day)["measures"][0]["overdue"]


def test_the_roll_up_counts_measures_by_status_and_overdue(zhucun):
    approved_plan(zhucun)
    apply(
        zhucun,
        measure(1),
        measure(2, item="C1", budget=0, sources=[]),
        measure(3, item="A1"),
        status(1, "under_way"),
        status(3, "dropped", because="班子已调整"),
    )
    up = ledger_of(zhucun, COUNTY, as_of=date(2014, 12, 1))["measures"]
    assert up["measures"] == 3 and up["overdue"] == 2
    assert up["by_status"] == {"planned": 1, "under_way": 1, "done": 0, "dropped": 1}
    assert up["by_category"]["conditions"] == 1 and up["budget_yuan"] == "800000.00"
    assert up["measures_by_source"]["fiscal"] == 2


def test_a_measure_for_a_plan_not_yet_approved_is_refused(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1))
    r = refused(zhucun, measure(1))
    assert (r.error.code, r.error.field) == ("plan_not_approved", "plan")


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        pytest.param(
            {"on": "2014-07-14"}, "measure_before_plan", "occurred_on", id="dated_before_its_plan"
        ),
        pytest.param(
            {"village": VILLAGE_B},
            "plan_of_other_village",
            "plan",
            id="serving_a_plan_of_another_village",
        ),
        pytest.param({"plan": plid(9)}, "plan_not_found", "plan", id="serving_no_known_plan"),
        pytest.param(
            {"item": "Z9"}, "plan_item_not_found", "item", id="serving_an_item_not_in_its_plan"
        ),
        pytest.param(
            {"due_on": "2014-07-31"}, "due_before_planned", "due_on", id="due_before_the_measure"
        ),
        pytest.param(
            {"sources": []}, "budget_without_sources", "sources", id="a_budget_without_sources"
        ),
        pytest.param(
            {"sources": ["loan"]}, "invalid_input", "sources", id="a_source_not_of_the_four"
        ),
        pytest.param({"budget": "1.234"}, "invalid_input", "budget", id="a_budget_below_a_fen"),
    ],
)
def test_a_measure_is_refused_naming_the_field_at_fault(zhucun, changes, code, field):
    approved_plan(zhucun)
    r = refused(zhucun, measure(1, **changes))
    assert (r.error.code, r.error.field) == (code, field)


def test_illegal_status_moves_are_refused(zhucun):
    approved_plan(zhucun)
    apply(zhucun, measure(1), measure(2, item="C1"))
    r = refused(zhucun, status(1, "done"))  # planned → done skips under way
    assert (r.error.code, r.error.field) == ("illegal_measure_transition", "status")
    apply(zhucun, status(1, "under_way"), status(1, "done", on="2014-10-01"))
    for to in ("under_way", "dropped", "done"):
        r = refused(zhucun, status(1, to, on="2014-10-02", because="x"))
        assert (r.error.code, r.error.field) == ("illegal_measure_transition", "status")
    r = refused(zhucun, status(2, "planned"))
    assert (r.error.code, r.error.field) == ("illegal_measure_transition", "status")


def test_dropping_a_measure_needs_a_reason(zhucun):
    approved_plan(zhucun)
    apply(zhucun, measure(1))
    r = refused(zhucun, status(1, "dropped"))
    assert (r.error.code, r.error.field) == ("drop_without_reason", "because")


def test_a_status_or_note_before_the_measure_is_refused(zhucun):
    approved_plan(zhucun)
    apply(zhucun, measure(1))
    for line in (status(1, "under_way", on="2014-07-31"), progress(1, on="2014-07-31")):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("dated_before_measure", "occurred_on")


def test_an_unknown_measure_is_refused(zhucun):
    approved_plan(zhucun)
    for line in (status(9, "under_way"), progress(9)):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("measure_not_found", "measure")


def test_a_measure_id_is_used_once(zhucun):
    approved_plan(zhucun)
    apply(zhucun, measure(1))
    r = refused(zhucun, measure(2, id=plid(1)))
    assert (r.error.code, r.error.field) == ("duplicate_id", "id")


def test_measures_rebuilt_from_the_log_equal_what_the_increments_built(zhucun):
    approved_plan(zhucun)
    apply(zhucun, measure(1))
    ledger_of(zhucun)
    apply(zhucun, status(1, "under_way"), progress(1))
    before = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == before
