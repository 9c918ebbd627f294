"""Feeds read models from the log, exactly once: rows and position move in one transaction."""

from __future__ import annotations

import hashlib
import importlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    bindparam,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError

from domain.rules import DEFAULT_RULES, RuleSet
from projections import gate
from projections.collector import collector_paused
from projections.tables import (
    REBUILDING,
    faults,
    positions,
    tracking,
)

# The position rows' helpers, shared with the build beside (projections/beside.py).
from projections.tables import fault_key as _fault_key
from projections.tables import lock_position as _lock_position
from projections.tables import lock_positions as _lock_positions
from projections.tables import put_position as _put_position
from projections.tables import version_key as _version_key
from projections.tables import version_of as _version_of

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # no flock (Windows): processes meet at SQLite's own lock
    fcntl = None


class Log(Protocol):
    def read_log(self, after: int, limit: int, upto: int | None = None) -> list[Any]: ...
    def max_position(self) -> int: ...

    # How many writes this process has committed to the log: a look at the read models
    # taken before a write of one's own is not good after it.
    commits: int


@dataclass
class _Look:
    """One unit of work's look at the read models (a web request's): taken at the first read,
    trusted by the reads after it until the process writes to the log."""

    commits: int = -1  # the log's write count when the look was taken; -1: not yet taken
    head: int = 0  # the position every live read model had reached (the log's head, but
    # for a catch-up its bound cut short: ``Projections.wait``)
    top: int = 0  # the log's head then


# A rebuild reads the log in pages of at least this many events: each page costs a
# transaction, a sweep of every scope it touches and the writing of their rows, so fewer,
# bigger pages make a rebuild about a tenth faster (`python -m bench.coverage`). Queries keep
# the smaller pages of ``batch_size``: a page is what a reader may wait for.
REBUILD_PAGE = 10_000
# A catch-up that applied this many events changed the read models enough for PostgreSQL's
# planner to need new statistics (a first start on a loaded log, a long pause).
REFRESH_AFTER = 50_000
# A long catch-up (a rebuild) also refreshes them on the way, each time the events applied
# have grown this many times since the last refresh: the model's own lookups are planned on
# what the tables held when last analysed, and a table analysed empty (or never, where
# autovacuum is off) got plans that read all of it for each scope (the PostgreSQL province
# rebuild: a scope's facts looked up by walking every fact in log order).
REFRESH_GROWTH = 4


class ReadModel(Protocol):
    name: str

    @property
    def metadata(self) -> MetaData: ...

    # Optional ``deferred_indexes``: indexes that only queries use, never the model's own
    # catch-up. A rebuild drops them and builds each once at the end (``_deferred``).
    # Optional ``version`` (1 when absent): raised when the model's tables or what they mean
    # change, so that tables built by older code are built again (``create_tables``).

    def process(self, conn: Connection, page: Sequence[Any]) -> None: ...

    def reset(self) -> None:
        """Forget anything kept in memory (the tables were just emptied)."""


def default_models(rules: RuleSet = DEFAULT_RULES) -> list[ReadModel]:
    """Every read model, each known by its name and version until it has events to apply
    (``LazyModel``): the event store imports this module for its locks, and a query whose
    read models are at the head of the log loads none of their code."""
    return [
        LazyModel("network", 3, "projections.network:NetworkModel"),
        LazyModel("coverage", 4, "projections.coverage.model:CoverageModel", rules),
        LazyModel("teams", 3, "projections.teams.model:TeamsModel"),
        LazyModel("audit_chain", 1, "projections.audit.chain:AuditChainModel"),
        LazyModel("accounts", 4, "projections.accounts:AccountsModel"),
        LazyModel("audit_index", 3, "projections.audit.index:AuditIndexModel"),
        LazyModel("ledger", 9, "projections.ledger.model:LedgerModel"),
        LazyModel("assessments", 2, "projections.assessments.model:AssessmentsModel"),
        LazyModel("search", 1, "projections.search:SearchModel"),
        LazyModel("rectifications", 1, "projections.rectifications:RectificationsModel"),
    ]


