"""A query while every read model is rebuilt: ``python -m bench.beside --db URL [--runs N]``.

On a kept store (the demo's: ``zhucun --db sqlite:///PATH demo``), rebuilds every read model
the way it is done now — beside the live tables, switched in at once (projections/beside.py,
ADR 048) — and the way it was done before: the live tables dropped and built again in place,
which the ``in_place`` function below repeats. Meanwhile another process asks for the city's
summary and coverage again and again, as a web server would; for each way this prints the
rebuild's wall time, how many answers the other process got during it, the longest and the
median time an answer took, and how many were errors or not the answer of before (a rebuild
of healthy read models changes nothing). The two ways alternate, ``--runs`` times each.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable
from multiprocessing.connection import Connection as Pipe
from multiprocessing.synchronize import Event
from typing import Any

from sqlalchemy import update
from sqlalchemy.schema import CreateIndex

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from app.store.config import parse_database_url
from bench.loader import RECORDED_AT
from projections.collector import collector_paused
from projections.runner import REBUILD_PAGE, Projections, _put_position, writing
from projections.tables import GENERATION, generation, positions

UNIT = "210500"


def ask(url: str, ready: Event, stop: Event, out: Pipe) -> None:
    """The other process: the same question until ``stop``; its answer times and faults."""
    z = Zhucun(parse_database_url(url), SettableClock(RECORDED_AT))
    expected = (z.summary(UNIT), z.coverage(UNIT))
    ready.set()
    times, wrong, errors = [], 0, 0
    while not stop.is_set():
        start = time.perf_counter()
        try:
            wrong += (z.summary(UNIT), z.coverage(UNIT)) != expected
        except Exception:
            errors += 1
        times.append(time.perf_counter() - start)
    z.close()
    out.send((times, wrong, errors))


def in_place(p: Projections) -> None:
    """The rebuild before ADR 048: the live tables dropped and made again, positions to 0
    (one transaction), then caught up from the log while every query waits."""
    with writing(p.writer), p.engine.begin() as conn:
        for model in p.models:
            model.metadata.drop_all(conn)
            model.metadata.create_all(conn)
            for index in getattr(model, "deferred_indexes", ()):
                index.drop(conn)
            model.reset()
        names = [m.name for m in p.models]
        conn.execute(update(positions).where(positions.c.name.in_(names)).values(position=0))
        _put_position(conn, GENERATION, generation(conn) + 1)
    with collector_paused():
        p.catch_up(page_size=max(p.batch_size, REBUILD_PAGE))
    with p.engine.begin() as conn:
        for model in p.models:
            for index in getattr(model, "deferred_indexes", ()):
                conn.execute(CreateIndex(index, if_not_exists=True))
    p.refresh_statistics()


def measured(
    url: str, rebuild: Callable[[Projections], Any]
) -> tuple[float, list[float], int, int]:
    spawn = multiprocessing.get_context("spawn")
    ready, stop = spawn.Event(), spawn.Event()
    theirs, ours = spawn.Pipe(duplex=False)
    asker = spawn.Process(target=ask, args=(url, ready, stop, ours))
    asker.start()
    ready.wait(300)
    z = Zhucun(parse_database_url(url), SettableClock(RECORDED_AT))
    try:
        start = time.perf_counter()
        rebuild(z.projections)
        wall = time.perf_counter() - start
    finally:
        z.close()
    stop.set()
    times, wrong, errors = theirs.recv()
    asker.join()
    return wall, times, wrong, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.beside", description=__doc__)
    parser.add_argument("--db", required=True, help="a kept store: sqlite:///PATH or postgresql")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    ways: dict[str, Callable[[Projections], Any]] = {
        "in place (before)": in_place,
        "beside (now)": Projections.rebuild,
    }
    found: dict[str, list[tuple[float, list[float], int, int]]] = {w: [] for w in ways}
    load = os.getloadavg()[0]
    for _ in range(args.runs):
        for way, rebuild in ways.items():
            found[way].append(measured(args.db, rebuild))
    print(f"{args.db}; load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    for way, runs in found.items():
        walls = [r[0] for r in runs]
        longest = [max(r[1], default=0.0) for r in runs]
        medians = [statistics.median(r[1]) for r in runs if r[1]]
        print(
            f"  {way:<18} rebuild {statistics.median(walls):6.1f} s;  a query during it: "
            f"longest {statistics.median(longest):6.2f} s, median "
            f"{statistics.median(medians or [0.0]) * 1000:6.0f} ms, "
            f"{sum(len(r[1]) for r in runs)} answers, "
            f"{sum(r[2] for r in runs)} not as before, {sum(r[3] for r in runs)} errors"
            f"  (runs: {', '.join(f'{w:.1f}' for w in walls)} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
