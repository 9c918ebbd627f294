"""How many entries an audit log filter matches, and where its K-th page starts, from the
audit index: the same entries ``queries.matching`` finds, counted by the database itself.

``matching`` finds a page in log order and stops; a total has to look at every entry, and
doing that in Python (the ids of every entry, read and checked a window at a time) took
seconds for a county of the demo. Here each scope's ids are listed in full in temporary
tables (one row per id and the parts it may play, as ``Scope.holds`` reads them), and one
statement counts the entries that meet the columns and name an id of every scope. A scope
of few ids drives the statement from the index of ids; a broad one is checked entry by
entry (``_condition``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.sql.elements import TextClause

from projections.audit.index import ABOUT, FIELD, ORIGINATOR, TEAM, entries
from projections.audit.queries import Columns, Scope, conditions
from projections.bulk import insert_many

EVERY_PART = ORIGINATOR | ABOUT | TEAM | FIELD
# A scope listing fewer ids than the log's length over this is found from its ids; a
# broader one is checked at each entry (on the demo: a township from its ids, 0.1 s instead
# of 0.5; the city entry by entry, 0.9 s instead of 1.9).
BY_IDS_SHARE = 20

# Temporary tables, one set per connection, emptied before and after each use: the ids of
# each scope (``n``: the scope's number in the query) with the parts they must play, and
# the actors and positions a scope holds.
_temporary = MetaData()
refs = Table(
    "audit_scope_refs",
    _temporary,
    Column("n", Integer, nullable=False),
    Column("ref", String(32), nullable=False),
    Column("mask", Integer, nullable=False),
)
actors = Table(
    "audit_scope_actors",
    _temporary,
    Column("n", Integer, nullable=False),
    Column("actor", Text, nullable=False),
)
positions = Table(
    "audit_scope_positions",
    _temporary,
    Column("n", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)
_DDL = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS audit_scope_refs "
    "(n INTEGER NOT NULL, ref VARCHAR(32) NOT NULL, mask INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS audit_scope_refs_ref ON audit_scope_refs (ref, n)",
    "CREATE TEMPORARY TABLE IF NOT EXISTS audit_scope_actors "
    "(n INTEGER NOT NULL, actor TEXT NOT NULL)",
    "CREATE TEMPORARY TABLE IF NOT EXISTS audit_scope_positions "
    "(n INTEGER NOT NULL, position BIGINT NOT NULL)",
)


class Listed:
    """Scopes written to the temporary tables of one connection: count the entries they
    and the columns hold, or find the n-th of them."""

    def __init__(self, conn: Connection, where: list[TextClause] | None, upto: int) -> None:
        self.conn = conn
        self.where = where  # None: a scope holds nothing
        self.upto = upto

    def count(self, cols: Columns, after: int = 0) -> int:
        """How many entries in (after, upto] meet ``cols`` and every scope: as many as
        ``matching`` yields for them."""
        if self.where is None:
            return 0
        query = conditions(select(func.count()).select_from(entries), cols)
        return int(self.conn.execute(query.where(*self._span(after))).scalar() or 0)

    def nth(self, cols: Columns, n: int, after: int = 0) -> int | None:
        """The position of the ``n``-th (from 0) entry ``matching`` yields in (after, upto];
        None when there are not that many."""
        if self.where is None:
            return None
        query = conditions(select(entries.c.position), cols).where(*self._span(after))
        found = self.conn.execute(query.order_by(entries.c.position).limit(1).offset(n)).scalar()
        return None if found is None else int(found)

    def _span(self, after: int) -> list[Any]:
        assert self.where is not None
        return [entries.c.position > after, entries.c.position <= self.upto, *self.where]


@contextmanager
def listed(conn: Connection, scopes: list[Scope], upto: int) -> Iterator[Listed]:
    """The scopes written to the temporary tables, with a condition on ``audit_entries``
    for each; emptied again on the way out."""
    for statement in _DDL:
        conn.exec_driver_sql(statement)
    _empty(conn)
    try:
        where: list[TextClause] | None = []
        for n, scope in enumerate(scopes):
            assert scope.placed is None, "a broad scope is listed in full to be counted"
            parts: dict[str, int] = {}
            for ids, mask in (
                (scope.oa, ORIGINATOR | ABOUT),
                (scope.team, TEAM),
                (scope.any, EVERY_PART),
                (scope.own, ORIGINATOR),
            ):
                for ref in ids:
                    parts[ref] = parts.get(ref, 0) | mask
            if not parts and not scope.actors and not scope.positions:
                where = None
                break
            insert_many(conn, refs, ("n", "ref", "mask"), [(n, r, m) for r, m in parts.items()])
            insert_many(conn, actors, ("n", "actor"), [(n, a) for a in sorted(scope.actors)])
            insert_many(conn, positions, ("n", "position"), [(n, p) for p in scope.positions])
            assert where is not None
            where.append(_condition(n, len(parts) * BY_IDS_SHARE < upto, scope))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE audit_scope_refs")  # its planner guesses otherwise
        yield Listed(conn, where, upto)
    finally:
        _empty(conn)


def _empty(conn: Connection) -> None:
    for table in (refs, actors, positions):
        conn.execute(table.delete())


def _condition(n: int, by_ids: bool, scope: Scope) -> TextClause:
    """Scope ``n`` holds the entry: it names one of the scope's ids in a part the id may
    play (``Scope.holds``), or was recorded by one of its actors, or is at one of its
    positions."""
    named = (
        "audit_entries.position IN (SELECT l.position FROM audit_scope_refs s "
        "JOIN audit_links l ON l.ref = s.ref WHERE s.n = {n} AND (l.roles & s.mask) <> 0)"
        if by_ids
        else "EXISTS (SELECT 1 FROM audit_links l JOIN audit_scope_refs s ON s.ref = l.ref "
        "WHERE l.position = audit_entries.position AND s.n = {n} AND (l.roles & s.mask) <> 0)"
    )
    either = [named.format(n=int(n))]
    if scope.actors:
        either.append(
            f"audit_entries.actor IN (SELECT actor FROM audit_scope_actors WHERE n = {n})"
        )
    if scope.positions:
        either.append(
            f"audit_entries.position IN (SELECT position FROM audit_scope_positions WHERE n = {n})"
        )
    return text("(" + " OR ".join(either) + ")")
