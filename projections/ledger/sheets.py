"""The ledger as the workbook officials keep (工作台账): every village under a unit that has
anything in its ledger, each with its whole ledger on the day — read by the same queries as a
village's ledger (``queries``), so the workbook and the ledger page agree — and the households
its team visited during the survey (走访), by name."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select, union

from projections.ledger import goals
from projections.ledger import queries as q
from projections.ledger.tables import (
    goals as goal_table,
)
from projections.ledger.tables import (
    letters,
    measures,
    opinions,
    plans,
    problems,
    surveys,
)
from projections.queries import unit_row
from projections.tables import households, units
from projections.teams.tables import cadres, teams
from projections.teams.visits import visits

# The tables whose rows put a village in the workbook: each is the first thing recorded of
# one part of its ledger.
FIRSTS = (surveys, opinions, problems, plans, measures, letters, goal_table)


def village_ledgers(
    conn: Connection, code: str, as_of: date, upto: int | None
) -> dict[str, Any] | None:
    """The ledger of each village under ``code`` (itself, for a village), in code order; None
    for an unknown unit."""
    root = unit_row(conn, code)
    if root is None:
        return None
    in_ledger = union(
        *[select(t.c.village_code).where(q.seen(t, as_of, upto)) for t in FIRSTS]
    ).subquery()
    found = conn.execute(
        select(units.c.code, units.c.name)
        .where(
            units.c.path.startswith(root["path"], autoescape=True),
            units.c.level == "village",
            units.c.code.in_(select(in_ledger.c.village_code)),
        )
        .order_by(units.c.code)
    ).all()
    villages = []
    for village, name in found:
        survey = q.village_survey(conn, village, as_of, upto)
        villages.append(
            {
                "unit": village,
                "name": name,
                "survey": survey,
                "visits": survey_visits(conn, village, survey["window"], as_of, upto),
                "plans": q.village_plans(conn, village, as_of, upto),
                "measures": q.village_measures(conn, village, as_of, upto),
                "letters": q.village_letters(conn, village, as_of, upto),
                "six_haves": goals.village_goals(conn, village, as_of, upto),
            }
        )
    return {
        "unit": root["code"],
        "name": root["name"],
        "level": root["level"],
        "as_of": as_of.isoformat(),
        "villages": villages,
    }


def survey_visits(
    conn: Connection,
    village: str,
    window: dict[str, str] | None,
    as_of: date,
    upto: int | None,
) -> list[dict[str, Any]]:
    """The visits the village's teams made within its survey's window (the visits the
    survey counts), each with the household's head and the visitor's name."""
    if window is None:
        return []
    first, last = date.fromisoformat(window["first_day"]), date.fromisoformat(window["last_day"])
    team_ids = select(teams.c.team_id).where(teams.c.village_code == village).distinct()
    query = (
        select(visits.c.day, households.c.head_name, cadres.c.name)
        .select_from(
            visits.join(households, households.c.id == visits.c.household_id).join(
                cadres, cadres.c.id == visits.c.cadre_id
            )
        )
        .where(
            visits.c.team_id.in_(team_ids),
            and_(visits.c.day >= first, visits.c.day <= min(last, as_of)),
        )
        .order_by(visits.c.day, visits.c.position)
    )
    if upto is not None:
        query = query.where(visits.c.position <= upto)
    return [
        {"on": day.isoformat(), "head_name": head, "visitor": visitor}
        for day, head, visitor in conn.execute(query)
    ]
