"""What the ledger's web pages read beyond a unit's ledger (``queries.ledger``): the measures
of every village under a unit, for the measures board, and one line of figures per village,
for the roll-up's list of villages. On a day (``as_of``) as known at a log position
(``upto``; None: now), through the same helpers as the ledger, so the pages and the ledger
agree."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from domain.ledger.measures import MeasureStatus
from projections.ledger import queries as q
from projections.ledger.tables import forms, letters, surveys
from projections.queries import unit_row
from projections.tables import units


def _head(root: dict[str, Any], as_of: date) -> dict[str, Any]:
    return {
        "unit": root["code"],
        "name": root["name"],
        "level": root["level"],
        "as_of": as_of.isoformat(),
    }


def _villages(conn: Connection, root: dict[str, Any]) -> list[dict[str, str]]:
    """The villages under the unit (the unit itself, for a village), in code order, each
    with the name of the unit it lies in."""
    parents = units.alias("parents")
    rows = conn.execute(
        select(units.c.code, units.c.name, parents.c.name.label("parent_name"))
        .outerjoin(parents, parents.c.code == units.c.parent_code)
        .where(units.c.path.startswith(root["path"], autoescape=True), units.c.level == "village")
        .order_by(units.c.code)
    ).mappings()
    return [dict(r) for r in rows]


def measures_board(
    conn: Connection, code: str, as_of: date, upto: int | None
) -> dict[str, Any] | None:
    """The measures of the villages under a unit (the unit itself, for a village), each with
    its village's name, status that day, overdue or not, and progress notes; None for an
    unknown unit."""
    root = unit_row(conn, code)
    if root is None:
        return None
    villages = {v["code"]: v for v in _villages(conn, root)}
    found = q.measure_list(conn, list(villages), as_of, upto) if villages else []
    return _head(root, as_of) | {
        "villages": [{"code": v["code"], "name": v["name"]} for v in villages.values()],
        "measures": [m | {"village_name": villages[m["village"]]["name"]} for m in found],
    }


def village_lines(
    conn: Connection, code: str, as_of: date, upto: int | None
) -> list[dict[str, Any]] | None:
    """One line per village under the unit: whether its survey has begun and its form is
    in, what the survey counted, its plans (approved), measures (overdue, done) and letters
    (in force); None for an unknown unit."""
    root = unit_row(conn, code)
    if root is None:
        return None
    villages = _villages(conn, root)
    codes = [v["code"] for v in villages]
    if not codes:
        return []
    counts = q._counts(conn, codes, as_of, upto)
    visited = q._households_visited(conn, q._windows(conn, codes, as_of, upto), as_of, upto)
    surveyed = set(
        conn.execute(
            select(surveys.c.village_code).where(
                surveys.c.village_code.in_(codes), q.seen(surveys, as_of, upto)
            )
        ).scalars()
    )
    with_form = set(
        conn.execute(
            select(forms.c.village_code)
            .where(forms.c.village_code.in_(codes), q.seen(forms, as_of, upto))
            .distinct()
        ).scalars()
    )
    plans: dict[str, list[bool]] = {}
    for p in q._plan_states(conn, codes, as_of, upto):
        plans.setdefault(p["village"], []).append(p["approved"])
    measures: dict[str, list[dict[str, Any]]] = {}
    for m in q._measure_states(conn, codes, as_of, upto):
        measures.setdefault(m["village_code"], []).append(m)
    letter_terms: dict[str, list[bool]] = {}
    for v, starts, ends in conn.execute(
        select(letters.c.village_code, letters.c.term_starts_on, letters.c.term_ends_on).where(
            letters.c.village_code.in_(codes), q.seen(letters, as_of, upto)
        )
    ):
        letter_terms.setdefault(v, []).append(starts <= as_of <= ends)
    out = []
    for v in villages:
        c = counts.get(v["code"]) or q._empty_counts()
        mine = measures.get(v["code"], [])
        out.append(
            {
                "code": v["code"],
                "name": v["name"],
                "parent_name": v["parent_name"],
                "surveyed": v["code"] in surveyed,
                "form": v["code"] in with_form,
                "tables_and_questionnaires": c["tables_and_questionnaires"],
                "symposiums": c["symposiums"],
                "households_visited": visited.get(v["code"], 0),
                "interviews": c["interviews"],
                "opinions": c["opinions"],
                "problems": c["problems"],
                "plans": len(plans.get(v["code"], [])),
                "plans_approved": sum(plans.get(v["code"], [])),
                "measures": len(mine),
                "measures_done": sum(1 for m in mine if m["status"] == MeasureStatus.DONE),
                "overdue": sum(1 for m in mine if m["overdue"]),
                "letters": len(letter_terms.get(v["code"], [])),
                "letters_in_force": sum(letter_terms.get(v["code"], [])),
            }
        )
    return out
