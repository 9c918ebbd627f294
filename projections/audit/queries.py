"""Positions of the audit log's matching entries, in log order, from the audit index
(``projections/audit/index.py``): plain functions over its tables.

A query is the entry's own columns (actor, type, days, correction) and any number of
*scopes*: sets of ids an entry must name in a given part (docs/adr/018-audit-index.md).
Two ways to find the positions, picked per query:

* from the ids: when a scope names few ids, the positions of those ids are read from the
  index of ids and merged in log order, a window at a time;
* from the log order: otherwise the entries are read in log order (their own columns
  filtered in SQL) and each window's ids checked against the scopes. A scope that is
  broad (a city) says which of the window's ids it holds through ``placed``, asked a
  window at a time, instead of listing its ids beforehand. When the first windows do not
  finish the page, it says through ``split`` where its bulk can start at the earliest
  (``audit_firsts``) and which few ids it can hold before that: those are found from the
  ids, and the log-order reading goes on from there.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, select

from projections.audit.index import ABOUT, CORRECTION, ORIGINATOR, TEAM, entries
from projections.audit.sql import mark, rows_in
from projections.tables import positions as tracked

WINDOW = 200  # positions read per statement
CHUNK = 500  # ids per IN list
SPLIT_AFTER = 2  # windows read in log order before a broad scope is asked where it starts
FIRSTS_CHUNK = 200  # probes per statement (SQLite allows 500 terms in a UNION ALL)


@dataclass
class Columns:
    """Conditions on the entry's own columns."""

    actor: str | None = None
    event: str | None = None
    occurred_from: date | None = None
    occurred_to: date | None = None
    recorded_from: date | None = None
    recorded_to: date | None = None
    lag_over: int | None = None  # back-dated: recorded more than this many days after
    corrections: bool = False  # corrections only


@dataclass
class Scope:
    """Entries that name one of these ids in the given part, or were recorded by one of
    these actors, or sit at one of these positions."""

    oa: set[str] = field(default_factory=set)  # as the originator or a correction's subject
    team: set[str] = field(default_factory=set)  # as the event's team
    any: set[str] = field(default_factory=set)  # in any field
    own: set[str] = field(default_factory=set)  # as the originator
    actors: set[str] = field(default_factory=set)
    positions: set[int] = field(default_factory=set)
    # For a broad scope: which of these ids (as originator or subject) lie in it.
    placed: Callable[[set[str]], set[str]] | None = None
    # Found from its ids whatever their number: a small share of a log whose entries lie
    # together (a county of a province), which the log's order would reach late.
    drive: bool = False
    # For a broad scope: (start, ids): before ``start`` (None: anywhere) it holds only
    # entries that name one of ``ids`` as the originator or a correction's subject (a few:
    # found from the ids).
    split: Callable[[], tuple[int | None, set[str]]] | None = None
    _outside: set[str] = field(default_factory=set)

    def size(self) -> int | None:
        """How many ids and actors it lists; None when it cannot list them (broad)."""
        if self.placed is not None:
            return None
        return (
            len(self.oa)
            + len(self.team)
            + len(self.any)
            + len(self.own)
            + len(self.actors)
            + len(self.positions)
        )

    def learn(self, refs: set[str]) -> None:
        """Ask ``placed`` about the ids not asked yet (a window's)."""
        if self.placed is None:
            return
        unknown = refs - self.oa - self._outside
        if unknown:
            inside = self.placed(unknown)
            self.oa |= inside
            self._outside |= unknown - inside

    def holds(self, position: int, actor: str, named: list[tuple[str, int]]) -> bool:
        if actor in self.actors or position in self.positions:
            return True
        for ref, roles in named:
            if ref in self.any:
                return True
            if roles & (ORIGINATOR | ABOUT) and ref in self.oa:
                return True
            if roles & TEAM and ref in self.team:
                return True
            if roles & ORIGINATOR and ref in self.own:
                return True
        return False


def index_position(conn: Connection, name: str) -> int | None:
    """How far in the log the index has read; None when the store has no such model."""
    found = conn.execute(select(tracked.c.position).where(tracked.c.name == name)).scalar()
    return None if found is None else int(found)


def first_under(
    conn: Connection, under: str, args: tuple[Any, ...], levels: tuple[str, ...]
) -> int | None:
    """The lowest position ``audit_firsts`` holds for the units of these levels that meet
    ``under`` (a condition on ``rm_units u``, with its ``args``: a subtree as ``rm_units``
    has it now); None when it holds none."""
    m = mark(conn)
    kinds = ",".join([m] * len(levels))
    found = conn.exec_driver_sql(
        "SELECT MIN(f.position) FROM rm_units u JOIN audit_firsts f ON f.unit_code = u.code "
        f"WHERE {under} AND u.level IN ({kinds})",
        (*args, *levels),
    ).scalar()
    return None if found is None else int(found)


