"""Audit verify benchmark: ``python -m bench.verify --villages N [--db URL]``.

Loads N planned villages (bench/scale.py) through the bulk path, builds the audit chain
(the read models catch up), then, in the same run:

* the baseline: a raw scan of the same events table, every column fetched, nothing else
  (on SQLite straight through ``sqlite3``; on PostgreSQL through the store's raw reader);
* the store's raw reader alone (the pages ``verify`` reads), no hashing;
* ``verify``: re-read the whole log, recompute the chain, compare it with the stored chain.

Province scale is ``--villages 10000``. Figures are medians of repeated runs.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import time
from typing import Any

from app.audit.chain import verify
from app.audit.segments import default_segments
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from bench import harness
from bench.loader import RECORDED_AT, peak_rss_mib
from bench.stores import FreshStores


def raw_scan(z: Zhucun) -> tuple[int, float]:
    """Every row of the events table, every column, in log order; nothing done with them."""
    start = time.perf_counter()
    count = 0
    if z.config.sqlite_path is not None:
        with sqlite3.connect(z.config.sqlite_path) as conn:
            for _ in conn.execute(
                "SELECT rowid, originator_id, originator_version, topic, state "
                "FROM stored_events ORDER BY rowid"
            ):
                count += 1
        return count, time.perf_counter() - start
    return harness.raw_read(z)


def timed_verify(z: Zhucun, segments: int | None = None) -> tuple[int, float]:
    start = time.perf_counter()
    verdict = verify(z.store, z.engine, segments=segments)
    took = time.perf_counter() - start
    if not verdict.ok:
        raise SystemExit(f"verify failed on a fresh log: {verdict.problem}")
    return verdict.events, took


def run(args: argparse.Namespace) -> dict[str, Any]:
    stores = FreshStores(args.db)
    store = stores.open(f"verify-{args.villages}")
    try:
        harness.load_province(store, args.villages, args.seed)
        z = Zhucun(store.config, SettableClock(RECORDED_AT))
        try:
            events = z.store.max_position()
            t = time.perf_counter()
            if args.chain_only:
                # Only the audit chain: verify needs nothing else, and at province scale the
                # other read models would take the better part of an hour to catch up.
                z.projections.models = [m for m in z.projections.models if m.name == "audit_chain"]
            z.projections.catch_up()
            catch_up_s = time.perf_counter() - t

            def median(fn: Any) -> float:
                return float(statistics.median(fn(z)[1] for _ in range(args.repeat)))

            load_before = os.getloadavg()[0]
            scan_s, reader_s = median(raw_scan), median(harness.raw_read)
            verify_s = median(lambda z: timed_verify(z, args.segments))
            walk_s = median(lambda z: timed_verify(z, 0)) if args.also_walk else None
            load_after = os.getloadavg()[0]
        finally:
            z.close()
        return {
            "engine": stores.engine,
            "villages": args.villages,
            "events": events,
            "raw_scan_rows_per_s": round(events / scan_s),
            "raw_reader_rows_per_s": round(events / reader_s),
            "verify_events_per_s": round(events / verify_s),
            "verify_s": round(verify_s, 2),
            "ratio_verify_to_raw_scan": round(scan_s / verify_s, 3),
            "segments": (args.segments if args.segments is not None else default_segments(events))
            if stores.engine == "sqlite"
            else 0,
            "walk_in_order_events_per_s": round(events / walk_s) if walk_s else None,
            "ratio_walk_to_raw_scan": round(scan_s / walk_s, 3) if walk_s else None,
            "load_average": [round(load_before, 2), round(load_after, 2)],
            "catch_up_s": round(catch_up_s, 1),
            "caught_up": "audit chain only" if args.chain_only else "every read model",
            "peak_rss_mib": round(peak_rss_mib()),
        }
    finally:
        stores.drop(store)
        stores.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.verify", __doc__)
    parser.add_argument("--villages", type=int, default=200)
    parser.add_argument("--db", default=None, help=harness.NEW_STORE_HELP)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--chain-only",
        action="store_true",
        help="build only the audit chain before timing (province scale)",
    )
    parser.add_argument(
        "--segments",
        type=int,
        default=None,
        help="verify in this many segments side by side (default: one per core for a "
        "large log; 0: walk the log in order only)",
    )
    parser.add_argument(
        "--also-walk",
        action="store_true",
        help="also time verify walking the log in order in one process (--segments 0)",
    )
    return harness.measured(parser, argv, run, report)


def report(r: dict[str, Any], args: argparse.Namespace) -> None:
    """The figures in words."""
    print(f"{r['engine']}: {r['villages']:,} villages, {r['events']:,} events")
    print(
        f"  audit verify        {r['verify_events_per_s']:>10,} events/s  ({r['verify_s']} s, "
        f"{r['segments']} segment(s))\n"
        f"  raw scan (baseline) {r['raw_scan_rows_per_s']:>10,} rows/s    "
        f"ratio verify/raw scan {r['ratio_verify_to_raw_scan']}\n"
        f"  raw reader alone    {r['raw_reader_rows_per_s']:>10,} rows/s\n"
        + (
            f"  verify, in order    {r['walk_in_order_events_per_s']:>10,} events/s  "
            f"ratio to raw scan {r['ratio_walk_to_raw_scan']}\n"
            if r["walk_in_order_events_per_s"]
            else ""
        )
        + f"  load average {r['load_average'][0]} before, {r['load_average'][1]} after\n"
        f"  catch-up ({r['caught_up']}): {r['catch_up_s']} s, "
        f"peak RSS {r['peak_rss_mib']:,} MiB"
    )


if __name__ == "__main__":
    raise SystemExit(main())
