"""Bulk ingest: how fast a generated province goes into the event store, beside the library's
own ``save()`` measured in the same run.

    python -m bench.ingest                        # 200 villages, fresh SQLite file
    python -m bench.ingest --villages 10000       # province scale (about 6.3 million events)
    python -m bench.ingest --db 'postgresql://postgres@127.0.0.1:5432/test?schema=bench_x'

The main run loads ``--villages`` villages through the bulk path: the domain's command methods
under a unit of work, written by ``EventStore.write_bulk`` one transaction per batch. Then a
sample of ``--sample`` villages is loaded ``--repeat`` times each way, into fresh stores:
through ``write_bulk``, through ``save(*500 aggregates)`` and through ``save()`` one aggregate
at a time. Only the write differs between them; the figures quoted are medians, and ratios are
taken within each repeat, because this machine is shared and noisy. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

from bench import harness, people, scale
from bench.loader import PATHS, WRITERS, Loader, peak_rss_mib
from bench.parallel import Job, load_parallel
from bench.stores import FreshStores

BASELINES = ("save_batched", "save_each")


@dataclass
class Run:
    """The figures of one load."""

    writer: str
    villages: int
    events: int
    batches: int
    wall_s: float
    cpu_s: float
    plan_s: float
    domain_s: float
    write_s: float
    size_mib: float
    workers: int = 1
    rss_mib: float = 0.0  # peak RSS of this process once the run was over
    worker_rss_mib: list[float] = field(default_factory=list)

    @property
    def events_per_s(self) -> float:
        return self.events / self.wall_s

    @property
    def write_events_per_s(self) -> float:
        """Events per second of the writes alone."""
        return self.events / self.write_s

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "events_per_s": round(self.events_per_s),
            "write_events_per_s": round(self.write_events_per_s),
        }


def load(
    stores: FreshStores, writer: str, villages: int, args: argparse.Namespace, main: bool = False
) -> Run:
    store = stores.open(f"{writer}-{villages}", main=main)
    try:
        workers = args.workers if main else 1
        worker_rss: list[float] = []
        if workers > 1:
            job = Job(
                store.config.url,
                villages,
                args.seed,
                args.ids,
                args.path,
                args.batch_events,
                workers,
                not args.quiet,
            )
            parallel = load_parallel(store, job)
            result, worker_rss = parallel.total, parallel.worker_rss_mib
        else:
            loader = Loader(store, WRITERS[writer], args.batch_events, args.path)
            progress = harness.progress if main and not args.quiet else None
            try:
                result = loader.load(scale.province(villages, args.seed, args.ids), progress)
            finally:
                loader.close()
        if store.max_position() != result.events:
            raise SystemExit(
                f"{writer}: {result.events} events raised but {store.max_position()} in the log"
            )
        return Run(
            writer,
            result.villages,
            result.events,
            result.batches,
            result.wall_s,
            result.cpu_s,
            result.plan_s,
            result.domain_s,
            result.write_s,
            stores.size_mib(store),
            workers,
            peak_rss_mib(),
            worker_rss,
        )
    finally:
        stores.drop(store)


def compare(stores: FreshStores, args: argparse.Namespace) -> dict[str, list[Run]]:
    """Each repeat loads the sample once per writer, in a rotating order."""
    order = ["write_bulk", *BASELINES]
    runs: dict[str, list[Run]] = {w: [] for w in order}
    for r in range(args.repeat):
        for writer in order[r % 3 :] + order[: r % 3]:
            run = load(stores, writer, args.sample, args)
            runs[writer].append(run)
            if not args.quiet:
                print(
                    f"  sample {r + 1}/{args.repeat} {writer:<12} "
                    f"{run.events_per_s:>8,.0f} events/s",
                    file=sys.stderr,
                    flush=True,
                )
    return runs


def ratios(runs: dict[str, list[Run]], attr: str) -> dict[str, float]:
    """Median over repeats of (write_bulk / baseline), each ratio within one repeat."""
    ours = runs["write_bulk"]
    return {
        b: statistics.median(
            getattr(o, attr) / getattr(t, attr) for o, t in zip(ours, runs[b], strict=True)
        )
        for b in BASELINES
    }


def report(
    args: argparse.Namespace, engine: str, main: Run | None, runs: dict[str, list[Run]]
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "engine": engine,
        "path": args.path,
        "ids": args.ids,
        "batch_events": args.batch_events,
    }
    print(
        f"engine {engine}, path {args.path}, {args.ids} ids, "
        f"batches of {args.batch_events:,} events"
    )
    if main is not None:
        total_rss = main.rss_mib + sum(main.worker_rss_mib)
        out["main"] = {**main.as_dict(), "peak_rss_total_mib": round(total_rss)}
        procs = f", {main.workers} worker processes" if main.workers > 1 else ""
        print(
            f"\nmain run, write_bulk{procs}: {main.villages:,} villages, {main.events:,} "
            f"events in {main.batches} batches, {main.size_mib:,.0f} MiB stored"
        )
        summed = " summed over processes" if main.workers > 1 else ""
        print(
            f"  {main.events_per_s:>9,.0f} events/s  ({main.wall_s:,.1f} s wall; "
            f"{main.cpu_s:,.1f} s CPU, plans {main.plan_s:,.1f} s, use cases "
            f"{main.domain_s:,.1f} s, writes {main.write_s:,.1f} s{summed})"
        )
        print(f"  {main.write_events_per_s:>9,.0f} events/s in the writes alone")
        if main.workers > 1:
            shown = " + ".join(f"{r:,.0f}" for r in main.worker_rss_mib)
            print(
                f"  peak RSS {main.rss_mib:,.0f} MiB (main) + {shown} MiB (workers) "
                f"= {total_rss:,.0f} MiB at most together"
            )
        else:
            print(f"  peak RSS {main.rss_mib:,.0f} MiB")
    if runs and runs["write_bulk"]:
        n = len(runs["write_bulk"])
        events = runs["write_bulk"][0].events
        print(f"\nsample: {args.sample} villages ({events:,} events), {n} repeats, medians")
        print(f"  {'writer':<14}{'events/s':>10}{'writes alone':>14}{'wall s':>9}")
        sample: dict[str, Any] = {}
        for writer, rs in runs.items():
            e2e = statistics.median(r.events_per_s for r in rs)
            w = statistics.median(r.write_events_per_s for r in rs)
            wall = statistics.median(r.wall_s for r in rs)
            sample[writer] = {
                "events_per_s": round(e2e),
                "write_events_per_s": round(w),
                "runs": [r.as_dict() for r in rs],
            }
            print(f"  {writer:<14}{e2e:>10,.0f}{w:>14,.0f}{wall:>9.2f}")
        whole, writes = ratios(runs, "events_per_s"), ratios(runs, "write_events_per_s")
        for b in BASELINES:
            print(f"  write_bulk / {b}: {whole[b]:.1f}x whole load, {writes[b]:.1f}x writes alone")
        out["sample"] = {
            "villages": args.sample,
            "events": events,
            "repeats": n,
            "writers": sample,
            "ratio": {
                b: {"whole_load": round(whole[b], 2), "writes_alone": round(writes[b], 2)}
                for b in BASELINES
            },
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.ingest", __doc__)
    parser.add_argument(
        "--villages",
        type=int,
        default=200,
        help="villages in the main run (default 200; 10000 is province scale; 0 skips it)",
    )
    parser.add_argument(
        "--db",
        help="sqlite:///NEW_FILE or postgresql://…?schema=NAME "
        "(a fresh schema NAME_… is made per store and dropped); "
        "default: SQLite files in a temporary directory",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=10,
        help="villages in each comparison run (default 10; 0 skips them)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="comparison repeats (default 3)")
    parser.add_argument(
        "--batch-events",
        type=int,
        default=50_000,
        help="events per bulk transaction (default 50000)",
    )
    parser.add_argument(
        "--path",
        choices=PATHS,
        default="aggregates",
        help="who raises the events (default: the aggregates' command methods)",
    )
    parser.add_argument(
        "--ids",
        choices=people.ID_SCHEMES,
        default="ordered",
        help="household and party member ids (default ordered)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes for the main run (default 1; the samples use one)",
    )
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)

    stores = FreshStores(args.db)
    try:
        # The main run goes first, so the peak RSS it reports is its own.
        main_run = (
            load(stores, "write_bulk", args.villages, args, main=True) if args.villages else None
        )
        runs = compare(stores, args) if args.sample and args.repeat else {}
    finally:
        stores.cleanup()
    out = report(args, stores.engine, main_run, runs)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
