"""Household visits (走访入户) in the teams read model: one row per visit, and per household
its count and last visit, so that a household's contacts show beside it in coverage.

Fed from ``MemberMonth.HouseholdVisited`` with the other daily rows of a page
(``team_residency.Pending``), in the same transaction as the model's position: exactly once,
and rebuilt with the model.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    String,
    Table,
    bindparam,
    insert,
    select,
    update,
)

from projections.teams.tables import metadata

# One row per visit; ``position`` is the visit's place in the log, which says from when the
# system knew of it (as known at T: position <= the last position recorded by T).
visits = Table(
    "tm_visits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("household_id", String(32), nullable=False),
    Column("day", Date, nullable=False),
    Column("cadre_id", String(32), nullable=False),
    Column("team_id", String(32), nullable=False),
    Column("position", BigInteger, nullable=False),
    Index("ix_tm_visits_household_day", "household_id", "day"),
    # A team's visits within some days: the households a survey's team visited (ledger).
    Index("ix_tm_visits_team_day", "team_id", "day"),
)

# Per household, every visit known now: how many, and the last (latest day, then latest in
# the log). Answers "today, as known now" without counting.
household_visits = Table(
    "tm_household_visits",
    metadata,
    Column("household_id", String(32), primary_key=True),
    Column("visits", Integer, nullable=False),
    Column("last_on", Date, nullable=False),
    Column("last_cadre_id", String(32), nullable=False),
    Column("last_team_id", String(32), nullable=False),
    Column("last_position", BigInteger, nullable=False),
)


def record(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert a page's visits (cadre already resolved) and bring the per-household rows on."""
    conn.execute(insert(visits), rows)
    latest: dict[str, dict[str, Any]] = {}
    added: dict[str, int] = {}
    for r in rows:
        h = r["household_id"]
        added[h] = added.get(h, 0) + 1
        if h not in latest or _key(r["day"], r["position"]) > _key(
            latest[h]["day"], latest[h]["position"]
        ):
            latest[h] = r
    found = {
        r["household_id"]: r
        for r in conn.execute(
            select(household_visits).where(household_visits.c.household_id.in_(list(latest)))
        ).mappings()
    }
    new, changed = [], []
    for h, r in latest.items():
        old = found.get(h)
        last = r
        if old is not None and _key(old["last_on"], old["last_position"]) > _key(
            r["day"], r["position"]
        ):
            last = {
                "day": old["last_on"],
                "cadre_id": old["last_cadre_id"],
                "team_id": old["last_team_id"],
                "position": old["last_position"],
            }
        values = {
            "visits": added[h] + (old["visits"] if old is not None else 0),
            "last_on": last["day"],
            "last_cadre_id": last["cadre_id"],
            "last_team_id": last["team_id"],
            "last_position": last["position"],
        }
        if old is None:
            new.append({"household_id": h, **values})
        else:
            changed.append({"h": h, **{f"new_{k}": v for k, v in values.items()}})
    if new:
        conn.execute(insert(household_visits), new)
    if changed:
        conn.execute(
            update(household_visits)
            .where(household_visits.c.household_id == bindparam("h"))
            .values(
                visits=bindparam("new_visits"),
                last_on=bindparam("new_last_on"),
                last_cadre_id=bindparam("new_last_cadre_id"),
                last_team_id=bindparam("new_last_team_id"),
                last_position=bindparam("new_last_position"),
            ),
            changed,
        )


def _key(day: Any, position: int) -> tuple[Any, int]:
    return (day, position)
