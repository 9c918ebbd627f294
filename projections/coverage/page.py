"""What the coverage model writes while it applies a page of the log, kept in memory and
written once at the end of the page.

The model works one recording moment at a time, and a log recorded as it happened has a
moment per command batch: thousands in a page of a rebuild. Written moment by moment, each
scope's new rows, its counts, the moment's facts and its end position were a few statements
per moment and scope, and a row opened in one moment and closed in a later one was an insert
then an update. Here a page's rows are kept by id until the end of the page: a row closed
(or deleted, or reopened) while still in memory is changed there, and goes in once, as it
ends the page; a scope's counts are written once, as they end the page.

The model's own reads of these tables (a scope no longer in its memory, a unit's opening
fact) first write what is kept (``write``): what SQL answers is then what it would have
answered had everything been written as it came.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, update

from projections.bulk import insert_many
from projections.coverage.tables import counts, facts, moments, rows

FACT_COLUMNS = (
    "position",
    "entity",
    "kind",
    "recorded_at",
    "occurred_on",
    "type",
    "actor",
    "data",
)
ROW_COLUMNS = (
    "scope",
    "kind",
    "subject",
    "valid_from",
    "name",
    "unit",
    "parent",
    "valid_to",
    "since",
    "cause_position",
    "cause_type",
    "cause_actor",
    "id",
    "known_from",
    "known_to",
)
KNOWN_TO = len(ROW_COLUMNS) - 1


class PageWrites:
    def __init__(self) -> None:
        self.clear(None)

    def clear(self, last_stored_moment: datetime | None) -> None:
        """Drop what is kept (the transaction it was for is gone); ``last_stored_moment``:
        the latest moment the table holds."""
        self.facts: list[tuple[Any, ...]] = []
        self.rows: dict[int, list[Any]] = {}  # id -> the row's values, in ROW_COLUMNS order
        self.counts: dict[str, list[tuple[str, str, int]]] = {}  # scope -> its count rows
        self.stale_counts: set[str] = set()  # scopes whose stored counts are replaced
        self.moments: dict[datetime, int] = {}  # moment -> the position its events end at
        self.last_stored_moment = last_stored_moment

    def add_rows(self, values: Iterable[Sequence[Any]]) -> None:
        for v in values:
            self.rows[v[-3]] = list(v)

    def close_rows(self, conn: Connection, ids: list[int], moment: datetime | None) -> None:
        """Rows known until ``moment`` (None: reopened, known again)."""
        stored = self._set_known_to(ids, moment)
        if stored:
            conn.execute(update(rows).where(rows.c.id.in_(stored)).values(known_to=moment))

    def delete_rows(self, conn: Connection, ids: list[int]) -> None:
        stored = [i for i in ids if self.rows.pop(i, None) is None]
        if stored:
            conn.execute(delete(rows).where(rows.c.id.in_(stored)))

    def set_counts(self, scope: str, values: list[tuple[str, str, int]], stored: bool) -> None:
        """The scope's counts now; ``stored``: some may be in the table already."""
        self.counts[scope] = values
        if stored:
            self.stale_counts.add(scope)

    def write(self, conn: Connection) -> None:
        """Write everything kept, inside the caller's transaction."""
        if self.facts:
            insert_many(conn, facts, FACT_COLUMNS, self.facts)
            self.facts = []
        if self.rows:
            insert_many(conn, rows, ROW_COLUMNS, self.rows.values())
            self.rows = {}
        if self.stale_counts:
            stale = sorted(self.stale_counts)
            for i in range(0, len(stale), 900):
                conn.execute(delete(counts).where(counts.c.scope.in_(stale[i : i + 900])))
            self.stale_counts = set()
        if self.counts:
            insert_many(conn, counts, ("scope", "kind", "n"), _sorted_counts(self.counts))
            self.counts = {}
        if self.moments:
            self._write_moments(conn)

    def _set_known_to(self, ids: list[int], moment: datetime | None) -> list[int]:
        """Change the rows kept in memory; return the ids of those already written."""
        stored = []
        for i in ids:
            row = self.rows.get(i)
            if row is None:
                stored.append(i)
            else:
                row[KNOWN_TO] = moment
        return stored

    def _write_moments(self, conn: Connection) -> None:
        # Moments only move forward (the model never goes back in recording time): only the
        # latest one stored can come again, with the position its events now end at.
        last = self.last_stored_moment
        new = []
        for moment, position in sorted(self.moments.items()):
            if last is not None and moment <= last:
                conn.execute(
                    update(moments).where(moments.c.recorded_at == moment).values(position=position)
                )
            else:
                new.append((moment, position))
        if new:
            insert_many(conn, moments, ("recorded_at", "position"), new)
            self.last_stored_moment = new[-1][0]
        self.moments = {}


def _sorted_counts(by_scope: dict[str, list[tuple[str, str, int]]]) -> list[tuple[str, str, int]]:
    return [row for scope in sorted(by_scope) for row in by_scope[scope]]
