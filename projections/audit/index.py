"""The audit index: one row per log entry (who, what type, when it happened, when it was
recorded, a correction of which position) and one row per id the entry names, so that
``zhucun audit log`` finds the positions of a filtered page in indexes and decodes only the
page's events (docs/audit.md, docs/adr/018-audit-index.md).

What each row keeps is what the log's own filters look at (``app/audit/log.py``): the
event's type, actor and role, its effective day, its recording day in Beijing and the days
between them, every id among the event's fields with the part it plays (the aggregate the
event belongs to, the aggregate a correction is about, the team it names, any other), and
for the streams that belong to someone (a cadre's month, a leave request, a central
household) who they belong to. Where today's read models place those ids (a unit's
subtree, a team's members) is looked up at query time, not copied here: a household moved
since needs no row of this model changed.

One small table bounds where a unit's entries can start (``audit_firsts``, ADR 018): for
each unit code, a position no later than the first entry of anything the network and teams
models have ever placed under that code. A query for a unit too broad to list its ids
starts reading the log there instead of at its beginning.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, timedelta, timezone
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    select,
)

from domain.fields import CODE_MAX
from projections.audit.chain import events_source
from projections.audit.sql import mark, rows_in
from projections.bulk import insert_many
from projections.tables import households, party_members

NAME = "audit_index"
# Beijing time, as app/store/clock.py has it (the read side does not import the app layer).
CHINA_TZ = timezone(timedelta(hours=8), "CST")
CORRECTION = "Correction.Recorded"
# The part an id plays in an entry (a bit each; one id may play several).
ORIGINATOR = 1  # the aggregate the event belongs to
ABOUT = 2  # the aggregate a correction is about (its subject_id)
TEAM = 4  # the event's team_id
FIELD = 8  # any other field holding an id
# Creation events of streams that belong to a person or a team: the fields naming them.
STREAMS = ("MemberMonth.Started", "LeaveRequest.Requested", "CentralHousehold.Designated")

metadata = MetaData()
entries = Table(
    "audit_entries",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("event", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("recorded_day", Date, nullable=False),  # Beijing time
    Column("lag_days", Integer, nullable=False),  # recorded_day - occurred_on
    Column("corrects", BigInteger),  # a correction: the position it corrects
)
links = Table(
    "audit_links",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("ref", String(32), primary_key=True),  # an id, as 32 hex digits
    Column("roles", SmallInteger, nullable=False),  # ORIGINATOR | ABOUT | TEAM | FIELD
)
streams = Table(
    "audit_streams",
    metadata,
    Column("stream", String(32), primary_key=True),
    Column("position", BigInteger, nullable=False),  # its creation event
    Column("event", Text, nullable=False),
    Column("team", String(32)),
    Column("cadre", String(32)),
    Column("owner", String(32)),  # the person it belongs to (docs/audit.md, --person)
    Column("month", String(7)),
)
# Per unit code, a position at or before the first entry of everything ever placed under that
# code: the unit itself, and the households, party members, central households, service sites
# and village profiles the read models place by that code (app/audit/people.py, _PLACES_SQL).
# Positions only grow, and a row is only ever lowered (a household moved in brings the
# position of its registration), so it stays a lower bound whatever was placed since.
firsts = Table(
    "audit_firsts",
    metadata,
    Column("unit_code", String(CODE_MAX), primary_key=True),  # as wide as any code taken
    Column("position", BigInteger, nullable=False),
)
# The events that place their aggregate under a unit, as the network and teams models place
# it (projections/network.py, projections/teams.py): the field naming the unit. The first
# event of an aggregate (its version 1) is its first entry: no entry before it has the
# aggregate as its originator or, being a correction of one of its events, as its subject.
# A later one (a household moved) places an aggregate whose first entry lies earlier: the
# unit it moves to gets the position of that first entry, read from the log.
PLACING = {
    "Unit.Opened": "code",
    "Household.Registered": "group_code",
    "Household.Moved": "group_code",
    "PartyMember.Joined": "village_code",
    "CentralHousehold.Designated": "village_code",
    "Site.Opened": "unit_code",
    "VillageProfile.Classified": "village_code",
    "VillageProfile.Reclassified": "village_code",  # where it names one
}
FIRST_VERSION = 1

# The names a person is looked up by (`--person NAME`): indexes on the network model's
# tables, which only these queries use. Made here, they are created with those tables in a
# new store and, like this model's own, built at the end of a rebuild.
PERSON_NAMES = (
    Index("ix_rm_households_head_name", households.c.head_name),
    Index("ix_rm_party_members_name", party_members.c.name),
)
# Only queries use these; a rebuild builds them once at the end.
DEFERRED = (
    *PERSON_NAMES,
    Index("ix_audit_entries_event", entries.c.event, entries.c.position),
    Index("ix_audit_entries_actor", entries.c.actor, entries.c.position),
    Index("ix_audit_entries_corrects", entries.c.corrects),
    # The parts an id plays too: the totals read an id's entries from this index alone.
    Index("ix_audit_links_ref", links.c.ref, links.c.position, links.c.roles),
    Index("ix_audit_streams_team", streams.c.team),
    Index("ix_audit_streams_cadre", streams.c.cadre),
    Index("ix_audit_streams_owner", streams.c.owner),
)

_OWNER = {
    "MemberMonth.Started": "cadre_id",
    "LeaveRequest.Requested": "cadre_id",
    "CentralHousehold.Designated": "household_id",
}


def recorded_day(e: Any) -> date:
    stamp = e.timestamp if e.timestamp.tzinfo else e.timestamp.replace(tzinfo=UTC)
    day: date = stamp.astimezone(CHINA_TZ).date()
    return day


def _hex(value: Any) -> str | None:
    return value.hex if type(value) is UUID else None


class AuditIndexModel:
    """Adds the page's entries, their ids and the streams they start; never changes a row."""

    name = NAME
    metadata = metadata
    # 2: ``audit_firsts``, where a unit's entries can start at the earliest. 3: the index of
    # ids holds the parts they play, so that a total reads no row of ``audit_links``.
    version = 3
    deferred_indexes = DEFERRED

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        entry_rows: list[tuple[Any, ...]] = []
        link_rows: list[tuple[Any, ...]] = []
        stream_rows: list[tuple[Any, ...]] = []
        placed: dict[str, int] = {}  # unit code -> the lowest first position placed there
        moved: dict[UUID, list[str]] = {}  # aggregates placed after their first event
        for logged in page:
            e = logged.event
            position = logged.position
            kind = type(e).__qualname__
            occurred = date.fromisoformat(e.occurred_on)
            day = recorded_day(e)
            correction = kind == CORRECTION
            entry_rows.append(
                (
                    position,
                    kind,
                    e.actor_id,
                    e.actor_role,
                    occurred,
                    day,
                    (day - occurred).days,
                    e.corrects_position if correction else None,
                )
            )
            roles: dict[str, int] = {}
            for field, value in vars(e).items():
                if type(value) is not UUID:
                    continue
                if field == "originator_id":
                    role = ORIGINATOR
                elif field == "subject_id" and correction:
                    role = ABOUT
                elif field == "team_id":
                    role = TEAM
                else:
                    role = FIELD
                roles[value.hex] = roles.get(value.hex, 0) | role
            link_rows.extend((position, ref, r) for ref, r in roles.items())
            placing = PLACING.get(kind)
            code = getattr(e, placing, None) if placing is not None else None
            if type(code) is str:
                if e.originator_version == FIRST_VERSION:
                    _lower(placed, code, position)
                else:
                    moved.setdefault(e.originator_id, []).append(code)
            owner = _OWNER.get(kind)
            if owner is not None:
                stream_rows.append(
                    (
                        e.originator_id.hex,
                        position,
                        kind,
                        _hex(getattr(e, "team_id", None)),
                        _hex(getattr(e, "cadre_id", None)),
                        _hex(getattr(e, owner, None)),
                        getattr(e, "month", None),
                    )
                )
        insert_many(
            conn,
            entries,
            (
                "position",
                "event",
                "actor",
                "role",
                "occurred_on",
                "recorded_day",
                "lag_days",
                "corrects",
            ),
            entry_rows,
        )
        insert_many(conn, links, ("position", "ref", "roles"), link_rows)
        insert_many(
            conn,
            streams,
            ("stream", "position", "event", "team", "cadre", "owner", "month"),
            stream_rows,
        )
        if moved:
            first = _first_positions(conn, list(moved))
            for oid, codes in moved.items():
                for code in codes:
                    # Not found cannot happen (an aggregate's later event follows its first);
                    # were it so, the start of the log is still a lower bound.
                    _lower(placed, code, first.get(oid, 0))
        _lower_firsts(conn, placed)

    def reset(self) -> None:
        """Nothing kept in memory."""


