"""Queries of the ``assessments`` read model: rule sets as known at a position, the runs
recorded, and what the trace of a figure shows beside each event (who recorded it)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from projections.assessments.facts import chunks, units_under
from projections.assessments.tables import (
    decisions,
    reports,
    rule_versions,
    runs,
    spot_check_members,
    spot_checks,
)
from projections.audit.chain import chain
from projections.teams.tables import actor_events, cadres, dispatching_units


def _rules_row(r: Any) -> dict[str, Any]:
    return {
        "name": r["name"],
        "version": int(r["version"]),
        "effective_from": r["effective_from"].isoformat(),
        "content": json.loads(r["content"]),
        "adopted_by": r["actor"],
        "adopted_on": r["day"].isoformat(),
        "position": int(r["position"]),
    }


def rules_version(
    conn: Connection, name: str, version: int, upto: int | None = None
) -> dict[str, Any] | None:
    query = select(rule_versions).where(
        rule_versions.c.name == name, rule_versions.c.version == version
    )
    if upto is not None:
        query = query.where(rule_versions.c.position <= upto)
    row = conn.execute(query).mappings().first()
    return _rules_row(row) if row else None


def rules_in_force(
    conn: Connection, day: date, upto: int, name: str | None = None
) -> dict[str, Any] | None:
    """The version in force on ``day`` as known at ``upto``: of the rule set ``name``, or of
    any, the one that took effect last by then (and of those, the last recorded)."""
    query = select(rule_versions).where(
        rule_versions.c.effective_from <= day, rule_versions.c.position <= upto
    )
    if name is not None:
        query = query.where(rule_versions.c.name == name)
    row = (
        conn.execute(
            query.order_by(rule_versions.c.effective_from.desc(), rule_versions.c.position.desc())
        )
        .mappings()
        .first()
    )
    return _rules_row(row) if row else None


def all_rules(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(rule_versions).order_by(rule_versions.c.name, rule_versions.c.version)
    ).mappings()
    return [_rules_row(r) for r in rows]


def _run_row(r: Any) -> dict[str, Any]:
    return {
        "run_id": str(UUID(r["run_id"])),
        "kind": r["kind"],
        "period": r["period"],
        "unit": r["unit_code"],
        "position": int(r["known_at"]),
        "rules": f"{r['rules_name']}@{r['rules_version']}",
        "digest": r["digest"],
        "teams": int(r["teams"]),
        "recorded_by": r["actor"],
        "recorded_on": r["day"].isoformat(),
        "recorded_at_position": int(r["position"]),
        "published": r["published_on"] is not None,
        "published_by": r["published_by"],
        "published_on": r["published_on"].isoformat() if r["published_on"] else None,
    }


def run_list(conn: Connection, unit: str | None = None) -> list[dict[str, Any]]:
    query = select(runs).order_by(runs.c.position)
    if unit is not None:
        query = query.where(runs.c.unit_code == unit)
    return [_run_row(r) for r in conn.execute(query).mappings()]


def run_row(conn: Connection, run_id: UUID) -> dict[str, Any] | None:
    row = conn.execute(select(runs).where(runs.c.run_id == run_id.hex)).mappings().first()
    return _run_row(row) if row else None


def chain_link_at(conn: Connection, position: int) -> str:
    """The audit chain's link at a position (hex), "" while the chain has not reached it."""
    found = conn.execute(select(chain.c.link).where(chain.c.position == position)).scalar()
    return bytes(found).hex() if found is not None else ""


def actors_at(conn: Connection, positions: Iterable[int]) -> dict[int, str]:
    """Who recorded the events at these positions."""
    wanted = sorted(set(positions))
    out: dict[int, str] = {}
    for part in chunks([str(p) for p in wanted]):
        for position, actor in conn.execute(
            select(actor_events.c.position, actor_events.c.actor_id).where(
                actor_events.c.position.in_([int(p) for p in part])
            )
        ):
            out[int(position)] = actor
    return out


def decisions_of(conn: Connection, run_id: UUID) -> dict[str, dict[str, Any]]:
    """The decisions on a run's proposals, by proposal."""
    rows = conn.execute(
        select(decisions).where(decisions.c.run_id == run_id.hex).order_by(decisions.c.position)
    ).mappings()
    return {
        r["proposal"]: {
            "decision_id": str(UUID(r["decision_id"])),
            "outcome": r["outcome"],
            "amended": json.loads(r["amended"]) if r["amended"] else None,
            "why": r["why"],
            "decided_by": r["actor"],
            "decided_on": r["day"].isoformat(),
            "position": int(r["position"]),
        }
        for r in rows
    }


