"""The network read model: the current state of units, households, members, central households
and sites, one small handler per event type.

Handlers add rows and updates to a batch written once per page, in a few executemany calls:
one statement per event was most of what this model cost in a rebuild."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, Update, bindparam, func, null, select, update

from domain.households import Household
from domain.identity import mask_identity_number
from domain.party import CentralHousehold, PartyMember
from domain.sites import Site
from domain.units import Unit
from projections import tables
from projections.bulk import insert_many
from projections.handlers import Handlers
from projections.tables import (
    central_households,
    households,
    party_members,
    poverty,
    sites,
    units,
    utc_naive,
)

NAME = "network"


class NetworkModel:
    """Current state of the network, for summaries and look-ups."""

    name = NAME
    metadata = tables.metadata
    deferred_indexes = tables.QUERY_ONLY_INDEXES
    # 2: column sizes from domain/fields.py; a site named after its unit fits.
    # 3: rm_poverty, every declaration as poor and exit from poverty on both clocks.
    version = 3

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        # A page is written as a few executemany calls rather than one statement per event;
        # everything is written before returning, so rows commit with the model's position.
        batch = _Batch()
        for logged in page:
            handler = HANDLERS.get(type(logged.event))
            if handler is not None:
                handler(batch, conn, logged.event)
        batch.flush(conn)

    def reset(self) -> None:
        """Nothing is kept in memory."""


# The columns each handler inserts, in the order of its row tuples; the others stay NULL.
# Tables are written in this order: a row refers only to rows of the tables above it (a
# household to its units, a member to its household, a central household to both).
_INSERTS: dict[Table, tuple[str, ...]] = {
    units: ("code", "id", "name", "level", "parent_code", "path", "opened_on"),
    poverty: ("unit_id", "exited", "occurred_on", "recorded_at"),
    households: (
        "id",
        "group_code",
        "village_code",
        "head_name",
        "members",
        "id_number_masked",
        "registered_on",
    ),
    party_members: ("id", "name", "household_id", "village_code", "joined_on", "status"),
    central_households: ("id", "household_id", "village_code", "party_member_id", "designated_on"),
    sites: ("id", "unit_code", "kind", "name", "opened_on"),
}

_Run = tuple[Update, list[dict[str, Any]]]


class _Batch:
    """What a run of events writes: new rows per table, then updates in log order.

    Writing every insert first is safe because each update here is a blind write (no
    reading) to the row of the event's own aggregate, which its first event inserted
    earlier in the log. Updates keep their order, so the last write to a row still wins.
    Handlers that read the tables flush the batch before reading; a unit opened under a unit
    opened in the same batch takes its parent's path from ``unit_paths``.
    """

    def __init__(self) -> None:
        self.rows: dict[Table, list[tuple[Any, ...]]] = {table: [] for table in _INSERTS}
        self.runs: list[_Run] = []
        self.unit_paths: dict[str, str] = {}  # units inserted in this batch: code -> path

    def insert(self, table: Table, row: tuple[Any, ...]) -> None:
        self.rows[table].append(row)

    def update(self, statement: Update, params: dict[str, Any]) -> None:
        if self.runs and self.runs[-1][0] is statement:
            self.runs[-1][1].append(params)
        else:
            self.runs.append((statement, [params]))

    def flush(self, conn: Connection) -> None:
        for table, rows in self.rows.items():
            if rows:
                insert_many(conn, table, _INSERTS[table], rows)
                rows.clear()
        for statement, params in self.runs:
            conn.execute(statement, params)
        self.runs.clear()
        self.unit_paths.clear()


Handler = Callable[[_Batch, Connection, Any], None]
HANDLERS: Handlers[Handler] = Handlers()
handles = HANDLERS.on


def _day(e: Any) -> date:
    return date.fromisoformat(e.occurred_on)


def _set(table: Table, **values: Any) -> Update:
    """An update of one row by id, prepared once: ``p_id`` and the values' parameters."""
    return update(table).where(table.c.id == bindparam("p_id")).values(**values)


def _p(name: str) -> Any:
    # Parameter names start with "p_" so they never clash with a column's own parameter.
    return bindparam(f"p_{name}")


# -- units ------------------------------------------------------------------------------------

_UNIT_NAME = _set(units, name=_p("name"))
_UNIT_CLOSED = _set(units, closed_on=_p("on"))
_UNIT_POOR = _set(units, poor_since=_p("on"), exited_poverty_on=null())
_UNIT_EXITED = _set(units, exited_poverty_on=_p("on"))


