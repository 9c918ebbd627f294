"""Read-model tables (SQLAlchemy Core). Disposable: dropped and rebuilt from the log at will.

Also what every model shares about them: how far a model has read (``stored_position``, and
the helpers that take and move the position rows), the rebuild generation, and how recording
times are kept (``utc_naive``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
    update,
)

from domain import fields

# How far each read model has read the log; moves in the same transaction as its rows.
# Kept apart from the read models' own tables, which are dropped on a rebuild.
tracking = MetaData()
positions = Table(
    "rm_positions",
    tracking,
    Column("name", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
)

# A read model stopped by an event it could not apply: which event, and the error. The
# model stays at the position before it, the others go on; a new version of the model (or
# a rebuild, if the fault is gone) clears the row (projections/runner.py).
faults = Table(
    "rm_faults",
    tracking,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("error", String(fields.LONG_TEXT_MAX), nullable=False),
)

# A position row counting rebuilds: a process that kept read-model rows in memory knows
# from it that another process rebuilt the tables under its feet.
GENERATION = "generation"


def stored_position(conn: Connection, name: str) -> int:
    value = conn.execute(select(positions.c.position).where(positions.c.name == name)).scalar()
    return int(value or 0)


def generation(conn: Connection) -> int:
    return stored_position(conn, GENERATION)


# A position row an earlier release left while it rebuilt the live tables in place: their
# rebuild is unfinished (a rebuild beside replaces them, and deletes it).
REBUILDING = "rebuild-in-progress"


def fault_key(name: str) -> str:
    """The position row saying a model is stopped (read with the positions, in one query)."""
    return f"fault:{name}"


def clear_fault(conn: Connection, name: str) -> None:
    conn.execute(faults.delete().where(faults.c.name == name))
    conn.execute(positions.delete().where(positions.c.name == fault_key(name)))


def version_of(model: Any) -> int:
    return int(getattr(model, "version", 1))


def version_key(model: Any) -> str:
    """The position row that holds the version of the model its tables were built by."""
    return f"version:{model.name}"


def deferred(model: Any) -> tuple[Index, ...]:
    """The indexes only queries use (``deferred_indexes``), built once a rebuild is done."""
    return tuple(getattr(model, "deferred_indexes", ()))


def lock_position(conn: Connection, name: str) -> int:
    """Take the model's position row for writing (creating it at 0), and return it."""
    touched = conn.execute(
        update(positions).where(positions.c.name == name).values(position=positions.c.position)
    ).rowcount
    if not touched:
        # Two first-ever catch-ups may race here; the loser's transaction fails on the
        # primary key and its caller retries on the next read.
        conn.execute(insert(positions).values(name=name, position=0))
    return stored_position(conn, name)


def lock_positions(conn: Connection, names: list[str]) -> dict[str, int]:
    """``lock_position`` for several models, in two statements when their rows exist."""
    if not names:
        return {}
    touched = conn.execute(
        update(positions).where(positions.c.name.in_(names)).values(position=positions.c.position)
    ).rowcount
    if touched != len(names):
        return {name: lock_position(conn, name) for name in names}
    found = conn.execute(
        select(positions.c.name, positions.c.position).where(positions.c.name.in_(names))
    )
    return {name: int(position or 0) for name, position in found}


def put_position(conn: Connection, name: str, position: int) -> None:
    if not conn.execute(
        update(positions).where(positions.c.name == name).values(position=position)
    ).rowcount:
        conn.execute(insert(positions).values(name=name, position=position))


def utc_naive(moment: datetime) -> datetime:
    """Recording times are kept as naive UTC: both engines compare them the same way."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def serial_id() -> Column[int]:
    """The ``id`` of a table whose rows have no identity of their own: a row number."""
    return Column("id", Integer, primary_key=True, autoincrement=True)


def effective_days() -> tuple[Column[date], Column[date]]:
    """The effective days a row holds for: ``valid_from`` (inclusive) to ``valid_to``
    (exclusive), None while it still holds."""
    return Column("valid_from", Date, nullable=False), Column("valid_to", Date)


metadata = MetaData()

units = Table(
    "rm_units",
    metadata,
    Column("code", String(15), primary_key=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("name", String(fields.UNIT_NAME_MAX), nullable=False),
    Column("level", String(16), nullable=False, index=True),
    Column("parent_code", String(15), index=True),
    # Materialised path "/210500/210521/…/": subtree queries are one prefix match, and a
    # unit moved under another parent rewrites the paths below it.
    Column("path", String(400), nullable=False, index=True),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date),
    Column("poor_since", Date),
    Column("exited_poverty_on", Date),
)

households = Table(
    "rm_households",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("group_code", String(15), nullable=False, index=True),
    Column("village_code", String(15), nullable=False, index=True),
    Column("head_name", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("members", Integer, nullable=False),
    Column("id_number_masked", String(18), nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("ended_on", Date),
    Column("central_household_id", String(32), index=True),
)

party_members = Table(
    "rm_party_members",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("household_id", String(32), nullable=False, index=True),
    Column("village_code", String(15), nullable=False, index=True),
    Column("joined_on", Date, nullable=False),
    Column("ended_on", Date),
    Column("status", String(20), nullable=False),
)

central_households = Table(
    "rm_central_households",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("household_id", String(32), nullable=False),
    Column("village_code", String(15), nullable=False, index=True),
    Column("party_member_id", String(32), nullable=False, index=True),
    Column("designated_on", Date, nullable=False),
    Column("ended_on", Date),
)

sites = Table(
    "rm_sites",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("unit_code", String(15), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("name", String(fields.SITE_NAME_MAX), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date),
    Column("responsible_name", String(fields.PERSON_NAME_MAX)),
    Column("responsible_member_id", String(32), index=True),
)


# Each village's declarations as poor and exits from poverty, in log order: on which day each
# took effect and when it was recorded, so that the poor villages of any day, as known at any
# moment, are a filter (``rm_units`` keeps only the latest of each).
poverty = Table(
    "rm_poverty",
    metadata,
    serial_id(),
    Column("unit_id", String(32), nullable=False, index=True),
    Column("exited", Boolean, nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("recorded_at", DateTime(), nullable=False),
)

# Indexes of households and party members that only queries use: the network model writes
# these rows by id. A rebuild builds them once at the end (projections/runner.py).
QUERY_ONLY_INDEXES = tuple(
    ix
    for table in (households, party_members)
    for ix in table.indexes
    if ix.name
    in (
        "ix_rm_households_group_code",
        "ix_rm_households_village_code",
        "ix_rm_households_central_household_id",
        "ix_rm_party_members_household_id",
        "ix_rm_party_members_village_code",
    )
)
