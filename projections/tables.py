"""Read-model tables (SQLAlchemy Core). Disposable: dropped and rebuilt from the log at will.

Also what every model shares about them: how far a model has read (``stored_position``), the
rebuild generation, and how recording times are kept (``utc_naive``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    select,
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
