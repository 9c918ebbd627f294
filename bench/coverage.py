"""Read-side benchmark: ``python -m bench.coverage --villages N [--db URL]``.

Loads N planned villages (bench/scale.py) through the bulk path, then, in the same run:

* the baseline: the library's own read-and-decode loop over the whole log, writing nothing;
* our rebuild of every read model from that log (network and coverage), events/s;
* query latencies through the application (each query first checks the read models are
  caught up, as every real query does): a village's gaps now and as of a past date, a
  county's coverage, a city's and the province's roll-up.

Province scale is ``--villages 10000``. The machine is shared: figures are medians of
repeated runs, and the baseline is measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from app.store.config import parse_database_url
from bench import harness, scale
from bench.loader import RECORDED_AT, peak_rss_mib
from bench.stores import FreshStores
from projections.collector import collector_paused


def decode_loop(z: Zhucun, page: int = 5000) -> tuple[int, float]:
    """The library's read-and-decode loop: select notifications, map to domain events."""
    count, wall, _ = decode_loop_timed(z, page)
    return count, wall


def decode_loop_timed(z: Zhucun, page: int = 5000) -> tuple[int, float, float]:
    """``decode_loop`` with the process's CPU seconds too: on a shared machine the ratio of
    CPU times tells more than that of wall times (another process's work is in neither)."""
    recorder, mapper = z.store.recorder, z.store.mapper
    cpu, start, count = time.process_time(), time.perf_counter(), 0
    after = 0
    while True:
        notes = recorder.select_notifications(start=after, limit=page, inclusive_of_start=False)
        if not notes:
            break
        for n in notes:
            mapper.to_domain_event(n)
        count += len(notes)
        after = notes[-1].id
    return count, time.perf_counter() - start, time.process_time() - cpu


def read_loop(z: Zhucun, page: int = 10_000) -> tuple[int, float]:
    """Our own read of the whole log, decoded, in the pages a rebuild reads, writing nothing:
    what every rebuild does before any read model's work (with the cyclic collector paused,
    as a rebuild has it)."""
    start, count, after = time.perf_counter(), 0, 0
    with collector_paused():
        while True:
            events = z.store.read_log(after, page)
            if not events:
                break
            count += len(events)
            after = events[-1].position
    return count, time.perf_counter() - start


