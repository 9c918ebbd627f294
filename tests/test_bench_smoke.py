"""Keeps the benchmark harness from rotting: a village or two, generated and ingested.

The benchmarks themselves are never run by the tests; see docs/benchmarks.md.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from app.store.config import parse_database_url
from app.store.event_store import EventStore
from bench import ingest, scale
from bench.loader import WRITERS, Loader


def _log(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT rowid, * FROM stored_events ORDER BY rowid").fetchall()


def _load(tmp_path: Path, name: str, writer: str, path: str) -> list[tuple[object, ...]]:
    db = tmp_path / f"{name}.db"
    store = EventStore(parse_database_url(f"sqlite:///{db}"))
    # A batch per unit or village: later batches find earlier ones' units in the store.
    loader = Loader(store, WRITERS[writer], batch_events=5, path=path)
    try:
        result = loader.load(scale.province(1))
        assert result.batches > 1 and store.max_position() == result.events
    finally:
        loader.close()
        store.close()
    return _log(db)


def test_the_generator_makes_the_same_province_every_time() -> None:
    first, second = list(scale.province(2)), list(scale.province(2))
    assert first == second
    villages = [p for p in first if isinstance(p, scale.VillagePlan)]
    assert [v.unit.code for v in villages] == ["210101001001", "210101001002"]


def test_every_path_and_writer_make_the_same_log(tmp_path: Path) -> None:
    # The direct path stands in for the use cases, and the "commands" path sends the
    # generator's JSON-lines commands through the command layer: a drift shows here.
    ours = _load(tmp_path, "bulk", "write_bulk", "aggregates")
    assert ours == _load(tmp_path, "network", "write_bulk", "network")
    assert ours == _load(tmp_path, "commands", "write_bulk", "commands")
    # write_bulk stores the bytes save() stores.
    assert ours == _load(tmp_path, "save", "save_batched", "aggregates")


def test_ingest_prints_ours_beside_the_baseline(capsys: object) -> None:
    assert ingest.main(["--villages", "1", "--sample", "1", "--repeat", "1", "--quiet"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "events/s" in out and "write_bulk / save_batched" in out and "peak RSS" in out


def test_audit_export_prints_the_export_beside_the_raw_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import audit_export
    from tests.builders import small_network_at

    db = small_network_at(f"sqlite:///{tmp_path}/small.db")
    args = ["--db", db, "--recorded-from", "2000-01-01", "--recorded-to", "2100-01-01"]
    assert audit_export.main([*args, "--no-cli"]) == 0
    out = capsys.readouterr().out
    assert "raw read of the whole log (baseline)" in out and "export to .xlsx" in out


def test_audit_filter_prints_each_filters_page_beside_the_raw_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import audit_filter

    args = ["--villages", "2", "--db", f"sqlite:///{tmp_path}/province.db", "--runs", "2"]
    assert audit_filter.main([*args, "--scan"]) == 0
    out = capsys.readouterr().out
    assert "raw scan of the log (baseline)" in out and "load average" in out
    for name in ("person (a party member's id)", "unit (the root)", "no match (type)"):
        line = next(x for x in out.splitlines() if name in x)
        assert "p50" in line and "p95" in line and "whole-log read" in line


def test_checkin_prints_ours_beside_the_baseline(capsys: object) -> None:
    from bench import checkin

    argv = ["--cadres", "3", "--rounds", "1", "--per-round", "6", "--age-months", "1"]
    assert checkin.main([*argv, "--grown", "5", "--history-runs", "1"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "ours, zhucun apply path" in out and "baseline get + save" in out and "ratio" in out


def test_residency_prints_the_month_report_latency(capsys: object) -> None:
    from bench import residency

    assert residency.main(["--cadres", "3", "--months", "1", "--runs", "3"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "p50" in out and "p95" in out and "residency --unit 210500" in out


def test_decode_prints_ours_beside_the_library_loop(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import decode

    decode.main(["--villages", "1", "--repeat", "1"])
    out = capsys.readouterr().out
    assert "baseline (library select + mapper)" in out and "ratio ours / baseline" in out


def kept_coverage_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A small SQLite store the coverage benchmark keeps (``--db``), what it printed read
    away: the store's URL."""
    from bench import coverage

    db = f"sqlite:///{tmp_path / 'kept.db'}"
    args = ["--villages", "1", "--repeat", "1", "--runs", "3", "--no-per-model", "--db", db]
    assert coverage.main(args) == 0
    capsys.readouterr()
    return db


def test_rebuild_on_a_kept_store_prints_the_baseline_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import rebuild

    db = kept_coverage_store(tmp_path, capsys)
    assert (tmp_path / "kept.db").exists()  # a SQLite store named in --db is kept
    assert rebuild.main(["--db", db, "--model", "coverage", "--pragma", "cache_size=-4096"]) == 0
    out = capsys.readouterr().out
    assert "coverage; pragmas: cache_size=-4096" in out
    assert "baseline (library read+decode, no writes)" in out and "ratio" in out


def test_switch_parts_prints_the_copy_indexes_and_drops_and_leaves_no_scratch_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import switch_parts

    db = kept_coverage_store(tmp_path, capsys)
    with sqlite3.connect(tmp_path / "kept.db") as conn:
        before = conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
    assert switch_parts.main(["--db", db]) == 0
    out = capsys.readouterr().out
    assert re.search(r"copy [\d.]+ s, indexes [\d.]+ s, drop [\d.]+ s", out)
    assert "load average" in out
    with sqlite3.connect(tmp_path / "kept.db") as conn:
        assert conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall() == before


