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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection as Pipe
from multiprocessing.synchronize import Event
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateIndex

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from app.store.config import parse_database_url
from bench.loader import RECORDED_AT
from projections.beside import Beside, SwitchNotPossible
from projections.collector import collector_paused
from projections.runner import REBUILD_PAGE, Projections, writing
from projections.tables import GENERATION, generation, positions, put_position


def ask(url: str, unit: str, ready: Event, stop: Event, out: Pipe) -> None:
    """The other process: the same question until ``stop``; its answer times and faults."""
    z = Zhucun(parse_database_url(url), SettableClock(RECORDED_AT))
    expected = (z.summary(unit), z.coverage(unit))
    ready.set()
    times, wrong, errors = [], 0, Counter[str]()
    while not stop.is_set():
        start = time.perf_counter()
        try:
            wrong += (z.summary(unit), z.coverage(unit)) != expected
        except Exception as e:
            errors[type(e).__name__] += 1
        times.append(time.perf_counter() - start)
    stopped = sorted(z.projections.faults())  # read models an error stopped meanwhile
    z.close()
    out.send(Run(0.0, 0.0, times, wrong, errors, stopped))


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
        put_position(conn, GENERATION, generation(conn) + 1)
    with collector_paused():
        p.catch_up(page_size=max(p.batch_size, REBUILD_PAGE))
    with p.engine.begin() as conn:
        for model in p.models:
            for index in getattr(model, "deferred_indexes", ()):
                conn.execute(CreateIndex(index, if_not_exists=True))
    p.refresh_statistics()


@dataclass
class Run:
    wall: float  # the rebuild's seconds
    switch: float  # of which the switch's (beside)
    times: list[float]  # each answer's seconds
    wrong: int  # answers not as before
    errors: Counter[str]  # by the error's class
    stopped: list[str]  # read models an error stopped during the run
    failed: str = ""  # the rebuild's own error, if it ended in one: on PostgreSQL the old way
    # can deadlock with a reader (its DROP TABLE waits for the reader, which waits for it), and
    # the switch beside can find no moment without readers in its tries


def measured(url: str, unit: str, rebuild: Callable[[Zhucun], Any]) -> Run:
    spawn = multiprocessing.get_context("spawn")
    ready, stop = spawn.Event(), spawn.Event()
    theirs, ours = spawn.Pipe(duplex=False)
    asker = spawn.Process(target=ask, args=(url, unit, ready, stop, ours))
    asker.start()
    ready.wait(300)
    z = Zhucun(parse_database_url(url), SettableClock(RECORDED_AT))
    switches: list[float] = []
    # The switch's transaction: on SQLite the one of the staged tables, whose copy was made
    # before it in short writes (projections/staged.py); on PostgreSQL the moving one.
    real = {name: getattr(Beside, name) for name in ("switch", "switch_staged")}

    def timed(name: str) -> Callable[..., Any]:
        def switch(self: Beside, *args: Any) -> Any:
            start = time.perf_counter()
            try:
                return real[name](self, *args)
            finally:
                switches.append(time.perf_counter() - start)

        return switch

    for name in real:
        setattr(Beside, name, timed(name))  # timed for the figures, put back below
    failed = ""
    start = time.perf_counter()
    try:
        rebuild(z)
    except DBAPIError as e:
        failed = type(e.orig).__name__ if e.orig is not None else type(e).__name__
    except SwitchNotPossible as e:  # the switch found no moment without readers (ADR 052)
        failed = f"{e.code}: {e.en}"
    finally:
        wall = time.perf_counter() - start
        for name, method in real.items():
            setattr(Beside, name, method)
        z.close()
    stop.set()
    run: Run = theirs.recv()
    asker.join()
    return replace(run, wall=wall, switch=sum(switches), failed=failed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.beside", description=__doc__)
    parser.add_argument("--db", required=True, help="a kept store: sqlite:///PATH or postgresql")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--unit", default="210500", help="the unit asked for (the demo's city)")
    parser.add_argument(
        "--way",
        choices=["both", "beside", "in-place"],
        default="both",
        help="which ways to measure (a province's rebuild in place takes long)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="processes sharing the rebuild beside (ADR 050)"
    )
    args = parser.parse_args(argv)

    def beside(z: Zhucun) -> int:
        opener = z.worker_opener() if args.workers > 1 else None
        return z.projections.rebuild(workers=args.workers, store=opener)

    workers = f", {args.workers} workers" if args.workers > 1 else ""
    ways: dict[str, Callable[[Zhucun], Any]] = {}
    if args.way in ("both", "in-place"):
        ways["in place (before)"] = lambda z: in_place(z.projections)
    if args.way in ("both", "beside"):
        ways[f"beside (now){workers}"] = beside
    found: dict[str, list[Run]] = {w: [] for w in ways}
    load = os.getloadavg()[0]
    for _ in range(args.runs):
        for way, rebuild in ways.items():
            found[way].append(measured(args.db, args.unit, rebuild))
    print(f"{args.db}; load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    for way, runs in found.items():
        walls = [r.wall for r in runs]
        medians = [statistics.median(r.times) for r in runs if r.times]
        errors = sum((r.errors for r in runs), Counter[str]())
        print(
            f"  {way:<18} rebuild {statistics.median(walls):6.1f} s (switch "
            f"{statistics.median(r.switch for r in runs):5.1f} s);  a query during it: longest "
            f"{statistics.median(max(r.times, default=0.0) for r in runs):6.2f} s, median "
            f"{statistics.median(medians or [0.0]) * 1000:6.0f} ms, "
            f"{sum(len(r.times) for r in runs)} answers, "
            f"{sum(r.wrong for r in runs)} not as before, {sum(errors.values())} errors"
            f"  (runs: {', '.join(f'{w:.1f}' for w in walls)} s)"
        )
        for name, n in errors.most_common():
            print(f"      {n} x {name}")
        for r in runs:
            if r.failed:
                print(f"      the rebuild itself failed after {r.wall:.1f} s: {r.failed}")
            if r.stopped:
                print(f"      stopped by an error: {', '.join(r.stopped)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
