"""Tables of the coverage read model. Disposable like every read model."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    func,
    literal_column,
)

from domain import fields
from projections.tables import effective_days, serial_id

metadata = MetaData()

# The last day of a row still in force (``valid_to`` NULL), for comparisons that an index
# can serve as a range: later than any date on both engines (PostgreSQL's ``infinity``;
# on SQLite, where dates are ISO text, 'i' sorts after every digit).
FOREVER: ColumnElement[Any] = literal_column("'infinity'")

# What the computation keeps of each event, per entity (see facts.py).
facts = Table(
    "cov_facts",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("entity", String(32), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("recorded_at", DateTime(), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("type", String(32), nullable=False),
    Column("actor", String(fields.ACTOR_MAX), nullable=False),
    Column("data", JSON, nullable=False),
)

# Which entities' facts each scope (a village, or a unit above village level) depends on.
# Only grows: an entity that once belonged to a scope stays part of its history.
scope_entities = Table(
    "cov_scope_entities",
    metadata,
    Column("scope", String(15), primary_key=True),
    Column("entity", String(32), primary_key=True),
    Index("ix_cov_scope_entities_entity", "entity"),
)

# Households ever registered in or moved into each group: when a group moves to another
# village, they become part of that village's history too.
group_households = Table(
    "cov_group_households",
    metadata,
    Column("group_code", String(15), primary_key=True),
    Column("household", String(32), primary_key=True),
    # Each moment looks up the groups of its households: without it, a pass over the table
    # (at province scale, 40% of a rebuild's time).
    Index("ix_cov_group_households_household", "household"),
)

# Presences and gaps, effective from valid_from (inclusive) to valid_to (exclusive), as known
# from known_from (inclusive) to known_to (exclusive), both recording times.
rows = Table(
    "cov_rows",
    metadata,
    serial_id(),
    Column("scope", String(15), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("subject", String(32), nullable=False),
    Column("name", String(fields.SITE_NAME_MAX), nullable=False),
    Column("unit", String(15), nullable=False),
    Column("parent", String(15), nullable=False),
    *effective_days(),
    Column("since", Date, nullable=False),
    Column("cause_position", Integer, nullable=False),
    Column("cause_type", String(32), nullable=False),
    Column("cause_actor", String(fields.ACTOR_MAX), nullable=False),
    Column("known_from", DateTime(), nullable=False),
    Column("known_to", DateTime()),
    Index("ix_cov_rows_kind_known", "kind", "known_to"),
    Index("ix_cov_rows_subject", "subject"),
    Index("ix_cov_rows_parent", "parent"),
)

# Scope first, then kind, then the last day in force: a village's gaps today are a few seeks
# to the rows still in force, not a pass over every gap it ever had (at 200 villages, 335 rows
# read per village for 12 in force). See ``lasting_after``.
Index(
    "ix_cov_rows_scope_kind_lasting",
    rows.c.scope,
    rows.c.kind,
    rows.c.known_to,
    func.coalesce(rows.c.valid_to, FOREVER),
)

# When each recording moment's events end in the log: maps "as known at T" to a position.
moments = Table(
    "cov_moments",
    metadata,
    Column("recorded_at", DateTime(), primary_key=True),
    Column("position", Integer, nullable=False),
)

# How many rows of each kind are in force now (known now, lasting today) in each scope: the
# figures of each unit of the network tree today (projections/unit_pages.py), and what the
# roll-ups below add up.
counts = Table(
    "cov_counts",
    metadata,
    Column("scope", String(15), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("n", Integer, nullable=False),
)


# The parent of each scope's unit now (as its last counts saw it), and, per unit, the counts
# of its whole subtree now: the same figures as adding up cov_counts over the units below it
# (projections/coverage/rollup.py). A province's coverage today is then one row per kind,
# not a walk of 11,000 units and a sum of 90,000 counts.
parents = Table(
    "cov_parents",
    metadata,
    Column("scope", String(15), primary_key=True),
    Column("parent", String(15)),
)
rollup = Table(
    "cov_rollup",
    metadata,
    Column("unit", String(15), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("n", Integer, nullable=False),
)


# Indexes of the rows that only queries use (by kind, subject, parent unit): the model itself
# reads rows by scope. A rebuild builds these once at the end (projections/runner.py).
QUERY_ONLY_INDEXES = tuple(
    ix
    for ix in rows.indexes
    if ix.name in ("ix_cov_rows_kind_known", "ix_cov_rows_subject", "ix_cov_rows_parent")
)


def lasting_after(day: Any) -> ColumnElement[bool]:
    """Rows in force after ``day``: ``valid_to IS NULL OR valid_to > day``, written as the
    expression ``ix_cov_rows_scope_kind_lasting`` holds, so that it is a range of the index
    instead of a filter on each row read."""
    last: ColumnElement[Any] = func.coalesce(rows.c.valid_to, FOREVER)
    lasting: ColumnElement[bool] = last > day
    return lasting
