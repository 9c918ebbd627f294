"""Four-source funding (四位一体资金): allocations to a village from each source and its
expenditures on its measures, each with its voucher number; a village never spends from a
source more than was allocated to it by that day, whatever is entered later; a wrong entry is
reversed by its voucher, never edited; totals per source for a village and the units above,
on both clocks. Both engines; every refusal is named and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.builders import CITY, COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B, apply
from tests.ledger_builders import (
    allocation,
    approve,
    expenditure,
    measure,
    msid,
    plan,
    plid,
    reversal,
    status,
)
from tests.team_builders import refused, team_network


def funds_of(zhucun, code: str = VILLAGE_A, **when):
    found = zhucun.funds(code, **when)
    assert found is not None
    return found


def fiscal(found) -> tuple[str, str, str]:
    f = found["by_source"]["fiscal"]
    return f["allocated_yuan"], f["spent_yuan"], f["balance_yuan"]


def a_measure(zhucun) -> None:
    """Village A's approved plan (2014-07-15) and its measure 1 (2014-08-01), funded from
    fiscal and urban_rural sources."""
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1), measure(1))


def b_measure(zhucun) -> None:
    """The same in village B: plan 2, measure 2."""
    apply(
        zhucun,
        plan(2, village=VILLAGE_B),
        approve(2),
        measure(2, village=VILLAGE_B, plan=plid(2)),
    )


# -- the commands and what they show --------------------------------------------------------------


def test_allocations_and_expenditures_give_each_sources_totals_in_fen_and_yuan(zhucun):
    a_measure(zhucun)
    apply(
        zhucun,
        allocation(),
        allocation("JZ-002", source="urban_rural", amount=2500.5, measure=msid(1), plan=None),
        expenditure(),
    )
    found = funds_of(zhucun)
    f = found["by_source"]["fiscal"]
    assert (f["allocated_fen"], f["spent_fen"], f["balance_fen"]) == (
        10_000_000,
        3_000_000,
        7_000_000,
    )
    assert fiscal(found) == ("100000.00", "30000.00", "70000.00")
    assert found["by_source"]["urban_rural"]["allocated_yuan"] == "2500.50"
    assert found["by_source"]["party_fee"]["allocated_fen"] == 0
    assert found["total"]["balance_yuan"] == "72500.50"
    assert [
        (e["on"], e["entry"], e["source"], e["voucher"], e["amount_yuan"]) for e in found["entries"]
    ] == [
        ("2014-08-01", "allocation", "fiscal", "JZ-001", "100000.00"),
        ("2014-08-01", "allocation", "urban_rural", "JZ-002", "2500.50"),
        ("2014-08-15", "expenditure", "fiscal", "ZC-001", "30000.00"),
    ]
    first, earmarked, spent = found["entries"]
    assert (first["allocated_by"], first["document"], first["measure"]) == (
        "本溪满族自治县财政局",
        "本县财发〔2014〕12号",
        None,
    )
    assert (earmarked["measure"], earmarked["plan"]) == (msid(1), plid(1))  # the measure's plan
    assert (spent["payee"], spent["purpose"], spent["measure"]) == (
        "本溪路桥公司",
        "村路路基工程款",
        msid(1),
    )
    (m,) = found["measures"]
    assert (m["measure"], m["budget_yuan"]) == (msid(1), "400000.00")
    assert (m["allocated_yuan"], m["spent_yuan"]) == ("2500.50", "30000.00")


def test_the_village_ledger_gains_its_funds_per_source(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(), expenditure())
    funds = (zhucun.ledger(VILLAGE_A) or {})["funds"]
    assert fiscal(funds) == ("100000.00", "30000.00", "70000.00")
    assert set(funds["by_source"]) == {
        "collective_self_raised",
        "fiscal",
        "party_fee",
        "urban_rural",
    }
    assert (zhucun.ledger(COUNTY) or {})["funds"]["total"]["spent_fen"] == 3_000_000


def test_a_reversal_takes_an_entry_back_from_its_own_day_and_keeps_it_listed(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(), expenditure(), reversal("ZC-001", because="重复记账"))
    found = funds_of(zhucun)
    assert fiscal(found) == ("100000.00", "0.00", "100000.00")
    spent = found["entries"][1]
    assert (spent["voucher"], spent["reversed"]) == (
        "ZC-001",
        {"on": "2014-09-01", "because": "重复记账"},
    )
    before = funds_of(zhucun, as_of=date(2014, 8, 31))
    assert fiscal(before) == ("100000.00", "30000.00", "70000.00")
    assert before["entries"][1]["reversed"] is None
    apply(zhucun, reversal("JZ-001", on="2014-09-02"))
    assert fiscal(funds_of(zhucun)) == ("0.00", "0.00", "0.00")


def test_a_wrong_entry_is_reversed_and_entered_again_under_a_new_voucher(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(amount=1000), reversal("JZ-001", on="2014-08-01"))
    apply(zhucun, allocation("JZ-001-R", amount=100))
    assert fiscal(funds_of(zhucun)) == ("100.00", "0.00", "100.00")


def test_funds_as_of_a_day_count_what_had_happened_by_then(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(), expenditure(), expenditure("ZC-002", on="2014-10-01"))
    assert fiscal(funds_of(zhucun, as_of=date(2014, 7, 31))) == ("0.00", "0.00", "0.00")
    assert fiscal(funds_of(zhucun, as_of=date(2014, 8, 15))) == (
        "100000.00",
        "30000.00",
        "70000.00",
    )
    assert fiscal(funds_of(zhucun, as_of=date(2014, 10, 1))) == (
        "100000.00",
        "60000.00",
        "40000.00",
    )
    assert len(funds_of(zhucun, as_of=date(2014, 9, 30))["entries"]) == 2


def test_funds_as_known_at_a_moment_are_what_had_been_recorded_by_then(zhucun, clock):
    a_measure(zhucun)
    apply(zhucun, allocation(), expenditure())
    before = clock.now()
    clock.advance(timedelta(days=1))
    # Recorded later, back-dated: a second allocation and the reversal of the expenditure.
    apply(zhucun, allocation("JZ-002", on="2014-08-02", amount=5000), reversal("ZC-001"))
    assert fiscal(funds_of(zhucun)) == ("105000.00", "0.00", "105000.00")
    known = funds_of(zhucun, as_known_at=before)
    assert fiscal(known) == ("100000.00", "30000.00", "70000.00")
    assert [e["voucher"] for e in known["entries"]] == ["JZ-001", "ZC-001"]
    assert known["entries"][1]["reversed"] is None
    assert fiscal(funds_of(zhucun, COUNTY, as_known_at=before)) == fiscal(known)


def two_villages_funded(zhucun) -> None:
    """Village A: 100,000 fiscal and 800 urban-rural (for measure 1), 30,000 spent; village
    B: 50,000 fiscal, 12,345.67 spent on 2014-08-15 and reversed on 08-20, 2,000 on 08-21."""
    a_measure(zhucun)
    b_measure(zhucun)
    apply(
        zhucun,
        allocation(),
        allocation("JZ-002", source="urban_rural", amount=800, measure=msid(1), plan=None),
        expenditure(),
        allocation("JZ-001", village=VILLAGE_B, plan=plid(2), amount=50000),
        expenditure("ZC-001", village=VILLAGE_B, measure=msid(2), amount=12345.67),
        reversal("ZC-001", village=VILLAGE_B, on="2014-08-20"),
        expenditure("ZC-002", village=VILLAGE_B, measure=msid(2), amount=2000, on="2014-08-21"),
    )


def test_a_countys_totals_are_the_sums_of_its_villages(zhucun):
    two_villages_funded(zhucun)
    for day in (date(2014, 8, 16), date(2014, 8, 20), date(2016, 12, 31)):
        a, b = funds_of(zhucun, VILLAGE_A, as_of=day), funds_of(zhucun, VILLAGE_B, as_of=day)
        for unit in (TOWNSHIP, COUNTY, CITY):
            up = funds_of(zhucun, unit, as_of=day)
            for source, total in up["by_source"].items():
                for key in ("allocated_fen", "spent_fen", "balance_fen"):
                    assert total[key] == a["by_source"][source][key] + b["by_source"][source][key]
            assert (
                up["total"]["balance_fen"] == a["total"]["balance_fen"] + b["total"]["balance_fen"]
            )
            assert (up["villages"], up["villages_funded"]) == (2, 2)
    day = funds_of(zhucun, COUNTY, as_of=date(2014, 8, 16))
    assert fiscal(day) == ("150000.00", "42345.67", "107654.33")


def test_funds_are_filtered_by_source_and_by_measure(zhucun):
    two_villages_funded(zhucun)
    only = funds_of(zhucun, COUNTY, source=" Urban_Rural ")
    assert (only["source"], list(only["by_source"])) == ("urban_rural", ["urban_rural"])
    assert only["total"]["allocated_yuan"] == "800.00"
    mine = funds_of(zhucun, COUNTY, measure=msid(1).upper())
    assert mine["measure"] == msid(1)
    assert (mine["total"]["allocated_yuan"], mine["total"]["spent_yuan"]) == ("800.00", "30000.00")
    village = funds_of(zhucun, VILLAGE_A, source="fiscal")
    assert [e["voucher"] for e in village["entries"]] == ["JZ-001", "ZC-001"]


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"source": "loan"}, "source"), ({"measure": "not-an-id"}, "measure")],
)
def test_an_unknown_filter_is_refused_by_name(zhucun, filters, field):
    from domain.errors import InvalidInputError

    team_network(zhucun)
    with pytest.raises(InvalidInputError) as info:
        zhucun.funds(VILLAGE_A, **filters)
    assert info.value.field == field


def test_the_funds_of_an_unknown_unit_are_none(zhucun):
    team_network(zhucun)
    assert zhucun.funds("999999") is None


# -- a village never spends more than was allocated to it -------------------------------------


def test_spending_more_than_was_allocated_is_refused(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(amount=1000), expenditure(amount=600))
    r = refused(zhucun, expenditure("ZC-002", amount="400.01"))
    assert (r.error.code, r.error.field) == ("funds_overspent", "amount")
    assert "1000.00" in r.error.zh and "1000.01" in r.error.en
    apply(zhucun, expenditure("ZC-002", amount=400))  # the last fen may be spent
    assert fiscal(funds_of(zhucun)) == ("1000.00", "1000.00", "0.00")


def test_spending_from_a_source_with_nothing_allocated_is_refused(zhucun):
    a_measure(zhucun)
    r = refused(zhucun, expenditure())
    assert (r.error.code, r.error.field) == ("funds_overspent", "amount")
    apply(zhucun, allocation(source="urban_rural"))  # another source's money does not count
    r = refused(zhucun, expenditure())
    assert r.error.code == "funds_overspent"


def test_spending_before_the_allocation_arrived_is_refused(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(on="2014-09-01"))
    r = refused(zhucun, expenditure(on="2014-08-31"))  # allocated later: not there that day
    assert (r.error.code, r.error.field) == ("funds_overspent", "amount")
    assert "2014-08-31" in r.error.en


def test_a_back_dated_expenditure_that_would_uncover_a_later_one_is_refused(zhucun):
    a_measure(zhucun)
    apply(
        zhucun,
        allocation(amount=1000),
        allocation("JZ-002", amount=1000, on="2014-09-01"),
        expenditure(amount=1000, on="2014-08-20"),
        expenditure("ZC-002", amount=1000, on="2014-09-02"),
    )
    # On 2014-08-25 the village had 1000 allocated and 1000 spent: nothing left then.
    r = refused(zhucun, expenditure("ZC-003", amount=1, on="2014-08-25"))
    assert r.error.code == "funds_overspent"


def test_a_back_dated_allocation_reversal_that_would_uncover_an_expenditure_is_refused(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(), expenditure(on="2014-08-15"))
    for day in ("2014-08-10", "2014-08-15", "2014-12-01"):
        r = refused(zhucun, reversal("JZ-001", on=day))
        assert (r.error.code, r.error.field) == ("funds_overspent", "voucher")
    apply(zhucun, allocation("JZ-002", amount=30000, on="2014-08-05"))
    apply(zhucun, reversal("JZ-001", on="2014-08-10"))  # covered by the second allocation now
    assert fiscal(funds_of(zhucun)) == ("30000.00", "30000.00", "0.00")


def test_spending_the_same_money_twice_in_one_batch_is_refused_whole(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(amount=1000))
    r = refused(zhucun, expenditure(amount=600), expenditure("ZC-002", amount=600))
    assert (r.line_no, r.error.code) == (2, "funds_overspent")


# -- the measure an entry is for ------------------------------------------------------------


def test_spending_on_a_measure_of_another_village_is_refused(zhucun):
    a_measure(zhucun)
    b_measure(zhucun)
    apply(zhucun, allocation(village=VILLAGE_B, plan=plid(2)))
    r = refused(zhucun, expenditure(village=VILLAGE_B, measure=msid(1)))
    assert (r.error.code, r.error.field) == ("measure_of_other_village", "measure")
    r = refused(zhucun, allocation("JZ-009", measure=msid(2), plan=None))
    assert (r.error.code, r.error.field) == ("measure_of_other_village", "measure")


def test_funds_for_a_plan_of_another_village_are_refused(zhucun):
    a_measure(zhucun)
    b_measure(zhucun)
    r = refused(zhucun, allocation(plan=plid(2)))
    assert (r.error.code, r.error.field) == ("plan_of_other_village", "plan")


def test_an_allocation_for_a_measure_of_another_plan_is_refused(zhucun):
    a_measure(zhucun)
    apply(zhucun, plan(3, kind="three_year"), approve(3))
    r = refused(zhucun, allocation(plan=plid(3), measure=msid(1)))
    assert (r.error.code, r.error.field) == ("measure_of_other_plan", "measure")


def test_spending_on_a_dropped_measure_is_refused_from_the_day_it_was_dropped(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(), status(1, "dropped", on="2014-09-01", because="改年实施"))
    for line in (
        expenditure(on="2014-09-01"),
        allocation("JZ-002", measure=msid(1), on="2014-09-02"),
    ):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("measure_dropped", "measure")
    apply(zhucun, expenditure(on="2014-08-31"))  # spent while it was still planned


def test_spending_from_a_source_the_measure_does_not_name_is_refused(zhucun):
    a_measure(zhucun)  # fiscal and urban_rural
    apply(zhucun, allocation(source="party_fee"))
    r = refused(zhucun, expenditure(source="party_fee"))
    assert (r.error.code, r.error.field) == ("source_not_of_measure", "source")
    r = refused(zhucun, allocation("JZ-002", source="party_fee", measure=msid(1)))
    assert (r.error.code, r.error.field) == ("source_not_of_measure", "source")


def test_spending_before_the_measure_was_planned_is_refused(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(on="2014-07-20"))
    r = refused(zhucun, expenditure(on="2014-07-31"))
    assert (r.error.code, r.error.field) == ("dated_before_measure", "occurred_on")


def test_funds_dated_before_the_plan_was_approved_are_refused(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1))
    r = refused(zhucun, allocation(on="2014-07-20"))  # not approved at all
    assert (r.error.code, r.error.field) == ("funds_before_plan", "occurred_on")
    apply(zhucun, approve(1))
    r = refused(zhucun, allocation(on="2014-07-14"))  # the day before the approval
    assert (r.error.code, r.error.field) == ("funds_before_plan", "occurred_on")
    apply(zhucun, allocation(on="2014-07-15"))


def test_an_allocation_names_its_plan_or_its_measure(zhucun):
    a_measure(zhucun)
    r = refused(zhucun, allocation(plan=None))
    assert (r.error.code, r.error.field) == ("allocation_without_plan", "plan")


def test_unknown_plans_and_measures_are_refused(zhucun):
    a_measure(zhucun)
    r = refused(zhucun, allocation(plan=plid(9)))
    assert (r.error.code, r.error.field) == ("plan_not_found", "plan")
    for line in (allocation(measure=msid(9)), expenditure(measure=msid(9))):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("measure_not_found", "measure")


# -- amounts, days and places -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (0, "amount_not_positive"),
        ("0.00", "amount_not_positive"),
        (-5, "invalid_input"),
        ("-0.01", "invalid_input"),
        ("1.001", "invalid_input"),
        ("十元", "invalid_input"),
    ],
)
def test_an_amount_not_above_zero_or_not_in_fen_is_refused(zhucun, amount, code):
    a_measure(zhucun)
    apply(zhucun, allocation())
    for line in (allocation("JZ-002", amount=amount), expenditure(amount=amount)):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == (code, "amount")


def test_funds_dated_in_the_future_are_refused(zhucun):
    a_measure(zhucun)
    r = refused(zhucun, allocation(on="2017-01-01"))
    assert (r.error.code, r.error.field) == ("future_date", "occurred_on")


def test_funds_of_a_unit_that_is_not_a_village_are_refused(zhucun):
    a_measure(zhucun)
    r = refused(zhucun, allocation(village=TOWNSHIP))
    assert r.error.code == "not_a_village"
    r = refused(zhucun, allocation(village="210521100299"))
    assert (r.error.code, r.error.field) == ("unit_not_found", "village")


def test_an_unknown_source_is_refused_by_its_label(zhucun):
    a_measure(zhucun)
    r = refused(zhucun, allocation(source="loan"))
    assert (r.error.code, r.error.field) == ("invalid_input", "source")
    assert "资金来源" in r.error.zh and "source of funds" in r.error.en


# -- voucher numbers --------------------------------------------------------------------------


FULL_WIDTH = {0x21 + i: 0xFF01 + i for i in range(0x5E)}
DISGUISES = {
    "as kept": lambda v: v,
    "padded": lambda v: f" {v}\t",
    "ideographic space": lambda v: f"\u3000{v}\n",
    "lower case": str.lower,
    "mixed case": str.title,
    "full-width": lambda v: v.translate(FULL_WIDTH),
}


@pytest.mark.parametrize("how", list(DISGUISES))
def test_a_voucher_used_once_in_a_village_and_source_is_refused_in_any_disguise(zhucun, how):
    disguise = DISGUISES[how]
    a_measure(zhucun)
    apply(zhucun, allocation(), expenditure())
    # Allocations and expenditures share the numbers of their village and source.
    for line in (
        allocation(disguise("JZ-001"), amount=1),
        expenditure(disguise("JZ-001"), amount=1),
        allocation(disguise("ZC-001"), amount=1),
    ):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("duplicate_voucher", "voucher")


def test_a_voucher_is_kept_as_normalised_and_may_recur_in_another_source_or_village(zhucun):
    a_measure(zhucun)
    b_measure(zhucun)
    apply(
        zhucun,
        allocation("ｊｚ－００１　 a"),
        allocation("JZ-001 A", source="urban_rural"),
        allocation("JZ-001 A", village=VILLAGE_B, plan=plid(2)),
    )
    assert [e["voucher"] for e in funds_of(zhucun)["entries"]] == ["JZ-001 A", "JZ-001 A"]
    r = refused(zhucun, reversal("jz-001  a", because="测试"), reversal("JZ-001 A"))
    assert (r.line_no, r.error.code) == (2, "fund_entry_already_reversed")  # the same entry


def test_a_retried_line_with_its_key_is_applied_once(zhucun):
    a_measure(zhucun)
    line = allocation(key="bank-slip-0001")
    assert apply(zhucun, line).applied == 1
    again = apply(zhucun, line)
    assert (again.applied, again.skipped) == (0, 1)
    assert fiscal(funds_of(zhucun))[0] == "100000.00"
    r = refused(zhucun, allocation(amount=5))  # the same voucher, another entry
    assert r.error.code == "duplicate_voucher"


def test_a_voucher_too_long_once_normalised_is_refused(zhucun):
    a_measure(zhucun)
    r = refused(zhucun, allocation("ß" * 33))  # 33 characters, 66 in upper case
    assert (r.error.code, r.error.field) == ("invalid_input", "voucher")


# -- reversals --------------------------------------------------------------------------------


def test_reversing_an_unknown_voucher_is_refused(zhucun):
    a_measure(zhucun)
    r = refused(zhucun, reversal("JZ-404"))  # no account of that source yet
    assert (r.error.code, r.error.field) == ("voucher_not_found", "voucher")
    apply(zhucun, allocation())
    r = refused(zhucun, reversal("JZ-001", source="urban_rural"))  # another source's
    assert (r.error.code, r.error.field) == ("voucher_not_found", "voucher")


def test_an_entry_is_reversed_once(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation(), reversal("JZ-001"))
    r = refused(zhucun, reversal("JZ-001", on="2014-10-01"))
    assert (r.error.code, r.error.field) == ("fund_entry_already_reversed", "voucher")


def test_a_reversal_dated_before_its_entry_is_refused(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation())
    r = refused(zhucun, reversal("JZ-001", on="2014-07-31"))
    assert (r.error.code, r.error.field) == ("reversal_before_entry", "occurred_on")


def test_a_reversal_needs_its_reason(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation())
    r = refused(zhucun, reversal("JZ-001", because=" "))
    assert (r.error.code, r.error.field) == ("invalid_input", "because")


# -- the read model --------------------------------------------------------------------------


def test_funds_rebuilt_from_the_log_equal_what_the_increments_built(zhucun):
    a_measure(zhucun)
    apply(zhucun, allocation())
    funds_of(zhucun)
    apply(zhucun, expenditure(), reversal("ZC-001"))
    before = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == before


def test_the_accounts_totals_answer_only_when_they_equal_the_summed_entries(zhucun, clock):
    from projections.ledger import funds as queries

    a_measure(zhucun)
    b_measure(zhucun)
    apply(
        zhucun, allocation(), expenditure(), allocation("JZ-001", village=VILLAGE_B, plan=plid(2))
    )
    clock.advance(timedelta(days=1))
    apply(
        zhucun,
        allocation("JZ-002", on="2014-08-02", amount=5000, source="urban_rural"),
        reversal("ZC-001", on="2014-10-01"),
        expenditure("ZC-009", village=VILLAGE_B, measure=msid(2), amount=99.99, on="2014-09-09"),
    )
    days = [
        date(2014, 8, 1),
        date(2014, 8, 15),
        date(2014, 9, 30),
        date(2014, 10, 1),
        date(2017, 1, 1),
    ]
    with zhucun.projections.reading() as conn:
        head = zhucun.store.max_position()
        for villages in ([VILLAGE_A], [VILLAGE_A, VILLAGE_B], queries.villages_under("/210500/")):
            for day in days:
                for upto in (None, head, head - 2, head - 4):
                    shortcut = queries._from_totals(conn, villages, day, upto, None)
                    if (day, upto) in ((days[1], None), (days[-1], head - 4)):
                        assert shortcut is None  # an entry after the day or the position
                    where = [
                        queries._where(t, villages, day, upto, None, None) for t in queries.ENTRIES
                    ]
                    m = queries._movements(*where)
                    summed = {
                        s: (int(a), int(e))
                        for s, a, e in conn.execute(
                            select(
                                m.c.source, func.sum(m.c.allocated), func.sum(m.c.spent)
                            ).group_by(m.c.source)
                        )
                    }
                    if shortcut is not None:
                        assert shortcut == summed, (villages, day, upto)
                    elif (day, upto) == (days[-1], None):
                        pytest.fail("now, the totals answer")
