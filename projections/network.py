"""The network read model: the current state of units, households, members, central households
and sites, one small handler per event type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from domain.households import Household
from domain.identity import mask_identity_number
from domain.party import CentralHousehold, PartyMember
from domain.sites import Site
from domain.units import Unit
from projections import tables
from projections.tables import central_households, households, party_members, sites, units

Handler = Callable[[Connection, Any], None]
HANDLERS: dict[type, Handler] = {}

NAME = "network"


def handles(event_class: type) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[event_class] = fn
        return fn

    return register


def project(conn: Connection, event: Any) -> None:
    handler = HANDLERS.get(type(event))
    if handler is not None:
        handler(conn, event)


class NetworkModel:
    """Current state of the network, for summaries and look-ups."""

    name = NAME
    metadata = tables.metadata

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        # The bulk of any log is households registered and linked and members joining:
        # those go in as a few executemany calls. Any other event writes what is pending
        # first, so each row still sees every earlier event.
        pending = _Pending()
        for logged in page:
            e = logged.event
            kind = type(e)
            if kind is Household.Registered:
                pending.households.append(_household_row(e))
            elif kind is Household.Linked:
                pending.links.append({"h": e.originator_id.hex, "c": e.central_household_id.hex})
            elif kind is PartyMember.Joined:
                pending.members.append(_member_row(e))
            else:
                pending.flush(conn)
                project(conn, e)
        pending.flush(conn)

    def reset(self) -> None:
        """Nothing is kept in memory."""


def _day(e: Any) -> date:
    return date.fromisoformat(e.occurred_on)


_LINK = (
    update(households)
    .where(households.c.id == bindparam("h"))
    .values(central_household_id=bindparam("c"))
)


class _Pending:
    def __init__(self) -> None:
        self.households: list[dict[str, Any]] = []
        self.members: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []

    def flush(self, conn: Connection) -> None:
        if self.households:
            conn.execute(insert(households), self.households)
        if self.members:
            conn.execute(insert(party_members), self.members)
        if self.links:
            conn.execute(_LINK, self.links)
        self.households, self.members, self.links = [], [], []


def _household_row(e: Household.Registered) -> dict[str, Any]:
    return {
        "id": e.originator_id.hex,
        "group_code": e.group_code,
        "village_code": e.village_code,
        "head_name": e.head_name,
        "members": e.members,
        "id_number_masked": mask_identity_number(e.id_number),
        "registered_on": _day(e),
        "ended_on": None,
        "central_household_id": None,
    }


def _member_row(e: PartyMember.Joined) -> dict[str, Any]:
    return {
        "id": e.originator_id.hex,
        "name": e.name,
        "household_id": e.household_id.hex,
        "village_code": e.village_code,
        "joined_on": _day(e),
        "ended_on": None,
        "status": "active",
    }


# -- units ------------------------------------------------------------------------------------


def _path_of(conn: Connection, code: str | None) -> str:
    if code is None:
        return "/"
    parent_path = conn.execute(select(units.c.path).where(units.c.code == code)).scalar_one()
    return str(parent_path)


@handles(Unit.Opened)
def _unit_opened(conn: Connection, e: Unit.Opened) -> None:
    conn.execute(
        insert(units).values(
            code=e.code,
            id=e.originator_id.hex,
            name=e.name,
            level=e.level,
            parent_code=e.parent_code,
            path=f"{_path_of(conn, e.parent_code)}{e.code}/",
            opened_on=_day(e),
        )
    )


@handles(Unit.Renamed)
def _unit_renamed(conn: Connection, e: Unit.Renamed) -> None:
    conn.execute(update(units).where(_by_id(e)).values(name=e.name))


@handles(Unit.Moved)
def _unit_moved(conn: Connection, e: Unit.Moved) -> None:
    code, old = conn.execute(select(units.c.code, units.c.path).where(_by_id(e))).one()
    new = f"{_path_of(conn, e.parent_code)}{code}/"
    conn.execute(update(units).where(_by_id(e)).values(parent_code=e.parent_code))
    conn.execute(
        update(units)
        .where(units.c.path.startswith(old, autoescape=True))
        .values(path=new + func.substr(units.c.path, len(old) + 1))
    )


@handles(Unit.Merged)
@handles(Unit.Closed)
def _unit_closed(conn: Connection, e: Any) -> None:
    conn.execute(update(units).where(_by_id(e)).values(closed_on=_day(e)))


@handles(Unit.DeclaredPoor)
def _declared_poor(conn: Connection, e: Unit.DeclaredPoor) -> None:
    conn.execute(update(units).where(_by_id(e)).values(poor_since=_day(e), exited_poverty_on=None))


@handles(Unit.ExitedPoverty)
def _exited(conn: Connection, e: Unit.ExitedPoverty) -> None:
    conn.execute(update(units).where(_by_id(e)).values(exited_poverty_on=_day(e)))


def _by_id(e: Any) -> Any:
    return units.c.id == e.originator_id.hex


# -- households -------------------------------------------------------------------------------


@handles(Household.Registered)
def _hh_registered(conn: Connection, e: Household.Registered) -> None:
    conn.execute(insert(households), [_household_row(e)])


@handles(Household.Moved)
def _hh_moved(conn: Connection, e: Household.Moved) -> None:
    row = households.c
    old_village = conn.execute(
        select(row.village_code).where(row.id == e.originator_id.hex)
    ).scalar_one()
    values: dict[str, Any] = {"group_code": e.group_code, "village_code": e.village_code}
    if old_village != e.village_code:
        values["central_household_id"] = None
    conn.execute(update(households).where(row.id == e.originator_id.hex).values(**values))


@handles(Household.Left)
def _hh_left(conn: Connection, e: Household.Left) -> None:
    conn.execute(
        update(households)
        .where(households.c.id == e.originator_id.hex)
        .values(ended_on=_day(e), central_household_id=None)
    )


@handles(Household.Linked)
def _hh_linked(conn: Connection, e: Household.Linked) -> None:
    conn.execute(_LINK, [{"h": e.originator_id.hex, "c": e.central_household_id.hex}])


@handles(Household.Unlinked)
def _hh_unlinked(conn: Connection, e: Household.Unlinked) -> None:
    conn.execute(
        update(households)
        .where(households.c.id == e.originator_id.hex)
        .values(central_household_id=None)
    )


# -- party members and central households -----------------------------------------------------


@handles(PartyMember.Joined)
def _member_joined(conn: Connection, e: PartyMember.Joined) -> None:
    conn.execute(insert(party_members), [_member_row(e)])


@handles(PartyMember.TransferredOut)
def _member_out(conn: Connection, e: PartyMember.TransferredOut) -> None:
    conn.execute(
        update(party_members)
        .where(party_members.c.id == e.originator_id.hex)
        .values(status="transferred_out", ended_on=_day(e))
    )


@handles(PartyMember.Died)
def _member_died(conn: Connection, e: PartyMember.Died) -> None:
    conn.execute(
        update(party_members)
        .where(party_members.c.id == e.originator_id.hex)
        .values(status="deceased", ended_on=_day(e))
    )


@handles(CentralHousehold.Designated)
def _ch_designated(conn: Connection, e: CentralHousehold.Designated) -> None:
    conn.execute(
        insert(central_households).values(
            id=e.originator_id.hex,
            household_id=e.household_id.hex,
            village_code=e.village_code,
            party_member_id=e.party_member_id.hex,
            designated_on=_day(e),
        )
    )


@handles(CentralHousehold.Redesignated)
def _ch_redesignated(conn: Connection, e: CentralHousehold.Redesignated) -> None:
    conn.execute(
        update(central_households)
        .where(central_households.c.id == e.originator_id.hex)
        .values(party_member_id=e.party_member_id.hex, designated_on=_day(e), ended_on=None)
    )


@handles(CentralHousehold.PartyMemberChanged)
def _ch_member(conn: Connection, e: CentralHousehold.PartyMemberChanged) -> None:
    conn.execute(
        update(central_households)
        .where(central_households.c.id == e.originator_id.hex)
        .values(party_member_id=e.party_member_id.hex)
    )


@handles(CentralHousehold.Ended)
def _ch_ended(conn: Connection, e: CentralHousehold.Ended) -> None:
    conn.execute(
        update(central_households)
        .where(central_households.c.id == e.originator_id.hex)
        .values(ended_on=_day(e))
    )


# -- sites ------------------------------------------------------------------------------------


@handles(Site.Opened)
def _site_opened(conn: Connection, e: Site.Opened) -> None:
    conn.execute(
        insert(sites).values(
            id=e.originator_id.hex,
            unit_code=e.unit_code,
            kind=e.kind,
            name=e.name,
            opened_on=_day(e),
        )
    )


@handles(Site.Reopened)
def _site_reopened(conn: Connection, e: Site.Reopened) -> None:
    conn.execute(
        update(sites)
        .where(sites.c.id == e.originator_id.hex)
        .values(
            name=e.name,
            opened_on=_day(e),
            closed_on=None,
            responsible_name=None,
            responsible_member_id=None,
        )
    )


@handles(Site.ResponsibleAssigned)
def _site_responsible(conn: Connection, e: Site.ResponsibleAssigned) -> None:
    conn.execute(
        update(sites)
        .where(sites.c.id == e.originator_id.hex)
        .values(
            responsible_name=e.name,
            responsible_member_id=e.party_member_id.hex if e.party_member_id else None,
        )
    )


@handles(Site.Closed)
def _site_closed(conn: Connection, e: Site.Closed) -> None:
    conn.execute(update(sites).where(sites.c.id == e.originator_id.hex).values(closed_on=_day(e)))
