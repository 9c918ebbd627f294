"""One process against N rebuilding every read model, on SQLite and PostgreSQL in one run:
``python -m bench.shards [--villages 200] [--workers 2] [--repeat 3] [--postgres URL]``.

Loads ``--villages`` planned villages (bench/scale.py) into a new SQLite file and a new
PostgreSQL schema (bench/stores.py; or measures kept stores with ``--existing --sqlite URL
--postgres URL``), then on each engine: the library's read-and-decode loop over the log (the
baseline, ADR 012), and ``zhucun projections rebuild`` with 1 and with N workers, alternated
``--repeat`` times (projections/shards.py, ADR 050). Prints, per engine, the medians of wall
seconds and of CPU seconds (this process and its workers; PostgreSQL's own server processes
are in neither), events/s, the ratio to the baseline, the speed-up of N workers over one, and
the load average before and after (the machine is shared). Each rebuild's checksum is compared
with the first: a sharded rebuild must switch in what one process builds.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from typing import Any

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from app.store.config import parse_database_url
from bench import harness
from bench.coverage import decode_loop_timed
from bench.loader import RECORDED_AT
from bench.stores import FreshStores
from projections import shards

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (the workers, once joined)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(url: str, workers: int, repeat: int, parts: int | None = None) -> dict[str, Any]:
    """Baseline and rebuilds on the store at ``url``."""
    z = Zhucun(parse_database_url(url), SettableClock(RECORDED_AT))
    try:
        store = z.worker_opener()
        z.projections.catch_up()
        events = z.store.max_position()
        load_before = _load()
        count, base_s, base_cpu = decode_loop_timed(z)
        runs: dict[int, list[tuple[float, float]]] = {1: [], workers: []}
        sums: set[str] = set()
        for _ in range(repeat):
            for n in (1, workers):
                wall, cpu, kids = time.perf_counter(), time.process_time(), _children_cpu()
                z.projections.rebuild(
                    workers=n,
                    store=store if n > 1 else None,
                    coverage_parts=parts if n > 1 else None,
                )
                runs[n].append(
                    (
                        time.perf_counter() - wall,
                        time.process_time() - cpu + _children_cpu() - kids,
                        time.process_time() - cpu,
                        dict(shards.LAST) if n > 1 else {},
                    )
                )
                sums.add(z.projections.checksum())
        return {
            "engine": z.engine.dialect.name,
            "events": events,
            "baseline": (count, base_s, base_cpu),
            "runs": runs,
            "same": len(sums) == 1,
            "load": (load_before, _load()),
        }
    finally:
        z.close()


def report(m: dict[str, Any], workers: int) -> None:
    events = m["events"]
    count, base_s, base_cpu = m["baseline"]
    print(f"{m['engine']}: {events:,} events")
    print(
        f"  baseline (library read+decode, no writes)  {count / base_s:>9,.0f} events/s   "
        f"{base_s:.1f} s wall, {base_cpu:.1f} s CPU"
    )
    walls = {}
    for n, runs in m["runs"].items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        walls[n] = wall
        each = ", ".join(f"{r[0]:.1f}" for r in runs)
        print(
            f"  rebuild, {n} worker{'s' if n > 1 else ' '}  median {wall:6.1f} s wall "
            f"({each}), {cpu:6.1f} s CPU   {events / wall:>8,.0f} events/s   "
            f"ratio to baseline {base_s / wall:.3f}"
        )
        if n > 1:
            own = statistics.median(r[2] for r in runs)
            per = [statistics.median(r[3][k][0] for r in runs if k in r[3]) for k in range(n)]
            walls_k = [statistics.median(r[3][k][1] for r in runs if k in r[3]) for k in range(n)]
            print(
                f"    CPU medians: this process (merge, last events, indexes, switch) {own:.1f} s; "
                + "; ".join(
                    f"worker {k} {c:.1f} s CPU in {w:.1f} s"
                    for k, (c, w) in enumerate(zip(per, walls_k, strict=True))
                )
                + f"   estimate on idle cores: {max(per) + own:.1f} s wall "
                f"({events / (max(per) + own):,.0f} events/s)"
            )
        else:
            print(f"    estimate on one idle core: {cpu:.1f} s wall ({events / cpu:,.0f} events/s)")
    print(
        f"  speed-up {workers} workers / 1: {walls[1] / walls[workers]:.2f}x (wall medians)   "
        f"same checksum every run: {'yes' if m['same'] else 'NO'}   "
        f"load average before {m['load'][0]}, after {m['load'][1]}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.shards", __doc__)
    parser.add_argument("--villages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="rebuilds of each kind")
    parser.add_argument(
        "--coverage-parts", type=int, help="coverage cut in this many parts (default: planned)"
    )
    parser.add_argument("--sqlite", help="sqlite:///PATH: a new file (kept) or, with --existing")
    parser.add_argument("--postgres", default=PG_DEFAULT, help="a new schema is made from it")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--existing", action="store_true", help="measure the stores as they are")
    args = parser.parse_args(argv)
    bases = [args.sqlite] + ([] if args.no_postgres else [args.postgres])
    print(
        f"python -m bench.shards --villages {args.villages} --workers {args.workers} "
        f"--repeat {args.repeat} --coverage-parts {args.coverage_parts or 'planned'}; "
        f"{os.cpu_count()} cores; load average {_load()}"
    )
    for base in bases:
        if args.existing:
            if not base:
                raise SystemExit("--existing needs --sqlite URL (and --postgres URL)")
            report(measure(base, args.workers, args.repeat, args.coverage_parts), args.workers)
            continue
        stores = FreshStores(base)
        store = stores.open(f"shards-{args.villages}", main=bool(base and "sqlite" in base))
        try:
            start = time.perf_counter()
            harness.load_province(store, args.villages, args.seed)
            loaded = time.perf_counter() - start
            print(f"  ({store.config.url.split('?')[0]}: loaded in {loaded:.0f} s)")
            report(
                measure(store.config.url, args.workers, args.repeat, args.coverage_parts),
                args.workers,
            )
        finally:
            stores.drop(store)
            stores.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
