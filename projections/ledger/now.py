"""Each village's ledger as the log now tells it (``tables.village_now``, ``plan_now``,
``measure_now``, ``goal_now``; ADR 028): at the end of each page, the rows of every village,
plan, measure and goal the page added a fact to are written again from all their facts, with
the same queries that answer any day, asked of the last day there is and of the whole log.
A row is thus a function of the facts alone, whatever pages the log was cut into: a rebuild
equals what the increments built."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, union_all

from domain.ledger.goals import GoalStatus, SixHave
from domain.ledger.measures import MeasureStatus
from projections.ledger import queries as q
from projections.ledger.counts import UNJUDGED, empty_counts, flatten, work_counts
from projections.ledger.tables import (
    forms,
    goal_now,
    goal_statuses,
    goals,
    measure_now,
    measure_statuses,
    measures,
    periods,
    plan_approvals,
    plan_now,
    plan_revisions,
    plans,
    surveys,
    village_now,
    withdrawals,
)

EVER = date(9999, 12, 31)  # as of a day after every fact: all of them counted
CHUNK = 500  # ids per statement (SQLite binds at most 32,766 values; a short list plans well)

# The fact tables whose rows change a stored row, and the column naming it.
WATCHED: dict[str, tuple[str, str]] = {
    **{t.name: ("village", "village_code") for t in (surveys, periods, withdrawals, *q.DATED)},
    **{t.name: ("plan", "plan_id") for t in (plans, plan_revisions, plan_approvals)},
    **{t.name: ("measure", "measure_id") for t in (measures, measure_statuses)},
    **{t.name: ("goal", "goal_id") for t in (goals, goal_statuses)},
}


def touched(table: Table, values: dict[str, Any], into: dict[str, set[str]]) -> None:
    """Note which stored row a new fact of ``table`` changes."""
    watched = WATCHED.get(table.name)
    if watched is not None:
        into.setdefault(watched[0], set()).add(values[watched[1]])


def refresh(conn: Connection, changed: dict[str, set[str]]) -> None:
    """Write again the rows of what the page changed: the plans', measures' and goals' first,
    then the villages' (theirs included)."""
    villages = set(changed.get("village", ()))
    for kind, write in (("plan", _plans), ("measure", _measures), ("goal", _goals)):
        ids = sorted(changed.get(kind, ()))
        for start in range(0, len(ids), CHUNK):
            villages |= write(conn, ids[start : start + CHUNK])
    ordered = sorted(villages)
    for start in range(0, len(ordered), CHUNK):
        _villages(conn, ordered[start : start + CHUNK])


def _replace(conn: Connection, table: Table, key: str, ids: list[str], rows: list[Any]) -> set[str]:
    """The rows of ``ids`` replaced by ``rows``; their villages."""
    conn.execute(delete(table).where(table.c[key].in_(ids)))
    if rows:
        conn.execute(insert(table), rows)
    return {r["village_code"] for r in rows}


def _latest(rows: Iterable[Any]) -> Any:
    """The row latest by day, then by log position."""
    return max(rows, key=lambda r: (r.day, r.position), default=None)


def _clocks(rows: Iterable[Any]) -> dict[str, Any]:
    rows = list(rows)
    return {
        "last_day": max(r.day for r in rows),
        "last_position": max(r.position for r in rows),
    }


def _villages(conn: Connection, ids: list[str]) -> None:
    counts = q._counts(conn, ids, EVER, None)
    windows = q._windows(conn, ids, EVER, None)
    dated = union_all(
        *[
            select(t.c.village_code, t.c.day, t.c.position).where(t.c.village_code.in_(ids))
            for t in (surveys, periods, withdrawals, *q.DATED)
        ],
        *[
            select(t.c.village_code, t.c.last_day, t.c.last_position).where(
                t.c.village_code.in_(ids)
            )
            for t in (plan_now, measure_now, goal_now)
        ],
    ).subquery()
    clocks = conn.execute(
        select(dated.c.village_code, func.max(dated.c.day), func.max(dated.c.position)).group_by(
            dated.c.village_code
        )
    ).all()
    surveyed = set(
        conn.execute(
            select(surveys.c.village_code).where(surveys.c.village_code.in_(ids))
        ).scalars()
    )
    with_form = set(
        conn.execute(
            select(forms.c.village_code).where(forms.c.village_code.in_(ids)).distinct()
        ).scalars()
    )
    work = _work(conn, ids)
    rows = []
    for village, last_day, last_position in clocks:
        first, last, explicit = windows.get(village, (None, None, False))
        rows.append(
            {
                "village_code": village,
                "surveyed": int(village in surveyed),
                "form": int(village in with_form),
                **flatten(counts.get(village) or empty_counts()),
                **flatten(work.get(village) or work_counts()),
                "window_first": first,
                "window_last": last,
                "window_set": explicit,
                "last_day": _as_date(last_day),
                "last_position": last_position,
            }
        )
    _replace(conn, village_now, "village_code", ids, rows)


