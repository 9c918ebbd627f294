"""The team roster read model: dispatching units, cadres, village classes and teams, with the
effective days of every membership, leadership and term (one small handler per event type)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, insert, select, update

from domain.cadres import Cadre, DispatchingUnit
from domain.residency import LeaveRequest
from domain.teams import Team
from domain.villages import VillageProfile
from projections import team_residency
from projections.team_tables import (
    actor_events,
    cadre_states,
    cadres,
    dispatching_units,
    leaders,
    leave_requests,
    memberships,
    metadata,
    teams,
    terms,
    village_classes,
)

NAME = "teams"

Handler = Callable[[Connection, Any], None]
HANDLERS: dict[type, Handler] = {}


def handles(event_class: type) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[event_class] = fn
        return fn

    return register


class TeamsModel:
    """Who served where, when, under whom; and (``team_residency``) their days in the village."""

    name = NAME
    metadata = metadata

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        pending = team_residency.Pending()
        actors = []
        for logged in page:
            e = logged.event
            actor = getattr(e, "actor_id", None)
            if actor is not None:
                actors.append(
                    {
                        "position": logged.position,
                        "actor_id": str(actor)[:100],
                        "originator_id": e.originator_id.hex,
                    }
                )
            if pending.take(e, logged.position):
                continue
            handler = HANDLERS.get(type(e))
            if handler is not None:
                pending.flush(conn)
                handler(conn, e)
        pending.flush(conn)
        if actors:
            conn.execute(insert(actor_events), actors)

    def reset(self) -> None:
        """Nothing is kept in memory."""


def _day(e: Any) -> date:
    return date.fromisoformat(e.occurred_on)


def _hex(e: Any) -> str:
    return str(e.originator_id.hex)


def _close_open(conn: Connection, table: Table, day: date, *where: Any) -> None:
    """End the open range(s) matching ``where`` before ``day``; one that would be left empty
    (it opened that very day) is removed instead."""
    is_open = and_(table.c.valid_to.is_(None), *where)
    conn.execute(delete(table).where(is_open, table.c.valid_from >= day))
    conn.execute(update(table).where(is_open).values(valid_to=day))


# -- dispatching units, villages, cadres -------------------------------------------------------


@handles(DispatchingUnit.Registered)
def _unit_registered(conn: Connection, e: DispatchingUnit.Registered) -> None:
    conn.execute(
        insert(dispatching_units).values(
            code=e.code, name=e.name, level=e.level, sector=e.sector, sector_group=e.sector_group
        )
    )


@handles(VillageProfile.Classified)
@handles(VillageProfile.Reclassified)
def _village_classified(conn: Connection, e: Any) -> None:
    profile = village_classes.c.profile_id == _hex(e)
    village = getattr(e, "village_code", None)
    if village is None:
        village = conn.execute(
            select(village_classes.c.village_code).where(profile).limit(1)
        ).scalar_one()
    _close_open(conn, village_classes, _day(e), profile)
    conn.execute(
        insert(village_classes).values(
            profile_id=_hex(e),
            village_code=village,
            valid_from=_day(e),
            problem=e.problem,
            finding=e.finding,
            **{"class": e.group},
        )
    )


@handles(Cadre.Registered)
def _cadre_registered(conn: Connection, e: Cadre.Registered) -> None:
    conn.execute(insert(cadres).values(id=_hex(e), name=e.name, unit_code=e.unit_code))
    conn.execute(
        insert(cadre_states).values(
            cadre_id=_hex(e),
            valid_from=_day(e),
            rank=e.rank,
            party_member=e.party_member,
            young=e.young,
            reserve=e.reserve,
        )
    )


def _cadre_changed(conn: Connection, e: Any, **changes: Any) -> None:
    """A new state of the cadre from the event's day on, the rest as it was."""
    mine = cadre_states.c.cadre_id == _hex(e)
    latest = (
        conn.execute(
            select(cadre_states)
            .where(mine, cadre_states.c.valid_to.is_(None))
            .order_by(cadre_states.c.valid_from.desc())
        )
        .mappings()
        .first()
    )
    assert latest is not None
    state = {k: latest[k] for k in ("rank", "party_member", "young", "reserve")} | changes
    _close_open(conn, cadre_states, _day(e), mine)
    conn.execute(insert(cadre_states).values(cadre_id=_hex(e), valid_from=_day(e), **state))


