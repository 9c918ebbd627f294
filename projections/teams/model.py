"""The team roster read model: dispatching units, cadres, village classes and teams, with the
effective days of every membership, leadership and term (one small handler per event type)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, insert, select, update

from domain.cadres import Cadre, DispatchingUnit
from domain.residency import LeaveRequest
from domain.teams import Team
from domain.villages import VillageProfile
from projections.bulk import insert_many
from projections.handlers import Handlers
from projections.teams import residency as team_residency
from projections.teams import visits
from projections.teams.tables import (
    absences,
    actor_events,
    cadre_states,
    cadres,
    checkins,
    dispatching_units,
    leaders,
    leave_days,
    leave_requests,
    member_months,
    memberships,
    metadata,
    teams,
    terms,
    village_classes,
)

NAME = "teams"

# Only queries read the days in the village, the visits, who recorded what and whose month a
# stream is by its cadre: the model writes those rows and never looks them up, so a rebuild
# builds these indexes once at the end (``ReadModel.deferred_indexes``).
QUERY_ONLY_INDEXES = tuple(
    index
    for table in (checkins, leave_days, absences, visits.visits, actor_events, member_months)
    for index in table.indexes
)


class Writer:
    """Writes one event's changes: nothing is updated in place, so that every row says from
    which log position to which it was what the system knew (``tables``)."""

    def __init__(self, conn: Connection, position: int) -> None:
        self.conn = conn
        self.position = position

    def add(self, table: Table, **values: Any) -> None:
        self.conn.execute(insert(table).values(from_position=self.position, **values))

    def retract(self, table: Table, *where: Any) -> None:
        """The rows matching ``where`` are no longer believed from this event on."""
        self.conn.execute(
            update(table)
            .where(table.c.to_position.is_(None), *where)
            .values(to_position=self.position)
        )

    def supersede(self, table: Table, *where: Any, **changes: Any) -> None:
        """The rows matching ``where`` change: the old versions are retracted, new ones added."""
        found = [
            dict(r)
            for r in self.conn.execute(
                select(table).where(table.c.to_position.is_(None), *where)
            ).mappings()
        ]
        if not found:
            return
        ids = [r.pop("id") for r in found]
        self.conn.execute(
            update(table).where(table.c.id.in_(ids)).values(to_position=self.position)
        )
        self.conn.execute(
            insert(table),
            [r | changes | {"from_position": self.position, "to_position": None} for r in found],
        )

    def close_open(self, table: Table, day: date, *where: Any) -> None:
        """End the open range(s) matching ``where`` before ``day``; one that would be left
        empty (it opened that very day) is retracted instead."""
        is_open = and_(table.c.valid_to.is_(None), *where)
        self.retract(table, is_open, table.c.valid_from >= day)
        self.supersede(table, is_open, valid_to=day)


Handler = Callable[[Writer, Any], None]
HANDLERS: Handlers[Handler] = Handlers()
handles = HANDLERS.on


class TeamsModel:
    """Who served where, when, under whom; and (``team_residency``) their days in the village."""

    name = NAME
    metadata = metadata
    deferred_indexes = QUERY_ONLY_INDEXES
    # 2: column sizes from domain/fields.py; a team named after two long units fits.
    version = 3

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        pending = team_residency.Pending()
        actors = []
        for logged in page:
            e = logged.event
            actor = getattr(e, "actor_id", None)
            if actor is not None:
                actors.append((logged.position, str(actor)[:100], e.originator_id.hex))
            if pending.take(e, logged.position):
                continue
            handler = HANDLERS.get(type(e))
            if handler is not None:
                handler(Writer(conn, logged.position), e)
        # Once per page: no handler reads the residency tables (check-ins, leave days,
        # absences, visits, member months), and every row carries its own log position.
        pending.flush(conn)
        insert_many(conn, actor_events, ("position", "actor_id", "originator_id"), actors)

    def reset(self) -> None:
        """Nothing is kept in memory."""


def _day(e: Any) -> date:
    return date.fromisoformat(e.occurred_on)


def _hex(e: Any) -> str:
    return str(e.originator_id.hex)


# -- dispatching units, villages, cadres -------------------------------------------------------


@handles(DispatchingUnit.Registered)
def _unit_registered(w: Writer, e: DispatchingUnit.Registered) -> None:
    w.add(
        dispatching_units,
        **e.values_of("code", "name", "level", "sector", "sector_group"),
    )


@handles(VillageProfile.Classified)
@handles(VillageProfile.Reclassified)
def _village_classified(w: Writer, e: Any) -> None:
    profile = village_classes.c.profile_id == _hex(e)
    village = getattr(e, "village_code", None)
    if village is None:
        village = w.conn.execute(
            select(village_classes.c.village_code).where(profile).limit(1)
        ).scalar_one()
    w.close_open(village_classes, _day(e), profile)
    w.add(
        village_classes,
        profile_id=_hex(e),
        village_code=village,
        valid_from=_day(e),
        problem=e.problem,
        finding=e.finding,
        **{"class": e.group},
    )


@handles(Cadre.Registered)
def _cadre_registered(w: Writer, e: Cadre.Registered) -> None:
    w.add(cadres, id=_hex(e), name=e.name, unit_code=e.unit_code)
    w.add(
        cadre_states,
        cadre_id=_hex(e),
        valid_from=_day(e),
        **e.values_of("rank", "party_member", "young", "reserve"),
    )


def _cadre_changed(w: Writer, e: Any, **changes: Any) -> None:
    """A new state of the cadre from the event's day on, the rest as it was."""
    mine = cadre_states.c.cadre_id == _hex(e)
    latest = (
        w.conn.execute(
            select(cadre_states)
            .where(mine, cadre_states.c.valid_to.is_(None), cadre_states.c.to_position.is_(None))
            .order_by(cadre_states.c.valid_from.desc())
        )
        .mappings()
        .first()
    )
    assert latest is not None
    state = {k: latest[k] for k in ("rank", "party_member", "young", "reserve")} | changes
    w.close_open(cadre_states, _day(e), mine)
    w.add(cadre_states, cadre_id=_hex(e), valid_from=_day(e), **state)


