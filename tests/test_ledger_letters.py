"""Responsibility letters (工作目标责任书): signed between a dispatching unit and a village it
serves (a team of the unit in the village on the signing day), with the parties, the term and
targets linked to plan items. Both engines; every refusal is named and writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from tests.builders import COUNTY, VILLAGE_B, apply
from tests.ledger_builders import ledger_of, letter, ltid, plan, plid
from tests.team_builders import CITY_CIVIL, refused, second_team, team_network, tid


def with_plan(zhucun) -> None:
    team_network(zhucun)
    apply(zhucun, plan(1))


def test_a_letter_is_listed_with_its_parties_term_and_targets(zhucun):
    with_plan(zhucun)
    apply(zhucun, letter(1))
    (x,) = ledger_of(zhucun, as_of=date(2015, 1, 1))["letters"]
    assert (x["id"], x["unit"], x["team"], x["signed_on"]) == (
        ltid(1),
        "CITY-AGRI",
        tid(1),
        "2014-07-20",
    )
    assert (x["unit_signatory"], x["village_signatory"]) == ("农委主任", "刘书记")
    assert (x["term_starts_on"], x["term_ends_on"], x["in_force"]) == (
        "2014-07-20",
        "2016-06-30",
        True,
    )
    assert x["targets"] == [
        {"text": "两年内硬化村路 4 公里", "plan": plid(1), "item": "B1"},
        {"text": "集体年收入 5 万元", "plan": plid(1), "item": "C1"},
    ]
    assert ledger_of(zhucun, as_of=date(2014, 7, 19))["letters"] == []
    assert not ledger_of(zhucun, as_of=date(2016, 7, 1))["letters"][0]["in_force"]
    up = ledger_of(zhucun, COUNTY, as_of=date(2015, 1, 1))["letters"]
    assert up == {"letters": 1, "in_force": 1, "villages_with_a_letter": 1}


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        pytest.param(
            {"unit": CITY_CIVIL},
            "unit_not_serving_village",
            "team",
            id="for_a_village_the_unit_does_not_serve-the_team_is_another_units",
        ),
        pytest.param(
            {"village": VILLAGE_B},
            "unit_not_serving_village",
            "team",
            id="for_a_village_the_unit_does_not_serve-the_team_serves_another_village",
        ),
        pytest.param(
            {"on": "2014-05-31"},
            "unit_not_serving_village",
            "team",
            id="signed_before_the_units_team_came",
        ),
        pytest.param(
            {"term_ends_on": "2014-07-19"},
            "invalid_letter_term",
            "term_ends_on",
            id="with_a_term_ending_before_it_starts",
        ),
        pytest.param({"targets": []}, "letter_without_targets", "targets", id="without_targets"),
    ],
)
def test_a_letter_is_refused_naming_the_field_at_fault(zhucun, changes, code, field):
    with_plan(zhucun)
    r = refused(zhucun, letter(1, **changes))
    assert (r.error.code, r.error.field) == (code, field)


def test_a_letter_with_the_units_team_of_another_village_is_refused(zhucun):
    with_plan(zhucun)
    team_b = second_team(zhucun)  # CITY_AGRI serves village B as well
    r = refused(zhucun, letter(1, team=team_b))
    assert (r.error.code, r.error.field) == ("unit_not_serving_village", "team")


def test_targets_are_linked_to_items_of_the_villages_own_plans(zhucun):
    with_plan(zhucun)
    apply(zhucun, plan(2, village=VILLAGE_B))
    cases = [
        ({"text": "修路", "plan": plid(2), "item": "B1"}, "plan_of_other_village"),
        ({"text": "修路", "plan": plid(9), "item": "B1"}, "plan_not_found"),
        ({"text": "修路", "plan": plid(1), "item": "Z9"}, "plan_item_not_found"),
        ({"text": "修路", "plan": "not-an-id", "item": "B1"}, "invalid_input"),
        ({"text": "修路", "plan": plid(1)}, "invalid_input"),
        ({"text": "修路", "plan": plid(1), "item": "B1", "due": 1}, "invalid_input"),
    ]
    for target, code in cases:
        r = refused(zhucun, letter(1, targets=[target]))
        assert (r.error.code, r.error.field) == (code, "targets"), target


def test_unknown_parties_are_refused(zhucun):
    with_plan(zhucun)
    r = refused(zhucun, letter(1, unit="NO-SUCH-UNIT"))
    assert r.error.field == "unit"
    r = refused(zhucun, letter(1, team=tid(9)))
    assert r.error.field == "team"


def test_a_letter_id_is_used_once(zhucun):
    with_plan(zhucun)
    apply(zhucun, letter(1))
    r = refused(zhucun, letter(2, id=plid(1)))
    assert (r.error.code, r.error.field) == ("duplicate_id", "id")


def test_letters_rebuilt_from_the_log_equal_what_the_increments_built(zhucun):
    with_plan(zhucun)
    apply(zhucun, letter(1))
    before = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == before
