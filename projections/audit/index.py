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
)

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
    Index("ix_audit_links_ref", links.c.ref, links.c.position),
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
    version = 1
    deferred_indexes = DEFERRED

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        entry_rows: list[tuple[Any, ...]] = []
        link_rows: list[tuple[Any, ...]] = []
        stream_rows: list[tuple[Any, ...]] = []
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

    def reset(self) -> None:
        """Nothing kept in memory."""
