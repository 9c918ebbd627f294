"""Questions the read side answers, as plain functions returning plain data."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, func, select

from projections.tables import central_households, households, party_members, sites, units


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
    hh_count = int(conn.execute(select(func.count()).where(active_hh)).scalar_one())
    residents = int(
        conn.execute(
            select(func.coalesce(func.sum(households.c.members), 0)).where(active_hh)
        ).scalar_one()
    )
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
    linked = int(
        conn.execute(
            select(func.count()).where(active_hh, households.c.central_household_id.in_(ch_ids))
        ).scalar_one()
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
