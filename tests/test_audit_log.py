"""Audit queries: filtered rows of the whole log, identity numbers masked, back-dating flagged."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from app.audit_log import AuditFilter, audit_rows
from app.bootstrap import Zhucun
from app.cli import cli
from tests.builders import GROUP_B1, VILLAGE_A, VILLAGE_B, apply, cmd, id_number, small_network


def rows(z: Zhucun, **kw: Any) -> list[dict[str, Any]]:
    return list(audit_rows(z.store, z.engine, AuditFilter(**kw)))


def test_every_event_is_a_row_in_log_order_with_who_when_and_why(zhucun: Zhucun) -> None:
    small_network(zhucun)
    found = rows(zhucun)
    assert [r["position"] for r in found] == list(range(1, zhucun.store.max_position() + 1))
    first = found[0]
    assert first["actor"] == "li.clerk" and first["role"] == "township_officer"
    assert first["what_zh"] == "设立单位" and first["what_en"] == "unit opened"
    assert first["reason"] == "test" and first["occurred_on"] == "2014-01-01"


def test_a_unit_filter_keeps_that_unit_and_everything_under_it(zhucun: Zhucun) -> None:
    small_network(zhucun)
    found = rows(zhucun, unit=VILLAGE_B)
    codes = {r["details"].get("code") for r in found if r["event"] == "Unit.Opened"}
    assert codes == {VILLAGE_B, GROUP_B1}
    names = {r["details"].get("head_name") for r in found if r["event"] == "Household.Registered"}
    assert names == {"赵四"}
    assert all(VILLAGE_A not in json.dumps(r["details"]) for r in found)


def test_identity_numbers_are_masked(zhucun: Zhucun) -> None:
    small_network(zhucun)
    text = json.dumps(rows(zhucun, event="Household.Registered"), ensure_ascii=False)
    assert id_number(1) not in text and text.count("Household.Registered") == 4


def test_entries_recorded_long_after_they_occurred_are_flagged_back_dated(zhucun: Zhucun) -> None:
    # The clock says 2016-12-31; recorded the same day or within 7 days is not back-dated.
    apply(
        zhucun,
        cmd("open_unit", on="2016-12-01", code="210500", name="本溪市", level="city"),
        cmd(
            "open_unit", on="2016-12-30", code="210521", name="县", level="county", parent="210500"
        ),
    )
    assert [r["backdated"] for r in rows(zhucun)] == [True, False]
    assert [r["backdated"] for r in rows(zhucun, backdated_days=60)] == [False, False]


def test_actor_type_dates_and_limit_filter(zhucun: Zhucun) -> None:
    small_network(zhucun)
    group = VILLAGE_B + "002"
    apply(
        zhucun,
        cmd(
            "open_unit",
            actor="wang.admin",
            code=group,
            name="二组",
            level="group",
            parent=VILLAGE_B,
        ),
    )
    assert [r["details"]["code"] for r in rows(zhucun, actor="wang.admin")] == [group]
    assert len(rows(zhucun, event="Unit.Opened")) == 9
    june = rows(zhucun, occurred_from=date(2014, 6, 1), occurred_to=date(2014, 6, 1))
    assert june and all(r["occurred_on"] == "2014-06-01" for r in june)
    assert len(rows(zhucun, limit=3)) == 3
    about = rows(zhucun, subject="00000000-0000-0000-0000-000000000004")
    assert {r["event"] for r in about} == {"Household.Registered"}
    assert rows(zhucun, recorded_from=date(2016, 12, 31), recorded_to=date(2016, 12, 31))
    assert not rows(zhucun, recorded_to=date(2016, 12, 30))


@pytest.mark.parametrize("fmt", ["--json", "--csv"])
def test_cli_audit_log_outputs_carry_the_back_dated_flag(db_url: str, fmt: str) -> None:
    runner = CliRunner()
    line = json.dumps(cmd("open_unit", code="210500", name="本溪市", level="city"))
    assert runner.invoke(cli, ["--db", db_url, "apply", "-"], input=line).exit_code == 0
    r = runner.invoke(cli, ["--db", db_url, "audit", "log", fmt, "--unit", "210500"])
    assert r.exit_code == 0, r.output
    if fmt == "--json":
        (row,) = json.loads(r.stdout)
    else:
        (row,) = list(csv.DictReader(io.StringIO(r.stdout)))
    assert row["event"] == "Unit.Opened" and str(row["backdated"]) == "True"
