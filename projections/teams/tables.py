"""Tables of the team roster read model. Ranges are effective days, ``[valid_from, valid_to)``:
``valid_to`` is the first day no longer covered, None while open.

Rows are never changed in place: a change closes what the system knew (``to_position``, the
log position of the event that changed it) and adds the new version (``from_position``). A
row holds for "as known at" the log position P when ``from_position <= P`` and
``to_position`` is None or greater than P; the rows known now have ``to_position`` None.
Daily rows are only ever added: their ``position`` says from when they were known."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Date, Index, MetaData, String, Table

from domain import fields
from projections.tables import effective_days, serial_id

metadata = MetaData()


def _versions(name: str, *columns: Column[Any]) -> Table:
    """A table of versioned rows: ``columns``, then the log positions from which and until
    which the system knew each version (see above)."""
    return Table(
        name,
        metadata,
        *columns,
        Column("from_position", BigInteger, nullable=False),
        Column("to_position", BigInteger),
    )


dispatching_units = _versions(
    "tm_units",
    Column("code", String(fields.CODE_MAX), primary_key=True),
    Column("name", String(fields.UNIT_NAME_MAX), nullable=False),
    Column("level", String(16), nullable=False),
    Column("sector", String(32), nullable=False),
    Column("sector_group", String(16), nullable=False),
)

cadres = _versions(
    "tm_cadres",
    Column("id", String(32), primary_key=True),
    Column("name", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("unit_code", String(fields.CODE_MAX), nullable=False),
)

# A cadre's rank, party membership and flags over time.
cadre_states = _versions(
    "tm_cadre_states",
    serial_id(),
    Column("cadre_id", String(32), nullable=False, index=True),
    *effective_days(),
    Column("rank", String(32), nullable=False),
    Column("party_member", Boolean, nullable=False),
    Column("young", Boolean, nullable=False),
    Column("reserve", Boolean, nullable=False),
)

village_classes = _versions(
    "tm_village_classes",
    serial_id(),
    Column("profile_id", String(32), nullable=False, index=True),
    Column("village_code", String(15), nullable=False, index=True),
    *effective_days(),
    Column("problem", String(32), nullable=False),
    Column("class", String(16), nullable=False),
    Column("finding", String(fields.LONG_TEXT_MAX), nullable=False),
)

teams = _versions(
    "tm_teams",
    serial_id(),
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
)

# Which last day of the term was in force over which days: one row at dispatch, one more per
# extension, opened on the day the extension was decided.
terms = _versions(
    "tm_terms",
    serial_id(),
    Column("team_id", String(32), nullable=False, index=True),
    *effective_days(),
    Column("term_ends_on", Date, nullable=False),
    Column("extended", Boolean, nullable=False),
    Column("decided_by", String(fields.ACTOR_MAX)),
    Column("reason", String(fields.LONG_TEXT_MAX)),
)

memberships = _versions(
    "tm_memberships",
    serial_id(),
    Column("team_id", String(32), nullable=False, index=True),
    Column("cadre_id", String(32), nullable=False, index=True),
    *effective_days(),
    Column("how_left", String(16)),
)

leaders = _versions(
    "tm_leaders",
    serial_id(),
    Column("team_id", String(32), nullable=False, index=True),
    Column("cadre_id", String(32), nullable=False),
    *effective_days(),
)

# -- residency: one row per day of a member ----------------------------------------------------


def _daily(name: str, *columns: Column[Any]) -> Table:
    """One row per day of a member on a team, and the log position it was known from."""
    return Table(
        name,
        metadata,
        serial_id(),
        Column("cadre_id", String(32), nullable=False, index=True),
        Column("team_id", String(32), nullable=False, index=True),
        Column("day", Date, nullable=False, index=True),
        *columns,
        Column("position", BigInteger, nullable=False),
        # The month report counts a month of many teams: one range per team, read from it.
        Index(f"ix_{name}_team_day", "team_id", "day", "cadre_id"),
    )


checkins = _daily("tm_checkins")
leave_days = _daily("tm_leave_days", Column("leave_id", String(32), nullable=False))
absences = _daily("tm_absences", Column("note", String(fields.LONG_TEXT_MAX), nullable=False))

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
