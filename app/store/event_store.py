"""The event store: the eventsourcing library's application, on SQLite or PostgreSQL.

Besides the library's own ``save()``, it offers what the library does not: reading a few
aggregates' events together with their log positions, and a bulk writer for large loads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from operator import itemgetter
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError, InternalError, JSONTranscoder, Mapper
from eventsourcing.utils import get_topic

from app.store.config import StoreConfig
from app.store.decoding import EventDecoder
from app.store.files import FileStore
from projections.collector import collector_paused
from projections.runner import SETUP_LOCK, sqlite_writer, writing


@dataclass(frozen=True)
class LoggedEvent:
    """A domain event with its place in the log."""

    position: int
    event: Any  # a NetworkAggregate.Event


@dataclass(frozen=True)
class ReadSet:
    """What a batch read to decide what it wrote, checked by the write under its lock."""

    versions: dict[UUID, int]  # aggregates read and not written, at the version read
    # Units whose open children a rule read from the read models, and the log position
    # those read models held every event up to.
    children: dict[str, int]

    def __bool__(self) -> bool:
        return bool(self.versions or self.children)


class ReadChangedError(IntegrityError):
    """Something a batch read changed before its write: the library's clash, so that the
    caller treats it as any other concurrent change."""


def _adds_child(event: Any, codes: dict[str, int], position: int) -> bool:
    # Opening or moving a unit names its parent; registering or moving a household its
    # group: the events that put something open under a unit.
    for attr in ("parent_code", "group_code"):
        code = getattr(event, attr, None)
        if code in codes and position > codes[code]:
            return True
    return False


def _replay(aggregate: Any, events: Iterable[Any]) -> Any:
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def ensure_schema(config: StoreConfig) -> None:
    if config.is_postgres and config.schema and config.schema != "public":
        import psycopg.sql  # PostgreSQL's driver, only for a PostgreSQL address

        with config.postgres_connection() as conn:
            # The name was checked when the URL was read (app/store/config.py) and is quoted
            # all the same.
            name = psycopg.sql.Identifier(config.schema)
            conn.execute(psycopg.sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(name))


SETUP_TRIES = 5


def pg_setup(datastore: Any, work: Callable[[Any], None]) -> None:
    """Run ``work`` (table creation) while holding the set-up lock, PostgreSQL's
    ``pg_advisory_xact_lock``, on a connection of its own; retry on the catalog clashes that
    DDL run outside zhucun (or by an older version) can still cause."""
    import psycopg

    for attempt in range(SETUP_TRIES):
        try:
            with datastore.transaction(commit=True) as curs:
                curs.execute("SELECT pg_advisory_xact_lock(%s)", (SETUP_LOCK,))
                work(curs)
            return
        except (InternalError, IntegrityError, psycopg.InternalError, psycopg.IntegrityError):
            if attempt == SETUP_TRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


class EventStore(Application):  # type: ignore[type-arg]
    name = "zhucun"
    # The evidence files beside the log, in the same database (app/store/files.py): set by
    # the wiring (``Zhucun``), which holds the SQL engine.
    files: FileStore | None = None

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        # Threads of this process write to a SQLite file in turn (projections/runner.py).
        self.writer = sqlite_writer(None if config.is_postgres else str(config.sqlite_path))
        if not config.is_postgres:
            super().__init__(env=config.es_env)
            return
        # The library's pool opens ``POSTGRES_POOL_SIZE`` connections at once (5 by default):
        # forty commands started together held two hundred. One to begin with, more on demand.
        env = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "15", **config.es_env}
        # The library's CREATE statements, run at every start, clash in PostgreSQL's catalog
        # when processes start together ("tuple concurrently updated"): the log's table is
        # made once, by ``_set_up``, and otherwise only looked for.
        super().__init__(env={**env, "CREATE_TABLE": "false"})
        if not self._log_table_exists():
            pg_setup(self.recorder.datastore, self._set_up)  # type: ignore[attr-defined]

    def _log_table_exists(self, curs: Any = None) -> bool:
        sql, args = "SELECT to_regclass(%s) IS NOT NULL AS found", (self._pg_table(),)
        if curs is None:
            return bool(self._pg_select(sql, args)[0]["found"])
        return bool(curs.execute(sql, args).fetchone()["found"])

    def _set_up(self, curs: Any) -> None:
        # Under the set-up lock, on its connection: another process may have made it while
        # this one waited. A process waiting for the lock holds that one connection only.
        if self._log_table_exists(curs):
            return
        schema = self.config.schema or "public"
        if not curs.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone():
            ensure_schema(self.config)
        self.recorder.create_table()  # type: ignore[attr-defined]

    @property
    def events_table(self) -> str:
        """The log's table: ``stored_events`` on SQLite, ``zhucun_events`` on PostgreSQL."""
        return str(self.recorder.events_table_name)  # type: ignore[attr-defined]

    # -- reading ------------------------------------------------------------------------------

    def load(self, aggregate_id: UUID) -> Any:
        """The aggregate from its stored events (``AggregateNotFoundError`` when it has none).

        As the library's ``repository.get``, with a projector that calls each event's
        ``mutate`` directly: the library's default one asserts each event against a runtime
        protocol, which on this Python costs more than decoding the event.
        """
        return self.repository.get(aggregate_id, projector_func=_replay)

    def exists(self, aggregate_id: UUID) -> bool:
        """Has the aggregate any stored event (read now, past any cache)?"""
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def stored_among(self, aggregate_ids: Iterable[UUID]) -> set[UUID]:
        """Which of the aggregates have stored events: one query per 500 ids."""
        ids = list(dict.fromkeys(aggregate_ids))
        found: set[UUID] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            if self.config.is_postgres:
                rows = self._pg_select(
                    f"SELECT DISTINCT originator_id FROM {self._pg_table()} "
                    "WHERE originator_id = ANY(%s)",
                    (chunk,),
                )
                found.update(r["originator_id"] for r in rows)
                continue
            with self.recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
                c.execute(
                    f"SELECT DISTINCT originator_id FROM {self.events_table} "
                    f"WHERE originator_id IN ({','.join('?' * len(chunk))})",
                    [u.hex for u in chunk],
                )
                found.update(UUID(r[0]) for r in c.fetchall())
        return found

    def load_many(self, aggregate_ids: Iterable[UUID]) -> dict[UUID, Any]:
        """The aggregates among these that have stored events, each as ``load`` gives it: one
        query per 500 ids, where ``load`` is a query each (an import of 100,000 rows that
        looks for a receipt per row, ADR 044)."""
        ids = list(dict.fromkeys(aggregate_ids))
        found: dict[UUID, Any] = {}
        for i in range(0, len(ids), 500):
            events: dict[UUID, list[Any]] = {}
            for logged in self.events_of(ids[i : i + 500]):
                events.setdefault(logged.event.originator_id, []).append(logged.event)
            for oid, its in events.items():
                found[oid] = _replay(None, sorted(its, key=lambda e: e.originator_version))
        return found

    def max_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    @property
    def head_statement(self) -> str:
        """SQL for ``max_position`` on any connection to the same database: the read models'
        own, so that a look at the head and their positions is one connection and one
        snapshot, and does not queue in the library's pool behind a write."""
        if self.config.is_postgres:
            return f"SELECT MAX(notification_id) FROM {self._pg_table()}"
        return f"SELECT MAX(rowid) FROM {self.events_table}"

    def read_log(self, after: int, limit: int, upto: int | None = None) -> list[LoggedEvent]:
        decode = self.decoder.decode
        return [
            LoggedEvent(position, decode(oid, version, topic, state))
            for position, oid, version, topic, state in self.raw_rows(after, upto, limit)
        ]

    def iter_log(self, after: int = 0, batch: int = 5000) -> Iterator[list[LoggedEvent]]:
        while True:
            page = self.read_log(after, batch)
            if not page:
                return
            yield page
            after = page[-1].position

    def events_of(self, originator_ids: Iterable[UUID]) -> list[LoggedEvent]:
        """Every event of the given aggregates, in log order."""
        ids = list(dict.fromkeys(originator_ids))
        if not ids:
            return []
        if self.config.is_postgres:
            rows = self._pg_select(
                f"SELECT notification_id AS position, originator_id, originator_version, topic, "
                f"state FROM {self._pg_table()} WHERE originator_id = ANY(%s) "
                "ORDER BY notification_id",
                (ids,),
            )
        else:
            marks = ",".join("?" * len(ids))
            with self.recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
                c.execute(
                    f"SELECT rowid AS position, originator_id, originator_version, topic, state "
                    f"FROM {self.events_table} WHERE originator_id IN ({marks}) ORDER BY rowid",
                    [i.hex for i in ids],
                )
                rows = [dict(r) for r in c.fetchall()]
        return self.logged(rows)

    def logged(self, rows: Iterable[dict[str, Any]]) -> list[LoggedEvent]:
        """Rows of the events table (``position``, ``originator_id``, ``originator_version``,
        ``topic``, ``state``) decoded as the library's mapper would (app/store/decoding.py)."""
        decode = self.decoder.decode
        return [
            LoggedEvent(
                r["position"],
                decode(r["originator_id"], r["originator_version"], r["topic"], r["state"]),
            )
            for r in rows
        ]

    @property
    def decoder(self) -> EventDecoder:
        found = self._decoder
        if found is None:
            found = self._decoder = EventDecoder(self.mapper)
        return found

    _decoder: EventDecoder | None = None  # made on first use, from the store's mapper

    # -- bulk writing -------------------------------------------------------------------------

    def write_bulk(
        self, events: Sequence[DomainEventProtocol[UUID]], reads: ReadSet | None = None
    ) -> None:
        """Append many new events in one transaction, all or nothing.

        Used for large loads (the demo, benchmarks, big ``apply`` files). Versions were
        assigned by the aggregates; a clash with a stored event raises IntegrityError and
        nothing is written, as with ``save()``. The stored bytes are those ``save()`` would
        write; only the way there is shorter (see ``_BulkEncoder``).

        With ``reads``, the rows go in first, taking the log's write lock (PostgreSQL's
        table lock, SQLite's one writer), and what the batch read is then checked under
        it: a change raises ``ReadChangedError`` and nothing is written.
        """
        if not events:
            return
        encoder = self._bulk_encoder
        if encoder is None:
            encoder = self._bulk_encoder = _BulkEncoder(self.mapper)
        # Encoding allocates a few objects per event, none in a cycle, while the batch's
        # aggregates are all alive: the cyclic collector would walk them over and over.
        with collector_paused():
            ours = {e.originator_id for e in events}
            check = (lambda run: self._check_reads(run, reads, ours)) if reads else None
            if self.config.is_postgres:
                self._pg_copy(encoder.rows(events, hex_ids=False), check)
            else:
                rows = encoder.rows(events, hex_ids=True)
                with writing(self.writer):
                    self._sqlite_insert(rows, check)
        self._committed()

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """The library's ``save``, in turn with this process's other writers on SQLite."""
        with writing(self.writer):
            saved = super().save(*objs, **kwargs)
        self._committed()
        return saved

    # Writes this process committed (``projections.runner.Log.commits``): counted under a
    # lock, as each thread's look at the read models compares it with what it saw.
    commits = 0
    _commits_lock = threading.Lock()

    def _committed(self) -> None:
        with self._commits_lock:
            self.commits += 1

    _bulk_encoder: _BulkEncoder | None = None  # made on first use, from the store's mapper

    def _check_reads(self, run: _Run, reads: ReadSet, ours: set[UUID]) -> None:
        """Inside the write's transaction, after its rows: has anything read changed?"""
        ids = list(reads.versions)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            if self.config.is_postgres:
                rows = run(
                    f"SELECT originator_id, MAX(originator_version) FROM {self._pg_table()} "
                    "WHERE originator_id = ANY(%s) GROUP BY originator_id",
                    (chunk,),
                )
            else:
                rows = run(
                    f"SELECT originator_id, MAX(originator_version) FROM {self.events_table} "
                    f"WHERE originator_id IN ({','.join('?' * len(chunk))}) "
                    "GROUP BY originator_id",
                    [c.hex for c in chunk],
                )
            for oid, version in rows:
                key = oid if isinstance(oid, UUID) else UUID(oid)
                if version > reads.versions[key]:
                    raise ReadChangedError(f"{key} changed from version {reads.versions[key]}")
        if reads.children:
            since = min(reads.children.values())
            where = "notification_id" if self.config.is_postgres else "rowid"
            table = self._pg_table() if self.config.is_postgres else self.events_table
            mark = "%s" if self.config.is_postgres else "?"
            rows = run(
                f"SELECT {where}, originator_id, originator_version, topic, state "
                f"FROM {table} WHERE {where} > {mark} ORDER BY {where}",
                (since,),
            )
            for position, oid, version, topic, state in rows:
                key = oid if isinstance(oid, UUID) else UUID(oid)
                if key in ours:
                    continue  # this batch's own rows: its rules saw them already
                event = self.decoder.decode(oid, version, topic, state)
                if _adds_child(event, reads.children, position):
                    raise ReadChangedError(f"a child was added by the event at {position}")

    def _sqlite_insert(
        self, rows: list[tuple[Any, int, str, bytes]], check: Callable[[_Run], None] | None = None
    ) -> None:
        # Many rows per INSERT: a fifth less time than one row per statement, in the same
        # order, so positions are the same. 200 rows are 800 parameters, under the 999 of
        # older SQLite builds. Tried and left out, as they did not help here:
        # synchronous=NORMAL for the batch and a bigger page cache.
        table = self.events_table
        per = _ROWS_PER_INSERT
        whole = len(rows) - len(rows) % per
        with self.recorder.datastore.transaction(commit=True) as c:  # type: ignore[attr-defined]
            if whole:
                c.executemany(
                    f"INSERT INTO {table} VALUES " + ",".join(["(?,?,?,?)"] * per),
                    (tuple(chain.from_iterable(rows[i : i + per])) for i in range(0, whole, per)),
                )
            if whole < len(rows):
                c.executemany(f"INSERT INTO {table} VALUES (?,?,?,?)", rows[whole:])
            if check is not None:
                c.sqlite_cursor.row_factory = None  # plain tuples: this cursor only
                check(lambda sql, args: c.execute(sql, args) or c.fetchall())

    # -- PostgreSQL details -------------------------------------------------------------------

    def _pg_table(self) -> str:
        return f'"{self.config.schema or "public"}".{self.events_table}'

    def _pg_select(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        with self.recorder.datastore.get_connection() as conn, conn.cursor() as curs:  # type: ignore[attr-defined]
            curs.execute(sql, params)
            return [dict(r) for r in curs.fetchall()]

    def _pg_copy(
        self, rows: list[tuple[Any, int, str, bytes]], check: Callable[[_Run], None] | None = None
    ) -> None:
        # What the library's insert does (lock timeout, table lock so log positions follow
        # commit order, NOTIFY for listeners), with one binary COPY in place of the INSERTs:
        # binary spares the bytea hex escaping both ways, about 1.7x faster.
        datastore = self.recorder.datastore  # type: ignore[attr-defined]
        table = self._pg_table()
        id_type = "uuid" if datastore.originator_id_type == "uuid" else "text"
        channel = self.recorder.channel_name  # type: ignore[attr-defined]
        with datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            curs.execute(f"SET LOCAL lock_timeout = '{int(datastore.lock_timeout)}s'")
            curs.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            curs.execute(f'NOTIFY "{channel}"')
            with curs.copy(
                f"COPY {table} (originator_id, originator_version, topic, state) "
                "FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types([id_type, "int8", "text", "bytea"])
                for row in rows:
                    copy.write_row(row)
            if check is not None:
                from psycopg.rows import tuple_row

                with conn.cursor(row_factory=tuple_row) as tuples:
                    check(lambda sql, args: tuples.execute(sql, args).fetchall())

    # -- raw rows -----------------------------------------------------------------------------

    def raw_rows(
        self, after: int, upto: int | None = None, limit: int = 20000
    ) -> list[tuple[int, Any, int, str, bytes]]:
        """Stored rows as stored (position, originator_id, version, topic, state bytes),
        undecoded, after ``after`` and up to ``upto``, in log order."""
        if self.config.is_postgres:
            key, mark, table = "notification_id", "%s", self._pg_table()
        else:
            key, mark, table = "rowid", "?", self.events_table
        sql = (
            f"SELECT {key}, originator_id, originator_version, topic, state "
            f"FROM {table} WHERE {key} > {mark}"
            + (f" AND {key} <= {mark}" if upto is not None else "")
            + f" ORDER BY {key} LIMIT {mark}"
        )
        args = (after, upto, limit) if upto is not None else (after, limit)
        rows: list[tuple[int, Any, int, str, bytes]]
        if self.config.is_postgres:
            from psycopg.rows import tuple_row

            datastore = self.recorder.datastore  # type: ignore[attr-defined]
            with datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
                curs.execute(sql, args)
                rows = curs.fetchall()
                return rows
        with self.recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
            c.sqlite_cursor.row_factory = None  # plain tuples, not Row objects: this cursor only
            c.execute(sql, args)
            rows = c.fetchall()
            return rows


_ROWS_PER_INSERT = 200
# Runs one statement with its parameters in the write's transaction; returns its rows.
_Run = Callable[[str, Any], list[tuple[Any, ...]]]


class _BulkEncoder:
    """Turns domain events into rows, byte for byte as the library's mapper would.

    The mapper builds a ``StoredEvent`` and a fresh JSON encoder per event and calls back into
    Python for every datetime and UUID; at millions of events that is much of a load's time.
    Here one C encoder is made once and each event class is looked at once. Every event
    begins with the same who / when / why fields (``Meta``), which a batch mostly shares: the
    recording time is encoded once per datetime object, the other fields once per distinct
    text, and only the rest per event. Anything unusual (a cipher, a compressor, another
    transcoder, fields in another order) goes the mapper's way or the plain encoder's.
    """

    SHARED = frozenset(("originator_topic", "actor_id", "actor_role", "occurred_on", "reason"))
    MEMO_LIMIT = 4096

    def __init__(self, mapper: Mapper[UUID]) -> None:
        self.mapper = mapper
        transcoder = mapper.transcoder
        self.fast = (
            isinstance(transcoder, JSONTranscoder)
            and mapper.compressor is None
            and mapper.cipher is None
            and c_make_encoder is not None
        )
        if isinstance(transcoder, JSONTranscoder):
            self._types = transcoder.types
            self._fallback = transcoder._encode_obj  # raises the library's own error
        # The transcoder's settings (compact, UTF-8 kept); no circular check, as events are
        # flat records.
        self._iterencode = (
            c_make_encoder(
                None, self._default, encode_basestring, None, ":", ",", False, False, True
            )
            if self.fast
            else None
        )
        self._plans: dict[type, _ClassPlan] = {}
        self._memo: dict[tuple[Any, ...], str] = {}
        self._last: tuple[object, dict[str, Any]] | None = None

    def rows(self, events: Sequence[Any], hex_ids: bool) -> list[tuple[Any, int, str, bytes]]:
        iterencode = self._iterencode
        if iterencode is None:
            return [self._via_mapper(e, hex_ids) for e in events]
        plans, memo = self._plans, self._memo
        last_time: object = None
        time_text = ""
        out = []
        for e in events:
            d = e.__dict__
            cls = type(e)
            plan = plans.get(cls)
            if plan is None:
                plan = plans[cls] = self._plan(cls, d)
            oid = d["originator_id"]
            if hex_ids and type(oid) is UUID:
                oid = oid.hex
            if plan.shared_values is not None and tuple(d) == plan.keys:
                # '"timestamp":{…}' + '"originator_topic":…,"reason":"…"' + '"code":…'
                time = d["timestamp"]
                if time is not last_time:
                    last_time = time
                    time_text = "".join(iterencode({"timestamp": time}, 0))[1:-1]
                values = plan.shared_values(d)
                head = memo.get((cls, values))
                if head is None:
                    head = "".join(iterencode({k: d[k] for k in plan.shared}, 0))[1:-1]
                    # Equal texts encode equally; other equal values need not (1 and True).
                    if all(type(v) is str for v in values):
                        if len(memo) >= self.MEMO_LIMIT:
                            memo.clear()
                        memo[(cls, values)] = head
                rest = {k: d[k] for k in plan.rest}
                if plan.class_version > 1:
                    rest["class_version"] = plan.class_version
                text = (
                    "{"
                    + time_text
                    + ","
                    + head
                    + ("," + "".join(iterencode(rest, 0))[1:] if rest else "}")
                )
            else:
                state = dict(d)
                del state["originator_id"], state["originator_version"]
                if plan.class_version > 1:
                    state["class_version"] = plan.class_version
                text = "".join(iterencode(state, 0))
            out.append((oid, d["originator_version"], plan.topic, text.encode("utf8")))
        return out

    def _plan(self, cls: type, d: dict[str, Any]) -> _ClassPlan:
        keys = tuple(d)
        # The cut needs: the two ids first (the mapper drops them), then the recording time,
        # then at least one of the other shared fields.
        n = 3
        while n < len(keys) and keys[n] in self.SHARED:
            n += 1
        fast = keys[:3] == ("originator_id", "originator_version", "timestamp") and n > 3
        shared = keys[3:n]
        return _ClassPlan(
            topic=get_topic(cls),
            class_version=getattr(cls, "class_version", 1),
            keys=keys,
            shared=shared,
            shared_values=_values_of(shared) if fast else None,
            rest=keys[n:],
        )

    def _default(self, o: Any) -> Any:
        last = self._last
        if last is not None and last[0] is o:
            return last[1]
        transcoding = self._types.get(type(o))
        if transcoding is None:
            return self._fallback(o)
        encoded = {"_type_": transcoding.name, "_data_": transcoding.encode(o)}
        if type(o) is datetime:
            self._last = (o, encoded)
        return encoded

    def _via_mapper(self, event: Any, hex_ids: bool) -> tuple[Any, int, str, bytes]:
        s = self.mapper.to_stored_event(event)
        oid = s.originator_id
        if hex_ids and isinstance(oid, UUID):
            oid = oid.hex
        return (oid, s.originator_version, s.topic, s.state)


@dataclass(frozen=True)
class _ClassPlan:
    topic: str
    class_version: int
    keys: tuple[str, ...]  # the attribute order the plan was made for
    shared: tuple[str, ...]  # the who / why fields after the recording time
    # Their values as one tuple, a memo key; None when the event cannot be cut so.
    shared_values: Callable[[dict[str, Any]], tuple[Any, ...]] | None
    rest: tuple[str, ...]


def _values_of(keys: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]] | None:
    if not keys:
        return None
    if len(keys) == 1:
        key = keys[0]
        return lambda d: (d[key],)
    return itemgetter(*keys)
