"""The measures (帮扶措施) of a village, or of every village under a unit, on a day (as of) as
known once the log had reached a position (``upto``; None: now): each with its status that
day (its latest change by then), whether it is overdue and by how many days, and its budget,
as the ledger's roll-up counts them (``projections/ledger/queries.py``). Filters by status,
overdue, category and responsible person, all in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, select

from domain.ledger.measures import MeasureStatus
from domain.ledger.money import yuan_text
from projections.coverage.facts import as_date
from projections.ledger.queries import _latest, measure_row, overdue_on, seen
from projections.ledger.tables import measure_statuses, measures
from projections.queries import unit_row
from projections.tables import units


@dataclass(frozen=True)
class MeasureFilter:
    """What ``zhucun measures`` keeps: values already normalised (app/ledger/filters.py)."""

    status: str | None = None
    overdue: bool = False
    category: str | None = None
    responsible: str | None = None


def measures_of(
    conn: Connection, code: str, as_of: date, upto: int | None, wanted: MeasureFilter
) -> dict[str, Any] | None:
    """The measures of the village ``code``, or of every village under the unit ``code``,
    planned by ``as_of`` and known at ``upto``, with the filters; None for an unknown unit."""
    root = unit_row(conn, code)
    if root is None:
        return None
    if root["level"] == "village":
        mine: ColumnElement[bool] = measures.c.village_code == code
    else:
        villages = select(units.c.code).where(
            units.c.path.startswith(root["path"], autoescape=True), units.c.level == "village"
        )
        mine = measures.c.village_code.in_(villages)
    planned = and_(mine, seen(measures, as_of, upto))
    ids = select(measures.c.measure_id).where(planned)
    latest = _latest(measure_statuses, "measure_id", ids, as_of, upto)
    status = func.coalesce(latest.c.status, MeasureStatus.PLANNED.value)
    overdue = overdue_on(status, as_of)
    query = (
        select(
            measures,
            units.c.name.label("village_name"),
            status.label("status"),
            func.coalesce(latest.c.day, measures.c.day).label("status_on"),
            func.coalesce(latest.c.because, "").label("because"),
            overdue.label("overdue"),
        )
        .join(units, units.c.code == measures.c.village_code)
        .outerjoin(latest, latest.c.measure_id == measures.c.measure_id)
        .where(planned)
        .order_by(measures.c.village_code, measures.c.due_on, measures.c.position)
    )
    if wanted.status is not None:
        query = query.where(status == wanted.status)
    if wanted.overdue:
        query = query.where(overdue)
    if wanted.category is not None:
        query = query.where(measures.c.category == wanted.category)
    if wanted.responsible is not None:
        query = query.where(measures.c.responsible == wanted.responsible)
    found = [_measure(r, as_of) for r in conn.execute(query).mappings()]
    budget = sum(m["budget_fen"] for m in found)
    return {
        "unit": root["code"],
        "name": root["name"],
        "level": root["level"],
        "as_of": as_of.isoformat(),
        "measures": found,
        "count": len(found),
        "overdue": sum(1 for m in found if m["overdue"]),
        "budget_fen": budget,
        "budget_yuan": yuan_text(budget),
    }


def _measure(r: Any, as_of: date) -> dict[str, Any]:
    due: date = r["due_on"]
    overdue = bool(r["overdue"])
    return {
        "village": r["village_code"],
        "village_name": r["village_name"],
        **measure_row(r),
        "status_on": as_date(r["status_on"]).isoformat(),  # SQLite: text
        "because": r["because"],
        "overdue": overdue,
        "days_overdue": (as_of - due).days if overdue else 0,
    }