def _path_of(conn: Connection, code: str | None) -> str:
    if code is None:
        return "/"
    parent_path = conn.execute(select(units.c.path).where(units.c.code == code)).scalar_one()
    return str(parent_path)


@handles(Unit.Opened)
def _unit_opened(batch: _Batch, conn: Connection, e: Unit.Opened) -> None:
    parent = e.parent_code
    parent_path = batch.unit_paths.get(parent) if parent else None
    path = f"{parent_path or _path_of(conn, parent)}{e.code}/"
    batch.unit_paths[e.code] = path
    row = (e.code, e.originator_id.hex, e.name, e.level, parent, path, _day(e))
    batch.insert(units, row)


@handles(Unit.Renamed)
def _unit_renamed(batch: _Batch, conn: Connection, e: Unit.Renamed) -> None:
    batch.update(_UNIT_NAME, {"p_id": e.originator_id.hex, "p_name": e.name})


@handles(Unit.Moved)
def _unit_moved(batch: _Batch, conn: Connection, e: Unit.Moved) -> None:
    batch.flush(conn)  # reads the paths below the unit, which may be pending
    by_id = units.c.id == e.originator_id.hex
    code, old = conn.execute(select(units.c.code, units.c.path).where(by_id)).one()
    new = f"{_path_of(conn, e.parent_code)}{code}/"
    conn.execute(update(units).where(by_id).values(parent_code=e.parent_code))
    conn.execute(
        update(units)
        .where(units.c.path.startswith(old, autoescape=True))
        .values(path=new + func.substr(units.c.path, len(old) + 1))
    )


@handles(Unit.Merged, Unit.Closed)
def _unit_closed(batch: _Batch, conn: Connection, e: Any) -> None:
    batch.update(_UNIT_CLOSED, {"p_id": e.originator_id.hex, "p_on": _day(e)})


@handles(Unit.DeclaredPoor)
def _declared_poor(batch: _Batch, conn: Connection, e: Unit.DeclaredPoor) -> None:
    batch.update(_UNIT_POOR, {"p_id": e.originator_id.hex, "p_on": _day(e)})
    batch.insert(poverty, (e.originator_id.hex, False, _day(e), utc_naive(e.timestamp)))


@handles(Unit.ExitedPoverty)
def _exited(batch: _Batch, conn: Connection, e: Unit.ExitedPoverty) -> None:
    batch.update(_UNIT_EXITED, {"p_id": e.originator_id.hex, "p_on": _day(e)})
    batch.insert(poverty, (e.originator_id.hex, True, _day(e), utc_naive(e.timestamp)))


# -- households -------------------------------------------------------------------------------

# Linked and Unlinked share one statement (NULL for Unlinked): one run for both.
_HH_CENTRAL = _set(households, central_household_id=_p("central"))
_HH_LEFT = _set(households, ended_on=_p("on"), central_household_id=null())


@handles(Household.Registered)
def _hh_registered(batch: _Batch, conn: Connection, e: Household.Registered) -> None:
    masked = mask_identity_number(e.id_number)
    row = (e.originator_id.hex, e.group_code, e.village_code, e.head_name, e.members, masked)
    batch.insert(households, (*row, _day(e)))


@handles(Household.Moved)
def _hh_moved(batch: _Batch, conn: Connection, e: Household.Moved) -> None:
    batch.flush(conn)  # reads the household's village, which may be pending
    row = households.c
    old_village = conn.execute(
        select(row.village_code).where(row.id == e.originator_id.hex)
    ).scalar_one()
    values: dict[str, Any] = {"group_code": e.group_code, "village_code": e.village_code}
    if old_village != e.village_code:
        values["central_household_id"] = None
    conn.execute(update(households).where(row.id == e.originator_id.hex).values(**values))


@handles(Household.Left)
def _hh_left(batch: _Batch, conn: Connection, e: Household.Left) -> None:
    batch.update(_HH_LEFT, {"p_id": e.originator_id.hex, "p_on": _day(e)})


@handles(Household.Linked)
def _hh_linked(batch: _Batch, conn: Connection, e: Household.Linked) -> None:
    central = e.central_household_id.hex
    batch.update(_HH_CENTRAL, {"p_id": e.originator_id.hex, "p_central": central})


