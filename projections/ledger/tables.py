"""Tables of the ``ledger`` read model. Every row is a fact of the log, only ever added: ``day``
is the day it happened in the village (as of a day D: ``day <= D``), ``position`` its place
in the log (as known at position P: ``position <= P``). A form's revisions are rows of their
own; the form on a day is the latest revision by then (by day, then by position). Money in
whole fen (ADR 023)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Integer, MetaData, String, Table

from domain import fields

metadata = MetaData()

VILLAGE = 15  # a village's code

# A village whose survey has begun: the first thing recorded of it.
surveys = Table(
    "lg_surveys",
    metadata,
    Column("survey_id", String(32), primary_key=True),
    Column("village_code", String(VILLAGE), nullable=False, unique=True),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, nullable=False),
)

forms = Table(
    "lg_forms",
    metadata,
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, primary_key=True),
    Column("committee_size", Integer, nullable=False),
    Column("secretary", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("assessment", String(32), nullable=False),
    Column("collective_income_fen", BigInteger, nullable=False),
    Column("collective_assets_fen", BigInteger, nullable=False),
    Column("collective_debts_fen", BigInteger, nullable=False),
    Column("per_capita_income_fen", BigInteger, nullable=False),
    Column("main_problems", String(fields.LONG_TEXT_MAX), nullable=False),
    Column("actor_id", String(fields.ACTOR_MAX), nullable=False),
    Column("reason", String(fields.LONG_TEXT_MAX), nullable=False),
)

periods = Table(
    "lg_periods",
    metadata,
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, primary_key=True),
)

tables = Table(
    "lg_tables",
    metadata,
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("handed_out", Integer, nullable=False),
    Column("returned", Integer, nullable=False),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, primary_key=True),
)

symposiums = Table(
    "lg_symposiums",
    metadata,
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, primary_key=True),
    Column("township_leaders", Integer, nullable=False),
    Column("committee_members", Integer, nullable=False),
    Column("party_members", Integer, nullable=False),
    Column("villager_representatives", Integer, nullable=False),
    Column("collective_consultation", Boolean, nullable=False),
    Column("topic", String(fields.SHORT_TEXT_MAX), nullable=False),
)

interviews = Table(
    "lg_interviews",
    metadata,
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, primary_key=True),
    Column("interviewee", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("interviewee_category", String(32), nullable=False),
    Column("interviewer", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("note", String(fields.LONG_TEXT_MAX), nullable=False),
)

opinions = Table(
    "lg_opinions",
    metadata,
    Column("opinion_id", String(32), primary_key=True),
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("source", String(32), nullable=False),
    Column("category", String(32), nullable=False),
    Column("text", String(fields.LONG_TEXT_MAX), nullable=False),
)

problems = Table(
    "lg_problems",
    metadata,
    Column("problem_id", String(32), primary_key=True),
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("description", String(fields.LONG_TEXT_MAX), nullable=False),
    Column("root_cause", String(32), nullable=False),
    Column("root_cause_text", String(fields.LONG_TEXT_MAX), nullable=False),
)

# The opinions a problem came from, in the order given.
problem_opinions = Table(
    "lg_problem_opinions",
    metadata,
    Column("problem_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("opinion_id", String(32), nullable=False),
)

# A village's classes (classify_village), as the ledger needs them: the problems each cites.
classes = Table(
    "lg_classes",
    metadata,
    Column("profile_id", String(32), nullable=False, index=True),
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, primary_key=True),
    Column("problem", String(32), nullable=False),
)

# The problems a class cites: ``class_position`` is the class's row in ``classes``.
citations = Table(
    "lg_citations",
    metadata,
    Column("class_position", BigInteger, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("problem_id", String(32), nullable=False),
)

# -- plans (帮扶规划) ------------------------------------------------------------------------

plans = Table(
    "lg_plans",
    metadata,
    Column("plan_id", String(32), primary_key=True),
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("year", Integer, nullable=False),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, nullable=False),
)

# Each revision of a plan (the draft is revision 1), its items in ``plan_items``.
plan_revisions = Table(
    "lg_plan_revisions",
    metadata,
    Column("plan_id", String(32), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("title", String(fields.SHORT_TEXT_MAX), nullable=False),
    Column("drafted_by", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, primary_key=True),
)

plan_items = Table(
    "lg_plan_items",
    metadata,
    Column("plan_id", String(32), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("key", String(fields.PLAN_ITEM_KEY_MAX), nullable=False),
    Column("text", String(fields.LONG_TEXT_MAX), nullable=False),
    Column("category", String(32), nullable=False),
)

plan_approvals = Table(
    "lg_plan_approvals",
    metadata,
    Column("plan_id", String(32), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("approver", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("approver_unit", String(VILLAGE), nullable=False),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, primary_key=True),
)

# -- measures (帮扶措施) ---------------------------------------------------------------------

measures = Table(
    "lg_measures",
    metadata,
    Column("measure_id", String(32), primary_key=True),
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("plan_id", String(32), nullable=False),
    Column("item_key", String(fields.PLAN_ITEM_KEY_MAX), nullable=False),
    Column("category", String(32), nullable=False),
    Column("title", String(fields.SHORT_TEXT_MAX), nullable=False),
    Column("responsible", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("budget_fen", BigInteger, nullable=False),
    Column("sources", String(128), nullable=False),  # comma-separated, in the order given
    Column("day", Date, nullable=False),
    Column("position", BigInteger, nullable=False),
)

# Each change of a measure's status: its status on a day is the latest change by then.
measure_statuses = Table(
    "lg_measure_statuses",
    metadata,
    Column("measure_id", String(32), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("because", String(fields.LONG_TEXT_MAX), nullable=False),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, primary_key=True),
)

measure_notes = Table(
    "lg_measure_notes",
    metadata,
    Column("measure_id", String(32), nullable=False, index=True),
    Column("note", String(fields.LONG_TEXT_MAX), nullable=False),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, primary_key=True),
)

# -- responsibility letters (工作目标责任书) ----------------------------------------------------

letters = Table(
    "lg_letters",
    metadata,
    Column("letter_id", String(32), primary_key=True),
    Column("village_code", String(VILLAGE), nullable=False, index=True),
    Column("unit_code", String(fields.CODE_MAX), nullable=False),
    Column("team_id", String(32), nullable=False),
    Column("unit_signatory", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("village_signatory", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("term_starts_on", Date, nullable=False),
    Column("term_ends_on", Date, nullable=False),
    Column("day", Date, nullable=False),
    Column("position", BigInteger, nullable=False),
)

letter_targets = Table(
    "lg_letter_targets",
    metadata,
    Column("letter_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("text", String(fields.SHORT_TEXT_MAX * 5), nullable=False),
    Column("plan_id", String(32), nullable=False),
    Column("item_key", String(fields.PLAN_ITEM_KEY_MAX), nullable=False),
)
