"""Questions the read side answers, as plain functions returning plain data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, case, func, select

from domain.rules import RuleSet
from projections.coverage import queries as coverage_queries
from projections.coverage.tables import facts, moments, rows
from projections.tables import (
    central_households,
    households,
    party_members,
    poverty,
    sites,
    units,
)


def unit_row(conn: Connection, code: str) -> dict[str, Any] | None:
    row = conn.execute(select(units).where(units.c.code == code)).mappings().first()
    return dict(row) if row else None


def open_children(conn: Connection, code: str) -> list[str]:
    """Open units directly under ``code`` and, for a villager group, its active households."""
    found = list(
        conn.execute(
            select(units.c.code)
            .where(units.c.parent_code == code, units.c.closed_on.is_(None))
            .order_by(units.c.code)
        ).scalars()
    )
    found += [
        str(UUID(h))
        for h in conn.execute(
            select(households.c.id).where(
                households.c.group_code == code, households.c.ended_on.is_(None)
            )
        ).scalars()
    ]
    return found


def summary(conn: Connection, code: str) -> dict[str, Any] | None:
    """Counts for the unit and everything under it, as they stand now."""
    root = unit_row(conn, code)
    if root is None:
        return None
    in_tree = units.c.path.startswith(root["path"], autoescape=True)
    open_unit = units.c.closed_on.is_(None)

    def count_units(*where: Any) -> int:
        return int(
            conn.execute(
                select(func.count()).select_from(units).where(in_tree, open_unit, *where)
            ).scalar_one()
        )

    villages = select(units.c.code).where(in_tree, open_unit, units.c.level == "village")
    groups = select(units.c.code).where(in_tree, open_unit, units.c.level == "group")
    # Through the group: a group moved to another village takes its households with it.
    active_hh = and_(households.c.group_code.in_(groups), households.c.ended_on.is_(None))
    members = int(
        conn.execute(
            select(func.count())
            .select_from(party_members)
            .where(
                party_members.c.village_code.in_(villages),
                party_members.c.status == "active",
            )
        ).scalar_one()
    )
    active_ch = and_(
        central_households.c.village_code.in_(villages), central_households.c.ended_on.is_(None)
    )
    ch_count = int(conn.execute(select(func.count()).where(active_ch)).scalar_one())
    ch_ids = select(central_households.c.id).where(active_ch)
    # The households read once for all three figures: a province has millions of them.
    is_linked = case((households.c.central_household_id.in_(ch_ids), 1), else_=0)
    hh_count, residents, linked = (
        int(n or 0)
        for n in conn.execute(
            select(func.count(), func.sum(households.c.members), func.sum(is_linked)).where(
                active_hh
            )
        ).one()
    )

    def count_sites(kind: str) -> int:
        in_units = select(units.c.code).where(in_tree, open_unit)
        return int(
            conn.execute(
                select(func.count())
                .select_from(sites)
                .where(
                    sites.c.kind == kind,
                    sites.c.closed_on.is_(None),
                    sites.c.unit_code.in_(in_units),
                )
            ).scalar_one()
        )

    return {
        "unit": root["code"],
        "name": root["name"],
        "level": root["level"],
        "counties": count_units(units.c.level == "county"),
        "townships": count_units(units.c.level == "township"),
        "villages": count_units(units.c.level == "village"),
        "poor_villages": count_units(
            units.c.level == "village",
            units.c.poor_since.is_not(None),
            units.c.exited_poverty_on.is_(None),
        ),
        "villager_groups": count_units(units.c.level == "group"),
        "households": hh_count,
        "residents": residents,
        "party_members": members,
        "centres": count_sites("centre"),
        "stations": count_sites("station"),
        "points": count_sites("point"),
        "central_households": ch_count,
        "linked_households": linked,
    }


def _chunks(items: list[str], size: int = 900) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def summary_on(
    conn: Connection, code: str, as_of: date, known_at: datetime | None, rules: RuleSet
) -> dict[str, Any] | None:
    """The same counts as ``summary``, on a day, as known at a moment (None: now; a naive UTC
    time). The network as it stood is the coverage model's bitemporal rows; residents are
    the members of the households in force then (a household's size is fixed when it is
    registered); poor villages are the villages of that day whose last declaration or exit
    in force, as known then, is a declaration (``rm_poverty``)."""
    c = coverage_queries.coverage(conn, code, as_of, known_at, rules)
    if c is None:
        return None
    tree = coverage_queries.Tree(conn, as_of, known_at)
    tree.find(code)
    if tree.level[code] == "group":
        scopes, group = [tree.parent[code]], code
    else:
        scopes, group = tree.subtree(code), None
    in_force = coverage_queries.when(as_of, known_at)
    subjects: list[str] = []
    for chunk in _chunks(scopes):
        query = select(rows.c.subject).where(
            rows.c.scope.in_(chunk), rows.c.kind == "household", in_force
        )
        if group is not None:
            query = query.where(rows.c.unit == group)
        subjects += conn.execute(query).scalars()
    upto = None
    if known_at is not None:  # the log prefix known then, as coverage reads it
        upto = conn.execute(
            select(func.max(moments.c.position)).where(moments.c.recorded_at <= known_at)
        ).scalar()
    linked = 0 if group is not None else _linked(conn, scopes, subjects, in_force, as_of, upto)
    residents = 0
    for chunk in _chunks(subjects):
        residents += int(
            conn.execute(
                select(func.coalesce(func.sum(households.c.members), 0)).where(
                    households.c.id.in_(chunk)
                )
            ).scalar_one()
        )
    villages = [s for s in scopes if tree.level.get(s) == "village"] if group is None else []
    poor = 0
    for chunk in _chunks(villages):
        query = (
            select(units.c.code, poverty.c.exited)
            .join(units, units.c.id == poverty.c.unit_id)
            .where(units.c.code.in_(chunk), poverty.c.occurred_on <= as_of)
            .order_by(poverty.c.occurred_on, poverty.c.id)
        )
        if known_at is not None:
            query = query.where(poverty.c.recorded_at <= known_at)
        last = {unit: exited for unit, exited in conn.execute(query)}
        poor += sum(1 for exited in last.values() if not exited)
    centres, sites_ = c["centres"], c["sites"]
    # As ``summary`` counts them: members and central households belong to villages, so a
    # villager group has none, and none of its households is linked to one under it.
    by_village = group is None
    return {
        "unit": c["unit"],
        "name": c["name"],
        "level": c["level"],
        "as_of": c["as_of"],
        "as_known_at": c["as_known_at"],
        "counties": centres.get("county", {}).get("total", 0),
        "townships": centres.get("township", {}).get("total", 0),
        "villages": c["villages"]["total"],
        "poor_villages": poor,
        "villager_groups": c["villager_groups"]["total"],
        "households": c["households"]["total"],
        "residents": residents,
        "party_members": c["party_members"]["total"] if by_village else 0,
        "centres": sites_["centres"],
        "stations": sites_["stations"],
        "points": sites_["points"],
        "central_households": c["central_households"]["active"] if by_village else 0,
        "linked_households": linked,
    }


def _linked(
    conn: Connection,
    scopes: list[str],
    in_households: list[str],
    in_force: Any,
    as_of: date,
    upto: int | None,
) -> int:
    """Households (of ``in_households``) whose recorded link by ``as_of``, in the log up to
    ``upto``, names a central household active that day: ``summary``'s linked households,
    which count recorded links, not coverage (a central household's own household is
    covered without a link)."""
    active: set[str] = set()
    for chunk in _chunks(scopes):
        active |= set(
            conn.execute(
                select(rows.c.subject).where(
                    rows.c.scope.in_(chunk), rows.c.kind == "central_household", in_force
                )
            ).scalars()
        )
    # As the household applies them, in the order recorded: a move to another village ends
    # its link (links stay inside one village), leaving ends it too.
    link_types = ("Registered", "Moved", "Linked", "Unlinked", "Left")
    count = 0
    for chunk in _chunks(in_households):
        query = (
            select(facts.c.entity, facts.c.type, facts.c.data)
            .where(
                facts.c.entity.in_(chunk),
                facts.c.type.in_(link_types),
                facts.c.kind == "household",
                facts.c.occurred_on <= as_of,
            )
            .order_by(facts.c.position)
        )
        if upto is not None:
            query = query.where(facts.c.position <= upto)
        link: dict[str, str | None] = {}
        village: dict[str, str] = {}
        for entity, kind, data in conn.execute(query):
            if kind == "Registered":
                village[entity] = data["village"]
            elif kind == "Moved":
                if data["village"] != village.get(entity):
                    link[entity] = None
                village[entity] = data["village"]
            else:
                link[entity] = data["ch"] if kind == "Linked" else None
        count += sum(1 for ch in link.values() if ch is not None and ch in active)
    return count