def _as_date(value: Any) -> date:
    """A day read back from a union, which SQLite returns as its ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _work(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per village: its plans, measures and goals counted from their rows (``work_counts``)."""
    out: dict[str, dict[str, Any]] = {}

    def of(village: str) -> dict[str, Any]:
        return out.setdefault(village, work_counts())

    for p in conn.execute(select(plan_now).where(plan_now.c.village_code.in_(ids))):
        plans = of(p.village_code)["plans"]
        plans["by_kind"][p.kind]["plans"] += 1
        if p.approved:
            plans["by_kind"][p.kind]["approved"] += 1
            plans["villages_with_an_approved_plan"] = 1
    for m in conn.execute(select(measure_now).where(measure_now.c.village_code.in_(ids))):
        measures = of(m.village_code)["measures"]
        measures["by_status"][m.status] += 1
        measures["by_category"][m.category] += 1
        measures["budget_fen"] += int(m.budget_fen)
        for source in set(filter(None, m.sources.split(","))):
            measures["measures_by_source"][source] += 1
    for g in conn.execute(select(goal_now).where(goal_now.c.village_code.in_(ids))):
        haves = of(g.village_code)["six_haves"]
        haves["villages_with_goals"] = 1
        haves["by_goal"][g.goal][g.status or UNJUDGED] += 1
    for counted in out.values():
        by_goal = counted["six_haves"]["by_goal"]
        met = sum(n[GoalStatus.MET.value] for n in by_goal.values())
        counted["six_haves"]["villages_all_met"] = int(met == len(SixHave))
    return out


def _rows(conn: Connection, table: Table, key: str, ids: list[str], *columns: str) -> Any:
    """The facts of ``table`` about ``ids``: their key, these columns, their day and position."""
    wanted = [table.c[c] for c in (key, *columns, "day", "position")]
    return conn.execute(select(*wanted).where(table.c[key].in_(ids)))


def _by(
    conn: Connection, table: Table, key: str, ids: list[str], column: str
) -> dict[str, list[Any]]:
    """The facts of ``table`` about ``ids`` (key, ``column``, day, position), by id."""
    out: dict[str, list[Any]] = {}
    for r in _rows(conn, table, key, ids, column):
        out.setdefault(r._mapping[key], []).append(r)
    return out


def _plans(conn: Connection, ids: list[str]) -> set[str]:
    revisions = _by(conn, plan_revisions, "plan_id", ids, "revision")
    approvals = _by(conn, plan_approvals, "plan_id", ids, "revision")
    rows = []
    for p in _rows(conn, plans, "plan_id", ids, "village_code", "kind"):
        revised = revisions.get(p.plan_id, [])
        approved = approvals.get(p.plan_id, [])
        rev, appr = _latest(revised), _latest(approved)
        rows.append(
            {
                "plan_id": p.plan_id,
                "village_code": p.village_code,
                "kind": p.kind,
                "approved": appr is not None and rev is not None and appr.revision == rev.revision,
                **_clocks([p, *revised, *approved]),
            }
        )
    return _replace(conn, plan_now, "plan_id", ids, rows)


def _measures(conn: Connection, ids: list[str]) -> set[str]:
    tables = (measures, measure_statuses, measure_now)
    columns = ("village_code", "category", "due_on", "budget_fen", "sources")
    return _with_status(conn, tables, "measure_id", ids, columns, MeasureStatus.PLANNED.value)


def _goals(conn: Connection, ids: list[str]) -> set[str]:
    tables = (goals, goal_statuses, goal_now)
    return _with_status(conn, tables, "goal_id", ids, ("village_code", "goal"), None)


def _with_status(
    conn: Connection,
    tables: tuple[Table, Table, Table],
    key: str,
    ids: list[str],
    columns: tuple[str, ...],
    default: str | None,
) -> set[str]:
    """The rows of things whose state is their latest status: from their first fact (of
    ``tables[0]``: these columns) and their statuses (``tables[1]``), into ``tables[2]``;
    ``default`` while no status was given."""
    first, changed, now = tables
    statuses = _by(conn, changed, key, ids, "status")
    rows = []
    for r in _rows(conn, first, key, ids, *columns):
        changes = statuses.get(r._mapping[key], [])
        latest = _latest(changes)
        rows.append(
            {
                key: r._mapping[key],
                **{c: r._mapping[c] for c in columns},
                "status": latest.status if latest else default,
                **_clocks([r, *changes]),
            }
        )
    return _replace(conn, now, key, ids, rows)
