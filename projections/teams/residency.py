"""The days of the members in the village, fed into the team read model: check-ins, approved
leave and absences found, one row per day. Daily events are the bulk of the log, so they go
in as a few executemany calls per page."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from domain.residency import MemberMonth, days_between
from projections.bulk import insert_many
from projections.teams import visits
from projections.teams.tables import absences, checkins, leave_days, member_months

MONTH = "_month"  # the month stream of a pending row, until its cadre is looked up


class Pending:
    def __init__(self) -> None:
        self.months: list[dict[str, Any]] = []
        self.rows: dict[Table, list[dict[str, Any]]] = {
            checkins: [],
            leave_days: [],
            absences: [],
            visits.visits: [],
        }

    def take(self, e: Any, position: int) -> bool:
        """Keep the rows of a residency event for the next flush; False for other events."""
        kind = type(e)
        if kind is MemberMonth.Started:
            self.months.append(
                {"id": e.originator_id.hex, "cadre_id": e.cadre_id.hex, "month": e.month}
            )
        elif kind is MemberMonth.CheckedIn:
            self.rows[checkins].append(_row(e, date.fromisoformat(e.occurred_on), position))
        elif kind is MemberMonth.LeaveGranted:
            first, last = date.fromisoformat(e.first_day), date.fromisoformat(e.last_day)
            for day in days_between(first, last):
                self.rows[leave_days].append(_row(e, day, position) | {"leave_id": e.leave_id.hex})
        elif kind is MemberMonth.FoundAbsent:
            day = date.fromisoformat(e.occurred_on)
            self.rows[absences].append(_row(e, day, position) | {"note": e.note})
        elif kind is MemberMonth.HouseholdVisited:
            day = date.fromisoformat(e.occurred_on)
            self.rows[visits.visits].append(
                _row(e, day, position) | {"household_id": e.household_id.hex}
            )
        else:
            return kind is MemberMonth.DiaryWritten
        return True

    def flush(self, conn: Connection) -> None:
        if self.months:
            conn.execute(insert(member_months), self.months)
            self.months = []
        wanted = {r[MONTH] for rows in self.rows.values() for r in rows}
        if not wanted:
            return
        found = conn.execute(
            select(member_months.c.id, member_months.c.cadre_id).where(
                member_months.c.id.in_(wanted)
            )
        )
        cadre_of = {month: cadre for month, cadre in found}
        for table, rows in self.rows.items():
            if rows:
                for r in rows:
                    r["cadre_id"] = cadre_of[r.pop(MONTH)]
                if table is visits.visits:
                    visits.record(conn, rows)
                else:
                    columns = list(rows[0])
                    insert_many(conn, table, columns, [[r[c] for c in columns] for r in rows])
                rows.clear()


def _row(e: Any, day: date, position: int) -> dict[str, Any]:
    return {MONTH: e.originator_id.hex, "team_id": e.team_id.hex, "day": day, "position": position}
