"""Corrections name the entry they correct; every audit output marks both."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from app.audit.log import AuditFilter, audit_rows
from app.bootstrap import Zhucun, bootstrap
from app.cli.main import cli
from domain.errors import CorrectedEntryNotFoundError
from tests.builders import answer, apply, cmd, hid, small_network
from tests.team_builders import refused


def _linked_by_mistake(z: Zhucun) -> int:
    net = small_network(z)
    apply(
        z,
        cmd(
            "link_household",
            on="2014-06-10",
            household=hid(2),
            central_household=net.central_household,
        ),
    )
    (wrong,) = [
        r
        for r in audit_rows(z.store, z.engine, AuditFilter(event="Household.Linked"))
        if r["subject"] == hid(2)
    ]
    apply(
        z,
        cmd(
            "record_correction",
            on="2014-06-20",
            position=wrong["position"],
            note="李二户不应联系该中心户",
            reason="核实后更正",
        ),
        cmd("unlink_household", on="2014-06-20", household=hid(2)),
    )
    return int(wrong["position"])


def test_a_correction_and_the_entry_it_corrects_are_both_marked(zhucun: Zhucun) -> None:
    wrong = _linked_by_mistake(zhucun)
    found = list(audit_rows(zhucun.store, zhucun.engine, AuditFilter(subject=hid(2))))
    corrected = next(r for r in found if r["position"] == wrong)
    correction = next(r for r in found if r["correction"])
    assert corrected["corrected_by"] == [correction["position"]] and not corrected["correction"]
    assert correction["corrects"] == wrong and correction["subject"] == hid(2)
    assert correction["details"]["corrected_event"] == "Household.Linked"
    assert correction["what_en"] == "an earlier entry corrected"
    others = [r for r in found if r["position"] not in (wrong, correction["position"])]
    assert all(not r["corrected_by"] and not r["correction"] for r in others)


def test_a_correction_of_a_position_not_in_the_log_is_refused(zhucun: Zhucun) -> None:
    small_network(zhucun)
    head = zhucun.store.max_position()
    for position in (head + 1, 0):
        err = refused(zhucun, cmd("record_correction", position=position, note="x")).error
        assert isinstance(err, CorrectedEntryNotFoundError) and err.field == "position"


def test_every_output_marks_corrections(db_url: str, tmp_path: Path) -> None:
    z = bootstrap(db_url)
    try:
        wrong = _linked_by_mistake(z)
    finally:
        z.close()
    runner = CliRunner()
    base = ["--db", db_url, "audit", "log", "--subject", hid(2)]
    text = runner.invoke(cli, base).stdout
    assert "[更正 corrects #" in text and "[已被更正 corrected by #" in text
    rows = answer(runner.invoke(cli, [*base, "--json"]).stdout)
    assert any(r["corrects"] == wrong for r in rows)
    table = list(csv.DictReader(io.StringIO(runner.invoke(cli, [*base, "--csv"]).stdout)))
    assert any(r["corrects"] == str(wrong) and r["correction"] == "True" for r in table)
    assert any(r["position"] == str(wrong) and r["corrected_by"] for r in table)
    out = tmp_path / "c.xlsx"
    assert runner.invoke(cli, [*base, "--xlsx", str(out)]).exit_code == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    header = [c.value for c in sheet[1]]
    body = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]
    assert any(r["更正的位置 corrects"] == wrong for r in body)
    assert any(r["日志位置 position"] == wrong and r["被更正 corrected by"] for r in body)
