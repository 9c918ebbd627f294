"""Plans (帮扶规划): a village's three-year goal and annual plans, drafted by its team, revised
by events, approved by a named official of its township or county before they count. Both
engines; every refusal is named and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.builders import COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B, apply
from tests.ledger_builders import ITEMS, approve, ledger_of, plan, plid, revise
from tests.team_builders import refused, team_network


def plans_of(zhucun, code: str = VILLAGE_A, **when):
    return ledger_of(zhucun, code, **when)["plans"]


def test_a_plan_is_listed_as_of_the_day_approved_or_not(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), plan(2, kind="three_year", title="三年帮扶目标", on="2014-06-20"))
    three, annual = plans_of(zhucun)
    assert (three["kind"], three["kind_zh"], three["approved"]) == (
        "three_year",
        "三年帮扶目标",
        False,
    )
    assert annual["id"] == plid(1) and annual["revision"] == 1
    assert [i["key"] for i in annual["items"]] == ["A1", "B1", "C1"]
    assert annual["items"][2] == ITEMS[2]
    apply(zhucun, approve(1))
    annual = plans_of(zhucun)[1]
    assert annual["approved"] and annual["approval"] == {
        "revision": 1,
        "on": "2014-07-15",
        "approver": "王镇长",
        "approver_unit": TOWNSHIP,
    }
    assert not plans_of(zhucun, as_of=date(2014, 7, 14))[1]["approved"]
    assert len(plans_of(zhucun, as_of=date(2014, 6, 30))) == 1


def test_a_revision_is_an_event_and_needs_approving_again(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1, on="2014-07-05"), revise(1))
    p = plans_of(zhucun)[0]
    assert (p["revision"], p["approved"], p["approval"]["revision"]) == (2, False, 1)
    assert [i["key"] for i in p["items"]] == ["A1", "B1", "C1", "D1"]
    assert p["title"] == "2014 年度帮扶计划（修订）" and p["drafted_by"] == "李队员"
    before = plans_of(zhucun, as_of=date(2014, 7, 9))[0]
    assert (before["revision"], before["approved"], len(before["items"])) == (1, True, 3)
    apply(zhucun, approve(1, approver="赵县长", approver_unit=COUNTY))
    assert plans_of(zhucun)[0]["approved"]


def test_the_roll_up_counts_plans_and_approved_plans(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), plan(2, kind="three_year"), plan(3, village=VILLAGE_B), approve(1))
    up = plans_of(zhucun, TOWNSHIP)
    assert (up["plans"], up["plans_approved"], up["villages_with_an_approved_plan"]) == (3, 1, 1)
    assert up["by_kind"]["annual"] == {"plans": 2, "approved": 1}
    assert plans_of(zhucun, COUNTY, as_of=date(2014, 7, 14))["plans_approved"] == 0


def test_approving_ones_own_plan_is_refused(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), revise(1))
    for line in (
        approve(1, approver="张队长"),  # its drafter
        approve(1, approver="李队员"),  # who revised it
        approve(1) | {"actor": "li.clerk"},  # the account that drafted it
    ):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("own_plan_approved", "approver")


def test_a_plan_is_approved_by_its_villages_township_or_county_only(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1))
    for unit in (VILLAGE_B, "210500"):  # a village; the city
        r = refused(zhucun, approve(1, approver_unit=unit))
        assert (r.error.code, r.error.field) == ("approver_not_over_village", "approver_unit")


def test_an_approval_or_revision_before_the_draft_is_refused(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1))
    for line in (approve(1, on="2014-06-30"), revise(1, on="2014-06-30")):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("dated_before_plan_drafted", "occurred_on")


def test_approving_an_approved_revision_again_is_refused(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1))
    r = refused(zhucun, approve(1, on="2014-07-20"))
    assert (r.error.code, r.error.field) == ("plan_already_approved", "plan")


def test_an_unknown_plan_is_refused(zhucun):
    team_network(zhucun)
    for line in (approve(9), revise(9)):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("plan_not_found", "plan")


@pytest.mark.parametrize(
    "items",
    [
        "A1",
        ["A1"],
        [{"key": "A1", "text": "修路"}],
        [{"key": "A1", "text": "修路", "category": "other"}],
        [{"key": "A1", "text": "修路", "category": "conditions", "budget": 1}],
        [{"key": "A" * 17, "text": "修路", "category": "conditions"}],
    ],
)
def test_each_plan_item_has_a_key_a_text_and_one_of_the_four_categories(zhucun, items):
    team_network(zhucun)
    r = refused(zhucun, plan(1, items=items))
    assert (r.error.code, r.error.field) == ("invalid_input", "items")


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        pytest.param({"items": []}, "plan_without_items", "items", id="without_items"),
        pytest.param(
            {"items": [ITEMS[0], ITEMS[0]]},
            "duplicate_plan_item",
            "items",
            id="with_an_item_key_twice",
        ),
        pytest.param({"village": TOWNSHIP}, "not_a_village", "village", id="not_for_a_village"),
        pytest.param({"kind": "five_year"}, "invalid_input", "kind", id="of_no_known_kind"),
    ],
)
def test_a_plan_is_refused_naming_the_field_at_fault(zhucun, changes, code, field):
    team_network(zhucun)
    r = refused(zhucun, plan(1, **changes))
    assert (r.error.code, r.error.field) == (code, field)


def test_a_plan_id_is_used_once(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1))
    r = refused(zhucun, plan(1))
    assert (r.error.code, r.error.field) == ("duplicate_id", "id")


def test_plans_rebuilt_from_the_log_equal_what_the_increments_built(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1))
    plans_of(zhucun)
    apply(zhucun, revise(1, on="2014-08-01"))
    before = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == before
    assert plans_of(zhucun)[0]["revision"] == 2


def test_plans_as_known_at_a_moment_are_what_had_been_recorded_by_then(zhucun, clock):
    team_network(zhucun)
    apply(zhucun, plan(1))
    before = clock.now()
    clock.advance(timedelta(days=1))
    apply(zhucun, approve(1), revise(1, on="2014-07-20"))
    known = plans_of(zhucun, as_known_at=before)[0]
    assert (known["revision"], known["approved"], known["approval"]) == (1, False, None)
    now = plans_of(zhucun)[0]
    assert (now["revision"], now["approved"], now["approval"]["revision"]) == (2, False, 1)
