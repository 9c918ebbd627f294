"""The measures (帮扶措施) of a village, or of every village under a unit, on a day (as of) as
known once the log had reached a position (``upto``; None: now), for ``zhucun measures``:
the measures board's (``projections/ledger/board.py``: each with its village, its status
that day, overdue or not, its progress), kept by status, overdue, category and responsible
person, each with how many days it is overdue and the funds allocated to it and spent on it
(``projections/ledger/funds.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from projections.ledger.board import measures_board
from projections.ledger.funds import ENTRIES, _by_measure, _where, money, villages_under
from projections.queries import unit_row


@dataclass(frozen=True)
class MeasureFilter:
    """What ``zhucun measures`` keeps: values already normalised (app/ledger/filters.py)."""

    status: str | None = None
    overdue: bool = False
    category: str | None = None
    responsible: str | None = None

    def keeps(self, m: dict[str, Any]) -> bool:
        return (
            (self.status is None or m["status"] == self.status)
            and (not self.overdue or m["overdue"])
            and (self.category is None or m["category"] == self.category)
            and (self.responsible is None or m["responsible"] == self.responsible)
        )


def measures_of(
    conn: Connection, code: str, as_of: date, upto: int | None, wanted: MeasureFilter
) -> dict[str, Any] | None:
    """The measures of the village ``code``, or of every village under the unit ``code``,
    planned by ``as_of`` and known at ``upto``, that the filter keeps; None for an unknown
    unit."""
    board = measures_board(conn, code, as_of, upto)
    root = unit_row(conn, code)
    if board is None or root is None:
        return None
    villages: Any = [code] if root["level"] == "village" else villages_under(root["path"])
    where = [_where(t, villages, as_of, upto, None, None) for t in ENTRIES]
    funded = {f["measure"]: f for f in _by_measure(conn, where)}
    nothing = money("allocated", 0) | money("spent", 0) | money("balance", 0)
    found = []
    for m in board["measures"]:
        if not wanted.keeps(m):
            continue
        late = (as_of - date.fromisoformat(m["due_on"])).days if m["overdue"] else 0
        funds = funded.get(m["id"], nothing)
        found.append(m | {"days_overdue": late} | {k: funds[k] for k in nothing})
    head = {k: board[k] for k in ("unit", "name", "level", "as_of")}
    return head | {
        "measures": found,
        "count": len(found),
        "overdue": sum(1 for m in found if m["overdue"]),
        **_sums(found, "budget", "allocated", "spent"),
    }


def _sums(found: list[dict[str, Any]], *names: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        out |= money(name, sum(m[f"{name}_fen"] for m in found))
    return out
