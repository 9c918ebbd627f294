"""The history of a work team and of a cadre: every action, oldest first, read from the few
streams that hold it, never from a scan of the log.

A team's actions are its own stream, its members' months (``MemberMonth``, ids derived from
cadre and month) and their leave requests. A cadre's are their own stream, what their teams
recorded about them, their months, their leave requests and what they recorded as actor;
the read model says which months, leave requests and logged events those are.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import ColumnElement, Connection, Engine, Table, select

from app.describe import event_type, history_row
from app.store.event_pages import events_page
from app.store.event_store import EventStore, LoggedEvent
from domain.cadres import Cadre
from domain.errors import CadreNotFoundError, TeamNotFoundError
from domain.residency import member_month_id
from domain.teams import Team
from projections.runner import Projections
from projections.teams.tables import actor_events, leave_requests, member_months


class Reader(Protocol):
    """What a history reads: the store, the read models (caught up first) and today
    (``Zhucun`` is one)."""

    @property
    def store(self) -> EventStore: ...

    @property
    def engine(self) -> Engine: ...

    @property
    def projections(self) -> Projections: ...

    def today(self) -> date: ...


RECEIPT = "CommandReceipt.Received"  # the command's receipt, not an action of its own
ANSWERED = "CommandReceipt.Answered"  # the answer an API request got, kept for its retries
MONTH = "MemberMonth."


def _load(z: Reader, cls: type[Any], aggregate_id: UUID) -> Any:
    try:
        found: Any = z.store.load(aggregate_id)
    except AggregateNotFoundError:
        return None
    return found if isinstance(found, cls) else None


def _ids(conn: Connection, table: Table, where: ColumnElement[bool]) -> list[UUID]:
    """The stream ids of a read-model table (its ``id`` column) on the rows ``where`` picks."""
    return [UUID(hex=i) for i in conn.execute(select(table.c.id).where(where)).scalars()]


def months_between(first: date, last: date) -> list[str]:
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _team_streams(z: Reader, team_id: UUID) -> list[UUID]:
    """The team's own stream, its leave requests and its members' months while on it."""
    team = _load(z, Team, team_id)
    if team is None:
        raise TeamNotFoundError(str(team_id))
    z.projections.catch_up()
    today = z.today()
    months: list[UUID] = []
    for m in team.members:
        last = min(m.left_on or team.last_day, today)
        if last >= m.joined_on:
            months += [member_month_id(m.cadre_id, k) for k in months_between(m.joined_on, last)]
    with z.engine.connect() as conn:
        leaves = _ids(conn, leave_requests, leave_requests.c.team_id == team_id.hex)
    return [team_id, *leaves, *months]


def _of_team(logged: LoggedEvent, team_id: UUID) -> bool:
    """A member's month holds their days on other teams too, and the month's start."""
    e = logged.event
    return not event_type(e).startswith(MONTH) or getattr(e, "team_id", None) == team_id


def team_history(z: Reader, team_id: UUID) -> list[dict[str, Any]]:
    """Dispatch, members joining and leaving, leaders, term; every member's check-ins, leave,
    absences, diaries and visits while on it; the leave they asked for on it."""
    return [
        history_row(logged)
        for logged in z.store.events_of(_team_streams(z, team_id))
        if _of_team(logged, team_id)
    ]


def team_history_page(
    z: Reader, team_id: UUID, limit: int, after: int | None = None, newest_first: bool = True
) -> dict[str, Any]:
    """One page of the team's history: at most ``limit`` entries beyond the log position
    ``after`` in the order asked (newest first: older than ``after``), and ``next``, the
    position to ask the following page after (None on the last page). Only the page's events
    are read, a few more when some belong to another team."""
    streams = _team_streams(z, team_id)
    rows: list[dict[str, Any]] = []
    cursor = after
    wanted = limit + 1  # one more than shown tells whether a next page exists
    while True:
        asked = wanted - len(rows)
        batch = events_page(z.store, streams, cursor, asked, newest_first)
        rows += [history_row(logged) for logged in batch if _of_team(logged, team_id)]
        if len(batch) < asked or len(rows) >= wanted:
            break
        cursor = batch[-1].position
    shown = rows[:limit]
    more = len(rows) > limit and bool(shown)
    return {"rows": shown, "next": shown[-1]["position"] if more else None}


def cadre_history(z: Reader, cadre_id: UUID) -> list[dict[str, Any]]:
    """Rank, party and flags; joining and leaving teams and what the teams recorded about
    them (leader changes); their months; their leave requests and the decisions on them; and
    every action recorded with their id or their name as actor."""
    cadre = _load(z, Cadre, cadre_id)
    if cadre is None:
        raise CadreNotFoundError(str(cadre_id))
    z.projections.catch_up()
    teams = list(dict.fromkeys(s.team_id for s in cadre.stints))
    with z.engine.connect() as conn:
        months = _ids(conn, member_months, member_months.c.cadre_id == cadre_id.hex)
        leaves = _ids(conn, leave_requests, leave_requests.c.cadre_id == cadre_id.hex)
        acted = {
            position: UUID(hex=originator)
            for position, originator in conn.execute(
                select(actor_events.c.position, actor_events.c.originator_id).where(
                    actor_events.c.actor_id.in_({str(cadre_id), cadre_id.hex, cadre.name})
                )
            )
        }
    own = {cadre_id, *months, *leaves}
    rows = []
    for logged in z.store.events_of([*own, *teams, *acted.values()]):
        e = logged.event
        oid = e.originator_id
        if oid in own:
            keep = True
        elif logged.position in acted:
            keep = event_type(e) not in (RECEIPT, ANSWERED)
        else:  # a team's own event: the ones about this cadre
            keep = cadre_id in (
                getattr(e, "cadre_id", None),
                getattr(e, "previous_leader_id", None),
            )
        if keep:
            rows.append(history_row(logged))
    return rows
