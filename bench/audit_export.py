"""Audit export benchmark: ``python -m bench.audit_export [--db URL | --demo] [filters]``.

Exports the audit log to an Excel workbook the way ``zhucun audit log --xlsx`` does, and
measures, in the same run:

* the baseline: the raw read of the whole events table through the store's raw reader
  (every row, undecoded, nothing done with them);
* decoding the whole log through the library's mapper (what a query reading everything
  would pay);
* the export: query, filter, describe, resolve names, write the workbook;
* the same export through the command line, in a fresh process (what a user waits for).

``--demo`` loads the Benxi demo into a new SQLite file first (a minute or two). The default
filters are the issue's: the city 210500, recorded in 2015.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from app.audit.chain import checkpoint
from app.audit.log import AuditFilter, audit_rows
from app.audit.xlsx import write_xlsx
from app.bootstrap import Zhucun, bootstrap
from bench import harness


def decode_all(z: Zhucun) -> tuple[int, float]:
    start = time.perf_counter()
    count = sum(len(page) for page in z.store.iter_log())
    return count, time.perf_counter() - start


def export(z: Zhucun, f: AuditFilter, out: Path) -> tuple[int, float, float]:
    """Rows written, seconds, and the CPU seconds of this process (its threads included)."""
    start, cpu = time.perf_counter(), time.process_time()
    head = checkpoint(z.engine, z.clock.now())
    count = write_xlsx(out, audit_rows(z.store, z.engine, f), f.given(), head, "bench", "bench")
    return count, time.perf_counter() - start, time.process_time() - cpu


def cli_export(db: str, args: argparse.Namespace, out: Path) -> float:
    command = [
        sys.executable,
        "-m",
        "app.cli",
        "--db",
        db,
        "audit",
        "log",
        "--unit",
        args.unit,
        "--recorded-from",
        args.recorded_from,
        "--recorded-to",
        args.recorded_to,
        "--xlsx",
        str(out),
        "--as",
        "bench",
        "--reason",
        "benchmark",
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if args.demo:
            from app.demo.load import load_demo

            db = f"sqlite:///{tmp}/demo.db"
            z = bootstrap(db)
            try:
                load_demo(z, seed=args.seed)
            finally:
                z.close()
        z = bootstrap(db)
        try:
            z.projections.catch_up()
            f = AuditFilter(
                unit=args.unit,
                recorded_from=date.fromisoformat(args.recorded_from),
                recorded_to=date.fromisoformat(args.recorded_to),
            )
            load_before = os.getloadavg()[0]
            events, raw_s = harness.raw_read(z)
            _, decode_s = decode_all(z)
            rows, export_s, export_cpu_s = export(z, f, Path(tmp) / "in-process.xlsx")
        finally:
            z.close()
        cli_s = cli_export(db, args, Path(tmp) / "cli.xlsx") if not args.no_cli else None
        load_after = os.getloadavg()[0]
    return {
        "engine": "postgresql" if db.startswith("postgres") else "sqlite",
        "events_in_log": events,
        "rows_exported": rows,
        "raw_read_s": round(raw_s, 2),
        "raw_read_rows_per_s": round(events / raw_s) if raw_s else None,
        "decode_all_s": round(decode_s, 2),
        "export_s": round(export_s, 2),
        "export_cpu_s": round(export_cpu_s, 2),
        "ratio_export_to_decode_all": round(export_s / decode_s, 3) if decode_s else None,
        "export_rows_per_s": round(rows / export_s) if export_s else None,
        "cli_export_s": round(cli_s, 2) if cli_s is not None else None,
        "load_average": [round(load_before, 2), round(load_after, 2)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.audit_export", __doc__)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="an existing store, e.g. one the demo was loaded into")
    where.add_argument("--demo", action="store_true", help="load the demo into a new file")
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--unit", default="210500")
    parser.add_argument("--recorded-from", default="2015-01-01")
    parser.add_argument("--recorded-to", default="2015-12-31")
    parser.add_argument("--no-cli", action="store_true", help="skip the fresh-process run")
    return harness.measured(parser, argv, run, report)


def report(r: dict[str, Any], args: argparse.Namespace) -> None:
    """The figures in words."""
    print(
        f"{r['engine']}: {r['events_in_log']:,} events in the log, "
        f"{r['rows_exported']:,} rows exported ({args.unit}, recorded "
        f"{args.recorded_from}..{args.recorded_to})"
    )
    print(
        f"  raw read of the whole log (baseline) {r['raw_read_s']:>6} s  "
        f"({r['raw_read_rows_per_s']:,} rows/s)\n"
        f"  decode the whole log                 {r['decode_all_s']:>6} s\n"
        f"  export to .xlsx, in process          {r['export_s']:>6} s  "
        f"({r['export_rows_per_s']:,} rows/s, CPU {r['export_cpu_s']} s, "
        f"{r['ratio_export_to_decode_all']} of the decode)"
        + (
            f"\n  zhucun audit log --xlsx, new process {r['cli_export_s']:>6} s"
            if r["cli_export_s"] is not None
            else ""
        )
        + f"\n  load average {r['load_average'][0]} before, {r['load_average'][1]} after"
    )


if __name__ == "__main__":
    raise SystemExit(main())