def _lower(found: dict[str, int], code: str, position: int) -> None:
    if position < found.get(code, position + 1):
        found[code] = position


def _first_positions(conn: Connection, oids: list[UUID]) -> dict[UUID, int]:
    """The log position of each aggregate's first event (one probe of the log's key each)."""
    table, pos = events_source(conn.dialect.name)
    postgres = conn.dialect.name == "postgresql"
    keys = {(o if postgres else o.hex): o for o in oids}
    sql = (
        f"SELECT originator_id, {pos} FROM {table} "
        f"WHERE originator_version = {FIRST_VERSION} AND originator_id IN ({{ins}})"
    )
    out: dict[UUID, int] = {}
    for oid, position in rows_in(conn, sql, list(keys)):
        out[keys[oid if postgres else str(oid)]] = int(position)
    return out


def _lower_firsts(conn: Connection, placed: dict[str, int]) -> None:
    """Add the codes not in ``audit_firsts`` yet; lower those whose position is later."""
    if not placed:
        return
    stored = dict(
        rows_in(
            conn,
            "SELECT unit_code, position FROM audit_firsts WHERE unit_code IN ({ins})",
            sorted(placed),
        )
    )
    new = [(c, p) for c, p in placed.items() if c not in stored]
    lower = [(p, c) for c, p in placed.items() if c in stored and p < stored[c]]
    insert_many(conn, firsts, ("unit_code", "position"), new)
    if lower:
        m = mark(conn)
        conn.exec_driver_sql(f"UPDATE audit_firsts SET position = {m} WHERE unit_code = {m}", lower)


def events_at(conn: Connection, positions: list[int]) -> dict[int, tuple[str, date]]:
    """The event type and the day it happened of each of these log positions."""
    if not positions:
        return {}
    query = select(entries.c.position, entries.c.event, entries.c.occurred_on).where(
        entries.c.position.in_(sorted(set(positions)))
    )
    return {r.position: (r.event, r.occurred_on) for r in conn.execute(query)}
