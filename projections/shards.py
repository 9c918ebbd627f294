"""A rebuild's work shared among processes, then merged and switched in once (ADR 050).

``zhucun projections rebuild --workers N`` plans *units of work*: each read model whole (the
network and the search model together, since the search model reads the network's units as
it goes), and the coverage model cut into parts by scope (ADR 005: a scope's rows depend on
its own facts only). The units are dealt to N workers by their weight, heaviest first, each to
the least loaded (``plan``). Each worker is a process of its own that builds its units in a
place of its own beside the store (ADR 048: worker 0 in the build beside itself, worker k in
``<schema>__next<k>`` / ``<store>-next<k>``), with its own position rows there, up to one
position of the log that every worker shares (``upto``): exactly once per place, and killed at
any moment (even ``kill -9``) it resumes from its last page when the rebuild is run again.

When every worker is done, the places are merged into the build beside, in one transaction:
whole models' tables moved (PostgreSQL) or copied (SQLite); the coverage parts' rows, counts
and parents added, row ids renumbered past those already there, and the roll-ups computed again
from the merged counts and parents (each part only knew its own scopes'); facts, moments and
memberships, which every part computed alike, kept once. Then the build beside goes on as a
rebuild in one process does: the events recorded since ``upto``, the query-only indexes, and
the switch.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import queue
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text
from sqlalchemy.schema import CreateIndex

from domain.errors import ZhucunError
from domain.fields import WORKERS_MAX as MAX_WORKERS
from projections.beside import SUFFIX, copy_table, make_place, place_of
from projections.bulk import insert_many
from projections.collector import collector_paused
from projections.coverage.tables import counts, parents, rollup
from projections.coverage.tables import rows as cov_rows
from projections.tables import (
    deferred,
    fault_key,
    faults,
    positions,
    put_position,
    version_key,
    version_of,
)

# What a read model's rebuild costs, in shares of a one-process rebuild (ADR 049's profile of
# a rebuild at 200 generated villages on SQLite); the models it does not name cost little.
WEIGHTS = {
    "coverage": 28.0,
    "search": 12.0,
    "audit_index": 8.0,
    "network": 4.0,
    "audit_chain": 3.5,
}
LIGHT = 1.5
# Of coverage's cost, what every part pays whatever its scopes: deriving facts, storing them
# and the scope memberships that say which scopes an event concerns.
COVERAGE_SHARED = 0.5
# Models built in one worker, in this order: the search model reads the network's units.
TOGETHER = (("network", "search"),)
COVERAGE = "coverage"


@dataclass(frozen=True)
class Opener:
    """How a worker process opens the store: picklable callables (``functools.partial`` of
    the application's own factories), so that this layer names nothing above it."""

    engine: Callable[[], Engine]
    log: Callable[[], Any]
    # The log's subscription from a position (PostgreSQL), given the log: for following it.
    subscribe: Callable[[Any, int], Any] | None = None


def opened(store: Opener | None) -> Opener:
    """``store``, which workers cannot do without (``Zhucun.worker_opener``)."""
    if store is None:
        raise ValueError("workers need how to open the store (an Opener)")
    return store


@dataclass(frozen=True)
class Unit:
    """Read models built together in one worker (``names``), or one part of coverage."""

    names: tuple[str, ...]
    part: int = 0
    parts: int = 1

    @property
    def weight(self) -> float:
        if self.names == (COVERAGE,):
            w = WEIGHTS[COVERAGE]
            return w * COVERAGE_SHARED + w * (1 - COVERAGE_SHARED) / self.parts
        return sum(WEIGHTS.get(n, LIGHT) for n in self.names)


class WorkerFailed(ZhucunError):
    """A worker of a sharded rebuild or follower did not finish (killed, or an error of its
    own); printed as a named error, exit code 1."""

    code = "worker_failed"

    def __init__(self, worker: int, workers: int, exitcode: int | None, rebuild: bool) -> None:
        self.worker, self.workers, self.exitcode = worker, workers, exitcode
        signal = -exitcode if exitcode is not None and exitcode < 0 else None
        how_zh = f"被信号 {signal} 终止" if signal else f"退出码 {exitcode}"
        how_en = f"killed by signal {signal}" if signal else f"exit code {exitcode}"
        again = f"zhucun projections {'rebuild' if rebuild else 'run'} --workers {workers}"
        super().__init__(
            "workers",
            f"工作进程 {worker}/{workers} 未完成（{how_zh}）"
            + (f"；已完成的部分已保存，再次运行 `{again}` 即从中断处继续" if rebuild else ""),
            f"worker {worker} of {workers} did not finish ({how_en})"
            + (f"; what it did is kept: run `{again}` again to resume" if rebuild else ""),
        )


def units_of(names: list[str], coverage_parts: int) -> list[Unit]:
    """The units of work of the read models ``names`` (in their order)."""
    units: list[Unit] = []
    grouped = {n: g for g in TOGETHER if all(m in names for m in g) for n in g}
    for name in names:
        if name in grouped:
            if name == grouped[name][0]:
                units.append(Unit(grouped[name]))
        elif name == COVERAGE:
            units += [Unit((COVERAGE,), p, coverage_parts) for p in range(coverage_parts)]
        else:
            units.append(Unit((name,)))
    return units


def deal(units: list[Unit], workers: int) -> list[list[Unit]]:
    """Coverage's part p to worker p (two parts cannot share a place: both are the model
    ``coverage`` there), then heaviest first, each to the least loaded worker (the lowest
    number on a tie)."""
    shares: list[list[Unit]] = [[] for _ in range(workers)]
    load = [0.0] * workers
    for unit in units:
        if unit.parts > 1:
            shares[unit.part].append(unit)
            load[unit.part] += unit.weight
    for unit in sorted((u for u in units if u.parts == 1), key=lambda u: -u.weight):
        k = load.index(min(load))
        shares[k].append(unit)
        load[k] += unit.weight
    return shares


def plan(names: list[str], workers: int, coverage_parts: int | None = None) -> list[list[Unit]]:
    """The units of each worker. ``coverage_parts`` None: the number of parts (1 to
    ``workers``) whose deal ends soonest; each part repeats the shared work of coverage, so
    more parts are not always better."""
    if coverage_parts is not None or COVERAGE not in names:
        return deal(units_of(names, coverage_parts or 1), workers)

    def span(p: int) -> float:
        return max(sum(u.weight for u in share) for share in deal(units_of(names, p), workers))

    best = min(range(1, workers + 1), key=lambda p: (span(p), p))
    return deal(units_of(names, best), workers)


def _suffix(k: int) -> str:
    return SUFFIX if k == 0 else f"{SUFFIX}{k}"


def _spec(model: Any, unit: Unit) -> tuple[Any, ...]:
    """What a worker builds a ``LazyModel`` of: name, version, class path, arguments."""
    path, args = getattr(model, "_path", None), getattr(model, "_args", None)
    if path is None or args is None:
        raise ValueError(f"a sharded rebuild needs the read models by name: {model.name}")
    if model.name == COVERAGE:
        args = (*args, unit.part, unit.parts)
    return (type(model), model.name, model.version, path, *args)


class Sharded:
    """The first step of a sharded rebuild (``Beside.build``'s ``first``): the workers'
    builds, and their merge into the build beside."""

    def __init__(
        self,
        live: Any,
        opener: Opener | None,
        workers: int,
        page: int,
        coverage_parts: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.live, self.opener, self.workers = live, opened(opener), workers
        self.page, self.coverage_parts, self.progress = page, coverage_parts, progress

    def build(self, models: list[Any]) -> int:
        names = [m.name for m in models]
        by_name = {m.name: m for m in models}
        shares = [s for s in plan(names, self.workers, self.coverage_parts) if s]
        engine = self.live.engine
        places = [place_of(engine, _suffix(k)) for k in range(len(shares))]
        try:
            held = _marks(places[0])
            if {n for n in held if ":" not in n} == set(names) and not any(
                n.startswith("shards:") for n in held
            ):
                # Merged by an earlier run (killed before it dropped the workers' places):
                # the build beside goes on from there.
                self._remove_others(engine, places)
                return 0
            specs = [[_spec(by_name[n], u) for u in share for n in u.names] for share in shares]
            specs = [sorted(s, key=lambda spec: names.index(spec[1])) for s in specs]
            key = "shards:" + hashlib.sha256(repr(specs).encode()).hexdigest()[:16]
            marks = [_marks(p) for p in places]
            if all(key in m for m in marks):
                upto = marks[0][key]
            else:
                upto = self.live.log.max_position()
                if places[0].exists():
                    places[0].remove()
                self._remove_others(engine, places)
                for share, place in zip(shares, places, strict=True):
                    own = [by_name[n] for n in names if any(n in u.names for u in share)]
                    make_place(place, own, self.live.models, {key: upto})
            self._run(specs, upto)
            self._merge(places, shares, key)
            self._remove_others(engine, places)
            return upto
        finally:
            for place in places:
                place.dispose()

    def _remove_others(self, engine: Engine, places: list[Any]) -> None:
        """The places of workers 1 and up gone, this plan's and any earlier one's."""
        for k in range(1, MAX_WORKERS):
            place = places[k] if k < len(places) else place_of(engine, _suffix(k))
            if place.exists():
                place.remove()
            place.dispose()

    def _run(self, specs: list[list[tuple[Any, ...]]], upto: int) -> None:
        """One process per worker, each to ``upto``; worker 0's pages are the progress."""
        context = multiprocessing.get_context("spawn")
        pages: Any = context.Queue()
        batch = self.live.batch_size
        workers = [
            context.Process(
                target=work,
                args=(
                    type(self.live),
                    self.opener,
                    k,
                    spec,
                    upto,
                    (self.page, batch),
                    pages,
                ),
                name=f"zhucun-rebuild-{k}",
            )
            for k, spec in enumerate(specs)
        ]
        for w in workers:
            w.start()
        self.started(workers)
        LAST.clear()
        while any(w.is_alive() for w in workers) or not pages.empty():
            try:
                what, k, *figures = pages.get(timeout=0.5)
            except queue.Empty:
                continue
            if what == "page" and k == 0 and self.progress:
                self.progress(figures[0])
            elif what == "done":
                LAST[k] = (figures[0], figures[1])
        for w in workers:
            w.join()
        for k, w in enumerate(workers):
            if w.exitcode != 0:
                raise WorkerFailed(k, len(workers), w.exitcode, rebuild=True)

    def started(self, workers: list[Any]) -> None:
        """The worker processes, once started (a test kills one of them)."""

    def _merge(self, places: list[Any], shares: list[list[Unit]], key: str) -> None:
        """Every worker's tables into worker 0's place (the build beside), one transaction."""
        first = places[0]
        pg = first.live_engine.dialect.name == "postgresql"
        with first.engine().connect() as conn:
            if not pg:
                for k, place in enumerate(places[1:], 1):
                    conn.exec_driver_sql(f"ATTACH DATABASE '{_quote(str(place.path))}' AS w{k}")
                conn.commit()
            try:
                with conn.begin():
                    if not pg:
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    self._merge_in(conn, places, shares, pg)
                    conn.execute(delete(positions).where(positions.c.name == key))
            finally:
                if not pg:
                    for k in range(1, len(places)):
                        conn.exec_driver_sql(f"DETACH DATABASE w{k}")

    def _merge_in(
        self, conn: Connection, places: list[Any], shares: list[list[Unit]], pg: bool
    ) -> None:
        models = {m.name: m for m in self.live.models}
        held: dict[str, int] = {}  # model -> the worker whose tables are in place 0's
        at: dict[str, int] = {}
        parts = 1
        for k, share in enumerate(shares):
            source = places[k].shadow if pg else (f"w{k}" if k else "main")
            stored = _positions(conn, _qualified(source, positions.name, pg))
            for unit in share:
                for name in unit.names:
                    tables = models[name].metadata.sorted_tables
                    if name not in held:
                        held[name] = k
                        if k:
                            _take(conn, places[0], source, tables, self.live.models, pg)
                    elif name == COVERAGE:
                        _add_part(conn, source, pg)
                    parts = max(parts, unit.parts) if name == COVERAGE else parts
                    at[name] = min(at.get(name, stored[name]), stored[name])
            if k:
                stopped = _qualified(source, faults.name, pg)
                for row in conn.execute(
                    text(f"SELECT name, position, error FROM {stopped}")
                ).mappings():
                    conn.execute(delete(faults).where(faults.c.name == row["name"]))
                    conn.execute(insert(faults).values(**row))
                    put_position(conn, fault_key(row["name"]), int(row["position"]))
        for name, position in at.items():
            put_position(conn, name, position)
            put_position(conn, version_key(models[name]), version_of(models[name]))
        if parts > 1:
            _rollups_again(conn)


def work(
    runner: type[Any],
    opener: Opener,
    k: int,
    specs: list[tuple[Any, ...]],
    upto: int,
    sizes: tuple[int, int],
    pages: Any,
) -> None:
    """A worker: its units built in its place, up to ``upto``, page by page with their
    positions (run in a process of its own). ``runner``: the live read models' class
    (``Projections``), given rather than imported: it is the runner that calls this module."""
    wall, cpu = time.perf_counter(), time.process_time()
    engine, log = opener.engine(), opener.log()
    place = place_of(engine, _suffix(k))
    page, batch = sizes
    try:
        models = [_model(spec) for spec in specs]
        builder = runner(
            place.engine(),
            log,
            models,
            batch_size=batch,
            rebuild_batch_size=page,
        )
        with collector_paused():
            builder.catch_up(lambda n: pages.put(("page", k, n)), page, upto=upto)
        # The query-only indexes of this worker's tables, built here in parallel with the
        # other workers rather than after the merge (PostgreSQL moves them with the tables;
        # SQLite copies those of worker 0's place only, its own).
        with builder.engine.begin() as conn:
            for model in models:
                for table in model.metadata.sorted_tables:
                    for index in table.indexes:
                        conn.execute(CreateIndex(index, if_not_exists=True))
        pages.put(("done", k, time.process_time() - cpu, time.perf_counter() - wall))
    finally:
        place.dispose()
        engine.dispose()
        _close(log)


# The last sharded rebuild's workers in this process: CPU and wall seconds of each, from its
# start to its last page (imports and the merge aside), for the benchmark (bench/shards.py).
LAST: dict[int, tuple[float, float]] = {}


def _close(log: Any) -> None:
    close = getattr(log, "close", None)
    if close is not None:
        close()


def _model(spec: tuple[Any, ...]) -> Any:
    """A read model from its ``_spec``: its class (``LazyModel``), name, version, path, args."""
    lazy, *args = spec
    return lazy(*args)


def _marks(place: Any) -> dict[str, int]:
    """Every position row of a place (nothing when it does not exist)."""
    if not place.exists():
        return {}
    with place.engine().connect() as conn:
        if not place.has_tracking(conn):
            return {}
        return {n: int(p) for n, p in conn.execute(select(positions.c.name, positions.c.position))}


def _quote(s: str) -> str:
    return s.replace("'", "''")


def _qualified(source: str, table: str, pg: bool) -> str:
    return f'"{source}"."{table}"' if pg else f'{source}."{table}"'


def _positions(conn: Connection, table: str) -> dict[str, int]:
    return {n: int(p) for n, p in conn.execute(text(f"SELECT name, position FROM {table}"))}


def _take(
    conn: Connection, first: Any, source: str, tables: list[Any], every: list[Any], pg: bool
) -> None:
    """A whole model's tables into place 0: moved on PostgreSQL (with their indexes), copied
    on SQLite (with the indexes its own catch-up needs; the query-only ones come at the end)."""
    query_only = frozenset(i.name for m in every for i in deferred(m) if i.name)
    for table in tables:
        if pg:
            conn.exec_driver_sql(
                f'ALTER TABLE "{source}"."{table.name}" SET SCHEMA "{first.shadow}"'
            )
        else:
            copy_table(conn, table, "main", source, query_only)


def _add_part(conn: Connection, source: str, pg: bool) -> None:
    """A coverage part's own rows (ids after those already there), counts and parents."""
    offset = int(
        conn.execute(select(cov_rows.c.id).order_by(cov_rows.c.id.desc()).limit(1)).scalar() or 0
    )
    for table in (cov_rows, counts, parents):
        columns = [f'"{c.name}"' for c in table.columns]
        chosen = [f'"id" + {offset}' if c == '"id"' else c for c in columns]
        conn.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({", ".join(columns)}) '
            f"SELECT {', '.join(chosen)} FROM {_qualified(source, table.name, pg)}"
        )


def _rollups_again(conn: Connection) -> None:
    """Each unit's subtree counts from the merged counts and parents (rollup.py's invariant:
    a unit's roll-up is the sum of the counts of every scope whose chain of parents reaches
    it, itself included)."""
    up = {s: p for s, p in conn.execute(select(parents.c.scope, parents.c.parent))}
    total: dict[tuple[str, str], int] = defaultdict(int)
    for scope, kind, n in conn.execute(select(counts.c.scope, counts.c.kind, counts.c.n)):
        seen: set[str] = set()
        at: str | None = scope
        while at is not None and at not in seen:
            seen.add(at)
            total[(at, kind)] += int(n)
            at = up.get(at)
    conn.execute(delete(rollup))
    insert_many(
        conn,
        rollup,
        ("unit", "kind", "n"),
        [(u, kind, n) for (u, kind), n in sorted(total.items()) if n],
    )


def follow(live: Any, store: Any, workers: int, stop: Any, poll: float = 1.0) -> None:
    """Follow the log with ``workers`` processes until ``stop`` is set, each keeping its share
    of the live read models current (``zhucun projections run --workers N``, PostgreSQL).

    Each live model has its own position row, taken for writing with each page (the runner's
    exactly-once), so processes sharing the models never apply a page twice, and queries'
    own catch-ups go on beside them. Coverage is not cut here: its live roll-ups add up
    scopes of every part, which a part alone cannot keep (ADR 050). A worker that dies stops
    the others and is reported (``WorkerFailed``)."""
    opener = opened(store)
    names = [m.name for m in live.models]
    by_name = {m.name: m for m in live.models}
    shares = [s for s in plan(names, workers, coverage_parts=1) if s]
    specs = [
        sorted(
            (_spec(by_name[n], u) for u in share for n in u.names), key=lambda s: names.index(s[1])
        )
        for share in shares
    ]
    context = multiprocessing.get_context("spawn")
    halt = context.Event()
    processes = [
        context.Process(
            target=keep_up,
            args=(type(live), opener, spec, halt, poll, live.batch_size),
            name=f"zhucun-follow-{k}",
        )
        for k, spec in enumerate(specs)
    ]
    for p in processes:
        p.start()
    failed: tuple[int, int | None] | None = None
    try:
        while not stop.wait(0.5):
            dead = [(k, p.exitcode) for k, p in enumerate(processes) if not p.is_alive()]
            if dead:
                failed = dead[0]
                break
    finally:
        halt.set()
        for p in processes:
            p.join()
    if failed is not None:
        raise WorkerFailed(failed[0], len(processes), failed[1], rebuild=False)


def keep_up(
    runner: type[Any],
    opener: Opener,
    specs: list[tuple[Any, ...]],
    halt: Any,
    poll: float,
    batch: int,
) -> None:
    """A following worker: its read models kept current on the live tables until ``halt``."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal's Ctrl-C is the parent's
    engine, log = opener.engine(), opener.log()
    subscribe = opener.subscribe
    try:
        follower = runner(
            engine,
            log,
            [_model(spec) for spec in specs],
            batch_size=batch,
            subscribe=None if subscribe is None else lambda after: subscribe(log, after),
        )
        follower.follow(halt, poll=poll)
    finally:
        engine.dispose()
        _close(log)
