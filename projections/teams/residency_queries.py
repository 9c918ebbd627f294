"""A month of the teams in the village: per member and team, days checked in, on approved
leave, unaccounted for, and absences found on spot checks."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, func, select

from domain.rules import RuleSet, days_required
from projections.queries import unit_row
from projections.tables import units
from projections.teams.queries import known
from projections.teams.tables import (
    absences,
    cadres,
    checkins,
    dispatching_units,
    leave_days,
    memberships,
    teams,
)

Key = tuple[str, str]  # team id, cadre id (hex)


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-MM`` month (ValueError when it is not one)."""
    year, number = (int(x) for x in month.split("-"))
    first = date(year, number, 1)
    return first, first.replace(day=calendar.monthrange(year, number)[1])


def residency(
    conn: Connection,
    month: str,
    rules: RuleSet,
    code: str | None = None,
    team: UUID | None = None,
    upto: int | None = None,
) -> list[dict[str, Any]] | None:
    """The month report of one team, or of the teams serving under a unit that month, as
    known once the log had reached position ``upto`` (None: now); None when the team or the
    unit is unknown."""
    first, last = month_bounds(month)
    query = select(
        teams, units.c.name.label("village_name"), dispatching_units.c.name.label("unit_name")
    ).join(units, units.c.code == teams.c.village_code)
    query = query.join(dispatching_units, dispatching_units.c.code == teams.c.unit_code)
    if team is not None:
        query = query.where(teams.c.team_id == team.hex)
    else:
        root = unit_row(conn, code or "")
        if root is None:
            return None
        query = query.where(
            units.c.path.startswith(root["path"], autoescape=True),
            teams.c.dispatched_on <= last,
            func.coalesce(teams.c.ended_on, teams.c.term_ends_on) >= first,
        )
    query = query.where(known(teams, upto), known(dispatching_units, upto))
    found = [
        dict(r)
        for r in conn.execute(query.order_by(teams.c.village_code, teams.c.team_id)).mappings()
    ]
    if team is not None and not found:
        return None
    ids = [t["team_id"] for t in found]
    served = _served_days(conn, ids, found, first, last, upto)
    counted = {
        name: _count(conn, table, ids, first, last, upto)
        for name, table in (("checked_in", checkins), ("leave", leave_days), ("absences", absences))
    }
    names = _names(conn, {cadre for _, cadre in served})
    keys: dict[str, set[Key]] = {}
    for key in set(served).union(*counted.values()):
        keys.setdefault(key[0], set()).add(key)
    return [
        _team_month(t, keys.get(t["team_id"], set()), served, counted, names, first, last, rules)
        for t in found
    ]


def _served_days(
    conn: Connection,
    ids: list[str],
    found: list[dict[str, Any]],
    first: date,
    last: date,
    upto: int | None,
) -> dict[Key, int]:
    """Days of the month each member served on each team (their time on it, within the team's)."""
    span = {
        t["team_id"]: (
            max(first, t["dispatched_on"]),
            min(last, t["ended_on"] or t["term_ends_on"]),
        )
        for t in found
    }
    out: dict[Key, int] = {}
    rows = conn.execute(
        select(memberships).where(
            memberships.c.team_id.in_(ids),
            memberships.c.valid_from <= last,
            (memberships.c.valid_to.is_(None)) | (memberships.c.valid_to > first),
            known(memberships, upto),
        )
    ).mappings()
    for m in rows:
        start, end = span[m["team_id"]]
        start = max(start, m["valid_from"])
        if m["valid_to"] is not None:
            end = min(end, m["valid_to"] - timedelta(days=1))
        key = (m["team_id"], m["cadre_id"])
        out[key] = out.get(key, 0) + max(0, (end - start).days + 1)
    return out


def _count(
    conn: Connection, table: Table, ids: list[str], first: date, last: date, upto: int | None
) -> dict[Key, int]:
    query = (
        select(table.c.team_id, table.c.cadre_id, func.count())
        .where(table.c.team_id.in_(ids), table.c.day >= first, table.c.day <= last)
        .group_by(table.c.team_id, table.c.cadre_id)
    )
    if upto is not None:
        query = query.where(table.c.position <= upto)
    rows = conn.execute(query)
    return {(t, c): int(n) for t, c, n in rows}


def _names(conn: Connection, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    found = conn.execute(select(cadres.c.id, cadres.c.name).where(cadres.c.id.in_(ids)))
    return {cadre: name for cadre, name in found}


def _team_month(
    t: dict[str, Any],
    team_keys: set[Key],
    served: dict[Key, int],
    counted: dict[str, dict[Key, int]],
    names: dict[str, str],
    first: date,
    last: date,
    rules: RuleSet,
) -> dict[str, Any]:
    month_days = (last - first).days + 1
    keys = sorted(team_keys, key=lambda k: (names.get(k[1], ""), k[1]))
    members = []
    for key in keys:
        days = served.get(key, 0)
        checked, leave = counted["checked_in"].get(key, 0), counted["leave"].get(key, 0)
        required = days_required(rules.min_days_in_village_per_month, days, month_days)
        members.append(
            {
                "cadre_id": str(UUID(key[1])),
                "name": names.get(key[1], ""),
                "days_served": days,
                "days_checked_in": checked,
                "days_on_leave": leave,
                "days_unaccounted": max(0, days - checked - leave),
                "absences_found": counted["absences"].get(key, 0),
                "days_required": required,
                "not_regularly_resident": checked < required,
            }
        )
    return {
        "team_id": str(UUID(t["team_id"])),
        "team_name": t["name"],
        "unit_name": t["unit_name"],
        "village": t["village_code"],
        "village_name": t["village_name"],
        "month": f"{first:%Y-%m}",
        "min_days_in_village": rules.min_days_in_village_per_month,
        "rules_version": rules.version,
        "members": members,
        "days_checked_in": sum(m["days_checked_in"] for m in members),
        "days_on_leave": sum(m["days_on_leave"] for m in members),
        "days_unaccounted": sum(m["days_unaccounted"] for m in members),
        "absences_found": sum(m["absences_found"] for m in members),
        "members_not_regularly_resident": sum(m["not_regularly_resident"] for m in members),
    }
