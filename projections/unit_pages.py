"""What the unit pages show besides coverage: a unit's children and ancestors on a day, and
its service sites. Plain queries over the read models."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, case, func, or_, select

from projections.blind_spots import ALL_GAPS
from projections.coverage.facts import as_date
from projections.coverage.queries import Tree, when
from projections.coverage.tables import counts, facts, rows
from projections.ledger import gaps as work_gaps
from projections.tables import sites, units


def children(conn: Connection, code: str, as_of: date) -> list[dict[str, str]]:
    """Units (and villager groups) directly under ``code`` on that day, by code."""
    query = select(rows.c.subject, rows.c.name, rows.c.kind).where(
        rows.c.parent == code,
        or_(rows.c.kind.like("unit:%"), rows.c.kind == "group"),
        when(as_of, None),
    )
    found = {
        subject: {
            "code": subject,
            "name": name,
            "level": "group" if kind == "group" else kind.split(":", 1)[1],
        }
        for subject, name, kind in conn.execute(query)
    }
    return [found[c] for c in sorted(found)]


def ancestors(conn: Connection, code: str) -> list[dict[str, str]]:
    """The units above ``code``, top first, as the unit tree stands now."""
    row = conn.execute(select(units.c.path).where(units.c.code == code)).first()
    if row is None:
        return []
    codes = [c for c in str(row.path).strip("/").split("/") if c and c != code]
    if not codes:
        return []
    named = {
        r.code: {"code": r.code, "name": r.name, "level": r.level}
        for r in conn.execute(
            select(units.c.code, units.c.name, units.c.level).where(units.c.code.in_(codes))
        )
    }
    return [named[c] for c in codes if c in named]


def unit_path(conn: Connection, code: str) -> str | None:
    value = conn.execute(select(units.c.path).where(units.c.code == code)).scalar()
    return str(value) if value is not None else None


def sites_on(conn: Connection, codes: list[str], as_of: date) -> list[dict[str, Any]]:
    """The service sites of these units as they stood on ``as_of`` (as known now), open ones
    first: the sites opened by then, each with its name, whether it had closed and who was
    responsible that day. Folded from the coverage model's stored facts of each site, in
    effective order, as its sweep does."""
    if not codes:
        return []
    ids = list(conn.execute(select(sites.c.id).where(sites.c.unit_code.in_(codes))).scalars())
    if not ids:
        return []
    query = (
        select(facts.c.entity, facts.c.type, facts.c.occurred_on, facts.c.data)
        .where(facts.c.entity.in_(ids), facts.c.occurred_on <= as_of)
        .order_by(facts.c.occurred_on, facts.c.position)
    )
    found: dict[str, dict[str, Any]] = {}
    for entity, kind, occurred, data in conn.execute(query):
        day = as_date(occurred)
        site = found.get(entity)
        if kind == "Opened":
            site = found[entity] = {
                "id": str(UUID(entity)),
                "unit": data["unit"],
                "kind": data["kind"],
                "name": data["name"],
                "opened_on": day.isoformat(),
                "closed_on": None,
                "responsible": None,
            }
        elif site is None:
            continue  # a fact dated before the opening it belongs to (a correction)
        elif kind == "Reopened":
            site.update(name=data["name"], closed_on=None, responsible=None)
        elif kind == "ResponsibleAssigned":
            site["responsible"] = data["name"]
        elif kind == "Closed":
            site["closed_on"] = day.isoformat()
    out = list(found.values())
    out.sort(key=lambda s: (s["closed_on"] is not None, s["unit"]))
    return out


def network_tree(
    conn: Connection,
    code: str,
    as_of: date,
    now: bool = False,
    work: dict[str, dict[str, int]] | None = None,
) -> dict[str, Any] | None:
    """The unit and every unit under it down to the villages (and, under a township or a
    village, the villager groups), each with households, unlinked households, link rate and
    blind spots on that day, the same figures ``coverage()`` gives for each of them, read in
    one grouped count over the subtree instead of one subtree walk per unit, and the work
    gaps of its villages in one more. ``now``: today as known now, answered from the
    per-scope counts. ``work``: the work gaps per village, if already counted."""
    tree = Tree(conn, as_of, None)
    if not tree.find(code):
        return None
    level = tree.level[code]
    counts_of: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if level == "group":
        scopes: list[str] = []
    elif level == "village":
        scopes = [code]
    else:
        scopes = tree.subtree(code)
    for i in range(0, len(scopes), 900):
        chunk = scopes[i : i + 900]
        if now:
            query = select(counts.c.scope, counts.c.kind, counts.c.n).where(
                counts.c.scope.in_(chunk)
            )
        else:
            query = (
                select(rows.c.scope, rows.c.kind, func.count())
                .where(rows.c.scope.in_(chunk), when(as_of, None))
                .group_by(rows.c.scope, rows.c.kind)
            )
        for scope, kind, count in conn.execute(query):
            counts_of[scope][kind] += int(count)
    # Villager groups: under a township or a village only, told apart by unit in their
    # village's rows.
    villages = [s for s in scopes if tree.level.get(s) == "village"]
    group_parent: dict[str, str] = {}
    if level in ("township", "village") or level == "group":
        village_scopes = villages if level != "group" else [tree.parent[code]]
        for village in village_scopes:
            for child in children(conn, village, as_of):
                if child["level"] == "group":
                    group_parent[child["code"]] = village
                    tree.name[child["code"]] = child["name"]
                    tree.level[child["code"]] = "group"
        if group_parent:
            query = (
                select(rows.c.unit, rows.c.kind, func.count())
                .where(
                    rows.c.scope.in_(sorted(set(group_parent.values()))),
                    rows.c.unit.in_(list(group_parent)),
                    when(as_of, None),
                )
                .group_by(rows.c.unit, rows.c.kind)
            )
            for unit, kind, count in conn.execute(query):
                counts_of[unit][kind] += int(count)
    # The ledger's work gaps, reported under their villages, on the day as known now.
    if work is None:
        work = work_gaps.counted(conn, code, work_gaps.Clocks(as_of, None, None))
    for village, by_kind in work.items():
        for kind, count in by_kind.items():
            counts_of[village][kind] += count
    below: dict[str, list[str]] = defaultdict(list)
    for scope in scopes:
        if scope != code:
            below[tree.parent[scope]].append(scope)
    for group, village in group_parent.items():
        below[village].append(group)

    def node(c: str) -> dict[str, Any]:
        kids = [node(k) for k in sorted(below.get(c, []))]
        own = counts_of[c]
        households = own["household"]
        unlinked = own["unlinked_household"]
        gaps = sum(own[g] for g in ALL_GAPS)
        if tree.level[c] not in ("village", "group"):
            # A unit above village level has its own scope (its centre) plus its children's.
            households += sum(k["households"] for k in kids)
            unlinked += sum(k["unlinked"] for k in kids)
            gaps += sum(k["gaps"] for k in kids)
        return {
            "code": c,
            "name": tree.name[c],
            "level": tree.level[c],
            "households": households,
            "linked": households - unlinked,
            "unlinked": unlinked,
            "link_rate": round((households - unlinked) / households, 4) if households else None,
            "gaps": gaps,
            "children": kids,
        }

    if level == "group":
        return node(code) | {"children": []}
    return node(code)


def link_rate_over_time(conn: Connection, code: str, days: list[date]) -> list[dict[str, Any]]:
    """Households and unlinked households of the unit on each of ``days`` (as known now), in
    one pass over its rows. The units counted are those under ``code`` on the last day."""
    if not days:
        return []
    tree = Tree(conn, days[-1], None)
    if not tree.find(code):
        return []
    level = tree.level[code]
    unit_filter = code if level == "group" else None
    scopes = [tree.parent[code]] if level == "group" else tree.subtree(code)
    columns = []
    for i, day in enumerate(days):
        in_force = and_(
            rows.c.valid_from <= day, or_(rows.c.valid_to.is_(None), rows.c.valid_to > day)
        )
        columns.append(func.sum(case((in_force, 1), else_=0)).label(f"d{i}"))
    totals: dict[str, list[int]] = {
        "household": [0] * len(days),
        "unlinked_household": [0] * len(days),
    }
    for i in range(0, len(scopes), 900):
        query = (
            select(rows.c.kind, *columns)
            .where(
                rows.c.scope.in_(scopes[i : i + 900]),
                rows.c.kind.in_(list(totals)),
                rows.c.known_to.is_(None),
            )
            .group_by(rows.c.kind)
        )
        if unit_filter:
            query = query.where(rows.c.unit == unit_filter)
        for kind, *per_day in conn.execute(query):
            totals[kind] = [a + int(b or 0) for a, b in zip(totals[kind], per_day, strict=True)]
    out = []
    for i, day in enumerate(days):
        households, unlinked = totals["household"][i], totals["unlinked_household"][i]
        out.append(
            {
                "day": day.isoformat(),
                "households": households,
                "unlinked": unlinked,
                "link_rate": round((households - unlinked) / households, 4) if households else None,
            }
        )
    return out


def trend_days(first: date, last: date, points: int = 24) -> list[date]:
    """Up to ``points`` days from ``first`` to ``last``: month ends, evenly spread, and
    ``last`` itself."""
    if last <= first:
        return [last]
    months = (last.year - first.year) * 12 + last.month - first.month
    step = max(1, -(-months // (points - 1)))
    days = []
    year, month = first.year, first.month
    while (year, month) < (last.year, last.month):
        following = date(year + month // 12, month % 12 + 1, 1)
        days.append(following - timedelta(days=1))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return [*days, last]


def opened_on(conn: Connection, code: str) -> date | None:
    value = conn.execute(select(units.c.opened_on).where(units.c.code == code)).scalar()
    return value if isinstance(value, date) else None


def units_named(conn: Connection, codes: set[str]) -> dict[str, dict[str, str]]:
    """These units (those that exist), as the tree stands now: code -> its name and
    materialised path. A page asks for the few units its rows name, not a whole subtree."""
    if not codes:
        return {}
    query = select(units.c.code, units.c.name, units.c.path).where(units.c.code.in_(codes))
    return {r.code: {"name": r.name, "path": r.path} for r in conn.execute(query)}


def units_under(conn: Connection, code: str) -> dict[str, dict[str, str]]:
    """Every unit in the subtree of ``code`` (itself included), as the tree stands now:
    code -> its name and materialised path."""
    path = unit_path(conn, code)
    if path is None:
        return {}
    query = select(units.c.code, units.c.name, units.c.path).where(units.c.path.like(f"{path}%"))
    return {r.code: {"name": r.name, "path": r.path} for r in conn.execute(query)}
