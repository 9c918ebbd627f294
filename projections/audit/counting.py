"""How many entries an audit log filter matches, and where its K-th page starts, from the
audit index: the same entries ``queries.matching`` finds, counted by the database itself.

``matching`` finds a page in log order and stops; a total has to look at every entry, and
doing that in Python (the ids of every entry, read and checked a window at a time) took
seconds for a county of the demo. Here each scope's ids are listed in full in temporary
tables (one row per id and the parts it may play, as ``Scope.holds`` reads them), and one
statement counts the entries that meet the columns and name an id of every scope: gathered
from the index of ids (which holds the part each id plays, so no row of ``audit_links`` is
read), or entry by entry where the entries' own columns keep few (``FORM``).
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
# How a scope's condition is put (``_condition``): "ids", the entries its ids name, gathered
# from the index of ids; "entries", each entry checked for an id of the scope. A total is
# gathered from the ids (on the demo, a county: 0.2 s of CPU instead of 0.55), unless the
# entries' own columns keep few entries (a type of event, back-dated only: 65 ms instead of
# 0.24 s); where a page starts is found entry by entry, which stops there. None: so chosen.
FORM: str | None = None

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

    def __init__(self, conn: Connection, scopes: list[Scope] | None, upto: int) -> None:
        self.conn = conn
        self.scopes = scopes  # None: a scope holds nothing
        self.upto = upto

    def count(self, cols: Columns, after: int = 0) -> int:
        """How many entries in (after, upto] meet ``cols`` and every scope: as many as
        ``matching`` yields for them."""
        if self.scopes is None:
            return 0
        form = FORM or ("entries" if _narrow(cols) else "ids")
        query = conditions(select(func.count()).select_from(entries), cols)
        return int(self.conn.execute(query.where(*self._span(after, form))).scalar() or 0)

    def nth(self, cols: Columns, n: int, after: int = 0, total: int | None = None) -> int | None:
        """The position of the ``n``-th (from 0) entry ``matching`` yields in (after, upto];
        None when there are not that many. Given the ``total``, an entry in its first
        quarter is found entry by entry (which stops there), a later one as it was counted."""
        if self.scopes is None or (total is not None and n >= total):
            return None
        early = total is None or 4 * n < total
        form = FORM or ("entries" if early or _narrow(cols) else "ids")
        query = conditions(select(entries.c.position), cols).where(*self._span(after, form))
        found = self.conn.execute(query.order_by(entries.c.position).limit(1).offset(n)).scalar()
        return None if found is None else int(found)

    def _span(self, after: int, form: str) -> list[Any]:
        assert self.scopes is not None
        within = [entries.c.position > after, entries.c.position <= self.upto]
        return within + [_condition(n, form, s) for n, s in enumerate(self.scopes)]


def _narrow(cols: Columns) -> bool:
    """Do the entries' own columns keep few of them (by an index, or a rare kind)?"""
    return bool(cols.event or cols.actor or cols.corrections or cols.lag_over is not None)


@contextmanager
def listed(conn: Connection, scopes: list[Scope], upto: int) -> Iterator[Listed]:
    """The scopes written to the temporary tables; emptied again on the way out."""
    for statement in _DDL:
        conn.exec_driver_sql(statement)
    _empty(conn)
    try:
        held: list[Scope] | None = scopes
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
                held = None
                break
            insert_many(conn, refs, ("n", "ref", "mask"), [(n, r, m) for r, m in parts.items()])
            insert_many(conn, actors, ("n", "actor"), [(n, a) for a in sorted(scope.actors)])
            insert_many(conn, positions, ("n", "position"), [(n, p) for p in scope.positions])
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE audit_scope_refs")  # its planner guesses otherwise
        yield Listed(conn, held, upto)
    finally:
        _empty(conn)


def _empty(conn: Connection) -> None:
    for table in (refs, actors, positions):
        conn.execute(table.delete())


def _condition(n: int, form: str, scope: Scope) -> TextClause:
    """Scope ``n`` holds the entry: it names one of the scope's ids in a part the id may
    play (``Scope.holds``), or was recorded by one of its actors, or is at one of its
    positions. ``form``: as ``FORM`` says."""
    named = (
        "audit_entries.position IN (SELECT l.position FROM audit_scope_refs s "
        "JOIN audit_links l ON l.ref = s.ref WHERE s.n = {n} AND (l.roles & s.mask) <> 0)"
        if form == "ids"
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
