"""Read models built beside the live ones, then switched in at once (ADR 048).

A rebuild (``zhucun projections rebuild``) and a new version of a read model are built in a
place of their own — on PostgreSQL the schema ``<schema>__next``, on SQLite the file
``<store>-next`` — while queries go on answering from the live tables and catch-ups go on
feeding them. Once the build has reached the head of the log it replaces the live tables in
one transaction: the live position rows taken, the last events applied, the live tables
dropped, the built ones moved in, positions, versions and the rebuild generation set. A
query sees the old tables before that commit and the new ones after it.

The builder's connections see the place first and the store after it: PostgreSQL's
``search_path`` (and SQLAlchemy's ``schema_translate_map`` for the tables' DDL), SQLite's
main database being the place with the store ATTACHed. Model code writes to its tables by
plain name, through SQLAlchemy and through raw SQL (projections/bulk.py, the audit index), and
every such name finds the place's table; the log's table, which the place lacks, is found in
the store. The place keeps its own ``rm_positions``: a build killed at any moment resumes
from its last committed page, and the live read models are never touched until the switch.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.schema import CreateIndex, CreateTable

from domain.errors import ZhucunError
from projections import gate, staged
from projections.collector import collector_paused
from projections.tables import (
    GENERATION,
    REBUILDING,
    clear_fault,
    deferred,
    fault_key,
    faults,
    generation,
    lock_positions,
    positions,
    put_position,
    tracking,
    version_key,
    version_of,
)

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # no flock (Windows): builds beside are not kept one at a time there
    fcntl = None

# The runner (projections/runner.py) calls this module, so it names the runner's types only
# by what it uses of them: the live read models' ``Projections``, and a read model.
Runner = Any
ReadModel = Any

SUFFIX = "__next"  # the place of a PostgreSQL schema's build: the schema's name and this
ATTACHED = "zhucun_live"  # what the builder's SQLite connections call the store
# PostgreSQL's advisory lock for one build beside at a time on a database (the set-up lock's
# number, runner.SETUP_LOCK, and one).
BESIDE_LOCK = 0x7A68_7564
# The switch waits this long for the gate (the transactions on the live read models in
# flight, ADR 052) and then for each lock it takes, before it lets them go and tries again
# after another catch-up: a query that comes meanwhile waits behind it, so the wait is
# bounded for both.
LOCK_WAIT = "500ms"
TRIES = 20


class SwitchNotPossible(ZhucunError):
    """The switch found no moment in its tries when the live read models were free: a
    transaction held them longer than ``LOCK_WAIT`` each time. What was built is kept and a
    rebuild run again resumes and tries again; printed as a named error, exit code 1."""

    code = "switch_not_possible"

    def __init__(self) -> None:
        super().__init__(
            "rebuild",
            f"旁建的读模型在 {TRIES} 次尝试中都未能换入：每次都有事务占用读模型超过 {LOCK_WAIT}；"
            "已建的部分已保存，再次运行 `zhucun projections rebuild` 即继续并重试",
            f"the read models built beside could not be switched in after {TRIES} tries: a "
            f"transaction held them longer than {LOCK_WAIT} each time; what was built is kept: "
            "run `zhucun projections rebuild` again to resume and try again",
        )


class Beside:
    def __init__(self, live: Runner) -> None:
        self.live = live
        engine = live.engine
        self.place: _Place = place_of(engine)

    def pending(self) -> dict[str, int] | None:
        """The position of each model of an unfinished build beside, or None."""
        if not self.place.exists():
            return None
        try:
            return _models_in(self.place, self.place.engine())
        finally:
            self.place.dispose()

    def build(
        self,
        which: Callable[[], list[ReadModel]],
        progress: Callable[[int], None] | None = None,
        *,
        page: int,
        refresh_after: int,
        first: Callable[[list[ReadModel]], int] | None = None,
    ) -> int:
        """Build ``which()`` (asked once this process holds the turn to build) beside the
        live read models, in pages of ``page`` events, and switch them in; return how many
        log events were read. The planner's statistics are refreshed at the end unless the
        catch-up did it (after ``refresh_after`` events, ``Projections.catch_up``).
        ``first(models)``, under the same turn, fills the place beforehand (the workers
        of a sharded rebuild, projections/shards.py) and returns how many events it read."""
        with self.place.turn():
            models = which()
            if not models:
                return 0
            try:
                done = first(models) if first is not None else 0
                # Statistics the workers' catch-ups gathered moved in with their tables.
                return done + self._build(models, progress, page, refresh_after - done)
            finally:
                self.place.dispose()

    def _build(
        self,
        models: list[ReadModel],
        progress: Callable[[int], None] | None,
        page: int,
        refresh_after: int,
    ) -> int:
        own = [_own_instance(m) for m in models]
        self._prepare(own)
        live = self.live
        builder = type(live)(
            self.place.engine(),
            live.log,
            own,
            batch_size=live.batch_size,
            rebuild_batch_size=live.rebuild_batch_size,
        )
        done: int = 0
        with collector_paused():
            done += builder.catch_up(progress, page)
            # Built once from the finished tables (``Projections.rebuild``'s reason): each
            # built table's indexes, those another model keeps on it too (the audit index's
            # on the network's names); none on a table not built here, which keeps its own.
            _ = [m.metadata for m in live.models]  # each model's module imported: its indexes known
            with builder.engine.begin() as conn:
                for model in own:
                    for table in model.metadata.sorted_tables:
                        for index in table.indexes:
                            conn.execute(CreateIndex(index, if_not_exists=True))
            if done < refresh_after:  # else the catch-up did it
                builder.refresh_statistics()
            for _ in range(TRIES):
                switched = self.place.switch(self, builder, own)
                if switched is not None:
                    done += switched
                    break
                for model in own:  # their memory may hold what the switch rolled back
                    model.reset()
                done += builder.catch_up(progress, page)
            else:
                raise SwitchNotPossible()
        self.place.remove()
        self.place.after_switch(self.live.writer)
        for model in models:
            model.reset()  # this process's own instances: their memory is of the old tables
        return int(done)

    def _prepare(self, models: list[ReadModel]) -> None:
        """Resume the place's build if it is of these models and versions, else start a new
        one: the place emptied, the tables made (without the query-only indexes), the
        positions at 0; in one transaction."""
        if self.place.exists():
            built = _models_in(self.place, self.place.engine(), versions=True)
            if {n for n in built if ":" not in n} == {m.name for m in models} and all(
                built.get(version_key(m)) == version_of(m) for m in models
            ):
                return
            self.place.remove()
        make_place(self.place, models, self.live.models)

    def switch(self, builder: Runner, models: list[ReadModel]) -> int | None:
        """Switch the built models in, in one transaction; how many events it applied, or
        None when the live tables stayed busy (the caller catches up and tries again)."""
        names = [m.name for m in models]
        place = self.place
        with self.live.writer or nullcontext(), place.engine().connect() as conn:
            try:
                with conn.begin():
                    place.begin(conn)
                    with place.on_live(conn):
                        lock_positions(conn, names)  # live catch-ups wait from here
                    done = _last_events(conn, builder, models)
                    at = {
                        n: p
                        for n, p in conn.execute(select(positions.c.name, positions.c.position))
                    }
                    stopped = list(conn.execute(select(faults)).mappings())
                    with place.on_live(conn):
                        for model in models:
                            model.metadata.drop_all(conn)
                    place.move_in(conn, [t for m in models for t in m.metadata.sorted_tables])
                    with place.on_live(conn):
                        settle(conn, models, at, stopped)
                    place.drop(conn)
            except OperationalError as e:
                if not place.busy(e):
                    raise
                return None
            except _Unapplied:
                return None
        return done

    def switch_staged(self, builder: Runner, models: list[ReadModel]) -> int | None:
        """The switch of tables staged in the store (SQLite, projections/staged.py), in one
        transaction on the store: the staged tables renamed in, then the events recorded
        since the place stopped applied to them by the builder's models; how many, or None
        (as ``switch``)."""
        names = [m.name for m in models]
        with self.place.engine().connect() as conn:  # the place, not written since staged
            at = {
                n: int(p) for n, p in conn.execute(select(positions.c.name, positions.c.position))
            }
            stopped = list(conn.execute(select(faults)).mappings())
        halted = {row["name"] for row in stopped}
        going = [m for m in models if m.name not in halted]
        tables = [t for m in models for t in m.metadata.sorted_tables]
        live = self.live
        with live.writer or nullcontext(), live.engine.connect() as conn:
            try:
                with conn.begin():
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                    lock_positions(conn, names)  # live catch-ups wait from here
                    staged.switch_in(conn, tables)
                    done = _apply_since(conn, builder, going, at)
                    settle(conn, models, at, stopped)
            except OperationalError as e:
                if not self.place.busy(e):
                    raise
                return None
            except _Unapplied:
                return None
        return done


def settle(
    conn: Connection, models: list[ReadModel], at: dict[str, int], stopped: list[Any]
) -> None:
    """The live positions, versions and faults of the models switched in set to the built
    ones', an earlier release's rebuild mark deleted, the rebuild generation raised."""
    for model in models:
        clear_fault(conn, model.name)
        put_position(conn, model.name, int(at[model.name]))
        put_position(conn, version_key(model), version_of(model))
    for row in stopped:
        conn.execute(insert(faults).values(**row))
        put_position(conn, fault_key(row["name"]), int(row["position"]))
    conn.execute(positions.delete().where(positions.c.name == REBUILDING))
    # Processes holding rows in memory read them again.
    put_position(conn, GENERATION, generation(conn) + 1)


def make_place(
    place: _Place,
    models: list[ReadModel],
    every: list[ReadModel],
    marks: dict[str, int] | None = None,
) -> None:
    """The place made, with the tables of ``models`` (without the query-only indexes), their
    positions at 0, their versions and ``marks`` (more position rows), in one transaction.
    ``every``: all the read models, whose query-only indexes may be on these tables."""
    with place.engine().begin() as conn:
        place.create(conn)
        tracking.create_all(conn)
        conn.execute(insert(positions).values(name=GENERATION, position=0))
        for name, position in (marks or {}).items():
            put_position(conn, name, position)
        for model in models:
            model.metadata.create_all(conn)
            conn.execute(insert(positions).values(name=model.name, position=0))
            put_position(conn, version_key(model), version_of(model))
        # The query-only indexes of the tables made here, whichever model keeps them (the
        # audit index keeps some on the network's tables). Only those: an index's name is
        # looked for in the live tables too (SQLite's attached store, PostgreSQL's search
        # path), and a live index must not be dropped.
        made = {t.name for m in models for t in m.metadata.sorted_tables}
        for index in {i.name: i for m in every for i in deferred(m)}.values():
            if index.table is not None and index.table.name in made:
                index.drop(conn)


def models_in(place: _Place, versions: bool = False) -> dict[str, int]:
    """The positions of the models a place holds (and their versions, with ``versions``)."""
    return _models_in(place, place.engine(), versions)


def place_of(engine: Engine, suffix: str = SUFFIX) -> _Place:
    """The place of a build beside the store of ``engine``, named with ``suffix``."""
    if engine.dialect.name == "postgresql":
        return _PostgresPlace(engine, suffix)
    return _SqlitePlace(engine, suffix)


def copy_table(
    conn: Connection, table: Any, into: str, source: str, skip: frozenset[str] = frozenset()
) -> None:
    """A SQLite table made in the database ``into`` (as ``conn``'s schema translation names
    it) and filled from its namesake in ``source``, another database of the connection; its
    indexes made after its rows are in, but those named in ``skip``."""
    conn.execute(CreateTable(table))
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    conn.exec_driver_sql(
        f'INSERT INTO {into}."{table.name}" ({columns}) '
        f'SELECT {columns} FROM {source}."{table.name}"'
    )
    for index in table.indexes:
        if index.name not in skip:
            conn.execute(CreateIndex(index))


def _models_in(place: _Place, engine: Engine, versions: bool = False) -> dict[str, int]:
    """The positions of the models a place holds (and their versions, with ``versions``)."""
    with engine.connect() as conn:
        if not place.has_tracking(conn):
            return {}
        stored = conn.execute(select(positions.c.name, positions.c.position)).all()
    return {
        n: int(p)
        for n, p in stored
        if n != GENERATION and (":" not in n or (versions and n.startswith("version:")))
    }


def _last_events(conn: Connection, builder: Runner, models: list[ReadModel]) -> int:
    """Bring the built models to the head of the log on ``conn`` (the switch's transaction).
    An event a model cannot apply fails the switch (``_Unapplied``); the builder's catch-up
    after it finds the event and stops the model there (``Projections._isolate``), or raises
    an error that is not the event's, and the model is switched in stopped."""
    live = builder._live(conn)
    at = lock_positions(conn, [m.name for m in live])
    done = _apply_since(conn, builder, live, at)
    for name, position in at.items():
        conn.execute(update(positions).where(positions.c.name == name).values(position=position))
    return done


def _apply_since(
    conn: Connection, builder: Runner, models: list[ReadModel], at: dict[str, int]
) -> int:
    """The events after each model's position in ``at`` applied to it on ``conn``, and ``at``
    moved on; how many log events were read. A failure is ``_Unapplied``."""
    done = 0
    while models:
        page = builder.log.read_log(min(at[m.name] for m in models), builder.batch_size)
        if not page:
            break
        for model in models:
            unseen = [e for e in page if e.position > at[model.name]]
            if unseen:
                try:
                    model.process(conn, unseen)
                except Exception as e:
                    raise _Unapplied from e
                at[model.name] = page[-1].position
        done += len(page)
    return done


class _Unapplied(Exception):
    """A built model failed on the events recorded since its build caught up."""


def _own_instance(model: ReadModel) -> ReadModel:
    """A model of the same class and settings for the builder: models keep what they built
    in memory, and the live one goes on with the live tables. The live one is reset first
    (it reads its memory again from its tables at its next page, as after any rebuild), so
    that what is copied is its settings, not its memory; its tables are shared, not copied."""
    model.reset()
    shared: dict[int, Any] = {id(model.metadata): model.metadata}
    for table in model.metadata.sorted_tables:
        shared[id(table)] = table
    own = copy.copy(model)
    own.__dict__.update(copy.deepcopy(vars(model), shared))
    own.reset()
    return own


class _Place:
    """Where a build beside is made, and how it is switched in, on one engine.
    ``live_schema``: the store as the builder's connections name it; ``own_schema``: the
    place as they name it (None: their default)."""

    live_schema: str
    own_schema: str | None

    def __init__(self, engine: Engine) -> None:
        self.live_engine = engine
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self.make_engine()
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _codec(self) -> dict[str, Any]:
        """The live engine's JSON codec (app/bootstrap.py: orjson), for the same stored text."""
        dialect: Any = self.live_engine.dialect
        return {
            "json_serializer": dialect._json_serializer,
            "json_deserializer": dialect._json_deserializer,
        }

    @contextmanager
    def on_live(self, conn: Connection) -> Iterator[None]:
        """SQLAlchemy's statements on ``conn`` meant for the live tables."""
        before = conn.get_execution_options().get("schema_translate_map")
        conn.execution_options(schema_translate_map={None: self.live_schema})
        try:
            yield
        finally:
            conn.execution_options(schema_translate_map=before)

    def has_tracking(self, conn: Connection) -> bool:
        return bool(
            conn.dialect.has_table(conn, positions.name, schema=self.own_schema)
            and conn.dialect.has_table(conn, faults.name, schema=self.own_schema)
        )

    def make_engine(self) -> Engine:
        """The builder's engine: its connections see the place first, then the store."""
        raise NotImplementedError

    def exists(self) -> bool:
        raise NotImplementedError

    def remove(self) -> None:
        """The place and all it holds gone (outside any transaction)."""
        raise NotImplementedError

    def move_in(self, conn: Connection, tables: list[Any]) -> None:
        """The built tables made the store's (the store's own already dropped)."""
        raise NotImplementedError

    def turn(self) -> AbstractContextManager[None]:
        """The turn to build beside: one process at a time."""
        raise NotImplementedError

    def create(self, conn: Connection) -> None:
        """The place made, in the transaction that makes its tables."""

    def drop(self, conn: Connection) -> None:
        """The place gone, in the switch's transaction."""

    def begin(self, conn: Connection) -> None:
        """What the switch's transaction takes first."""

    def busy(self, error: OperationalError) -> bool:
        """Did the switch give up waiting for the gate or the live tables?"""
        return False

    def switch(self, beside: Beside, builder: Runner, models: list[ReadModel]) -> int | None:
        """Switch what was built in (``Beside.switch``)."""
        return beside.switch(builder, models)

    def after_switch(self, writer: Any) -> None:
        """What is left to do once the switch has committed and the place is gone."""


class _PostgresPlace(_Place):
    """The schema ``<schema>__next`` beside the store's schema."""

    def __init__(self, engine: Engine, suffix: str = SUFFIX) -> None:
        super().__init__(engine)
        with engine.connect() as conn:
            self.schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar())
        # Schema names are checked by app/store/config.py (lower case, at most 63 bytes).
        self.shadow = self.schema[: 63 - len(suffix)] + suffix
        self.live_schema, self.own_schema = self.schema, self.shadow

    def make_engine(self) -> Engine:
        return create_engine(
            self.live_engine.url,
            connect_args={"options": f'-csearch_path="{self.shadow}","{self.schema}"'},
            # The builder works in the place, and the switch closes the gate: neither passes it.
            execution_options=gate.ungated({"schema_translate_map": {None: self.shadow}}),
            pool_size=2,
            pool_pre_ping=True,
            **self._codec(),
        )

    def exists(self) -> bool:
        with self.live_engine.connect() as conn:
            found = conn.execute(
                text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": self.shadow}
            ).first()
        return found is not None

    def create(self, conn: Connection) -> None:
        conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{self.shadow}"')

    def remove(self) -> None:
        with self.live_engine.begin() as conn:
            self.drop(conn)

    def drop(self, conn: Connection) -> None:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{self.shadow}" CASCADE')

    def begin(self, conn: Connection) -> None:
        """The gate closed (projections/gate.py), before any table or position row is
        touched: the transactions on the live read models in flight end, those that come
        wait behind the switch, and none holds a table the switch is about to drop."""
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
        gate.close(conn, self.schema)

    def busy(self, error: OperationalError) -> bool:
        return getattr(error.orig, "sqlstate", None) == "55P03"  # lock_not_available

    def move_in(self, conn: Connection, tables: list[Any]) -> None:
        """Moved, not copied: their indexes, their statistics and the sequences of their
        row numbers go with them."""
        for table in tables:
            conn.exec_driver_sql(
                f'ALTER TABLE "{self.shadow}"."{table.name}" SET SCHEMA "{self.schema}"'
            )

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Held on a connection of its own for the whole build: released by the server
        if the process dies."""
        with self.live_engine.connect() as conn:
            # Waited for without the gate: the process holding the turn waits for the gate
            # at its switch.
            conn.execution_options(**gate.ungated())
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": BESIDE_LOCK})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": BESIDE_LOCK})
                conn.commit()


class _SqlitePlace(_Place):
    """The file ``<store>-next`` beside the store: the builder's main database, with the
    store attached. SQLite cannot move a table from one file to another, so the switch
    copies the built tables into the store; readers of the store are not held up by it
    (WAL: they read the last commit), writers wait for it as for any write."""

    def __init__(self, engine: Engine, suffix: str = SUFFIX) -> None:
        super().__init__(engine)
        self.store = os.path.abspath(str(engine.url.database))
        # ``<store>-next`` for the build beside, ``<store>-next1``… for a sharded one's workers
        self.path = Path(f"{self.store}-{suffix.strip('_')}")
        self.live_schema, self.own_schema = ATTACHED, None

    def make_engine(self) -> Engine:
        engine = create_engine(
            f"sqlite:///{self.path}", connect_args={"timeout": 30}, **self._codec()
        )
        store = self.store.replace("'", "''")

        @event.listens_for(engine, "connect")
        def _attach(dbapi_conn: Any, _: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"ATTACH DATABASE '{store}' AS {ATTACHED}")
            cur.close()

        return engine

    def exists(self) -> bool:
        return self.path.exists()

    def remove(self) -> None:
        self.dispose()
        for suffix in ("", "-wal", "-shm", "-writer.lock"):
            with suppress(FileNotFoundError):
                os.remove(f"{self.path}{suffix}")

    def begin(self, conn: Connection) -> None:
        # Both files' write locks at once: a transaction that reads first and writes later
        # cannot wait for a writer that got in between (runner._setup_lock).
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    def switch(self, beside: Beside, builder: Runner, models: list[ReadModel]) -> int | None:
        """The built tables copied into the store beforehand, in short writes, and renamed
        in at the switch (projections/staged.py): the writers wait for the renames and the
        last events, not for the copy."""
        tables = [t for m in models for t in m.metadata.sorted_tables]
        staged.stage(self.engine(), beside.live.writer, tables, ATTACHED)
        return beside.switch_staged(builder, models)

    def after_switch(self, writer: Any) -> None:
        """The tables the switch replaced emptied and dropped, in short writes."""
        staged.clear(self.live_engine, writer)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """The kernel's lock of a file beside the store (released if the process dies)."""
        if fcntl is None:
            yield
            return
        fd = os.open(f"{self.store}-beside.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)
