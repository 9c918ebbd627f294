"""Visits beside households: how often each household was visited by a work team and when
last, on a day (as of) and as the system knew it at a moment (as known at)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, func, select

from projections.coverage import queries as coverage_queries
from projections.coverage.tables import moments, rows
from projections.teams.tables import cadres, teams
from projections.teams.visits import household_visits, visits

NO_VISITS: dict[str, Any] = {"visits": 0, "last_visit": None}


def known_position(conn: Connection, known_at: datetime | None) -> int | None:
    """The last log position recorded by ``known_at`` (naive UTC); None for "now".

    The coverage model's recording moments say where each moment ends in the log, so that
    "as known at" means the same log prefix here as in coverage and gaps."""
    if known_at is None:
        return None
    found = conn.execute(
        select(func.max(moments.c.position)).where(moments.c.recorded_at <= known_at)
    ).scalar()
    return int(found or 0)


def visits_of(
    conn: Connection,
    households: Iterable[str],
    as_of: date,
    known_at: datetime | None,
    now: bool = False,
) -> dict[str, dict[str, Any]]:
    """Per household (hex id): ``visits`` and ``last_visit`` (``on``, ``cadre``, ``cadre_id``,
    ``team``, ``team_id``) counting the visits made on or before ``as_of`` and recorded by
    ``known_at``. ``now``: today as known now, read from the per-household counts."""
    wanted = list(dict.fromkeys(households))
    found: dict[str, tuple[int, date, str, str]] = {}
    if now:
        for chunk in _chunks(wanted):
            for h, n, on, cadre, team in conn.execute(_VISITS_NOW, {"ids": chunk}):
                found[h] = (int(n), on, cadre, team)
    else:
        upto = known_position(conn, known_at)
        for chunk in _chunks(wanted):
            query = select(
                visits.c.household_id,
                visits.c.day,
                visits.c.position,
                visits.c.cadre_id,
                visits.c.team_id,
            ).where(visits.c.household_id.in_(chunk), visits.c.day <= as_of)
            if upto is not None:
                query = query.where(visits.c.position <= upto)
            best: dict[str, tuple[date, int]] = {}
            for h, day, position, cadre, team in conn.execute(query):
                n = found[h][0] + 1 if h in found else 1
                if h not in best or (day, position) > best[h]:
                    best[h] = (day, position)
                    found[h] = (n, day, cadre, team)
                else:
                    found[h] = (n, *found[h][1:])
    names = _names(conn, {v[2] for v in found.values()}, {v[3] for v in found.values()})
    out: dict[str, dict[str, Any]] = {}
    for h in wanted:
        if h not in found:
            out[h] = dict(NO_VISITS)
            continue
        n, on, cadre, team = found[h]
        out[h] = {
            "visits": n,
            "last_visit": {
                "on": on.isoformat(),
                "cadre": names[0].get(cadre, ""),
                "cadre_id": str(UUID(cadre)),
                "team": names[1].get(team, ""),
                "team_id": str(UUID(team)),
            },
        }
    return out


# A village's gaps carry their households' visits: built once, as it is read on every call.
_VISITS_NOW = select(
    household_visits.c.household_id,
    household_visits.c.visits,
    household_visits.c.last_on,
    household_visits.c.last_cadre_id,
    household_visits.c.last_team_id,
).where(household_visits.c.household_id.in_(bindparam("ids", expanding=True)))


def _names(
    conn: Connection, cadre_ids: set[str], team_ids: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    cadre_names: dict[str, str] = {}
    team_names: dict[str, str] = {}
    for chunk in _chunks(list(cadre_ids)):
        query = select(cadres.c.id, cadres.c.name).where(cadres.c.id.in_(chunk))
        cadre_names.update({i: name for i, name in conn.execute(query)})
    for chunk in _chunks(list(team_ids)):
        query = select(teams.c.team_id, teams.c.name).where(teams.c.team_id.in_(chunk))
        team_names.update({i: name for i, name in conn.execute(query)})
    return cadre_names, team_names


def attach(
    conn: Connection,
    gaps: list[dict[str, Any]],
    as_of: date,
    known_at: datetime | None,
    now: bool = False,
) -> None:
    """Put ``visits`` and ``last_visit`` on each ``unlinked_household`` gap row."""
    wanted = [g for g in gaps if g["type"] == "unlinked_household"]
    if not wanted:
        return
    found = visits_of(conn, (UUID(g["subject"]["id"]).hex for g in wanted), as_of, known_at, now)
    for g in wanted:
        g.update(found[UUID(g["subject"]["id"]).hex])


def households(
    conn: Connection, code: str, as_of: date, known_at: datetime | None, now: bool = False
) -> dict[str, Any] | None:
    """The households of a village or a villager group on that day: covered or not, and their
    visits. None when the unit is unknown then; a ValueError for a unit of another level."""
    tree = coverage_queries.Tree(conn, as_of, known_at)
    if not tree.find(code):
        return None
    level, scope = tree.level[code], tree.village_of(code)
    query = select(rows.c.kind, rows.c.subject, rows.c.name, rows.c.unit).where(
        rows.c.scope == scope,
        rows.c.kind.in_(("household", "unlinked_household")),
        coverage_queries.when(as_of, known_at),
    )
    if level == "group":
        query = query.where(rows.c.unit == code)
    found: dict[str, dict[str, Any]] = {}
    unlinked: set[str] = set()
    for kind, subject, name, unit in conn.execute(query):
        if kind == "unlinked_household":
            unlinked.add(subject)
        else:
            found[subject] = {"id": str(UUID(subject)), "name": name, "group": unit}
    seen = visits_of(conn, found, as_of, known_at, now)
    listed = [
        found[h] | {"covered": h not in unlinked} | seen[h]
        for h in sorted(found, key=lambda h: (found[h]["group"], found[h]["name"], h))
    ]
    return {
        "unit": code,
        "name": tree.name[code],
        "level": level,
        "as_of": as_of.isoformat(),
        "as_known_at": known_at.replace(tzinfo=UTC).isoformat() if known_at else None,
        "households": listed,
        "visited": sum(1 for h in listed if h["visits"]),
    }


def _chunks(items: list[str], size: int = 900) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
