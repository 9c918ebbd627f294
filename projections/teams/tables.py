"""Tables of the team roster read model. Ranges are effective days, ``[valid_from, valid_to)``:
``valid_to`` is the first day no longer covered, None while open.

Rows are never changed in place: a change closes what the system knew (``to_position``, the
log position of the event that changed it) and adds the new version (``from_position``). A
row holds for "as known at" the log position P when ``from_position <= P`` and
``to_position`` is None or greater than P; the rows known now have ``to_position`` None.
Daily rows are only ever added: their ``position`` says from when they were known."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Index, Integer, MetaData, String, Table

from domain import fields

metadata = MetaData()

dispatching_units = Table(
    "tm_units",
    metadata,
    Column("code", String(fields.CODE_MAX), primary_key=True),
    Column("name", String(fields.UNIT_NAME_MAX), nullable=False),
    Column("level", String(16), nullable=False),
    Column("sector", String(32), nullable=False),
    Column("sector_group", String(16), nullable=False),
    Column("from_position", BigInteger, nullable=False),
    Column("to_position", BigInteger),
)

cadres = Table(
    "tm_cadres",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("unit_code", String(fields.CODE_MAX), nullable=False),
    Column("from_position", BigInteger, nullable=False),
    Column("to_position", BigInteger),
)

# A cadre's rank, party membership and flags over time.
cadre_states = Table(
    "tm_cadre_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cadre_id", String(32), nullable=False, index=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("rank", String(32), nullable=False),
    Column("party_member", Boolean, nullable=False),
    Column("young", Boolean, nullable=False),
    Column("reserve", Boolean, nullable=False),
    Column("from_position", BigInteger, nullable=False),
    Column("to_position", BigInteger),
)

village_classes = Table(
    "tm_village_classes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("profile_id", String(32), nullable=False, index=True),
    Column("village_code", String(15), nullable=False, index=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("problem", String(32), nullable=False),
    Column("class", String(16), nullable=False),
    Column("finding", String(fields.LONG_TEXT_MAX), nullable=False),
    Column("from_position", BigInteger, nullable=False),
    Column("to_position", BigInteger),
)

teams = Table(
    "tm_teams",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False, index=True),
    Column("name", String(fields.TEAM_NAME_MAX), nullable=False),
    Column("unit_code", String(fields.CODE_MAX), nullable=False, index=True),
    Column("village_code", String(15), nullable=False, index=True),
    Column("dispatched_on", Date, nullable=False),
    # The last day of the term as last extended, and the day the term ended, if it has.
    Column("term_ends_on", Date, nullable=False),
    Column("ended_on", Date),
    Column("successor_id", String(32)),
    # The sector fit judged at dispatch (ADR 006): None when the unit fits the village.
    Column("village_problem", String(32)),
    Column("flag", String(32)),
    Column("flag_zh", String(300), nullable=False),
    Column("flag_en", String(300), nullable=False),
    Column("from_position", BigInteger, nullable=False),
    Column("to_position", BigInteger),
)

# Which last day of the term was in force over which days: one row at dispatch, one more per
# extension, opened on the day the extension was decided.
terms = Table(
    "tm_terms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False, index=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("term_ends_on", Date, nullable=False),
    Column("extended", Boolean, nullable=False),
    Column("decided_by", String(fields.ACTOR_MAX)),
    Column("reason", String(fields.LONG_TEXT_MAX)),
    Column("from_position", BigInteger, nullable=False),
    Column("to_position", BigInteger),
)

memberships = Table(
    "tm_memberships",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False, index=True),
    Column("cadre_id", String(32), nullable=False, index=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("how_left", String(16)),
    Column("from_position", BigInteger, nullable=False),
    Column("to_position", BigInteger),
)

leaders = Table(
    "tm_leaders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False, index=True),
    Column("cadre_id", String(32), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("from_position", BigInteger, nullable=False),
    Column("to_position", BigInteger),
)

# -- residency: one row per day of a member ----------------------------------------------------

checkins = Table(
    "tm_checkins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cadre_id", String(32), nullable=False, index=True),
    Column("team_id", String(32), nullable=False, index=True),
    Column("day", Date, nullable=False, index=True),
    Column("position", BigInteger, nullable=False),
    # The month report counts a month of many teams: one range per team, read from the index.
    Index("ix_tm_checkins_team_day", "team_id", "day", "cadre_id"),
)

leave_days = Table(
    "tm_leave_days",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cadre_id", String(32), nullable=False, index=True),
    Column("team_id", String(32), nullable=False, index=True),
    Column("day", Date, nullable=False, index=True),
    Column("leave_id", String(32), nullable=False),
    Column("position", BigInteger, nullable=False),
    # The month report counts a month of many teams: one range per team, read from the index.
    Index("ix_tm_leave_days_team_day", "team_id", "day", "cadre_id"),
)

absences = Table(
    "tm_absences",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cadre_id", String(32), nullable=False, index=True),
    Column("team_id", String(32), nullable=False, index=True),
    Column("day", Date, nullable=False, index=True),
    Column("note", String(fields.LONG_TEXT_MAX), nullable=False),
    Column("position", BigInteger, nullable=False),
    # The month report counts a month of many teams: one range per team, read from the index.
    Index("ix_tm_absences_team_day", "team_id", "day", "cadre_id"),
)

# Which cadre each month stream (MemberMonth) belongs to: only its first event says so.
member_months = Table(
    "tm_member_months",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("cadre_id", String(32), nullable=False, index=True),
    Column("month", String(7), nullable=False),
)

# -- what the histories of a team and of a cadre read --------------------------------------------

# Every leave request, pending, approved or rejected: whose, on which team.
leave_requests = Table(
    "tm_leave_requests",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("cadre_id", String(32), nullable=False, index=True),
    Column("team_id", String(32), nullable=False, index=True),
)

# Who recorded each event of the log: the actions a cadre recorded as actor, without a scan.
actor_events = Table(
    "tm_actor_events",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("actor_id", String(fields.ACTOR_MAX), nullable=False, index=True),
    Column("originator_id", String(32), nullable=False),
)
