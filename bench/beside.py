"""A query while every read model is rebuilt: ``python -m bench.beside --db URL [--runs N]``.

On a kept store (the demo's: ``zhucun --db sqlite:///PATH demo``), rebuilds every read model
the way it is done now — beside the live tables, switched in at once (projections/beside.py,
ADR 048) — and the way it was done before: the live tables dropped and built again in place,
which the ``in_place`` function below repeats. Meanwhile another process asks for the city's
summary and coverage again and again, as a web server would; for each way this prints the
rebuild's wall time, how many answers the other process got during it, the longest and the
median time an answer took, and how many were errors or not the answer of before (a rebuild
of healthy read models changes nothing). A third process signs a person in and out twice a
second, a write that waits for the store's writers' turn: the longest it took shows how long a
rebuild holds the writers (on SQLite, the switch's transaction; projections/staged.py). The
two ways alternate, ``--runs`` times each.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection as Pipe
from multiprocessing.synchronize import Event
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateIndex

from app.accounts import Accounts
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from app.store.config import parse_database_url
from bench.loader import RECORDED_AT
from domain.errors import ZhucunError
from projections import staged
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


SIGN_IN_EVERY = 0.5  # seconds between two sign-ins of the writing process


def sign_in(url: str, ready: Event, stop: Event, out: Pipe) -> None:
    """A third process: a person signing in and out every ``SIGN_IN_EVERY`` seconds, each
    a write to the log that waits for the store's writers' turn (the demo's ``city_admin``;
    on a store without that account, a refused sign-in, recorded as well); its times."""
    z = Zhucun(parse_database_url(url), SettableClock(RECORDED_AT))
    accounts = Accounts(z)
    ready.set()
    times, errors, i = [], Counter[str](), 0
    while not stop.wait(SIGN_IN_EVERY):
        i += 1
        address = f"10.20.{i // 250 % 250}.{i % 250}"  # one sign-in an address: no limit met
        start = time.perf_counter()
        try:
            accounts.logout(accounts.login("city_admin", "zhucun-demo", address), address)
        except ZhucunError:
            pass  # refused, and recorded: a write all the same
        except Exception as e:
            errors[type(e).__name__] += 1
        times.append(time.perf_counter() - start)
    z.close()
    out.send((times, errors))


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
    sign_ins: list[float] = field(default_factory=list)  # each sign-in and out's seconds
    copy: float = 0.0  # SQLite: the copy into the store before the switch (short writes)
    clear: float = 0.0  # SQLite: the old tables emptied and dropped after it (short writes)


def _timing(method: Callable[..., Any], into: list[float]) -> Callable[..., Any]:
    """``method`` as it is, each call's seconds added to ``into``."""

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            into.append(time.perf_counter() - start)

    return timed


def measured(url: str, unit: str, rebuild: Callable[[Zhucun], Any]) -> Run:
    spawn = multiprocessing.get_context("spawn")
    ready, stop = spawn.Event(), spawn.Event()
    theirs, ours = spawn.Pipe(duplex=False)
    asker = spawn.Process(target=ask, args=(url, unit, ready, stop, ours))
    asker.start()
    ready.wait(300)
    signed, theirs_too, ours_too = spawn.Event(), *spawn.Pipe(duplex=False)
    signer = spawn.Process(target=sign_in, args=(url, signed, stop, ours_too))
    signer.start()
    signed.wait(300)
    z = Zhucun(parse_database_url(url), SettableClock(RECORDED_AT))
    # The switch's transaction: on SQLite the one of the staged tables, whose copy was made
    # before it in short writes and whose old tables are cleared after it (projections/
    # staged.py); on PostgreSQL the moving one.
    parts: dict[str, list[float]] = {"switch": [], "copy": [], "clear": []}
    timed = [
        (Beside, "switch", "switch"),
        (Beside, "switch_staged", "switch"),
        (staged, "stage", "copy"),
        (staged, "clear", "clear"),
    ]
    real = [(owner, name, getattr(owner, name)) for owner, name, _ in timed]
    for (owner, name, part), (_, _, method) in zip(timed, real, strict=True):
        setattr(owner, name, _timing(method, parts[part]))  # put back below
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
        for owner, name, method in real:
            setattr(owner, name, method)
        z.close()
    stop.set()
    run: Run = theirs.recv()
    asker.join()
    sign_ins, errors = theirs_too.recv()
    signer.join()
    return replace(
        run,
        wall=wall,
        switch=sum(parts["switch"]),
        copy=sum(parts["copy"]),
        clear=sum(parts["clear"]),
        failed=failed,
        sign_ins=sign_ins,
        errors=run.errors + errors,
    )


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
        if any(r.copy or r.clear for r in runs):
            print(
                f"  {'':<18} in short writes: the copy before the switch "
                f"{statistics.median(r.copy for r in runs):6.1f} s, the old tables cleared "
                f"after it {statistics.median(r.clear for r in runs):6.1f} s"
            )
        signs = [t for r in runs for t in r.sign_ins]
        print(
            f"  {'':<18} a sign-in and out during it (a write, every {SIGN_IN_EVERY} s): "
            f"longest {max(signs, default=0.0):6.2f} s, median "
            f"{statistics.median(signs or [0.0]) * 1000:6.0f} ms, {len(signs)} done"
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
