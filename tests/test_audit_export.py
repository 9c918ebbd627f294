"""Audit exports an auditor can file, and reads that leave a record: who exported what."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from app.audit.access import record_personal_data_view
from app.audit.log import AuditFilter, audit_rows
from app.bootstrap import Zhucun, bootstrap
from app.cli.main import cli
from domain.errors import WrongRoleError
from tests.builders import hid, id_number, small_network, small_network_at


def _run(db_url: str, *args: str, env: dict[str, str] | None = None) -> Any:
    r = CliRunner().invoke(cli, ["--db", db_url, *args], env=env)
    return r


def _exports(db_url: str) -> list[dict[str, Any]]:
    z = bootstrap(db_url)
    try:
        return list(audit_rows(z.store, z.engine, AuditFilter(event="DataAccess.Exported")))
    finally:
        z.close()


def test_the_excel_export_has_a_header_frozen_panes_the_filters_and_the_chain_head(
    db_url: str, tmp_path: Path
) -> None:
    small_network_at(db_url)
    out = tmp_path / "audit.xlsx"
    r = _run(db_url, "audit", "log", "--unit", "210521100201", "--xlsx", str(out), "--as", "wu")
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    log, about = wb.worksheets
    assert log.freeze_panes == "B2" and log.auto_filter.ref
    assert log.column_dimensions["Q"].width == 60
    header = [c.value for c in log[1]]
    assert header[0] == "日志位置 position" and header[-1] == "事由 reason"
    body = list(log.iter_rows(min_row=2, values_only=True))
    assert body and all(isinstance(row[0], int) for row in body)
    assert any(row[15] == "户主 王大" for row in body)
    text = json.dumps([list(map(str, row)) for row in body], ensure_ascii=False)
    assert id_number(1) not in text  # masked
    facts = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row and row[0]}
    assert facts["条数 entries"] == len(body)
    assert len(facts["链头哈希 chain head link"]) == 64 and facts["unit"] == "210521100201"
    assert facts["导出人 exported by"] == "wu (operator)"


@pytest.mark.parametrize("fmt", ["--json", "--csv", "--xlsx"])
def test_every_export_to_a_file_records_who_exported_what(
    db_url: str, tmp_path: Path, fmt: str
) -> None:
    small_network_at(db_url)
    target = tmp_path / f"out.{fmt[2:]}"
    where = [fmt, str(target)] if fmt == "--xlsx" else [fmt, "--out", str(target)]
    env = {"ZHUCUN_ACTOR": "审计员甲", "ZHUCUN_ROLE": "auditor"}
    r = _run(db_url, "audit", "log", "--type", "Household.Registered", *where, env=env)
    assert r.exit_code == 0, r.output
    assert target.exists() and "4 entries written to" in r.stderr
    (export,) = _exports(db_url)
    assert export["actor"] == "审计员甲" and export["role"] == "auditor"
    d = export["details"]
    assert d["rows"] == 4 and d["format"] == fmt[2:] and d["target"] == str(target)
    assert d["filters"]["event"] == "Household.Registered" and d["unmasked"] is False
    if fmt == "--csv":
        assert len(list(csv.DictReader(target.open(encoding="utf-8")))) == 4


def test_printing_to_the_terminal_writes_nothing(db_url: str) -> None:
    small_network_at(db_url)
    assert _run(db_url, "audit", "log", "--json").exit_code == 0
    assert _exports(db_url) == []


def test_identity_numbers_are_shown_in_full_only_on_an_override_by_an_allowed_role_and_recorded(
    db_url: str,
) -> None:
    small_network_at(db_url)
    args = ["audit", "log", "--subject", hid(1), "--json", "--show-identity", "--as", "钱"]
    override = ["--unmask-override", "--reason", "复核 review"]
    z = bootstrap(db_url)
    before = z.store.max_position()
    z.close()
    said_only = _run(db_url, *args, "--role", "auditor")  # a role one says is not enough
    assert said_only.exit_code == 1 and "unmask_not_allowed" in said_only.stderr
    refused = _run(db_url, *args, "--role", "township_officer", *override)
    assert refused.exit_code == 1 and "wrong_role" in refused.stderr
    no_reason = _run(db_url, *args, "--role", "auditor", "--unmask-override")
    assert no_reason.exit_code == 1 and "override_needs_reason" in no_reason.stderr
    z = bootstrap(db_url)
    assert z.store.max_position() == before  # refusals wrote nothing
    z.close()
    shown = _run(db_url, *args, "--role", "auditor", *override)
    assert shown.exit_code == 0, shown.output
    assert id_number(1) in shown.stdout
    z = bootstrap(db_url)
    try:
        (viewed,) = [
            r
            for r in audit_rows(z.store, z.engine, AuditFilter(after=before))
            if r["event"] == "DataAccess.PersonalDataViewed"
        ]
    finally:
        z.close()
    assert viewed["actor"] == "钱" and viewed["details"]["household_id"] == hid(1)
    assert viewed["details"]["unmasked"] is True
    assert viewed["details"]["scope"]["unmask"] == "override"
    assert viewed["details"]["scope"]["os_user"]


def test_a_view_of_a_household_is_recorded_for_the_web_pages(zhucun: Zhucun) -> None:
    from uuid import UUID

    small_network(zhucun)
    record_personal_data_view(zhucun, "web:li", "township_officer", UUID(hid(2)))
    (row,) = audit_rows(
        zhucun.store, zhucun.engine, AuditFilter(event="DataAccess.PersonalDataViewed")
    )
    assert row["actor"] == "web:li" and row["details"]["household_id"] == hid(2)
    assert row["what_en"] == "personal data viewed"
    head = zhucun.store.max_position()
    with pytest.raises(WrongRoleError):
        record_personal_data_view(zhucun, "x", "team_member", UUID(hid(2)), unmasked=True)
    assert zhucun.store.max_position() == head


def test_texts_that_xml_would_choke_on_are_written_safely(tmp_path: Path) -> None:
    from app.audit.chain import Checkpoint
    from app.audit.log import COLUMNS
    from app.audit.xlsx import write_xlsx

    row: dict[str, Any] = {c: "" for c in COLUMNS}
    row.update(
        what_en="w" * 40000,
        position=7,
        recorded_at="2015-01-02T10:00:00+08:00",
        occurred_on="2015-01-01",
        backdated=False,
        correction=False,
        corrects=None,
        corrected_by=[],
        details={"note": "<b>&"},
        actor_name="a\x00b",
        reason=" A & B <c> \x01 ",
    )
    out = tmp_path / "odd.xlsx"
    head = Checkpoint(7, "00" * 32, "2015-01-02T02:00:00+00:00")
    assert write_xlsx(out, [row], {}, head, "me", "now") == 1
    (values,) = openpyxl.load_workbook(out).worksheets[0].iter_rows(2, values_only=True)
    assert values[0] == 7 and values[-1] == " A & B <c> \ufffd "
    assert len(values[13]) == 32767 and values[13].endswith("…")
    assert json.loads(values[16]) == {"note": "<b>&"} and values[8] == "a\ufffdb"


def test_cells_of_a_row_come_in_column_order_as_excel_requires(tmp_path: Path) -> None:
    import re
    import zipfile

    from openpyxl.utils import column_index_from_string

    from app.audit.chain import Checkpoint
    from app.audit.log import COLUMNS
    from app.audit.xlsx import write_xlsx

    row: dict[str, Any] = {c: "x" for c in COLUMNS}
    row.update(
        position=9,
        recorded_at="2015-01-02T10:00:00+08:00",
        occurred_on="2015-01-01",
        backdated=True,
        correction=True,
        corrects=3,
        corrected_by=[12, 15],
        details={"a": 1},
    )
    out = tmp_path / "order.xlsx"
    write_xlsx(out, [row], {}, Checkpoint(9, "00" * 32, "t"), "me", "now")
    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    for found in re.findall(r'<row r="(\d+)"[^>]*>(.*?)</row>', sheet):
        columns = [column_index_from_string(c) for c in re.findall(r'<c r="([A-Z]+)\d+"', found[1])]
        assert columns == sorted(columns) and len(columns) == len(set(columns))
    (values,) = openpyxl.load_workbook(out).worksheets[0].iter_rows(2, values_only=True)
    assert values[5] == 3 and values[6] == "12 15"


def test_more_rows_than_a_sheet_holds_are_refused_and_no_file_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.audit import xlsx as audit_xlsx
    from app.audit.chain import Checkpoint
    from app.audit.log import COLUMNS

    monkeypatch.setattr(audit_xlsx, "MAX_ROWS", 3)
    row: dict[str, Any] = {c: "x" for c in COLUMNS}
    row.update(position=1, corrects=None, corrected_by=[], details={}, backdated=False)
    row.update(correction=False)
    out = tmp_path / "big.xlsx"
    with pytest.raises(audit_xlsx.TooManyRowsError):
        audit_xlsx.write_xlsx(out, [row] * 3, {}, Checkpoint(1, "00" * 32, "t"), "me", "now")
    assert not out.exists()
