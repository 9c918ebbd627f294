"""``zhucun measures``: the measures of a village or of the villages under a unit, with their
status on the day, overdue and by how many days, their budget and funds; filters by status,
overdue, category and responsible person, read as a command's arguments are. Both engines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import InvalidInputError
from tests.builders import COUNTY, GROUP_A1, VILLAGE_A, VILLAGE_B, answer, apply
from tests.ledger_builders import funded_village, measure, msid, planned, status
from tests.team_builders import team_network


def with_measures(z) -> None:
    """Village A: a road (due 2014-10-31, under way), greenhouses (due 2015-06-30, planned,
    李队员), committee training (due 2014-09-30, dropped)."""
    team_network(z)
    apply(
        z,
        *planned(),
        measure(2, item="C1", title="食用菌大棚", responsible="李队员", due_on="2015-06-30"),
        measure(3, item="A1", title="党员培训", due_on="2014-09-30", budget=0, sources=[]),
        status(1, "under_way"),
        status(3, "dropped", on="2014-09-20", because="并入县委党校培训"),
    )


def listed(z, code: str = VILLAGE_A, **kw) -> list[tuple[str, str, bool, int]]:
    found = z.measures(code, **kw)
    assert found is not None
    return [(m["title"], m["status"], m["overdue"], m["days_overdue"]) for m in found["measures"]]


DAY = {"as_of": date(2014, 11, 10)}


def test_the_measures_of_a_village_with_their_status_overdue_and_budget(zhucun):
    with_measures(zhucun)
    found = zhucun.measures(VILLAGE_A, **DAY)
    assert (found["unit"], found["level"], found["as_of"]) == (VILLAGE_A, "village", "2014-11-10")
    assert listed(zhucun, **DAY) == [
        ("党员培训", "dropped", False, 0),
        ("硬化村路一期 2 公里", "under_way", True, 10),
        ("食用菌大棚", "planned", False, 0),
    ]
    road = found["measures"][1]
    assert (road["id"], road["village"], road["village_name"]) == (msid(1), VILLAGE_A, "甲村")
    assert (road["due_on"], road["status_on"], road["category"]) == (
        "2014-10-31",
        "2014-09-01",
        "conditions",
    )
    assert (road["budget_fen"], road["budget_yuan"]) == (40_000_000, "400000.00")
    assert found["measures"][0]["because"] == "并入县委党校培训"
    assert (found["count"], found["overdue"], found["budget_yuan"]) == (3, 1, "800000.00")


def test_each_measure_has_the_funds_allocated_to_it_and_spent_on_it(zhucun):
    funded_village(zhucun)  # 2,500.50 allocated to measure 1, 30,000 spent on it
    (road,) = zhucun.measures(VILLAGE_A, as_of=date(2014, 8, 31))["measures"]
    assert (road["allocated_yuan"], road["spent_yuan"], road["balance_fen"]) == (
        "2500.50",
        "30000.00",
        250_050 - 3_000_000,
    )
    (before,) = zhucun.measures(VILLAGE_A, as_of=date(2014, 8, 10))["measures"]
    assert (before["allocated_fen"], before["spent_fen"]) == (250_050, 0)
    county = zhucun.measures(COUNTY, as_of=date(2014, 8, 31))
    assert (county["allocated_yuan"], county["spent_yuan"]) == ("2500.50", "30000.00")


def test_a_measure_is_overdue_from_the_day_after_its_due_date(zhucun):
    with_measures(zhucun)
    road = {"as_of": date(2014, 10, 31)}
    assert listed(zhucun, **road)[1] == ("硬化村路一期 2 公里", "under_way", False, 0)
    assert listed(zhucun, as_of=date(2014, 11, 1))[1][2:] == (True, 1)


def test_overdue_and_status_agree_with_the_ledger(zhucun):
    with_measures(zhucun)
    for day in (date(2014, 9, 30), date(2014, 11, 10), date(2015, 7, 1)):
        ledger = {
            m["id"]: (m["status"], m["overdue"]) for m in zhucun.ledger(VILLAGE_A, day)["measures"]
        }
        mine = {
            m["id"]: (m["status"], m["overdue"])
            for m in zhucun.measures(VILLAGE_A, day)["measures"]
        }
        assert mine == ledger, day


def test_a_unit_lists_the_measures_of_every_village_under_it(zhucun):
    with_measures(zhucun)
    assert len(listed(zhucun, COUNTY, **DAY)) == 3
    assert listed(zhucun, VILLAGE_B, **DAY) == []
    assert listed(zhucun, GROUP_A1, **DAY) == []  # no village under a villager group
    assert zhucun.measures("210521999999") is None


@pytest.mark.parametrize(
    ("filters", "titles"),
    [
        ({"status": "under_way"}, ["硬化村路一期 2 公里"]),
        ({"status": " UNDER_WAY "}, ["硬化村路一期 2 公里"]),  # trimmed, any case
        ({"status": "planned"}, ["食用菌大棚"]),
        ({"overdue": True}, ["硬化村路一期 2 公里"]),
        ({"category": "Collective_Economy"}, ["食用菌大棚"]),
        ({"responsible": " 李队员 "}, ["食用菌大棚"]),  # trimmed, as plan_measure stored it
        ({"responsible": "李队员", "status": "done"}, []),
        ({"status": "", "category": " "}, ["党员培训", "硬化村路一期 2 公里", "食用菌大棚"]),
    ],
)
def test_filters_keep_the_measures_asked_for(zhucun, filters, titles):
    with_measures(zhucun)
    assert [m[0] for m in listed(zhucun, COUNTY, **DAY, **filters)] == titles


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"status": "ｕｎｄｅｒ＿ｗａｙ"}, "status"),  # full-width: not a status
        ({"category": "roads"}, "category"),
        ({"category": "opinion"}, "category"),  # an opinion's category, not a measure's
        ({"responsible": "李\u202e队员"}, "responsible"),  # a character no name may hold
    ],
)
def test_a_filter_that_is_not_a_value_is_refused_by_name(zhucun, filters, field):
    with_measures(zhucun)
    before = zhucun.store.max_position()
    with pytest.raises(InvalidInputError) as e:
        zhucun.measures(COUNTY, **filters)
    assert e.value.field == field and e.value.zh and e.value.en
    assert zhucun.store.max_position() == before


def test_status_on_the_day_and_as_known_at_a_moment(zhucun, clock):
    with_measures(zhucun)
    before = clock.now()
    clock.advance(timedelta(days=1))
    apply(zhucun, status(1, "done", on="2014-11-05"))
    assert listed(zhucun, **DAY)[1][1:] == ("done", False, 0)
    assert listed(zhucun, as_of=date(2014, 11, 4))[1][1:] == ("under_way", True, 4)
    assert listed(zhucun, **DAY, as_known_at=before)[1][1:] == ("under_way", True, 10)
    assert listed(zhucun, as_of=date(2014, 7, 31)) == []  # none planned yet


# -- the command line ---------------------------------------------------------------------------


def test_measures_cli_as_text_and_json(zhucun, run):
    with_measures(zhucun)
    r = run("measures", "--unit", COUNTY, "--as-of", "2014-11-10")
    assert r.exit_code == 0, r.output
    assert "逾期 OVERDUE 10 天 days" in r.stdout and "已放弃 dropped" in r.stdout
    assert "3 项 measure(s), 逾期 overdue 1" in r.stdout
    r = run("measures", "--unit", VILLAGE_A, "--overdue", "--as-of", "2014-11-10", "--json")
    assert r.exit_code == 0, r.output
    data = answer(r.stdout)
    assert [(m["id"], m["days_overdue"]) for m in data["measures"]] == [(msid(1), 10)]
    r = run("measures", "--unit", VILLAGE_A, "--status", "closed")
    assert r.exit_code == 1 and "invalid_input [status]" in r.output
    r = run("measures", "--unit", "210521999999")
    assert r.exit_code == 1 and "no unit with code 210521999999" in r.output