class LazyModel:
    """A read model known by its name and version (all that a look at the positions and
    ``create_tables``' usual look need), its code imported when it first has events to apply
    or is asked for more: its tables (a rebuild, a new version), its deferred indexes.

    A query whose read models are at the head of the log imports none of the models'
    handlers, nor the domain modules behind them, nor the ledger's or the assessments' tables
    when it does not read them (ADR 045). Nothing else changes: every query still brings
    every model to the head first, page by page with the positions, exactly once.

    ``model`` is ``"module:Class"``, built with ``args``; ``version`` must be the class's
    (tests/test_lazy_models.py compares them): a model whose tables change raises its
    version, so that the version row, written in the transaction that made the tables,
    stands for them until the code is loaded.
    """

    def __init__(self, name: str, version: int, model: str, *args: Any) -> None:
        self.name, self.version = name, version
        self._path, self._args = model, args
        self._model: ReadModel | None = None

    @property
    def model(self) -> ReadModel:
        if self._model is None:
            module, cls = self._path.split(":")
            self._model = getattr(importlib.import_module(module), cls)(*self._args)
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def metadata(self) -> MetaData:
        return self.model.metadata

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        self.model.process(conn, page)

    def reset(self) -> None:
        if self._model is not None:  # else nothing is kept in memory
            self._model.reset()

    def __getattr__(self, name: str) -> Any:  # what else the code has (deferred indexes)
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.model, name)


