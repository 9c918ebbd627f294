"""Tables of the ``assessments`` read model. Every row is a fact of the log, only ever added
(the runs' publication aside, which fills the run's row once): ``day`` is the day it
happened, ``position`` its place in the log, so that "as known at position P" is
``position <= P`` everywhere."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from domain import fields

metadata = MetaData()

ID = 32  # an aggregate's id, as hex


def _clocks() -> tuple[Column[object], Column[int]]:
    return Column("day", Date, nullable=False), Column("position", BigInteger, nullable=False)


# Every version of every rule set: the whole document as adopted (canonical JSON text).
rule_versions = Table(
    "as_rule_versions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("effective_from", Date, nullable=False),
    Column("content", Text, nullable=False),
    Column("actor", String(fields.ACTOR_MAX), nullable=False),
    *_clocks(),
)

# 述职评议: written reports (one row per body it went to) and the meetings' votes.
reports = Table(
    "as_reports",
    metadata,
    Column("team_id", String(ID), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    Column("body", String(32), nullable=False),
    Column("title", String(fields.SHORT_TEXT_MAX), nullable=False),
    Column("document_sha256", String(64), nullable=False),
    *_clocks(),
)

evaluations = Table(
    "as_evaluations",
    metadata,
    Column("team_id", String(ID), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    Column("attendance", Integer, nullable=False),
    Column("satisfied", Integer, nullable=False),
    Column("basically_satisfied", Integer, nullable=False),
    Column("dissatisfied", Integer, nullable=False),
    Column("actor", String(fields.ACTOR_MAX), nullable=False),
    *_clocks(),
)

# Diary entries (the team read model keeps none), and the cadre each month stream is of.
diaries = Table(
    "as_diaries",
    metadata,
    Column("team_id", String(ID), nullable=False),
    Column("cadre_id", String(ID), nullable=False),
    *_clocks(),
    Index("ix_as_diaries_team_day", "team_id", "day"),
)

member_months = Table(
    "as_member_months",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("cadre_id", String(ID), nullable=False),
)

# Each unit's parent from a day on, as recorded (opened under it, moved under it): the units
# under a unit on a day, as known at a position, whatever moved since.
unit_parents = Table(
    "as_unit_parents",
    metadata,
    Column("unit_id", String(ID), nullable=False, index=True),
    Column("code", String(15), nullable=False),
    Column("parent_code", String(15)),
    *_clocks(),
)

# Spot checks: the visit, and each member found present or absent on it.
spot_checks = Table(
    "as_spot_checks",
    metadata,
    Column("check_id", String(ID), primary_key=True),
    Column("team_id", String(ID), nullable=False, index=True),
    Column("team_name", String(fields.TEAM_NAME_MAX), nullable=False),
    Column("village_code", String(15), nullable=False, index=True),
    Column("dispatching_unit", String(fields.CODE_MAX), nullable=False),
    Column("inspectors", Text, nullable=False),  # JSON: cadre_id, name, unit of each
    Column("findings", Text, nullable=False),
    Column("actor", String(fields.ACTOR_MAX), nullable=False),
    *_clocks(),
)

spot_check_members = Table(
    "as_spot_check_members",
    metadata,
    Column("check_id", String(ID), nullable=False, index=True),
    Column("team_id", String(ID), nullable=False),
    Column("cadre_id", String(ID), nullable=False),
    Column("present", Boolean, nullable=False),
    *_clocks(),
    Index("ix_as_spot_check_members_cadre_day", "cadre_id", "day"),
)

# Villages declared poor and out of poverty, by day and position: whether a village was poor
# on a day, as known at a position (an extension proposal reads it).
poverty = Table(
    "as_poverty",
    metadata,
    Column("code", String(15), nullable=False, index=True),
    Column("exited", Boolean, nullable=False),
    *_clocks(),
)

# Decisions on a run's proposals, one row each.
decisions = Table(
    "as_decisions",
    metadata,
    Column("decision_id", String(ID), primary_key=True),
    Column("run_id", String(ID), nullable=False, index=True),
    Column("proposal", String(120), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("amended", Text),  # JSON of what an amendment changed
    Column("why", Text, nullable=False),
    Column("actor", String(fields.ACTOR_MAX), nullable=False),
    *_clocks(),
)

runs = Table(
    "as_runs",
    metadata,
    Column("run_id", String(ID), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("period", String(8), nullable=False),
    Column("unit_code", String(15), nullable=False, index=True),
    Column("known_at", BigInteger, nullable=False),  # the position the run computed as of
    Column("chain_link", String(64), nullable=False),
    Column("rules_name", String(64), nullable=False),
    Column("rules_version", Integer, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("teams", Integer, nullable=False),
    Column("actor", String(fields.ACTOR_MAX), nullable=False),
    Column("recorded_at", DateTime(), nullable=False),
    Column("published_by", String(fields.ACTOR_MAX)),
    Column("published_on", Date),
    Column("published_position", BigInteger),
    *_clocks(),
)