@handles(Cadre.RankChanged)
def _rank_changed(conn: Connection, e: Cadre.RankChanged) -> None:
    _cadre_changed(conn, e, rank=e.rank)


@handles(Cadre.JoinedParty)
def _joined_party(conn: Connection, e: Cadre.JoinedParty) -> None:
    _cadre_changed(conn, e, party_member=True)


@handles(Cadre.LeftParty)
def _left_party(conn: Connection, e: Cadre.LeftParty) -> None:
    _cadre_changed(conn, e, party_member=False)


@handles(Cadre.FlagsChanged)
def _flags_changed(conn: Connection, e: Cadre.FlagsChanged) -> None:
    _cadre_changed(conn, e, young=e.young, reserve=e.reserve)


@handles(LeaveRequest.Requested)
def _leave_requested(conn: Connection, e: LeaveRequest.Requested) -> None:
    conn.execute(
        insert(leave_requests).values(id=_hex(e), cadre_id=e.cadre_id.hex, team_id=e.team_id.hex)
    )


# -- teams ------------------------------------------------------------------------------------


@handles(Team.Dispatched)
def _dispatched(conn: Connection, e: Team.Dispatched) -> None:
    conn.execute(
        insert(teams).values(
            id=_hex(e),
            name=e.name,
            unit_code=e.unit_code,
            village_code=e.village_code,
            dispatched_on=_day(e),
            term_ends_on=date.fromisoformat(e.term_ends_on),
            village_problem=e.village_problem,
            flag=e.flag,
            flag_zh=e.flag_zh,
            flag_en=e.flag_en,
        )
    )
    conn.execute(
        insert(terms).values(
            team_id=_hex(e),
            valid_from=_day(e),
            term_ends_on=date.fromisoformat(e.term_ends_on),
            extended=False,
        )
    )


@handles(Team.MemberJoined)
def _member_joined(conn: Connection, e: Team.MemberJoined) -> None:
    conn.execute(
        insert(memberships).values(team_id=_hex(e), cadre_id=e.cadre_id.hex, valid_from=_day(e))
    )
    if e.role == "leader":
        conn.execute(
            insert(leaders).values(team_id=_hex(e), cadre_id=e.cadre_id.hex, valid_from=_day(e))
        )


@handles(Team.LeaderChanged)
def _leader_changed(conn: Connection, e: Team.LeaderChanged) -> None:
    _close_open(conn, leaders, _day(e), leaders.c.team_id == _hex(e))
    conn.execute(
        insert(leaders).values(team_id=_hex(e), cadre_id=e.cadre_id.hex, valid_from=_day(e))
    )


@handles(Team.MemberLeft)
def _member_left(conn: Connection, e: Team.MemberLeft) -> None:
    # The day of leaving is their last day on the team.
    after = _day(e) + timedelta(days=1)
    team, cadre = _hex(e), e.cadre_id.hex
    conn.execute(
        update(memberships)
        .where(
            memberships.c.team_id == team,
            memberships.c.cadre_id == cadre,
            memberships.c.valid_to.is_(None),
        )
        .values(valid_to=after, how_left=e.how)
    )
    _close_open(conn, leaders, after, leaders.c.team_id == team, leaders.c.cadre_id == cadre)


@handles(Team.TermExtended)
def _term_extended(conn: Connection, e: Team.TermExtended) -> None:
    until = date.fromisoformat(e.term_ends_on)
    _close_open(conn, terms, _day(e), terms.c.team_id == _hex(e))
    conn.execute(
        insert(terms).values(
            team_id=_hex(e),
            valid_from=_day(e),
            term_ends_on=until,
            extended=True,
            decided_by=e.actor_id,
            reason=e.reason,
        )
    )
    conn.execute(update(teams).where(teams.c.id == _hex(e)).values(term_ends_on=until))


@handles(Team.TermEnded)
def _term_ended(conn: Connection, e: Team.TermEnded) -> None:
    after = _day(e) + timedelta(days=1)
    team = _hex(e)
    conn.execute(
        update(memberships)
        .where(memberships.c.team_id == team, memberships.c.valid_to.is_(None))
        .values(valid_to=after, how_left="term_ended")
    )
    _close_open(conn, leaders, after, leaders.c.team_id == team)
    conn.execute(
        update(teams)
        .where(teams.c.id == team)
        .values(
            ended_on=_day(e),
            successor_id=e.successor_id.hex if e.successor_id else None,
        )
    )