class Projections:
    def __init__(
        self,
        engine: Engine,
        log: Log,
        models: list[ReadModel] | None = None,
        batch_size: int = 2000,
        subscribe: Callable[[int], Any] | None = None,
        rebuild_batch_size: int | None = None,
    ) -> None:
        """``subscribe(after)`` returns the library's subscription to the log (PostgreSQL),
        or is None where the engine has none (SQLite). A rebuild reads pages of
        ``rebuild_batch_size`` events (by default ``batch_size``, and at least
        ``REBUILD_PAGE``)."""
        self.engine = engine
        # Every transaction on the engine waits while read models built beside are switched
        # in (PostgreSQL), and the switch only for those in flight (ADR 052).
        gate.install(engine)
        self.log = log
        self.subscribe = subscribe
        self.models = models if models is not None else default_models()
        self.batch_size = batch_size
        self.rebuild_batch_size = rebuild_batch_size
        # The read models found stopped (name -> the event's position) by the last look at
        # the positions: what every page's banner shows, without a query of its own.
        self.stopped: dict[str, int] = {}
        self.writer = sqlite_writer(
            str(engine.url.database) if engine.dialect.name == "sqlite" else None
        )
        self._look: ContextVar[_Look | None] = ContextVar(f"look-{id(self)}", default=None)
        # Seconds a query's catch-up may take (None: to the head, however long). Past them
        # the query answers from the read models as they stand (``behind``) and says so.
        self.wait: float | None = None
        # Whether a catch-up that its bound cut short goes on in a thread of this process
        # (a web server's), rather than being left to the next query or a follower.
        self.background = False
        self.short = False  # a query's catch-up was cut short, and nothing has finished it
        self._carrier: threading.Thread | None = None
        self._carrier_guard = threading.Lock()
        self._closed = threading.Event()

    @contextmanager
    def one_look(self) -> Iterator[None]:
        """Inside, the read models are brought to the head of the log at the first read only,
        and the reads after it trust that look until this process writes to the log.

        For a web request: a page reads the read models five or six times (the account, the
        figures, the lists), and each read used to look at the log's head and the models'
        positions again, two queries apiece. What another process writes meanwhile shows
        at the next request, as it would have had it come a moment later; what this
        request writes shows at its next read."""
        token = self._look.set(_Look())
        try:
            yield
        finally:
            self._look.reset(token)

    def _looked(self) -> _Look | None:
        """This unit of work's look at the read models, if it is still good."""
        look = self._look.get()
        return look if look is not None and look.commits == self.log.commits else None

    def head(self) -> int:
        """The position every live read model has reached: the log's head, unless the
        catch-up's bound cut it short (``wait``). The key of anything computed from the read
        models (the web's page cache): an answer computed behind the head is keyed there."""
        look = self._looked()
        if look is not None:
            return look.head
        with self._reading() as (_, reached):
            return reached

    def behind(self) -> tuple[int, int]:
        """The position the live read models have reached and the log's head: as this unit
        of work's look found them (what its answers were read at), else as they are now."""
        look = self._looked()
        if look is not None:
            return look.head, look.top
        with self.engine.connect() as conn:
            return self._reach(conn)

    def _remember(self, commits: int, reached: int, top: int) -> int:
        """Where the read models stand (``behind``), kept as this unit of work's look."""
        look = self._look.get()
        if look is not None:
            look.commits, look.head, look.top = commits, reached, top
        return reached

    def _catch_up_for_query(self) -> None:
        """Catch up for a query, for at most ``wait`` seconds. Stopping between two pages is
        as safe as a crash there (each page commits with its position): the query then
        answers from what the read models hold, and what is left is carried on in a thread
        (``background``), else by the next query once this process is gone, or a follower.
        While a catch-up is left unfinished, this process's queries do not wait again."""
        if self.short:
            return
        enough = None
        if self.wait is not None:
            deadline = time.monotonic() + self.wait
            enough = lambda: time.monotonic() >= deadline  # noqa: E731
        self.catch_up(enough=enough)
        if self.short and self.background:
            self._carry_on()

    def _carry_on(self) -> None:
        with self._carrier_guard:
            if self._carrier is not None and self._carrier.is_alive():
                return
            self._carrier = threading.Thread(
                target=self._carry, name="zhucun-catch-up", daemon=True
            )
            self._carrier.start()

    def _carry(self) -> None:
        try:
            self.catch_up(enough=self._closed.is_set)
        finally:
            # Finished, closed or failed: the next query catches up itself (and starts
            # another thread if it too is cut short).
            self.short = False

    def close(self) -> None:
        """Stop a catch-up carried on in the background, at its next page."""
        self._closed.set()
        carrier = self._carrier
        if carrier is not None:
            carrier.join()

    def create_tables(self) -> None:
        """Create what is missing, and build again from the log, beside the tables it
        replaces, any read model whose tables were built by another version of it
        (``_version_of``).

        Every start of a command comes here: when everything is in place (the usual case) it
        only looks, in two reads. Else the tables are made under the set-up lock
        (``_setup_lock``): on PostgreSQL, DDL run by processes starting together clashed in
        the catalog ("tuple concurrently updated").

        A new version is built beside the old tables (projections/beside.py, ADR 048): this
        process waits for it, while processes of the older code go on answering from the old
        tables, which it replaces in one transaction once it has caught up. Processes of this
        code starting meanwhile wait for the same build rather than starting another."""
        if self._in_place():
            return
        with self.engine.begin() as conn:
            _setup_lock(conn)
            tracking.create_all(conn)
            for model in self.models:
                model.metadata.create_all(conn)
            have = set(conn.execute(select(positions.c.name)).scalars())
            for model in self.models:
                if model.name not in have:
                    conn.execute(insert(positions).values(name=model.name, position=0))
                    _put_position(conn, _version_key(model), _version_of(model))
        if self._outdated():
            from projections.beside import Beside

            page, refresh_after = self._rebuild_pages()
            Beside(self).build(self._outdated, page=page, refresh_after=refresh_after)

    def _in_place(self) -> bool:
        """Every table of every model there, each model's position and version stored and
        its version current: nothing to create."""
        with self.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            wanted = {t.name for m in self.models for t in _tables(m)}
            wanted |= {t.name for t in tracking.sorted_tables}  # positions and faults
            if not wanted <= tables:
                return False
            names = [m.name for m in self.models] + [_version_key(m) for m in self.models]
            stored = dict(conn.execute(_POSITIONS, {"names": names}).all())
        return all(
            m.name in stored and stored.get(_version_key(m)) == _version_of(m) for m in self.models
        )

    def _outdated(self, conn: Connection | None = None) -> list[ReadModel]:
        if conn is None:
            with self.engine.connect() as c:
                return self._outdated(c)
        stored = dict(
            conn.execute(
                select(positions.c.name, positions.c.position).where(
                    positions.c.name.in_([_version_key(m) for m in self.models])
                )
            ).all()
        )
        # A store from before versions were recorded has none: its tables are version 1.
        return [m for m in self.models if stored.get(_version_key(m), 1) != _version_of(m)]

    def positions(self, conn: Connection | None = None) -> dict[str, int]:
        """Each read model's position in the log (read on ``conn`` if given)."""
        if conn is None:
            with self.engine.connect() as c:
                return self.positions(c)
        names = [m.name for m in self.models]
        stored = {n: p for n, p in conn.execute(_POSITIONS, {"names": names})}
        return {name: int(stored.get(name) or 0) for name in names}

    def position(self, name: str) -> int:
        return self.positions()[name]

    def catch_up(
        self,
        progress: Callable[[int], None] | None = None,
        page_size: int | None = None,
        enough: Callable[[], bool] | None = None,
        upto: int | None = None,
    ) -> int:
        """Apply every event recorded since each read model's position; return how many
        log events were read. ``enough``, asked after each page: stop there (``short``).
        ``upto``: no event past that position (a sharded rebuild's workers stop together).

        Each page of the log is read once, before the turn to write (so that others write
        meanwhile), and given to every read model that has not seen it inside one transaction
        that first takes the models' position rows for writing: two processes catching up at
        once take turns instead of applying a page twice (the later one reads the page again
        from where the positions now start), and rows and positions commit together.
        """
        look = self._looked()  # taken at the head: trusted; cut short: caught up now
        if look is not None and look.head >= look.top:
            self.short = False
            return 0
        with self.engine.connect() as c:
            reached, head = self._reach(c)
        if self.models and reached >= head:
            self.short = False
            return 0  # the usual case for a query: nothing new, and nothing written
        done = refreshed = 0  # events applied, and applied at the last refresh
        size = page_size or self.batch_size
        after = reached  # where the next page most likely starts
        while True:
            live, page = list(self.models), []
            # The page read and decoded before the writer's turn, so that another process
            # writes meanwhile (the demo's loader, a command); taken in only if the models'
            # positions, locked below, still start there (else another process moved them).
            ahead = (after, self.log.read_log(after, size, upto))
            try:
                with writing(self.writer), collector_paused(), self.engine.begin() as conn:
                    live = self._live(conn)
                    at = _lock_positions(conn, [m.name for m in live])
                    after = min(at.values(), default=self.log.max_position())
                    page = ahead[1] if ahead[0] == after else self.log.read_log(after, size, upto)
                    if not page:
                        break
                    moved = []
                    for model in live:
                        unseen = [e for e in page if e.position > at[model.name]]
                        if unseen:
                            model.process(conn, unseen)
                            moved.append(model.name)
                    _set_positions(conn, moved, page[-1].position)
            except Exception as e:
                if not (page and _contained(e)):
                    raise
                self._isolate(live, page)  # the page again, model by model, to find the fault
            done += len(page)
            after = page[-1].position if page else after
            if progress:
                progress(len(page))
            if done >= max(REFRESH_AFTER, refreshed * REFRESH_GROWTH):
                self.refresh_statistics()
                refreshed = done
            if len(page) < size:
                # The log ended within the page when it was read: what was recorded since
                # is the next reader's (a transaction less for the usual query after a write).
                break
            if enough is not None and enough():
                self.short = True
                return done
        self.short = False
        if done >= REFRESH_AFTER and refreshed != done:
            self.refresh_statistics()
        return done

    def _reach(self, conn: Connection) -> tuple[int, int]:
        """The lowest position of the read models that are not stopped, and the log's head."""
        head = self._head(conn)
        names = [m.name for m in self.models]
        keys = names + [_fault_key(n) for n in names]
        stored = {n: p for n, p in conn.execute(_POSITIONS, {"names": keys})}
        live = [int(stored.get(n) or 0) for n in names if _fault_key(n) not in stored]
        self.stopped = {n: int(stored[_fault_key(n)]) for n in names if _fault_key(n) in stored}
        return min(live, default=head), head

    def _head(self, conn: Connection) -> int:
        """The log's head, read on ``conn`` where the log says how (``head_statement``)."""
        statement = getattr(self.log, "head_statement", None)
        if statement is None:
            return self.log.max_position()
        return int(conn.exec_driver_sql(statement).scalar() or 0)

    # -- a read model that cannot apply an event -------------------------------------------

    def faults(self) -> dict[str, dict[str, Any]]:
        """The read models stopped by an event: its position and the error, by model."""
        with self.engine.connect() as conn:
            return {
                r.name: {"position": int(r.position), "error": r.error}
                for r in conn.execute(select(faults))
            }

    def _live(self, conn: Connection) -> list[ReadModel]:
        stopped = set(conn.execute(select(faults.c.name)).scalars())
        return [m for m in self.models if m.name not in stopped]

    def _isolate(self, models: list[ReadModel], page: list[Any]) -> None:
        """Apply ``page`` to each model in a transaction of its own; a model that fails
        goes on event by event, and the event that fails again is its fault: the model
        stops before it (recorded in ``rm_faults``), the others are not held back.

        An error that does not come back on its own (a lock, a lost connection) is not a
        fault: it is raised, and the next read tries again."""
        for model in models:
            try:
                self._apply(model, page)
            except Exception as e:
                if not _contained(e):
                    raise
                for event in page:
                    try:
                        self._apply(model, [event])
                    except Exception as error:
                        if not _contained(error):
                            raise
                        self._stop(model, event.position, error)
                        break

    def _apply(self, model: ReadModel, page: list[Any]) -> None:
        with writing(self.writer), self.engine.begin() as conn:
            at = _lock_position(conn, model.name)
            unseen = [e for e in page if e.position > at]
            if unseen:
                model.process(conn, unseen)
                _set_position(conn, model.name, unseen[-1].position)

    def _stop(self, model: ReadModel, position: int, error: Exception) -> None:
        said = f"{type(error).__name__}: {error}".replace("\x00", "\\x00")
        with writing(self.writer), self.engine.begin() as conn:
            conn.execute(faults.delete().where(faults.c.name == model.name))
            conn.execute(
                insert(faults).values(name=model.name, position=position, error=said[:2000])
            )
            _put_position(conn, _fault_key(model.name), position)
        self.stopped = {**self.stopped, model.name: position}
        model.reset()

    @contextmanager
    def reading(self, to_head: bool = False) -> Iterator[Connection]:
        """A connection to query the read models with, once they are at the head of the log
        (or as far as ``wait`` let them go: ``behind`` says where they stand). ``to_head``:
        at the head whatever the bound, for a command's rule that checks what it reads (a
        unit closed only without open children), which must not pass on a model behind.

        The usual case (nothing new in the log) checks the positions on the connection the
        query then uses: one checkout of the pool instead of two, which on PostgreSQL is a
        round trip to ping the server and one to end the transaction.
        """
        if to_head:
            self.catch_up()
            with self.engine.connect() as conn:
                yield conn
            return
        if self._looked() is not None:
            with self.engine.connect() as conn:
                yield conn
            return
        with self._reading() as (conn, _):
            yield conn

    @contextmanager
    def _reading(self) -> Iterator[tuple[Connection, int]]:
        """``reading``'s connection, and the position the read models it reads have reached."""
        commits = self.log.commits
        with self.engine.connect() as conn:
            reached, top = self._reach(conn)
            if self.short or (self.models and reached >= top):
                yield conn, self._remember(commits, reached, top)
                return
        self._catch_up_for_query()
        with self.engine.connect() as conn:
            yield conn, self._remember(commits, *self._reach(conn))

    def drop_tables(self) -> None:
        for model in self.models:
            model.metadata.drop_all(self.engine)
        tracking.drop_all(self.engine)

    def rebuild(
        self,
        progress: Callable[[int], None] | None = None,
        workers: int = 1,
        store: Any = None,
        coverage_parts: int | None = None,
    ) -> int:
        """Rebuild every read model from the log, beside the live ones, and switch them in
        at once (projections/beside.py): queries answer from the live read models all along,
        which are never taken away. Safe to interrupt at any moment: run again, it resumes
        where the last page it committed left off. Returns how many log events were read.

        ``workers`` > 1: the read models' work is shared among that many processes, each
        opening the store with ``store`` (``shards.Opener``), coverage split by scope into
        ``coverage_parts`` (by default as the plan balances best), and merged before the
        switch (projections/shards.py, ADR 050).
        """
        from projections.beside import Beside

        self.create_tables()
        page, refresh_after = self._rebuild_pages()
        models = list(self.models)
        first = None
        if workers > 1:
            from projections.shards import Sharded

            first = Sharded(self, store, workers, page, coverage_parts, progress).build
        return Beside(self).build(
            lambda: models, progress, page=page, refresh_after=refresh_after, first=first
        )

    def _rebuild_pages(self) -> tuple[int, int]:
        """A rebuild's pages of the log, and how many events make its catch-up refresh the
        planner's statistics itself."""
        return self.rebuild_batch_size or max(self.batch_size, REBUILD_PAGE), REFRESH_AFTER

    def refresh_statistics(self) -> None:
        """Have PostgreSQL's planner count the read models' rows again (``ANALYZE``).

        Tables just filled by a rebuild have no statistics until autovacuum gets to them: the
        planner then takes a table of 700,000 rows for one of a few hundred and picks plans
        that read it all (`python -m bench.coverage --villages 1000` on PostgreSQL: a city's
        coverage p50 111 ms before, 14 ms after).
        SQLite's planner works from its indexes alone; nothing is done there.
        """
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.begin() as conn:
            for model in self.models:
                for table in model.metadata.sorted_tables:
                    conn.exec_driver_sql(
                        f"ANALYZE {conn.dialect.identifier_preparer.format_table(table)}"
                    )

    def rebuilding(self) -> bool:
        """Is a rebuild unfinished: a build beside (or an earlier release's mark)?"""
        return self.rebuilt_to() is not None

    def rebuilt_to(self) -> int | None:
        """How far an unfinished rebuild has come (the least position of its models), or
        None when there is none."""
        from projections.beside import Beside

        with self.engine.connect() as conn:
            marked = conn.execute(_POSITIONS, {"names": [REBUILDING]}).first()
        built = Beside(self).pending()
        if built is None:
            return 0 if marked else None
        return min(built.values(), default=0)

    def checksum(self) -> str:
        """A digest of every read model's rows at the head of the log (caught up first),
        surrogate keys left out: equal digests, equal read models."""
        self.catch_up()
        digest = hashlib.sha256()
        with self.engine.connect() as conn:
            for model in self.models:
                for table in model.metadata.sorted_tables:
                    columns = [c for c in table.columns if c.name != "id" or not c.autoincrement]
                    lines = sorted(repr(tuple(r)) for r in conn.execute(select(*columns)))
                    digest.update(table.name.encode())
                    for line in lines:
                        digest.update(line.encode())
        return digest.hexdigest()

    def follow(
        self,
        stop: threading.Event,
        poll: float = 1.0,
        progress: Callable[[int], None] | None = None,
        workers: int = 1,
        store: Any = None,
    ) -> None:
        """Keep the read models caught up until ``stop`` is set.

        On PostgreSQL the library's subscription (LISTEN/NOTIFY) wakes the loop as soon as
        events are recorded; on SQLite, which has no subscriptions, the log is polled.
        ``workers`` > 1: that many processes share the read models, each opening the store
        with ``store`` (projections/shards.py: ``follow``).
        """
        if workers > 1:
            from projections.shards import follow

            follow(self, store, workers, stop, poll)
            return
        while not stop.is_set():
            self.catch_up(progress)
            reached = min(self.positions().values(), default=0)
            subscription = self.subscribe(reached) if self.subscribe else None
            if subscription is None:
                stop.wait(poll)
                continue
            with subscription:
                waker = threading.Thread(target=_stop_when, args=(stop, subscription), daemon=True)
                waker.start()
                for _ in subscription:
                    break  # something new: go and catch up