def latency(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    fn()  # warm: the first call opens connections and fills caches
    return {**harness.percentiles(harness.times_ms(fn, runs)), "runs": runs}


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.existing:
        if not args.db:
            raise SystemExit("--existing needs --db: the store of an earlier run")
        return measure(Zhucun(parse_database_url(args.db), SettableClock(RECORDED_AT)), args)
    stores = FreshStores(args.db, keep=args.keep)
    store = stores.open(f"coverage-{args.villages}", main=True)  # kept: see bench/stores.py
    try:
        t = time.perf_counter()
        loaded = harness.load_province(store, args.villages, args.seed)
        load_s = time.perf_counter() - t
        result = measure(Zhucun(store.config, SettableClock(RECORDED_AT)), args)
        return {**result, "villages": loaded.villages, "load_s": round(load_s, 1)}
    finally:
        stores.drop(store)
        stores.cleanup()


def measure(z: Zhucun, args: argparse.Namespace) -> dict[str, Any]:
    """Baseline, rebuilds and queries on a loaded store (closed at the end)."""
    try:
        events = z.store.max_position()
        baseline = [decode_loop_timed(z) for _ in range(args.repeat)]
        base_s = statistics.median(s for _, s, _ in baseline)
        base_cpu = statistics.median(c for _, _, c in baseline)
        # Measured before any read model fills memory, as the baseline was.
        reading = [read_loop(z) for _ in range(args.repeat)] if args.per_model else []
        rebuilds, rebuild_cpus = harness.timed_rebuilds(z, args.rebuilds)
        ours_s, ours_cpu = statistics.median(rebuilds), statistics.median(rebuild_cpus)
        # At province scale each model rebuilt alone costs as much again as the rebuild.
        per_model = rebuild_each(z) if args.per_model else {}
        ceiling = sweep_ceiling(z) if args.per_model else None
        written = rows_written_alone(z) if args.per_model else None
        queries = measure_queries(z, args)
    finally:
        z.close()
    return {
        "engine": z.engine.dialect.name,
        "villages": None,
        "events": events,
        "load_s": None,
        "baseline_decode_events_per_s": round(events / base_s),
        "rebuild_events_per_s": round(events / ours_s),
        "rebuild_s": round(ours_s, 1),
        "ratio_rebuild_to_baseline": round(base_s / ours_s, 3),
        "rebuild_cpu_s": round(ours_cpu, 1),
        "ratio_rebuild_to_baseline_cpu": round(base_cpu / ours_cpu, 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "rebuild_events_per_s_by_model": {
            name: round(events / seconds) for name, seconds in per_model.items()
        },
        "sweep_alone_facts_per_s": ceiling,
        "coverage_rows_written_alone_per_s": written,
        "our_read_alone_events_per_s": (
            round(events / statistics.median(s for _, s in reading)) if reading else None
        ),
        "queries": queries,
        "peak_rss_mib": round(peak_rss_mib()),
    }


def rebuild_each(z: Zhucun) -> dict[str, float]:
    """Each read model rebuilt on its own (wall seconds): where a rebuild's time goes."""
    models = z.projections.models
    out = {}
    try:
        for model in models:
            z.projections.models = [model]
            t = time.perf_counter()  # wall: comparable with the rebuild's own rate
            z.projections.rebuild()
            out[model.name] = time.perf_counter() - t
    finally:
        z.projections.models = models
    return out


def rows_written_alone(z: Zhucun, page: int = 10_000) -> int:
    """Rows/s of writing the coverage rows alone: every row of the rebuilt table, values
    already made, inserted again through ``insert_many`` (pages of a rebuild's size, one
    transaction each) into a copy of the table with the indexes a rebuild keeps."""
    from sqlalchemy import Index, MetaData, select

    from projections.bulk import insert_many
    from projections.coverage.tables import QUERY_ONLY_INDEXES, rows

    copy = rows.to_metadata(MetaData(), name="bench_rows_copy")
    copy.indexes.clear()  # index names are the database's: the copy's get names of their own
    for index in rows.indexes:
        if index not in QUERY_ONLY_INDEXES:
            Index(f"bench_{index.name}", *(copy.c[c.name] for c in index.columns))
    columns = [c.name for c in rows.columns]
    with z.engine.connect() as conn:
        values = [tuple(r) for r in conn.execute(select(rows))]
    copy.drop(z.engine, checkfirst=True)
    copy.create(z.engine)
    try:
        t = time.perf_counter()
        for i in range(0, len(values), page):
            with z.engine.begin() as conn:
                insert_many(conn, copy, columns, values[i : i + page])
        spent = time.perf_counter() - t
    finally:
        copy.drop(z.engine)
    return round(len(values) / spent)


def sweep_ceiling(z: Zhucun) -> int:
    """Facts/s of the coverage sweep alone: every scope's facts, already in memory, walked
    once with no SQL at all. No rebuild of this design can go faster than this."""
    from collections import defaultdict

    from sqlalchemy import select

    from projections.coverage.facts import Fact, stored_fact
    from projections.coverage.sweep import Walk
    from projections.coverage.tables import facts, scope_entities

    by_entity: dict[str, list[Fact]] = defaultdict(list)
    members: dict[str, list[str]] = defaultdict(list)
    with z.engine.connect() as conn:
        for r in conn.execute(select(facts).order_by(facts.c.position)):
            by_entity[r.entity].append(stored_fact(r))
        for scope, entity in conn.execute(select(scope_entities)):
            members[scope].append(entity)
    scoped = [
        (scope, sorted((f for e in ents for f in by_entity.get(e, ())), key=lambda f: f.position))
        for scope, ents in members.items()
    ]
    n = sum(len(fs) for _, fs in scoped)
    t = time.perf_counter()
    for scope, fs in scoped:
        walk = Walk(scope, z.rules)
        walk.feed(fs)
        walk.intervals()
    return round(n / (time.perf_counter() - t))


def measure_queries(z: Zhucun, args: argparse.Namespace) -> dict[str, Any]:
    from sqlalchemy import select

    from projections.coverage.tables import rows

    with z.engine.connect() as conn:

        def codes(kind: str) -> list[str]:
            return list(
                conn.execute(
                    select(rows.c.subject).where(rows.c.kind == kind, rows.c.known_to.is_(None))
                ).scalars()
            )

        villages, counties, cities = codes("unit:village"), codes("unit:county"), codes("unit:city")
    rng = random.Random(args.seed)
    past = date(2014, 5, 20)  # during the build-up: links made, sites not yet open
    today = date(2016, 12, 31)
    return {
        "village_gaps": latency(lambda: z.gaps(rng.choice(villages), as_of=today), args.runs),
        "village_gaps_as_of_past_date": latency(
            lambda: z.gaps(rng.choice(villages), as_of=past), args.runs
        ),
        "county_coverage": latency(
            lambda: z.coverage(rng.choice(counties), as_of=today), max(5, args.runs // 4)
        ),
        "city_coverage": latency(
            lambda: z.coverage(rng.choice(cities), as_of=today), max(3, args.runs // 10)
        ),
        "province_coverage": latency(
            lambda: z.coverage(scale.PROVINCE_CODE, as_of=today), max(3, args.runs // 20)
        ),
    }


def queries_only(args: argparse.Namespace) -> int:
    """The query latencies again on a store kept from an earlier run (a quieter moment)."""
    if not args.db:
        raise SystemExit("--queries-only needs --db: the store of an earlier run")
    z = Zhucun(parse_database_url(args.db), SettableClock(RECORDED_AT))
    try:
        z.projections.catch_up()
        events = z.store.max_position()
        queries = measure_queries(z, args)
    finally:
        z.close()
    if args.json:
        return harness.print_json({"events": events, "queries": queries})
    print(f"{args.db}: {events:,} events, queries only")
    _print_queries(queries)
    return 0


def _print_queries(queries: dict[str, Any]) -> None:
    for name, d in queries.items():
        print(
            f"  {name:<30} p50 {d['p50_ms']:>8.2f} ms   p95 {d['p95_ms']:>8.2f} ms   "
            f"({d['runs']} runs)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.coverage", __doc__)
    parser.add_argument("--villages", type=int, default=200)
    parser.add_argument(
        "--db",
        default=None,
        help="sqlite:///PATH (new file, kept) or "
        "postgresql://...?schema=NAME (a new schema is made from it; with --keep, NAME itself "
        "receives the store and is kept)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="PostgreSQL: load into the schema named in --db and keep it for --existing runs",
    )
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--repeat", type=int, default=3, help="baseline decode loops")
    parser.add_argument("--rebuilds", type=int, default=1)
    parser.add_argument("--runs", type=int, default=100, help="queries per latency figure")
    parser.add_argument(
        "--no-per-model",
        dest="per_model",
        action="store_false",
        help="skip rebuilding each read model alone and the sweep's ceiling",
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="measure on the store at --db (kept from an earlier run: a sqlite:///PATH, or a "
        "PostgreSQL schema with --keep) instead of loading a new one",
    )
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="measure the queries alone on the store at --db (kept from an earlier run): "
        "nothing loaded, nothing rebuilt",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.queries_only:
        return queries_only(args)
    result = run(args)
    if args.json:
        return harness.print_json(result)
    q = result["queries"]
    where = (
        f"the store at {args.db}"
        if args.existing
        else f"{result['villages']:,} villages, loaded in {result['load_s']} s"
    )
    print(f"{result['engine']}: {result['events']:,} events ({where})")
    print(
        f"  rebuild of all read models  {result['rebuild_events_per_s']:>9,} events/s   "
        f"baseline (library read+decode, no writes) {result['baseline_decode_events_per_s']:>9,}"
        f" events/s   ratio {result['ratio_rebuild_to_baseline']}"
    )
    print(
        f"  the same in CPU seconds of this process: rebuild {result['rebuild_cpu_s']} s, "
        f"ratio {result['ratio_rebuild_to_baseline_cpu']}   load average "
        f"{' '.join(str(x) for x in result['load_average'])}"
    )
    for name, rate in result["rebuild_events_per_s_by_model"].items():
        print(f"    {name:<26} alone {rate:>9,} events/s")
    if result["our_read_alone_events_per_s"] is not None:
        print(
            f"  our read+decode alone, no read model: {result['our_read_alone_events_per_s']:,} "
            "events/s (what every rebuild does first)"
        )
    if result["sweep_alone_facts_per_s"] is not None:
        print(
            f"  coverage sweep alone, in memory, no SQL: {result['sweep_alone_facts_per_s']:,} "
            "facts/s (the ceiling of this design)"
        )
    if result["coverage_rows_written_alone_per_s"] is not None:
        print(
            f"  coverage rows written alone, values made: "
            f"{result['coverage_rows_written_alone_per_s']:,} rows/s"
        )
    _print_queries(q)
    print(f"  peak RSS {result['peak_rss_mib']:,} MiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