def spot_check_list(
    conn: Connection, unit: str | None = None, team: UUID | None = None
) -> list[dict[str, Any]]:
    """Spot checks, oldest first: of one team, of the teams in villages under a unit (as it
    stands now), or all."""
    query = select(spot_checks).order_by(spot_checks.c.day, spot_checks.c.position)
    if team is not None:
        query = query.where(spot_checks.c.team_id == team.hex)
    rows = list(conn.execute(query).mappings())
    if unit is not None:
        under = units_under(conn, unit, date.max, 2**62) or set()
        rows = [r for r in rows if r["village_code"] in under or r["dispatching_unit"] == unit]
    members: dict[str, list[Any]] = {}
    ids = [r["check_id"] for r in rows]
    for part in chunks(ids):
        for m in conn.execute(
            select(spot_check_members).where(spot_check_members.c.check_id.in_(part))
        ).mappings():
            members.setdefault(m["check_id"], []).append(m)
    return [
        {
            "spot_check_id": str(UUID(r["check_id"])),
            "day": r["day"].isoformat(),
            "team_id": str(UUID(r["team_id"])),
            "team_name": r["team_name"],
            "village": r["village_code"],
            "dispatching_unit": r["dispatching_unit"],
            "inspectors": json.loads(r["inspectors"]),
            "present": [
                str(UUID(m["cadre_id"])) for m in members.get(r["check_id"], []) if m["present"]
            ],
            "absent": [
                str(UUID(m["cadre_id"])) for m in members.get(r["check_id"], []) if not m["present"]
            ],
            "findings": r["findings"],
            "recorded_by": r["actor"],
            "position": int(r["position"]),
        }
        for r in rows
    ]


def spot_checks_finding(conn: Connection, team: str, upto: int) -> dict[tuple[str, str], str]:
    """(cadre, day) -> the spot check that found the member absent, as known at ``upto``."""
    out: dict[tuple[str, str], str] = {}
    for check, cadre, day in conn.execute(
        select(
            spot_check_members.c.check_id, spot_check_members.c.cadre_id, spot_check_members.c.day
        ).where(
            spot_check_members.c.team_id == team,
            spot_check_members.c.present.is_(False),
            spot_check_members.c.position <= upto,
        )
    ):
        out[(str(UUID(cadre)), day.isoformat())] = str(UUID(check))
    return out


def cadres_outside(conn: Connection, unit: str) -> list[dict[str, str]]:
    """The cadres registered now whose unit is not ``unit`` (who may inspect its teams), by
    their unit's name and their own name."""
    rows = conn.execute(
        select(cadres.c.id, cadres.c.name, cadres.c.unit_code, dispatching_units.c.name)
        .join(
            dispatching_units,
            (dispatching_units.c.code == cadres.c.unit_code)
            & dispatching_units.c.to_position.is_(None),
            isouter=True,
        )
        .where(cadres.c.to_position.is_(None), cadres.c.unit_code != unit)
        .order_by(dispatching_units.c.name, cadres.c.name, cadres.c.id)
    )
    return [
        {"cadre_id": str(UUID(cid)), "name": name, "unit": code, "unit_name": unit_name or code}
        for cid, name, code, unit_name in rows
    ]


def cadre_names(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    """The names of the cadres ``ids`` (as UUID strings), as registered now."""
    keys = {UUID(i).hex for i in ids}
    out: dict[str, str] = {}
    for part in chunks(sorted(keys)):
        for cid, name in conn.execute(
            select(cadres.c.id, cadres.c.name).where(
                cadres.c.id.in_(part), cadres.c.to_position.is_(None)
            )
        ):
            out[str(UUID(cid))] = name
    return out


def report_list(conn: Connection, team: UUID) -> list[dict[str, Any]]:
    """The team's written reports (述职报告), by year and the day submitted: one row per
    body it went to, with the document's SHA-256."""
    query = (
        select(reports)
        .where(reports.c.team_id == team.hex)
        .order_by(reports.c.year, reports.c.day, reports.c.position, reports.c.body)
    )
    return [
        {
            "year": r["year"],
            "body": r["body"],
            "title": r["title"],
            "document_sha256": r["document_sha256"],
            "day": r["day"].isoformat(),
            "position": r["position"],
        }
        for r in conn.execute(query).mappings()
    ]