# Read before every query: built once (a statement's expression costs more than its run).
_POSITIONS = select(positions.c.name, positions.c.position).where(
    positions.c.name.in_(bindparam("names", expanding=True))
)


# Python errors a model raises on an event it cannot apply (a value out of range, a key it
# does not know); a value SQLAlchemy cannot bind comes as a StatementError.
_FROM_THE_EVENT = (
    StatementError,
    ArithmeticError,
    LookupError,
    TypeError,
    ValueError,
    AssertionError,
    AttributeError,
)


def _contained(error: Exception) -> bool:
    """Does this error come from the event itself (a value a column cannot hold, a rule
    of the model it breaks), so that applying the event again fails again? A lock, a lost
    connection or a concurrent change comes and goes: not contained."""
    if isinstance(error, DataError | IntegrityError):
        return True
    if isinstance(error, DBAPIError):
        return False
    return isinstance(error, _FROM_THE_EVENT)


def _stop_when(stop: threading.Event, subscription: Any) -> None:
    stop.wait()
    subscription.stop()


class SqliteWriter:
    """The turn to write to one SQLite file: threads of a process wait on a lock, and
    processes (gunicorn's workers, a ``zhucun apply`` beside ``zhucun serve``) on the kernel's
    lock of a file beside the store (``flock``), which wakes the next writer as soon as the
    last lets go. Reentrant in a thread, like the lock it wraps.

    SQLite lets one writer in at a time; the others poll the file's lock, sleeping longer
    each time (up to 100 ms between looks), and under a load the unlucky ones time out
    ("database is locked") or wait far longer than the write they wait for. Both the log's
    writes (app/store/event_store.py) and the read models' catch-up take this turn. Where no
    lock file can be made (a read-only directory), processes meet at SQLite's own lock and
    its busy timeout, as before.
    """

    def __init__(self, database: str) -> None:
        self.lock = threading.RLock()
        self.path = f"{database}-writer.lock"
        self.depth = 0  # changed only by the thread holding ``lock``
        self.fd: int | None = None
        self.pid = 0  # the process the file was opened by: a fork opens its own

    def __enter__(self) -> None:
        self.lock.acquire()
        if self.depth == 0:
            try:
                self._file_lock()
            except BaseException:
                self.lock.release()
                raise
        self.depth += 1

    def __exit__(self, *exc: object) -> None:
        self.depth -= 1
        try:
            if self.depth == 0 and self.fd is not None and fcntl is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.lock.release()

    def _file_lock(self) -> None:
        if fcntl is None:
            return
        if self.pid != os.getpid():  # a forked worker must not share its parent's file
            self.fd, self.pid = None, os.getpid()
            try:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                return
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_EX)


