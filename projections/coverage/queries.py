"""Coverage and gap questions, for any date (as of) and any past moment (as known at).

No replay: each answer is a filter on the rows' effective days and recording times.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    DateTime,
    and_,
    bindparam,
    func,
    or_,
    select,
)

from domain.rules import RuleSet
from projections.coverage.rollup import centre_key
from projections.coverage.sweep import CENTRE_LEVELS, GAPS
from projections.coverage.tables import lasting_after, rollup, rows

LEVELS = ("province", "city", "county", "township", "village")


def when(as_of: date, known_at: datetime | None) -> ColumnElement[bool]:
    """Rows in force on ``as_of``, as the system knew them at ``known_at`` (None: now)."""
    valid = and_(rows.c.valid_from <= as_of, lasting_after(as_of))
    if known_at is None:
        return and_(valid, rows.c.known_to.is_(None))
    return and_(
        valid,
        rows.c.known_from <= known_at,
        or_(rows.c.known_to.is_(None), rows.c.known_to > known_at),
    )


# The same condition with its day and moment left as parameters, for the statements below:
# a village's gaps are a few milliseconds, and building a statement's expression on every
# call was most of them (SQLite's own work was a tenth).
_AS_OF = bindparam("as_of", type_=Date)
_KNOWN_AT = bindparam("known_at", type_=DateTime)
_VALID = and_(rows.c.valid_from <= _AS_OF, lasting_after(_AS_OF))
_WHEN = {
    True: and_(_VALID, rows.c.known_to.is_(None)),  # known now
    False: and_(
        _VALID,
        rows.c.known_from <= _KNOWN_AT,
        or_(rows.c.known_to.is_(None), rows.c.known_to > _KNOWN_AT),
    ),
}
_UNIT_KINDS = or_(rows.c.kind.like("unit:%"), rows.c.kind == "group")
_TREE_COLUMNS = (rows.c.kind, rows.c.subject, rows.c.name, rows.c.parent)
_FIND = {
    now: select(*_TREE_COLUMNS).where(_UNIT_KINDS, rows.c.subject == bindparam("code"), w)
    for now, w in _WHEN.items()
}
_BELOW = {
    now: select(*_TREE_COLUMNS).where(
        rows.c.parent.in_(bindparam("parents", expanding=True)), rows.c.kind.like("unit:%"), w
    )
    for now, w in _WHEN.items()
}
_ROLLUP = select(rollup.c.kind, rollup.c.n).where(rollup.c.unit == bindparam("unit"))
_GAPS = {
    now: select(rows).where(
        rows.c.scope.in_(bindparam("scopes", expanding=True)),
        rows.c.kind.in_(bindparam("kinds", expanding=True)),
        w,
    )
    for now, w in _WHEN.items()
}


def _params(as_of: date, known_at: datetime | None, **more: Any) -> dict[str, Any]:
    return {"as_of": as_of, "known_at": known_at, **more}


class Tree:
    """The units under one root as they stood on a day (levels, names, parents), read level
    by level so that a village's question never reads the whole province."""

    def __init__(self, conn: Connection, as_of: date, known_at: datetime | None) -> None:
        self.conn, self.as_of, self.known_at = conn, as_of, known_at
        self.level: dict[str, str] = {}
        self.name: dict[str, str] = {}
        self.parent: dict[str, str] = {}

    def _keep(self, found: Iterable[Any]) -> list[str]:
        codes = []
        for kind, code, name, parent in found:
            level = "group" if kind == "group" else kind.split(":", 1)[1]
            self.level[code], self.name[code], self.parent[code] = level, name, parent
            codes.append(code)
        return codes

    def find(self, code: str) -> bool:
        statement = _FIND[self.known_at is None]
        found = self.conn.execute(statement, _params(self.as_of, self.known_at, code=code))
        return bool(self._keep(found))

    def village_of(self, code: str) -> str:
        """The village of ``code`` (found before): itself, or a villager group's village; a
        ValueError naming the level for a unit of any other level."""
        level = self.level[code]
        if level not in ("village", "group"):
            raise ValueError(level)
        return code if level == "village" else self.parent[code]

    def subtree(self, code: str) -> list[str]:
        """``code`` and every unit under it, villager groups excluded."""
        if self.level.get(code) == "village":
            return [code]  # nothing but groups below a village: no level to read
        out, frontier = [code], [code]
        while frontier:
            below: list[str] = []
            statement = _BELOW[self.known_at is None]
            for chunk in _chunks(frontier):
                found = self.conn.execute(
                    statement, _params(self.as_of, self.known_at, parents=chunk)
                )
                below += self._keep(found)
            frontier = [c for c in below if self.level[c] != "village"]
            out += below
        return out


def _scopes(tree: Tree, code: str) -> tuple[list[str], str | None]:
    """The scopes to read for ``code``, and a unit filter when ``code`` is a villager group."""
    if tree.level.get(code) == "group":
        return [tree.parent[code]], code
    return tree.subtree(code), None


def _chunks(items: list[str], size: int = 900) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _subject(value: str) -> str:
    return str(UUID(value)) if len(value) == 32 else value