def first_of(conn: Connection, refs: Collection[str]) -> int | None:
    """The lowest position at which any of ``refs`` is named, one probe of the index of ids
    each; None when none is."""
    found: list[int] = []
    probe = "SELECT (SELECT MIN(position) FROM audit_links WHERE ref = {m}) AS p"
    values = sorted(refs)
    for i in range(0, len(values), FIRSTS_CHUNK):
        chunk = values[i : i + FIRSTS_CHUNK]
        union = " UNION ALL ".join([probe.format(m=mark(conn))] * len(chunk))
        low = conn.exec_driver_sql(f"SELECT MIN(p) FROM ({union}) t", tuple(chunk)).scalar()
        if low is not None:
            found.append(int(low))
    return min(found, default=None)


def corrected_by(conn: Connection, wanted: list[int]) -> dict[int, list[int]]:
    """Position -> the positions of the corrections of it, for the positions given."""
    out: dict[int, list[int]] = {}
    sql = "SELECT corrects, position FROM audit_entries WHERE corrects IN ({ins})"
    for corrects, position in rows_in(conn, sql, sorted(set(wanted))):
        out.setdefault(int(corrects), []).append(int(position))
    for found in out.values():
        found.sort()
    return out


def matching(
    conn: Connection,
    cols: Columns,
    scopes: list[Scope],
    after: int,
    upto: int,
    by_ids_below: int,
) -> Iterator[int]:
    """Positions in (after, upto] of the entries that meet ``cols`` and every scope, in log
    order. A scope listing fewer than ``by_ids_below`` ids, or asking to, drives the search
    (the smallest such); otherwise the entries are read in log order."""
    sizes = [(s.size(), n) for n, s in enumerate(scopes)]
    listed = sorted(
        (size, n)
        for size, n in sizes
        if size is not None and (size < by_ids_below or scopes[n].drive)
    )
    driver = scopes[listed[0][1]] if listed else None
    cursor = after
    # A broad scope asks where its bulk can start only when the first windows did not
    # finish the page: a unit met early and often (the root) pays nothing for it.
    broad = next((s for s in scopes if s.split is not None), None) if driver is None else None
    windows = 0
    # In log order the window doubles as it goes: a scope found in one entry of a thousand
    # pays for fewer statements, a page found in the first window for no more rows.
    size = WINDOW
    while cursor < upto:
        if driver is not None:
            candidates, cursor = _by_ids(conn, driver, cursor, upto)
            # A slice at a time: the caller may stop at the first page.
            for i in range(0, len(candidates), WINDOW):
                found = _entries(conn, cols, candidates[i : i + WINDOW])
                yield from _holding(conn, scopes, found)
            continue
        if broad is not None and windows == SPLIT_AFTER:
            start = yield from _early(conn, cols, scopes, broad, cursor, upto, by_ids_below)
            cursor, broad = max(cursor, start - 1), None
            continue
        windows += 1
        found = [
            (int(p), a)
            for p, a in conn.execute(
                conditions(select(entries.c.position, entries.c.actor), cols)
                .where(entries.c.position > cursor, entries.c.position <= upto)
                .order_by(entries.c.position)
                .limit(size)
            )
        ]
        cursor = found[-1][0] if len(found) == size else upto
        size = min(2 * size, 16 * WINDOW)
        yield from _holding(conn, scopes, found)


def _early(
    conn: Connection,
    cols: Columns,
    scopes: list[Scope],
    broad: Scope,
    cursor: int,
    upto: int,
    by_ids_below: int,
) -> Generator[int, None, int]:
    """The positions in (cursor, upto] before where the bulk of ``broad`` can start (which
    it returns): only its few early ids can be named there, and they are found from those
    ids."""
    assert broad.split is not None
    begins, few = broad.split()
    start = upto + 1 if begins is None else begins
    if cursor < min(start - 1, upto):
        head = Scope(oa=few, drive=True)
        early = [head if s is broad else s for s in scopes]
        yield from matching(conn, cols, early, cursor, min(start - 1, upto), by_ids_below)
    return start


def _holding(conn: Connection, scopes: list[Scope], found: list[tuple[int, str]]) -> Iterator[int]:
    """The positions of ``found`` (position, actor) that every scope holds."""
    if not found:
        return
    if not scopes:
        yield from (p for p, _ in found)
        return
    named = _named(conn, [p for p, _ in found])
    refs = {r for rows in named.values() for r, roles in rows if roles & (ORIGINATOR | ABOUT)}
    for scope in scopes:
        scope.learn(refs)
    for position, actor in found:
        rows = named.get(position, [])
        if all(s.holds(position, actor, rows) for s in scopes):
            yield position


