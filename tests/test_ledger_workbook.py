"""``zhucun ledger --xlsx FILE``: the ledger workbook officials keep — a sheet per part, Chinese
headers kept in view, days and yuan formatted, the same figures as the ledger, the two clocks,
and the export recorded in the audit log."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import openpyxl

from tests.builders import COUNTY, VILLAGE_A, answer, apply, cmd, hid
from tests.ledger_builders import (
    MINUTES,
    evidence,
    goal,
    judge,
    letter,
    opinion,
    planned,
    problem,
    progress,
    status,
    survey,
)
from tests.team_builders import MEMBER, cid, team_network

SHEETS = [
    "登记表",
    "问卷统计表",
    "座谈会",
    "走访",
    "访谈",
    "意见",
    "问题",
    "规划",
    "措施",
    "六有",
    "责任书",
]


def whole_ledger(zhucun) -> None:
    team_network(zhucun)
    visit = cmd(
        "visit_household", on="2014-06-07", role="team_member", cadre=cid(MEMBER), household=hid(1)
    )
    zhucun.attach_file(MINUTES)
    apply(
        zhucun,
        *survey(),
        opinion(1, text='=HYPERLINK("http://x")修路'),
        problem(1),
        visit,
        *planned(),
        status(1, "under_way"),
        progress(1),
        letter(1),
        goal(),
        evidence(),
        judge("under_way"),
    )


def sheet_rows(path, title: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return list(wb[title].iter_rows(values_only=True))


def sheet_dicts(path, title: str) -> list[dict]:
    """The rows of a sheet by their headings."""
    headings, *rows = sheet_rows(path, title)
    return [dict(zip(headings, row, strict=True)) for row in rows]


def test_the_workbook_has_a_sheet_per_part_with_chinese_headers_kept_in_view(zhucun, run, tmp_path):
    whole_ledger(zhucun)
    path = tmp_path / "台账.xlsx"
    r = run("ledger", "--unit", COUNTY, "--xlsx", str(path))
    assert r.exit_code == 0, r.output
    assert "1 village(s)" in r.output
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    for title in SHEETS:
        ws = wb[title]
        assert ws.freeze_panes == "A2", title
        headings = [c.value for c in ws[1]]
        assert headings[:2] == ["村代码", "村"], title
        assert all(h and not h.isascii() for h in headings), (title, headings)
        # one row each in this village's ledger; the plan has a row per item
        rows = 1 + (len(zhucun.ledger(VILLAGE_A)["plans"][0]["items"]) if title == "规划" else 1)
        assert ws.max_row == rows, (title, ws.max_row)


def test_days_are_dates_and_money_is_yuan_in_the_workbook(zhucun, run, tmp_path):
    whole_ledger(zhucun)
    path = tmp_path / "v.xlsx"
    assert run("ledger", "--unit", VILLAGE_A, "--xlsx", str(path)).exit_code == 0
    ws = openpyxl.load_workbook(path)["登记表"]
    headings = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(headings, ws[2], strict=True)}
    assert row["填报日期"].value.date() == date(2014, 6, 10)
    assert row["填报日期"].number_format == 'yyyy"年"m"月"d"日"'
    assert Decimal(str(row["集体资产（元）"].value)) == Decimal("350000.50")
    assert row["集体资产（元）"].number_format == "#,##0.00"


def test_the_workbook_holds_what_the_ledger_says(zhucun, run, tmp_path):
    whole_ledger(zhucun)
    path = tmp_path / "v.xlsx"
    assert run("ledger", "--unit", VILLAGE_A, "--xlsx", str(path)).exit_code == 0
    ledger = zhucun.ledger(VILLAGE_A)
    m = ledger["measures"][0]
    measures = sheet_dicts(path, "措施")[0]
    assert (measures["措施"], measures["状态"], measures["编号"]) == (m["title"], "实施中", m["id"])
    assert measures["最近进展"] == "路基完成"
    assert Decimal(str(measures["预算（元）"])) == Decimal(m["budget_yuan"])
    visits = sheet_dicts(path, "走访")
    assert len(visits) == 1 and visits[0]["户主"] and visits[0]["走访人"]  # by name
    plans = sheet_dicts(path, "规划")[0]
    assert (plans["类型"], plans["审批状态"]) == (ledger["plans"][0]["kind_zh"], "已批准")
    letters = sheet_dicts(path, "责任书")[0]
    assert letters["编号"] == ledger["letters"][0]["id"]
    six = sheet_dicts(path, "六有")[0]
    g = next(g for d in ledger["six_haves"]["duties"] for g in d["goals"] if g["set"])
    assert (six["六有目标"], six["状态"], six["评定人"]) == (g["zh"], "推进中", "王部长")
    assert six["证据（份）"] == 1 and "两委班子调整会议记录" in six["证据"]
    problems = sheet_dicts(path, "问题")[0]
    assert problems["致贫根源"] == ledger["survey"]["problem_list"][0]["root_cause_zh"]


def test_text_that_looks_like_a_formula_stays_text(zhucun, run, tmp_path):
    whole_ledger(zhucun)
    path = tmp_path / "v.xlsx"
    assert run("ledger", "--unit", VILLAGE_A, "--xlsx", str(path)).exit_code == 0
    ws = openpyxl.load_workbook(path)["意见"]
    cell = ws.cell(row=2, column=6)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_the_workbook_follows_the_two_clocks(zhucun, run, tmp_path):
    whole_ledger(zhucun)
    early = tmp_path / "early.xlsx"
    assert (
        run("ledger", "--unit", VILLAGE_A, "--as-of", "2014-06-30", "--xlsx", str(early)).exit_code
        == 0
    )
    assert len(sheet_rows(early, "规划")) == 1  # the plan came in July: headers only
    assert len(sheet_rows(early, "登记表")) == 2
    known = tmp_path / "known.xlsx"
    r = run("ledger", "--unit", VILLAGE_A, "--as-known-at", "2000-01-01", "--xlsx", str(known))
    assert r.exit_code == 0, r.output
    assert "0 village(s)" in r.output
    assert all(len(sheet_rows(known, t)) == 1 for t in SHEETS)


def test_the_export_is_recorded_in_the_audit_log(zhucun, run, tmp_path, monkeypatch):
    whole_ledger(zhucun)
    monkeypatch.setenv("ZHUCUN_ACTOR", "审计员甲")
    monkeypatch.setenv("ZHUCUN_ROLE", "auditor")
    path = tmp_path / "v.xlsx"
    assert run("ledger", "--unit", VILLAGE_A, "--xlsx", str(path)).exit_code == 0
    r = run("audit", "log", "--type", "DataAccess.Exported", "--json")
    assert r.exit_code == 0, r.output
    entries = answer(r.stdout)
    assert len(entries) == 1
    e = entries[0]
    assert e["actor"] == "审计员甲" and "village work ledger" in json.dumps(e, ensure_ascii=False)


def test_json_and_xlsx_together_are_refused_and_nothing_is_written(zhucun, run, tmp_path):
    whole_ledger(zhucun)
    before = zhucun.store.max_position()
    path = tmp_path / "v.xlsx"
    r = run("ledger", "--unit", VILLAGE_A, "--json", "--xlsx", str(path))
    assert r.exit_code != 0 and "exclusive" in r.output
    assert not path.exists() and zhucun.store.max_position() == before


def test_an_unknown_unit_writes_no_workbook(zhucun, run, tmp_path):
    team_network(zhucun)
    path = tmp_path / "x.xlsx"
    r = run("ledger", "--unit", "999999", "--xlsx", str(path))
    assert r.exit_code == 1 and "999999" in r.output
    assert not path.exists()