def gaps(
    conn: Connection,
    code: str,
    as_of: date,
    known_at: datetime | None,
    kinds: Sequence[str] = GAPS,
) -> list[dict[str, Any]] | None:
    """The network's gaps of ``kinds`` under the unit, one row each; None if no unit then."""
    tree = Tree(conn, as_of, known_at)
    if not tree.find(code):
        return None
    scopes, unit_filter = _scopes(tree, code) if kinds else ([], None)
    out: list[dict[str, Any]] = []
    statement = _GAPS[known_at is None]
    for chunk in _chunks(scopes):
        params = _params(as_of, known_at, scopes=chunk, kinds=list(kinds))
        for r in conn.execute(statement, params):
            if unit_filter and r.unit != unit_filter:
                continue  # a villager group's gaps: those of its village reported under it
            out.append(
                {
                    "type": r.kind,
                    "unit": r.unit,
                    "subject": {"id": _subject(r.subject), "name": r.name},
                    "since": r.since.isoformat(),
                    "cause": {
                        "type": r.cause_type,
                        "position": r.cause_position,
                        "actor": r.cause_actor,
                    },
                }
            )
    out.sort(key=gap_order)
    return out


def gap_order(g: dict[str, Any]) -> tuple[str, str, str, str]:
    """The order gap lists are given in: by unit, type, first day, subject's name."""
    return (g["unit"], g["type"], g["since"], g["subject"]["name"])


def coverage(
    conn: Connection,
    code: str,
    as_of: date,
    known_at: datetime | None,
    rules: RuleSet,
    now: bool = False,
) -> dict[str, Any] | None:
    """``now``: the question is about today as known now, which the roll-up of the unit's
    subtree answers in one read (projections/coverage/rollup.py)."""
    tree = Tree(conn, as_of, known_at)
    if not tree.find(code):
        return None
    n: dict[str, int] = defaultdict(int)
    if now and tree.level[code] != "group":
        for kind, count in conn.execute(_ROLLUP, {"unit": code}):
            n[kind] += int(count)
        centre_units = _rolled_up_centre_units(n)
    else:
        scopes, unit_filter = _scopes(tree, code)
        for chunk in _chunks(scopes):
            query = (
                select(rows.c.kind, func.count())
                .where(rows.c.scope.in_(chunk), when(as_of, known_at))
                .group_by(rows.c.kind)
            )
            if unit_filter:
                query = query.where(rows.c.unit == unit_filter)
            for kind, count in conn.execute(query):
                n[kind] += int(count)
        centre_units = _centre_units(conn, tree, scopes, as_of, known_at)
    linked = n["household"] - n["unlinked_household"]
    serving = n["central_household"] - n["vacant_central_household"]
    with_role = n["party_member"] - n["party_member_without_role"]
    return {
        "unit": code,
        "name": tree.name[code],
        "level": tree.level[code],
        "as_of": as_of.isoformat(),
        "as_known_at": known_at.replace(tzinfo=UTC).isoformat() if known_at else None,
        "rules": rules.version,
        "households": {
            "total": n["household"],
            "linked": linked,
            "unlinked": n["unlinked_household"],
            "link_rate": _rate(linked, n["household"]),
        },
        "villager_groups": {
            "total": n["group"],
            "with_point": n["group"] - n["group_without_point"],
            "without_point": n["group_without_point"],
        },
        "villages": {
            "total": n["village"],
            "with_station": n["village"] - n["village_without_station"],
            "without_station": n["village_without_station"],
        },
        "centres": centre_units,
        "central_households": {
            "active": n["central_household"],
            "vacant": n["vacant_central_household"],
            "overloaded": n["overloaded_central_household"],
            "max_linked": rules.max_linked_per_central_household,
            "households_per_central_household": round(linked / serving, 2) if serving else None,
        },
        "party_members": {
            "total": n["party_member"],
            "with_role": with_role,
            "without_role": n["party_member_without_role"],
            "participation_rate": _rate(with_role, n["party_member"]),
        },
        "sites": {
            "centres": n["site:centre"],
            "stations": n["site:station"],
            "points": n["site:point"],
            "without_responsible": n["site_without_responsible"],
        },
        "gaps": {g: n[g] for g in GAPS},
    }


def _rolled_up_centre_units(n: dict[str, int]) -> dict[str, dict[str, int]]:
    """The same figures as ``_centre_units``, from a roll-up's counts."""
    out: dict[str, dict[str, int]] = {}
    for level in ("city", "county", "township"):
        total = n[f"unit:{level}"]
        if total:
            missing = n[centre_key(level)]
            out[level] = {
                "total": total,
                "with_centre": total - missing,
                "without_centre": missing,
            }
    return out


def _centre_units(
    conn: Connection, tree: Tree, scopes: list[str], as_of: date, known_at: datetime | None
) -> dict[str, dict[str, int]]:
    """Per level (city, county, township): units in the subtree with and without a centre."""
    wanted = [s for s in scopes if tree.level.get(s) in CENTRE_LEVELS]
    without: set[str] = set()
    for chunk in _chunks(wanted):
        without |= set(
            conn.execute(
                select(rows.c.subject).where(
                    rows.c.scope.in_(chunk),
                    rows.c.kind == "unit_without_centre",
                    when(as_of, known_at),
                )
            ).scalars()
        )
    out: dict[str, dict[str, int]] = {}
    for level in ("city", "county", "township"):
        units = [s for s in wanted if tree.level[s] == level]
        if units:
            missing = sum(1 for u in units if u in without)
            out[level] = {
                "total": len(units),
                "with_centre": len(units) - missing,
                "without_centre": missing,
            }
    return out


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