def conditions(query: Select[Any], cols: Columns) -> Select[Any]:
    c = entries.c
    if cols.actor is not None:
        query = query.where(c.actor == cols.actor)
    if cols.event is not None:
        query = query.where(c.event == cols.event)
    if cols.corrections:
        query = query.where(c.event == CORRECTION)
    if cols.occurred_from is not None:
        query = query.where(c.occurred_on >= cols.occurred_from)
    if cols.occurred_to is not None:
        query = query.where(c.occurred_on <= cols.occurred_to)
    if cols.recorded_from is not None:
        query = query.where(c.recorded_day >= cols.recorded_from)
    if cols.recorded_to is not None:
        query = query.where(c.recorded_day <= cols.recorded_to)
    if cols.lag_over is not None:
        query = query.where(c.lag_days > cols.lag_over)
    return query


def _entries(conn: Connection, cols: Columns, candidates: list[int]) -> list[tuple[int, str]]:
    """Those of the candidates that meet ``cols``, with their actors, in log order."""
    out: list[tuple[int, str]] = []
    sql = (
        "SELECT position, actor, event, occurred_on, recorded_day, lag_days "
        "FROM audit_entries WHERE position IN ({ins})"
    )
    for position, actor, event, occurred, recorded, lag in rows_in(conn, sql, candidates):
        if _meets(cols, actor, event, str(occurred), str(recorded), lag):
            out.append((int(position), actor))
    out.sort()
    return out


def _meets(cols: Columns, actor: str, event: str, occurred: str, recorded: str, lag: int) -> bool:
    """``conditions`` for one row read as it is stored (days as ISO text or dates)."""
    if cols.actor is not None and actor != cols.actor:
        return False
    if cols.event is not None and event != cols.event:
        return False
    if cols.corrections and event != CORRECTION:
        return False
    bounds = (
        (cols.occurred_from, occurred, 1),
        (cols.occurred_to, occurred, -1),
        (cols.recorded_from, recorded, 1),
        (cols.recorded_to, recorded, -1),
    )
    for bound, value, side in bounds:
        if bound is not None:
            day = bound.isoformat()
            if (side == 1 and value[:10] < day) or (side == -1 and value[:10] > day):
                return False
    return not (cols.lag_over is not None and lag <= cols.lag_over)


def _named(conn: Connection, found: list[int]) -> dict[int, list[tuple[str, int]]]:
    """The ids each of these entries names, with their parts."""
    out: dict[int, list[tuple[str, int]]] = {}
    low, high = found[0], found[-1]
    if high - low < 4 * len(found):  # dense: one range of the primary key
        wanted = set(found)
        m = mark(conn)
        rows = conn.exec_driver_sql(
            f"SELECT position, ref, roles FROM audit_links WHERE position >= {m} "
            f"AND position <= {m}",
            (low, high),
        )
        for p, ref, roles in rows:
            if p in wanted:
                out.setdefault(int(p), []).append((ref, int(roles)))
        return out
    sql = "SELECT position, ref, roles FROM audit_links WHERE position IN ({ins})"
    for p, ref, roles in rows_in(conn, sql, found):
        out.setdefault(int(p), []).append((ref, int(roles)))
    return out


def _by_ids(conn: Connection, scope: Scope, cursor: int, upto: int) -> tuple[list[int], int]:
    """The next positions after ``cursor`` that name the scope's ids, and how far they are
    complete: each statement reads at most a window, so positions are certain only up to
    the lowest last position of the statements that filled theirs."""
    results: list[list[int]] = []
    for refs, mask in (
        (scope.oa, ORIGINATOR | ABOUT),
        (scope.team, TEAM),
        (scope.any, 0),
        (scope.own, ORIGINATOR),
    ):
        roles = f" AND (roles & {mask}) <> 0" if mask else ""
        sql = "SELECT position FROM audit_links WHERE ref IN ({ins})" + roles
        results += _windows(conn, sql, sorted(refs), cursor, upto)
    sql = "SELECT position FROM audit_entries WHERE actor IN ({ins})"
    results += _windows(conn, sql, sorted(scope.actors), cursor, upto)
    results.append(sorted(p for p in scope.positions if cursor < p <= upto)[:WINDOW])
    full = [r[-1] for r in results if len(r) == WINDOW]
    complete = min(full) if full else upto
    found = sorted({p for r in results for p in r if p <= complete})
    return found, complete


def _windows(
    conn: Connection, sql: str, values: list[str], cursor: int, upto: int
) -> list[list[int]]:
    """Per chunk of ``values``, the first window of positions in (cursor, upto], as read:
    repeats kept, so that a window is full when the statement hit its limit."""
    sql += " AND position > {m} AND position <= {m} ORDER BY position LIMIT {m}"
    out = []
    for i in range(0, len(values), CHUNK):
        chunk = values[i : i + CHUNK]
        out.append([int(p) for (p,) in rows_in(conn, sql, chunk, cursor, upto, WINDOW)])
    return out