_WRITERS: dict[str, SqliteWriter] = {}
_WRITERS_GUARD = threading.Lock()


def sqlite_writer(database: str | None) -> SqliteWriter | None:
    """The turn to write to one SQLite file, shared by this process's stores of it (None
    for another engine)."""
    if not database:
        return None
    database = os.path.abspath(database)
    with _WRITERS_GUARD:
        found = _WRITERS.get(database)
        if found is None:
            found = _WRITERS[database] = SqliteWriter(database)
        return found


@contextmanager
def writing(lock: SqliteWriter | None) -> Iterator[None]:
    if lock is None:
        yield
        return
    with lock:
        yield


# PostgreSQL's advisory lock for creating tables; the event store takes the same number
# (app/store/event_store.py), so that one process at a time runs DDL on a database.
SETUP_LOCK = 0x7A68_7563


def _setup_lock(conn: Connection) -> None:
    """Hold the set-up lock until the transaction ends: PostgreSQL's advisory lock, or on
    SQLite its write lock taken at once (a transaction that reads first and writes later
    cannot wait for a writer that got in between; it fails with "database is locked")."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK})
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _tables(model: ReadModel) -> list[Any]:
    """A model's tables, but none of a ``LazyModel`` not yet loaded: its version row stands
    for them (written with them; new tables come with a new version)."""
    if isinstance(model, LazyModel) and not model.loaded:
        return []
    return list(model.metadata.sorted_tables)


def _set_positions(conn: Connection, names: list[str], position: int) -> None:
    if names:
        conn.execute(update(positions).where(positions.c.name.in_(names)).values(position=position))


def _set_position(conn: Connection, name: str, position: int) -> None:
    conn.execute(update(positions).where(positions.c.name == name).values(position=position))
