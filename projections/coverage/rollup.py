"""Counts of whole subtrees, kept as the per-scope counts change.

``cov_counts`` holds, per scope, how many rows of each kind are in force now. A roll-up of a
city or a province added those up over every unit below it: at province scale, reading
11,000 units level by level and summing 90,000 counts, about a quarter of a second. Here each
unit keeps the sum for its whole subtree (``cov_rollup``), so that answer is one row per kind.

The invariant: ``rollup(u)`` = the sum of ``counts(s)`` over every scope ``s`` whose chain of
parents (``cov_parents``, the parent on the scope's own unit row in force now) reaches ``u``.
Every change of a scope's counts or parent goes through ``change()``, which keeps it:

* counts changed, same parent: the difference is added to the scope and every ancestor;
* parent changed (a unit moved, opened or closed): the scope's whole subtree total leaves
  the old ancestors and joins the new ones.

A scope counted before its parent's scope simply stops its chain at the parent; when the
parent's own unit row later names its parent, the parent's total (children included) joins
from there. Differences are gathered in memory and written once per page; rows that come to
zero are deleted, so the table does not depend on how the log was cut into pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, select

from projections.bulk import upsert
from projections.coverage.tables import counts, parents, rollup

Counts = dict[str, int]


def centre_key(level: str) -> str:
    """The kind under which units of ``level`` without a centre are rolled up."""
    return f"unit_without_centre:{level}"


def own_counts(scope: str, lasting: Iterable[tuple[str, str, str]]) -> tuple[Counts, str | None]:
    """A scope's counts and its unit's parent from its rows in force now, given as (kind,
    subject, parent). Units without a centre are also counted per level, for roll-ups."""
    n: Counts = defaultdict(int)
    level: str | None = None
    parent: str | None = None
    for kind, subject, row_parent in lasting:
        n[kind] += 1
        if subject == scope and kind.startswith("unit:"):
            level, parent = kind[len("unit:") :], row_parent or None
    if level and n.get("unit_without_centre"):
        n[centre_key(level)] = n["unit_without_centre"]
    return dict(n), parent


class Rollup:
    def __init__(self) -> None:
        self._parents: dict[str, str | None] = {}
        self._own: dict[str, Counts] = {}
        self._pending: dict[str, Counts] = defaultdict(lambda: defaultdict(int))

    def forget(self) -> None:
        """Drop what memory holds: SQL is read again (another process may have moved on)."""
        self._parents.clear()
        self._own.clear()
        self._pending.clear()

    def change(
        self, conn: Connection, scope: str, new: Counts, parent: str | None, fresh: bool
    ) -> None:
        """The scope's counts are now ``new`` and its parent ``parent``. ``fresh``: nothing is
        stored about the scope yet (no need to ask)."""
        if fresh:
            self._parents.setdefault(scope, None)
            self._own.setdefault(scope, {})
        old = self._stored_counts(conn, scope)
        old_parent = self.parent_of(conn, scope)
        delta = {k: new.get(k, 0) - old.get(k, 0) for k in new.keys() | old.keys()}
        if parent == old_parent:
            self._add(conn, scope, delta)
        else:
            total = self._total(conn, scope)
            if old_parent is not None:
                self._add(conn, old_parent, {k: -v for k, v in total.items()})
            self._parents[scope] = parent
            conn.execute(delete(parents).where(parents.c.scope == scope))
            conn.execute(parents.insert().values(scope=scope, parent=parent))
            self._add(conn, scope, delta, up=False)
            if parent is not None:
                moved = {k: total.get(k, 0) + delta.get(k, 0) for k in total.keys() | delta.keys()}
                self._add(conn, parent, moved)
        self._own[scope] = dict(new)

    def flush(self, conn: Connection) -> None:
        """Write the gathered differences (inside the caller's transaction)."""
        values: list[dict[str, Any]] = [
            {"unit": unit, "kind": kind, "n": d}
            for unit, by_kind in sorted(self._pending.items())
            for kind, d in sorted(by_kind.items())
            if d
        ]
        self._pending.clear()
        if not values:
            return
        statement = upsert(conn, rollup)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[rollup.c.unit, rollup.c.kind],
                set_={"n": rollup.c.n + statement.excluded.n},
            ),
            values,
        )
        touched: list[str] = sorted({v["unit"] for v in values})
        for i in range(0, len(touched), 900):
            conn.execute(
                delete(rollup).where(rollup.c.unit.in_(touched[i : i + 900]), rollup.c.n == 0)
            )

    def parent_of(self, conn: Connection, scope: str) -> str | None:
        if scope not in self._parents:
            self._parents[scope] = conn.execute(
                select(parents.c.parent).where(parents.c.scope == scope)
            ).scalar()
        return self._parents[scope]

    # -- inside --------------------------------------------------------------------------------

    def _add(self, conn: Connection, unit: str, delta: Counts, up: bool = True) -> None:
        """Add ``delta`` to ``unit`` and (``up``) to each of its ancestors."""
        seen: set[str] = set()
        at: str | None = unit
        while at is not None and at not in seen:  # a cycle would be a bug upstream: stop
            seen.add(at)
            pending = self._pending[at]
            for kind, d in delta.items():
                if d:
                    pending[kind] += d
            at = self.parent_of(conn, at) if up else None

    def _stored_counts(self, conn: Connection, scope: str) -> Counts:
        if scope not in self._own:
            self._own[scope] = {
                kind: int(n)
                for kind, n in conn.execute(
                    select(counts.c.kind, counts.c.n).where(counts.c.scope == scope)
                )
            }
        return self._own[scope]

    def _total(self, conn: Connection, unit: str) -> Counts:
        """The unit's subtree counts as they stand: stored, plus what is not written yet."""
        total: Counts = defaultdict(int)
        for kind, n in conn.execute(select(rollup.c.kind, rollup.c.n).where(rollup.c.unit == unit)):
            total[kind] += int(n)
        for kind, d in self._pending.get(unit, {}).items():
            total[kind] += d
        return dict(total)
