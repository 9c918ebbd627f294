"""What the benchmark scripts share: their command line, a planned province loaded into a
new store, the raw read of the log that serves as a baseline, repeated timings and their
percentiles, progress lines, and the time spent inside a wrapped call.

Each ``bench/*.py`` script measures one thing; this module holds the plumbing around the
measurement, so that two scripts that time the same way say so by calling the same function.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bench import scale
from bench.loader import WRITERS, Loader, LoadResult, peak_rss_mib

if TYPE_CHECKING:
    from app.bootstrap import Zhucun
    from app.store.event_store import EventStore

# The --db of a script that loads into a store of its own (bench/stores.py makes it).
NEW_STORE_HELP = "sqlite:///PATH (new file) or postgresql://...?schema=NAME (a new schema is made)"


def parser(module: str, doc: str | None) -> argparse.ArgumentParser:
    """The command line of ``python -m MODULE``, its docstring as the help, as written."""
    return argparse.ArgumentParser(
        prog=f"python -m {module}",
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def print_json(figures: dict[str, Any]) -> int:
    """The figures as indented JSON on stdout (the scripts' ``--json``); the exit status."""
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0


def measured(
    parser: argparse.ArgumentParser,
    argv: list[str] | None,
    measure: Callable[[argparse.Namespace], dict[str, Any]],
    report: Callable[[dict[str, Any], argparse.Namespace], None],
) -> int:
    """A script's run: its command line (with ``--json`` added last) read from ``argv``, the
    figures taken by ``measure``, printed as JSON or in words by ``report``; the exit status."""
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args)
    if args.json:
        return print_json(figures)
    report(figures, args)
    return 0


def load_province(store: EventStore, villages: int, seed: int) -> LoadResult:
    """``villages`` planned villages (bench/scale.py) through the bulk path, by the
    aggregates' command methods."""
    loader = Loader(store, WRITERS["write_bulk"], path="aggregates")
    try:
        return loader.load(scale.province(villages, seed))
    finally:
        loader.close()


def raw_read(z: Zhucun, page: int = 20_000) -> tuple[int, float]:
    """Every stored row through the store's raw reader, undecoded, nothing done with them:
    rows and seconds."""
    start = time.perf_counter()
    count, after = 0, 0
    while rows := z.store.raw_rows(after, None, page):
        count += len(rows)
        after = rows[-1][0]
    return count, time.perf_counter() - start


def times_ms(fn: Callable[[], Any], runs: int) -> list[float]:
    """Milliseconds of ``runs`` calls of ``fn``, shortest first."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times


def timed_rebuilds(z: Zhucun, runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each of ``runs`` rebuilds of the store's read models."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        z.projections.rebuild()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def percentiles(times: list[float], digits: int = 2) -> dict[str, float]:
    """The median and the 95th percentile of timings sorted shortest first."""
    return {
        "p50_ms": round(statistics.median(times), digits),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], digits),
    }


def progress(r: LoadResult, who: str = "") -> None:
    """A load's progress on stderr, every tenth batch."""
    if r.batches % 10 == 0:
        print(
            f"  … {who}{r.villages:>6,} villages {r.events:>10,} events "
            f"{r.events / r.wall_s:>8,.0f} events/s  peak RSS {peak_rss_mib():,.0f} MiB",
            file=sys.stderr,
            flush=True,
        )


def add_time_spent(
    obj: Any,
    name: str,
    spent: dict[str, float],
    key: str,
    clock: Callable[[], float] = time.perf_counter,
) -> None:
    """Replace the method ``name`` of ``obj`` by one that adds the ``clock`` time of each call
    to ``spent[key]``."""
    inner: Callable[..., Any] = getattr(obj, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[key] += clock() - start

    setattr(obj, name, timed)
