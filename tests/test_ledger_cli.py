"""``zhucun ledger`` and ``zhucun funds``: a village's ledger and the roll-up above it, as text
and as JSON."""

from __future__ import annotations

from tests.builders import COUNTY, VILLAGE_A, answer, apply
from tests.ledger_builders import (
    approve,
    form,
    funded_village,
    interview,
    letter,
    measure,
    msid,
    opinion,
    plan,
    planned,
    problem,
    status,
    symposium,
    tables,
)
from tests.team_builders import team_network


def survey(zhucun) -> None:
    team_network(zhucun)
    apply(zhucun, form(), tables(), symposium(), interview(), opinion(1), problem(1))


def test_the_ledger_of_a_village_as_json(zhucun, run):
    survey(zhucun)
    r = run("ledger", "--unit", VILLAGE_A, "--json")
    assert r.exit_code == 0, r.output
    data = answer(r.output)
    assert (data["unit"], data["level"]) == (VILLAGE_A, "village")
    s = data["survey"]
    assert s["form"]["collective_assets_yuan"] == "350000.50"
    assert (s["tables_and_questionnaires"], s["symposiums"], s["interviews"]) == (60, 1, 1)
    assert (s["opinions"], s["problems"]) == (1, 1)


def test_the_ledger_of_a_county_is_the_roll_up_in_the_shape_of_the_city_figures(zhucun, run):
    survey(zhucun)
    r = run("ledger", "--unit", COUNTY, "--as-of", "2014-12-31", "--json")
    assert r.exit_code == 0, r.output
    s = answer(r.output)["survey"]
    for key in (
        "villages_surveyed",
        "tables_and_questionnaires",
        "symposiums",
        "households_visited",
        "interviews",
        "opinions",
        "problems",
        "problems_by_root_cause",
    ):
        assert key in s, key
    assert s["villages_surveyed"] == 1 and s["problems_by_root_cause"]["poor_infrastructure"] == 1


def test_the_ledger_as_text_in_chinese_and_english(zhucun, run):
    survey(zhucun)
    r = run("ledger", "--unit", VILLAGE_A)
    assert r.exit_code == 0, r.output
    assert "工作台账 village work ledger" in r.output and "甲村" in r.output
    assert "350000.50 元" in r.output or "350000.50" in r.output
    assert "基础设施薄弱 poor_infrastructure" in r.output
    r = run("ledger", "--unit", COUNTY, "--as-known-at", "2016-12-30")
    assert r.exit_code == 0, r.output
    assert "已排查 surveyed" in r.output


def test_the_ledger_of_an_unknown_unit_is_refused(zhucun, run):
    team_network(zhucun)
    r = run("ledger", "--unit", "999999")
    assert r.exit_code == 1 and "999999" in r.output


def test_the_ledger_shows_a_villages_plans_and_counts_them_above(zhucun, run):
    team_network(zhucun)
    apply(zhucun, plan(1), plan(2, kind="three_year", title="三年帮扶目标"), approve(1))
    r = run("ledger", "--unit", VILLAGE_A)
    assert r.exit_code == 0, r.output
    assert "帮扶规划 plans" in r.output and "三年帮扶目标 three_year" in r.output
    assert "已批准 approved 2014-07-15 by 王镇长" in r.output and "未批准 not approved" in r.output
    assert "B1  [发展环境和生产生活条件] 修通村路 4 公里" in r.output
    r = run("ledger", "--unit", COUNTY, "--json")
    plans = answer(r.output)["plans"]
    assert (plans["plans"], plans["plans_approved"]) == (2, 1)
    r = run("ledger", "--unit", COUNTY)
    assert "规划 plans              2, 已批准 approved 1" in r.output


def test_the_ledger_marks_overdue_measures_and_counts_them_above(zhucun, run):
    team_network(zhucun)
    apply(
        zhucun,
        *planned(),
        measure(2, item="C1", title="建食用菌大棚"),
        status(2, "dropped", because="选址未定"),
    )
    r = run("ledger", "--unit", VILLAGE_A, "--as-of", "2014-11-01")
    assert r.exit_code == 0, r.output
    assert "帮扶措施 measures" in r.output
    assert "硬化村路一期 2 公里  计划 planned  逾期 OVERDUE" in r.output
    assert "建食用菌大棚  已放弃 dropped（选址未定）" in r.output
    assert "预算 budget 400000.00 元 yuan (fiscal, urban_rural)" in r.output
    r = run("ledger", "--unit", COUNTY, "--as-of", "2014-11-01")
    assert "措施 measures           2 (计划 planned 1" in r.output and "逾期 overdue 1" in r.output