@handles(Household.Unlinked)
def _hh_unlinked(batch: _Batch, conn: Connection, e: Household.Unlinked) -> None:
    batch.update(_HH_CENTRAL, {"p_id": e.originator_id.hex, "p_central": None})


# -- party members and central households -----------------------------------------------------

# Transferred out and died share one statement, the status a parameter.
_MEMBER_ENDED = _set(party_members, status=_p("status"), ended_on=_p("on"))
_CH_REDESIGNATED = _set(
    central_households, party_member_id=_p("member"), designated_on=_p("on"), ended_on=null()
)
_CH_MEMBER = _set(central_households, party_member_id=_p("member"))
_CH_ENDED = _set(central_households, ended_on=_p("on"))


@handles(PartyMember.Joined)
def _member_joined(batch: _Batch, conn: Connection, e: PartyMember.Joined) -> None:
    row = (e.originator_id.hex, e.name, e.household_id.hex, e.village_code, _day(e), "active")
    batch.insert(party_members, row)


@handles(PartyMember.TransferredOut)
def _member_out(batch: _Batch, conn: Connection, e: PartyMember.TransferredOut) -> None:
    params = {"p_id": e.originator_id.hex, "p_status": "transferred_out", "p_on": _day(e)}
    batch.update(_MEMBER_ENDED, params)


@handles(PartyMember.Died)
def _member_died(batch: _Batch, conn: Connection, e: PartyMember.Died) -> None:
    params = {"p_id": e.originator_id.hex, "p_status": "deceased", "p_on": _day(e)}
    batch.update(_MEMBER_ENDED, params)


@handles(CentralHousehold.Designated)
def _ch_designated(batch: _Batch, conn: Connection, e: CentralHousehold.Designated) -> None:
    ids = (e.originator_id.hex, e.household_id.hex)
    batch.insert(central_households, (*ids, e.village_code, e.party_member_id.hex, _day(e)))


@handles(CentralHousehold.Redesignated)
def _ch_redesignated(batch: _Batch, conn: Connection, e: CentralHousehold.Redesignated) -> None:
    params = {"p_id": e.originator_id.hex, "p_member": e.party_member_id.hex, "p_on": _day(e)}
    batch.update(_CH_REDESIGNATED, params)


@handles(CentralHousehold.PartyMemberChanged)
def _ch_member(batch: _Batch, conn: Connection, e: CentralHousehold.PartyMemberChanged) -> None:
    batch.update(_CH_MEMBER, {"p_id": e.originator_id.hex, "p_member": e.party_member_id.hex})


@handles(CentralHousehold.Ended)
def _ch_ended(batch: _Batch, conn: Connection, e: CentralHousehold.Ended) -> None:
    batch.update(_CH_ENDED, {"p_id": e.originator_id.hex, "p_on": _day(e)})


# -- sites ------------------------------------------------------------------------------------

_SITE_REOPENED = _set(
    sites,
    name=_p("name"),
    opened_on=_p("on"),
    closed_on=null(),
    responsible_name=null(),
    responsible_member_id=null(),
)
_SITE_RESPONSIBLE = _set(sites, responsible_name=_p("name"), responsible_member_id=_p("member"))
_SITE_CLOSED = _set(sites, closed_on=_p("on"))


@handles(Site.Opened)
def _site_opened(batch: _Batch, conn: Connection, e: Site.Opened) -> None:
    row = (e.originator_id.hex, e.unit_code, e.kind, e.name, _day(e))
    batch.insert(sites, row)


@handles(Site.Reopened)
def _site_reopened(batch: _Batch, conn: Connection, e: Site.Reopened) -> None:
    batch.update(_SITE_REOPENED, {"p_id": e.originator_id.hex, "p_name": e.name, "p_on": _day(e)})


@handles(Site.ResponsibleAssigned)
def _site_responsible(batch: _Batch, conn: Connection, e: Site.ResponsibleAssigned) -> None:
    member = e.party_member_id.hex if e.party_member_id else None
    batch.update(
        _SITE_RESPONSIBLE, {"p_id": e.originator_id.hex, "p_name": e.name, "p_member": member}
    )


@handles(Site.Closed)
def _site_closed(batch: _Batch, conn: Connection, e: Site.Closed) -> None:
    batch.update(_SITE_CLOSED, {"p_id": e.originator_id.hex, "p_on": _day(e)})
