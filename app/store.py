"""The event store: the eventsourcing library's application, on SQLite or PostgreSQL.

Besides the library's own ``save()``, it offers what the library does not: reading a few
aggregates' events together with their log positions, and a bulk writer for large loads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import StoredEvent

from app.config import StoreConfig

@dataclass(frozen=True)
class LoggedEvent:
    """A domain event with its place in the log."""

    position: int
    event: Any  # a NetworkAggregate.Event


def ensure_schema(config: StoreConfig) -> None:
    if config.is_postgres and config.schema and config.schema != "public":
        env = config.es_env
        with psycopg.connect(
            dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"] or None,
            connect_timeout=10, autocommit=True,
        ) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{config.schema}"')


class EventStore(Application):  # type: ignore[type-arg]
    name = "zhucun"

    def __init__(self, config: StoreConfig) -> None:
        ensure_schema(config)
        self.config = config
        super().__init__(env=config.es_env)

    @property
    def events_table(self) -> str:
        """The log's table: ``stored_events`` on SQLite, ``zhucun_events`` on PostgreSQL."""
        return str(self.recorder.events_table_name)  # type: ignore[attr-defined]

    # -- reading ------------------------------------------------------------------------------

    def max_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def read_log(self, after: int, limit: int, upto: int | None = None) -> list[LoggedEvent]:
        notifications = self.recorder.select_notifications(
            start=after, limit=limit, stop=upto, inclusive_of_start=False
        )
        to_event = self.mapper.to_domain_event
        return [LoggedEvent(n.id, to_event(n)) for n in notifications]

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
        to_event = self.mapper.to_domain_event
        return [
            LoggedEvent(
                r["position"],
                to_event(
                    StoredEvent(
                        originator_id=UUID(str(r["originator_id"])),
                        originator_version=r["originator_version"],
                        topic=r["topic"],
                        state=bytes(r["state"]),
                    )
                ),
            )
            for r in rows
        ]

    # -- bulk writing -------------------------------------------------------------------------

    def write_bulk(self, events: Sequence[DomainEventProtocol[UUID]]) -> None:
        """Append many new events in one transaction, all or nothing.

        Used for large loads (the demo, benchmarks, big ``apply`` files). Versions were
        assigned by the aggregates; a clash with a stored event raises IntegrityError and
        nothing is written, as with ``save()``.
        """
        if not events:
            return
        to_stored = self.mapper.to_stored_event
        stored = [to_stored(e) for e in events]
        if self.config.is_postgres:
            self._pg_copy(stored)
        else:
            params = [
                (s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
                 s.originator_version, s.topic, s.state)
                for s in stored
            ]
            with self.recorder.datastore.transaction(commit=True) as c:  # type: ignore[attr-defined]
                c.executemany(f"INSERT INTO {self.events_table} VALUES (?,?,?,?)", params)

    # -- PostgreSQL details -------------------------------------------------------------------

    def _pg_table(self) -> str:
        return f'"{self.config.schema or "public"}".{self.events_table}'

    def _pg_select(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        with self.recorder.datastore.get_connection() as conn, conn.cursor() as curs:  # type: ignore[attr-defined]
            curs.execute(sql, params)
            return [dict(r) for r in curs.fetchall()]

    def _pg_copy(self, stored: list[StoredEvent]) -> None:
        # One COPY under the same table lock the library takes for its inserts, so log
        # positions stay in commit order.
        table = self._pg_table()
        with self.recorder.datastore.get_connection() as conn, conn.transaction():  # type: ignore[attr-defined]
            with conn.cursor() as curs:
                curs.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
                with curs.copy(
                    f"COPY {table} (originator_id, originator_version, topic, state) FROM STDIN"
                ) as copy:
                    for s in stored:
                        copy.write_row((s.originator_id, s.originator_version, s.topic, s.state))
