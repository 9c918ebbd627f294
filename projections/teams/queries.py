"""Queries of the team roster: plain functions returning plain data, for a day (effective)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, and_, func, or_, select

from domain.cadres import DispatchLevel, Rank, Sector
from projections.queries import unit_row
from projections.tables import units
from projections.teams.tables import (
    cadre_states,
    cadres,
    dispatching_units,
    leaders,
    memberships,
    teams,
    terms,
    village_classes,
)


def on(table: Table, day: date) -> Any:
    """The rows of ``table`` whose effective range holds ``day``."""
    return and_(table.c.valid_from <= day, or_(table.c.valid_to.is_(None), table.c.valid_to > day))


def known(table: Table, upto: int | None) -> Any:
    """The rows of ``table`` the system believed once the log had reached position ``upto``
    (None: the rows believed now)."""
    if upto is None:
        return table.c.to_position.is_(None)
    return and_(
        table.c.from_position <= upto,
        or_(table.c.to_position.is_(None), table.c.to_position > upto),
    )


def teams_under(
    conn: Connection, code: str, day: date, upto: int | None = None
) -> list[dict[str, Any]]:
    """Teams serving on ``day`` in villages under the unit (the unit itself included)."""
    root = unit_row(conn, code)
    if root is None:
        return []
    query = (
        select(teams, units.c.name.label("village_name"))
        .join(units, units.c.code == teams.c.village_code)
        .where(
            units.c.path.startswith(root["path"], autoescape=True),
            teams.c.dispatched_on <= day,
            func.coalesce(teams.c.ended_on, teams.c.term_ends_on) >= day,
            known(teams, upto),
        )
        .order_by(teams.c.village_code, teams.c.dispatched_on, teams.c.team_id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def roster(
    conn: Connection, code: str, day: date, upto: int | None = None
) -> list[dict[str, Any]] | None:
    """The roster on ``day`` of the teams serving under the unit, as known once the log had
    reached position ``upto`` (None: now); None for an unknown unit.

    A handful of queries whatever the number of teams: each table is read once for all."""
    if unit_row(conn, code) is None:
        return None
    found = teams_under(conn, code, day, upto)
    ids = [t["team_id"] for t in found]
    unit_codes = {t["unit_code"] for t in found}
    units_by_code = _by(conn, dispatching_units.c.code, unit_codes, known(dispatching_units, upto))
    classes = _by(
        conn,
        village_classes.c.village_code,
        {t["village_code"] for t in found},
        on(village_classes, day),
        known(village_classes, upto),
    )
    terms_on = _by(conn, terms.c.team_id, ids, on(terms, day), known(terms, upto))
    leader_of = {
        team: cadre
        for team, cadre in conn.execute(
            select(leaders.c.team_id, leaders.c.cadre_id).where(
                leaders.c.team_id.in_(ids), on(leaders, day), known(leaders, upto)
            )
        )
    }
    members: dict[str, list[dict[str, Any]]] = {}
    for m in _members_on(conn, ids, day, upto):
        team = m.pop("team_id")
        m["leader"] = m["cadre_id"] == leader_of.get(team)
        members.setdefault(team, []).append(m)
    return [
        _team_on(
            t,
            units_by_code[t["unit_code"]],
            classes.get(t["village_code"]),
            terms_on.get(t["team_id"]),
            members.get(t["team_id"], []),
        )
        for t in found
    ]


def _by(conn: Connection, column: Any, values: Any, *where: Any) -> dict[Any, Any]:
    """The rows of ``column``'s table whose ``column`` is one of ``values`` (and that meet
    ``where``), by that column."""
    query = select(column.table).where(column.in_(values), *where)
    return {r[column.name]: r for r in conn.execute(query).mappings()}


def _members_on(
    conn: Connection, ids: list[str], day: date, upto: int | None
) -> list[dict[str, Any]]:
    """Everyone serving on the teams that day, with their rank and standing of that day."""
    state_on = and_(
        cadre_states.c.cadre_id == memberships.c.cadre_id,
        on(cadre_states, day),
        known(cadre_states, upto),
    )
    query = (
        select(memberships, cadres.c.name, cadres.c.unit_code, cadre_states)
        .join(cadres, cadres.c.id == memberships.c.cadre_id)
        .outerjoin(cadre_states, state_on)
        .where(memberships.c.team_id.in_(ids), on(memberships, day), known(memberships, upto))
        .order_by(memberships.c.team_id, memberships.c.valid_from, memberships.c.cadre_id)
    )
    out = []
    for r in conn.execute(query).mappings():
        state: Any = r
        if r["rank"] is None:  # a day before the cadre's record began: their first state
            state = (
                conn.execute(
                    select(cadre_states)
                    .where(
                        cadre_states.c.cadre_id == r[memberships.c.cadre_id],
                        known(cadre_states, upto),
                    )
                    .order_by(cadre_states.c.valid_from)
                )
                .mappings()
                .first()
            )
        rank = Rank(state["rank"])
        cadre = r[memberships.c.cadre_id]
        out.append(
            {
                "team_id": r[memberships.c.team_id],
                "cadre_id": cadre,
                "name": r["name"],
                "unit_code": r["unit_code"],
                "rank": rank.value,
                "rank_zh": rank.zh,
                "party_member": bool(state["party_member"]),
                "young": bool(state["young"]),
                "reserve": bool(state["reserve"]),
                "joined_on": r[memberships.c.valid_from].isoformat(),
            }
        )
    return out


def _team_on(
    t: dict[str, Any],
    unit: Any,
    village_class: Any,
    term: Any,
    members: list[dict[str, Any]],
) -> dict[str, Any]:
    members = [m | {"cadre_id": _uuid(m["cadre_id"])} for m in members]
    leader = next((m for m in members if m["leader"]), None)
    term_end = term["term_ends_on"] if term else t["term_ends_on"]
    level, sector = DispatchLevel(unit["level"]), Sector(unit["sector"])
    return {
        "team_id": _uuid(t["team_id"]),
        "team_name": t["name"],
        "unit_code": unit["code"],
        "unit_name": unit["name"],
        "unit_level": level.value,
        "unit_level_zh": level.zh,
        "unit_sector": sector.value,
        "unit_sector_zh": sector.zh,
        "unit_sector_group": unit["sector_group"],
        "village": t["village_code"],
        "village_name": t["village_name"],
        "village_class": village_class["class"] if village_class else None,
        "village_problem": village_class["problem"] if village_class else None,
        "village_finding": village_class["finding"] if village_class else None,
        "leader": leader,
        "members": members,
        "term_start": t["dispatched_on"].isoformat(),
        "term_end": term_end.isoformat(),
        "ended_on": t["ended_on"].isoformat() if t["ended_on"] else None,
        "flags": _flags(t, term, leader),
    }


def _flags(t: dict[str, Any], term: Any, leader: dict[str, Any] | None) -> list[dict[str, str]]:
    flags = []
    if t["flag"]:
        flags.append({"code": t["flag"], "zh": t["flag_zh"], "en": t["flag_en"]})
    if term is not None and term["extended"]:
        flags.append(
            {
                "code": "term_extended",
                "zh": f"驻村期已延长至 {term['term_ends_on']}"
                f"（{term['decided_by']}：{term['reason']}）",
                "en": f"term extended to {term['term_ends_on']} "
                f"(by {term['decided_by']}: {term['reason']})",
            }
        )
    if leader is None:
        flags.append({"code": "no_leader", "zh": "工作队当天没有队长", "en": "no leader that day"})
    return flags


def _uuid(hex_id: str) -> str:
    return str(UUID(hex_id))
