"""Queries of the team roster: plain functions returning plain data, for a day (effective)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, and_, func, or_, select

from domain.cadres import DispatchLevel, Rank, Sector
from projections.queries import unit_row
from projections.tables import units
from projections.team_tables import (
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


def teams_under(conn: Connection, code: str, day: date) -> list[dict[str, Any]]:
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
        )
        .order_by(teams.c.village_code, teams.c.dispatched_on, teams.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def roster(conn: Connection, code: str, day: date) -> list[dict[str, Any]] | None:
    """The roster on ``day`` of the teams serving under the unit; None for an unknown unit."""
    if unit_row(conn, code) is None:
        return None
    return [_team_on(conn, t, day) for t in teams_under(conn, code, day)]


def _team_on(conn: Connection, t: dict[str, Any], day: date) -> dict[str, Any]:
    unit = (
        conn.execute(select(dispatching_units).where(dispatching_units.c.code == t["unit_code"]))
        .mappings()
        .one()
    )
    village_class = (
        conn.execute(
            select(village_classes).where(
                village_classes.c.village_code == t["village_code"], on(village_classes, day)
            )
        )
        .mappings()
        .first()
    )
    term = (
        conn.execute(select(terms).where(terms.c.team_id == t["id"], on(terms, day)))
        .mappings()
        .first()
    )
    leader_id = conn.execute(
        select(leaders.c.cadre_id).where(leaders.c.team_id == t["id"], on(leaders, day))
    ).scalar()
    members = [
        _member(conn, m, day, leader_id)
        for m in conn.execute(
            select(memberships)
            .where(memberships.c.team_id == t["id"], on(memberships, day))
            .order_by(memberships.c.valid_from, memberships.c.cadre_id)
        ).mappings()
    ]
    leader = next((m for m in members if m["leader"]), None)
    term_end = term["term_ends_on"] if term else t["term_ends_on"]
    level, sector = DispatchLevel(unit["level"]), Sector(unit["sector"])
    return {
        "team_id": _uuid(t["id"]),
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


def _member(conn: Connection, m: Any, day: date, leader_id: str | None) -> dict[str, Any]:
    cadre = conn.execute(select(cadres).where(cadres.c.id == m["cadre_id"])).mappings().one()
    mine = cadre_states.c.cadre_id == m["cadre_id"]
    state = conn.execute(select(cadre_states).where(mine, on(cadre_states, day))).mappings().first()
    if state is None:  # a day before the cadre's record began: their first known state
        state = (
            conn.execute(select(cadre_states).where(mine).order_by(cadre_states.c.valid_from))
            .mappings()
            .first()
        )
    assert state is not None
    rank = Rank(state["rank"])
    return {
        "cadre_id": _uuid(m["cadre_id"]),
        "name": cadre["name"],
        "unit_code": cadre["unit_code"],
        "rank": rank.value,
        "rank_zh": rank.zh,
        "party_member": bool(state["party_member"]),
        "young": bool(state["young"]),
        "reserve": bool(state["reserve"]),
        "leader": m["cadre_id"] == leader_id,
        "joined_on": m["valid_from"].isoformat(),
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
