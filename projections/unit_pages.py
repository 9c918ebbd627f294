"""What the unit pages show besides coverage: a unit's children and ancestors on a day, and
its service sites. Plain queries over the read models."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, or_, select

from projections.coverage.queries import when
from projections.coverage.tables import rows
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


def sites_of(conn: Connection, codes: list[str]) -> list[dict[str, Any]]:
    """The service sites of these units as they stand now, open ones first."""
    if not codes:
        return []
    found = conn.execute(
        select(sites).where(sites.c.unit_code.in_(codes)).order_by(sites.c.unit_code)
    ).mappings()
    out = [
        {
            "id": str(UUID(r["id"])),
            "unit": r["unit_code"],
            "kind": r["kind"],
            "name": r["name"],
            "opened_on": r["opened_on"].isoformat(),
            "closed_on": r["closed_on"].isoformat() if r["closed_on"] else None,
            "responsible": r["responsible_name"],
        }
        for r in found
    ]
    out.sort(key=lambda s: (s["closed_on"] is not None, s["unit"]))
    return out