@handles(Cadre.RankChanged)
def _rank_changed(w: Writer, e: Cadre.RankChanged) -> None:
    _cadre_changed(w, e, rank=e.rank)


@handles(Cadre.JoinedParty)
def _joined_party(w: Writer, e: Cadre.JoinedParty) -> None:
    _cadre_changed(w, e, party_member=True)


@handles(Cadre.LeftParty)
def _left_party(w: Writer, e: Cadre.LeftParty) -> None:
    _cadre_changed(w, e, party_member=False)


@handles(Cadre.FlagsChanged)
def _flags_changed(w: Writer, e: Cadre.FlagsChanged) -> None:
    _cadre_changed(w, e, young=e.young, reserve=e.reserve)


@handles(LeaveRequest.Requested)
def _leave_requested(w: Writer, e: LeaveRequest.Requested) -> None:
    w.conn.execute(
        insert(leave_requests).values(id=_hex(e), cadre_id=e.cadre_id.hex, team_id=e.team_id.hex)
    )


# -- teams ------------------------------------------------------------------------------------


@handles(Team.Dispatched)
def _dispatched(w: Writer, e: Team.Dispatched) -> None:
    w.add(
        teams,
        team_id=_hex(e),
        dispatched_on=_day(e),
        term_ends_on=date.fromisoformat(e.term_ends_on),
        **e.values_of(
            "name", "unit_code", "village_code", "village_problem", "flag", "flag_zh", "flag_en"
        ),
    )
    w.add(
        terms,
        team_id=_hex(e),
        valid_from=_day(e),
        term_ends_on=date.fromisoformat(e.term_ends_on),
        extended=False,
    )


@handles(Team.MemberJoined)
def _member_joined(w: Writer, e: Team.MemberJoined) -> None:
    w.add(memberships, team_id=_hex(e), cadre_id=e.cadre_id.hex, valid_from=_day(e))
    if e.role == "leader":
        w.add(leaders, team_id=_hex(e), cadre_id=e.cadre_id.hex, valid_from=_day(e))


@handles(Team.LeaderChanged)
def _leader_changed(w: Writer, e: Team.LeaderChanged) -> None:
    w.close_open(leaders, _day(e), leaders.c.team_id == _hex(e))
    w.add(leaders, team_id=_hex(e), cadre_id=e.cadre_id.hex, valid_from=_day(e))


@handles(Team.MemberLeft)
def _member_left(w: Writer, e: Team.MemberLeft) -> None:
    # The day of leaving is their last day on the team.
    after = _day(e) + timedelta(days=1)
    team, cadre = _hex(e), e.cadre_id.hex
    w.supersede(
        memberships,
        memberships.c.team_id == team,
        memberships.c.cadre_id == cadre,
        memberships.c.valid_to.is_(None),
        valid_to=after,
        how_left=e.how,
    )
    w.close_open(leaders, after, leaders.c.team_id == team, leaders.c.cadre_id == cadre)


@handles(Team.TermExtended)
def _term_extended(w: Writer, e: Team.TermExtended) -> None:
    until = date.fromisoformat(e.term_ends_on)
    w.close_open(terms, _day(e), terms.c.team_id == _hex(e))
    w.add(
        terms,
        team_id=_hex(e),
        valid_from=_day(e),
        term_ends_on=until,
        extended=True,
        decided_by=e.actor_id,
        reason=e.reason,
    )
    w.supersede(teams, teams.c.team_id == _hex(e), term_ends_on=until)


@handles(Team.TermEnded)
def _term_ended(w: Writer, e: Team.TermEnded) -> None:
    after = _day(e) + timedelta(days=1)
    team = _hex(e)
    w.supersede(
        memberships,
        memberships.c.team_id == team,
        memberships.c.valid_to.is_(None),
        valid_to=after,
        how_left="term_ended",
    )
    w.close_open(leaders, after, leaders.c.team_id == team)
    w.supersede(
        teams,
        teams.c.team_id == team,
        ended_on=_day(e),
        successor_id=e.successor_id.hex if e.successor_id else None,
    )