def test_the_ledger_shows_a_villages_letters_and_counts_them_above(zhucun, run):
    team_network(zhucun)
    apply(zhucun, plan(1), letter(1))
    r = run("ledger", "--unit", VILLAGE_A, "--as-of", "2015-01-01")
    assert r.exit_code == 0, r.output
    assert "工作目标责任书 responsibility letters" in r.output
    assert "派出单位 unit CITY-AGRI (农委主任)" in r.output and "有效 in force" in r.output
    assert "目标 target B1: 两年内硬化村路 4 公里" in r.output
    r = run("ledger", "--unit", COUNTY, "--as-of", "2015-01-01")
    assert "责任书 letters          1, 有效 in force 1" in r.output


def test_the_funds_of_a_village_as_json_give_fen_and_yuan(zhucun, run):
    funded_village(zhucun)
    r = run("funds", "--unit", VILLAGE_A, "--json")
    assert r.exit_code == 0, r.output
    data = answer(r.output)
    f = data["by_source"]["fiscal"]
    assert (f["allocated_fen"], f["spent_fen"], f["balance_fen"]) == (
        10_000_000,
        3_000_000,
        7_000_000,
    )
    assert (f["allocated_yuan"], f["spent_yuan"], f["balance_yuan"]) == (
        "100000.00",
        "30000.00",
        "70000.00",
    )
    assert [e["voucher"] for e in data["entries"]] == ["JZ-001", "JZ-002", "ZC-001", "ZC-002"]
    assert data["entries"][3]["reversed"] == {"on": "2014-08-21", "because": "重复记账"}


def test_the_funds_as_text_in_yuan_with_two_decimals(zhucun, run):
    funded_village(zhucun)
    r = run("funds", "--unit", VILLAGE_A, "--as-of", "2014-08-20")
    assert r.exit_code == 0, r.output
    assert "四位一体资金 four-source funding: 甲村" in r.output
    row = next(line for line in r.output.splitlines() if "财政投入 fiscal" in line)
    assert row.split()[-3:] == ["100000.00", "30100.00", "69900.00"]
    assert "凭证 voucher ZC-001  30000.00 元 yuan  本溪路桥公司: 村路路基工程款" in r.output
    r = run("funds", "--unit", VILLAGE_A)
    assert "已冲销 REVERSED 2014-08-21（重复记账）" in r.output


def test_the_funds_of_a_county_filtered_by_source_and_measure(zhucun, run):
    funded_village(zhucun)
    r = run("funds", "--unit", COUNTY, "--source", "URBAN_RURAL", "--json")
    assert r.exit_code == 0, r.output
    data = answer(r.output)
    assert (
        list(data["by_source"]) == ["urban_rural"] and data["total"]["allocated_yuan"] == "2500.50"
    )
    r = run("funds", "--unit", COUNTY, "--measure", msid(1), "--as-known-at", "2016-12-31")
    assert r.exit_code == 0, r.output
    assert "村 villages 2, 有拨款 funded 1" in r.output
    total = next(line for line in r.output.splitlines() if "合计 total" in line)
    assert total.split()[-3:] == ["2500.50", "30000.00", "-27499.50"]


def test_an_unknown_source_or_unit_is_refused_with_exit_code_1(zhucun, run):
    funded_village(zhucun)
    r = run("funds", "--unit", VILLAGE_A, "--source", "loan")
    assert r.exit_code == 1 and "invalid_input [source]" in r.output
    r = run("funds", "--unit", "999999")
    assert r.exit_code == 1 and "999999" in r.output


def test_the_ledger_shows_a_villages_funds_and_adds_them_up_above(zhucun, run):
    funded_village(zhucun)
    r = run("ledger", "--unit", VILLAGE_A)
    assert r.exit_code == 0, r.output
    assert "四位一体资金 four-source funding" in r.output
    row = next(line for line in r.output.splitlines() if "城乡统筹 urban_rural" in line)
    assert row.split()[-3:] == ["2500.50", "0.00", "2500.50"]
    data = answer(run("ledger", "--unit", COUNTY, "--json").output)
    assert data["funds"]["total"]["balance_yuan"] == "72500.50"