def test_beside_prints_a_query_s_waits_during_a_rebuild_in_place_and_beside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import beside

    db = kept_coverage_store(tmp_path, capsys)
    assert beside.main(["--db", db, "--unit", scale.PROVINCE_CODE]) == 0
    out = capsys.readouterr().out
    assert "load average" in out and "in place (before)" in out
    now = next(line for line in out.splitlines() if "beside (now)" in line)
    assert "answers, 0 not as before, 0 errors" in now


def test_gate_prints_each_question_with_and_without_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import gate

    db = kept_coverage_store(tmp_path, capsys)
    args = ["--db", db, "--unit", scale.PROVINCE_CODE, "--runs", "3", "--rounds", "2"]
    assert gate.main(args) == 0
    out = capsys.readouterr().out
    assert "6 of each question through each store" in out
    assert out.count("with the gate") == 2 and out.count("without (baseline)") == 2
    assert out.count("ratio (with / without, p50)") == 2


def test_beside_alone_with_two_workers_skips_the_rebuild_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import beside

    db = kept_coverage_store(tmp_path, capsys)
    assert (
        beside.main(
            ["--db", db, "--unit", scale.PROVINCE_CODE, "--way", "beside", "--workers", "2"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "in place (before)" not in out
    now = next(line for line in out.splitlines() if "beside (now), 2 workers" in line)
    assert "answers, 0 not as before, 0 errors" in now


def test_coverage_prints_where_a_rebuild_goes(capsys: pytest.CaptureFixture[str]) -> None:
    """Each read model alone, the sweep alone, the coverage rows' writing alone and our read
    of the log alone, in one run."""
    from bench import coverage

    assert coverage.main(["--villages", "1", "--repeat", "1", "--runs", "3"]) == 0
    out = capsys.readouterr().out
    assert "coverage                   alone" in out
    assert "coverage sweep alone, in memory, no SQL" in out
    assert "our read+decode alone, no read model" in out
    assert "coverage rows written alone, values made" in out


def test_load_prints_the_pages_and_writes_beside_the_static_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.accounts import Accounts
    from app.bootstrap import bootstrap
    from bench import load
    from tests.builders import CITY, small_network

    url = f"sqlite:///{tmp_path}/load.db"
    z = bootstrap(url)
    small_network(z)
    password = "bench-Load-smoke-7f3a2c9e"
    Accounts(z).add("bench_admin", "city_admin", CITY, password)
    z.close()
    args = ["--db", url, "--clients", "3", "--seconds", "2", "--username", "bench_admin"]
    assert load.main([*args, "--password", password]) == 0
    out = capsys.readouterr().out
    assert "baseline: static file" in out and "writes (register household)" in out
    assert "missing from the log 0, twice 0, in the log unacknowledged 0" in out
    assert "load average" in out
    assert re.search(r"^all\s+\d+\s+0\s", out, re.MULTILINE), out  # no request failed


def test_ledger_province_prints_the_roll_up_beside_the_one_counted_from_the_facts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A province of a dozen villages: the bench checks the stored roll-up equal to the one
    counted from the facts, and prints both."""
    from bench import ledger

    assert ledger.main(["province", "--villages", "12", "--runs", "2"]) == 0
    out = capsys.readouterr().out
    assert '"ledger_province"' in out and '"baseline_from_facts_province"' in out
    assert '"province_surveyed": 12' in out


def test_rectifications_prints_its_queries_beside_the_gap_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import rectifications
    from tests.builders import small_network_at

    url = small_network_at(f"sqlite:///{tmp_path}/small.db")
    assert rectifications.main(["--db", url, "--assign", "2", "--runs", "2"]) == 0
    out = capsys.readouterr().out
    assert "2 assigned under 210521" in out and "1 credited with the household's departure" in out
    assert "baseline_gap_list" in out and "load average before" in out


def test_the_schemas_bench_reads_every_argument_of_its_batch_with_each_reader() -> None:
    """bench/apply_schemas.py: the hand reader (from git), msgspec and pydantic each read as
    many arguments from the same lines, none refused."""
    from bench import apply_schemas as b

    lines = b.batch(40)
    hand = b.hand_reader(b.BASELINE)
    assert b.read_hand(lines, hand) == b.read_ours(lines)
    assert b.read_pydantic(lines, b.pydantic_models()) == b.read_ours(lines)


def test_the_import_bench_s_workbook_reads_and_imports(tmp_path: Path) -> None:
    from datetime import date

    from app.bootstrap import bootstrap
    from app.imports.run import Envelope, import_file
    from bench import import_households as bench

    content = bench.workbook(40)
    assert bench.read_openpyxl(content) == bench.read_calamine(content) == 41
    z = bootstrap(f"sqlite:///{tmp_path}/import.db")
    try:
        bench.units(z)
        envelope = Envelope("bench", "operator", date(2014, 6, 1), "bench")
        assert import_file(z, "households", "h.xlsx", content, envelope).applied == 40
    finally:
        z.close()


def test_first_answer_prints_the_bounded_answer_beside_the_catch_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import first_answer

    args = ["--villages", "2", "--wait", "0", "--db", f"sqlite:///{tmp_path}/load.db"]
    assert first_answer.main(args) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["events"] == figures["raw_rows"] > 0
    assert figures["answer_after_catch_up_behind"] == 0 and "load_average_before" in figures
