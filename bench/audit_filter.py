"""Audit filter benchmark: ``python -m bench.audit_filter [--db URL [--existing] | --demo]``.

Measures, in the same run, what ``zhucun audit log --limit 50`` with a filter costs:

* the baseline: a raw scan of the log, every stored row read and nothing decoded (what any
  answer that reads the log pays at least);
* the first page of 50 entries for each filter, found in the audit index and only its
  events decoded (``app/audit/lookup.py``): p50 and p95 over ``--runs`` runs;
* with ``--scan``, the same page read from the whole log as before the index
  (``app.audit.log.scan_rows``), once per filter.

The filters are taken from the store: a person by id (a party member) and by name (a head
of household), a village, the first and the last county, the first and the last city (a
unit too broad to list its ids, read in log order from where its entries can start) and
the root unit, an event type, and filters matching nothing (a name nobody bears, an event
type that does not exist).

``--demo`` loads the Benxi demo into a new SQLite file (about a minute and a half with
the read models). ``--villages N`` loads a province of N villages (``bench/scale.py``)
into a new store (the SQLite file named by ``--db`` is kept, see bench/stores.py); then
the network, teams and audit-index read models are built (coverage is not needed here).
``--existing --db URL`` measures a store loaded by an earlier run (``--rebuild``: its read
models built again first; ``--audit-models-only``: only those the audit log reads).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from app.audit.log import AuditFilter, audit_page, scan_rows
from app.bootstrap import Zhucun, bootstrap
from app.store.config import parse_database_url
from bench import harness, scale
from bench.loader import RECORDED_AT, WRITERS, Loader
from bench.stores import FreshStores
from projections.audit.index import AuditIndexModel
from projections.network import NetworkModel
from projections.runner import Projections
from projections.tables import households, party_members, units
from projections.teams.model import TeamsModel

PAGE = 50
SLOW_S = 5.0


def latency(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    t = time.perf_counter()
    fn()  # warm: the first call opens connections and fills caches
    if time.perf_counter() - t > SLOW_S:
        runs = 1  # a filter that misses by far is timed once more, not ``runs`` times
    times = harness.times_ms(fn, runs)
    return {**harness.percentiles(times, 1), "max_ms": round(times[-1], 1), "timed": runs}


def filters(z: Zhucun) -> dict[str, dict[str, Any]]:
    """The filters measured, with values found in the store."""
    with z.engine.connect() as conn:

        def unit(level: str, last: bool = False) -> Any:
            """The code of the first (or last) unit of ``level``."""
            order = units.c.code.desc() if last else units.c.code
            return conn.execute(
                select(units.c.code).where(units.c.level == level).order_by(order)
            ).scalar()

        village, county, last_county = unit("village"), unit("county"), unit("county", True)
        first_city, last_city = unit("city"), unit("city", True)
        root = conn.execute(
            select(units.c.code).where(units.c.parent_code.is_(None)).order_by(units.c.code)
        ).scalar()
        member = conn.execute(select(party_members.c.id).order_by(party_members.c.id)).scalar()
        head = conn.execute(select(households.c.head_name).order_by(households.c.id)).scalar()
    out: dict[str, dict[str, Any]] = {
        "person (a party member's id)": {"person": str(member)},
        "person (a head of household's name)": {"person": head},
        "unit (a village)": {"unit": village},
        "unit (the first county)": {"unit": county},
        "unit (the last county)": {"unit": last_county},
        "unit (the first city)": {"unit": first_city},
        "unit (the last city)": {"unit": last_city},
        "unit (the root)": {"unit": root},
        "type (Household.Registered)": {"event": "Household.Registered"},
        "type (PartyMember.Died)": {"event": "PartyMember.Died"},
        "no match (person)": {"person": "无此人 nobody"},
        "no match (type)": {"event": "No.Such"},
    }
    seen: set[str] = set()
    kept = {}
    for name, kw in out.items():
        key = repr(kw)
        if None not in kw.values() and key not in seen:
            seen.add(key)
            kept[name] = kw
    return kept


def measure(z: Zhucun, args: argparse.Namespace, build: bool = False) -> dict[str, Any]:
    """``build``: the read models are built from the log first (a rebuild: bigger pages)."""
    load_before = os.getloadavg()
    t = time.perf_counter()
    if build:
        z.projections.rebuild()
    else:
        z.projections.catch_up()
    catch_up_s = time.perf_counter() - t
    events, raw_s = harness.raw_read(z)
    results = {}
    for name, kw in filters(z).items():
        f = AuditFilter(limit=PAGE, **kw)
        rows = len(audit_page(z.store, z.engine, f).rows)
        ours = latency(lambda f=f: audit_page(z.store, z.engine, f), args.runs)
        scan_s = None
        if args.scan:
            t = time.perf_counter()
            for n, _ in enumerate(scan_rows(z.store, z.engine, f, one_more=True)):
                if n >= PAGE:
                    break
            scan_s = round(time.perf_counter() - t, 2)
        results[name] = {"filter": kw, "rows": rows, **ours, "scan_s": scan_s}
    return {
        "engine": z.engine.dialect.name,
        "events": events,
        "read_models_s": round(catch_up_s, 1),
        "raw_scan_s": round(raw_s, 2),
        "raw_scan_rows_per_s": round(events / raw_s) if raw_s else None,
        "filters": results,
        "runs": args.runs,
        "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }


def province(args: argparse.Namespace) -> dict[str, Any]:
    stores = FreshStores(args.db)
    store = stores.open(f"audit-filter-{args.villages}", main=True)
    try:
        loader = Loader(store, WRITERS["write_bulk"], path="aggregates")
        try:
            loader.load(scale.province(args.villages, args.seed))
        finally:
            loader.close()
        z = _audit_models(store.config.url)
        try:
            return measure(z, args, build=True)
        finally:
            z.close()
    finally:
        stores.drop(store)
        stores.cleanup()


def _audit_models(url: str) -> Zhucun:
    """The store with the read models the audit log reads: network, teams, audit index."""
    from app.store.clock import SettableClock

    z = Zhucun(parse_database_url(url), SettableClock(RECORDED_AT))
    z.projections = Projections(
        z.engine,
        z.store,
        models=[NetworkModel(), TeamsModel(), AuditIndexModel()],
        batch_size=z.projections.batch_size,
        rebuild_batch_size=10_000,
    )
    z.projections.create_tables()
    return z


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.existing:
        if not args.db:
            raise SystemExit("--existing needs --db")
        z = _audit_models(args.db) if args.audit_models_only else bootstrap(args.db)
        try:
            return measure(z, args, build=args.rebuild)
        finally:
            z.close()
    if args.villages is not None:
        return province(args)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{tmp}/demo.db"
        z = bootstrap(db)
        try:
            if args.demo:
                from app.demo.load import load_demo

                load_demo(z, seed=args.seed, catch_up=False)
            return measure(z, args, build=args.demo)
        finally:
            z.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.audit_filter",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", help="the store (new unless --existing)")
    parser.add_argument("--existing", action="store_true", help="measure the store as it is")
    parser.add_argument(
        "--audit-models-only",
        action="store_true",
        help="with --existing: keep only the read models the audit log reads",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="with --existing: rebuild the read models first"
    )
    parser.add_argument("--demo", action="store_true", help="load the Benxi demo first")
    parser.add_argument("--villages", type=int, help="load a province of N villages first")
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--runs", type=int, default=20, help="runs per filter (default 20)")
    parser.add_argument("--scan", action="store_true", help="also read the whole log per filter")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    r = run(args)
    if args.json:
        print(json.dumps(r, indent=2, ensure_ascii=False))
        return 0
    print(
        f"{r['engine']}: {r['events']:,} events in the log; a page of {PAGE} entries, "
        f"{r['runs']} runs per filter"
    )
    print(
        f"  raw scan of the log (baseline): {r['raw_scan_s']} s "
        f"({r['raw_scan_rows_per_s']:,} rows/s)"
    )
    for name, m in r["filters"].items():
        scan = f"   whole-log read {m['scan_s']} s" if m["scan_s"] is not None else ""
        ratio = round(r["raw_scan_s"] * 1000 / m["p95_ms"]) if m["p95_ms"] else None
        once = "  (timed once: slow)" if m["timed"] == 1 else ""
        print(
            f"  {name:<38} {m['rows']:>3} rows  p50 {m['p50_ms']:>7} ms  p95 {m['p95_ms']:>7} ms"
            f"  (raw scan / p95: {ratio}x){scan}{once}"
        )
    print(f"  read models caught up or rebuilt first: {r['read_models_s']} s")
    print(f"  load average {r['load_average'][0]} before, {r['load_average'][1]} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
