"""Tables of the ``ledger`` read model. Every row is a fact of the log, only ever added: ``day``
is the day it happened in the village (as of a day D: ``day <= D``), ``position`` its place
in the log (as known at position P: ``position <= P``). A form's revisions are rows of their
own; the form on a day is the latest revision by then (by day, then by position). Money in
whole fen (ADR 023).

``fact`` declares such a table: its columns are named as the fields of the event they come
from, so the model copies an event into its row by name (``projections/ledger/model.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    and_,
    exists,
    func,
    select,
)

from domain import fields
from projections.ledger.counts import COLUMNS as COUNTS
from projections.ledger.counts import WORK_COLUMNS

metadata = MetaData()

VILLAGE = 15  # a village's code
ID = 32  # an aggregate's id, as hex


def text(column: str, limit: int = fields.LONG_TEXT_MAX) -> Column[str]:
    return Column(column, String(limit), nullable=False)


def name(column: str) -> Column[str]:
    """A person's name as the ledger records it (a signatory, an interviewer...)."""
    return text(column, fields.PERSON_NAME_MAX)


def word(column: str) -> Column[str]:
    """A value of a controlled list (an enum's value) or an aggregate's id."""
    return text(column, ID)


def number(column: str) -> Column[int]:
    return Column(column, Integer, nullable=False)


def fen(column: str) -> Column[int]:
    return Column(column, BigInteger, nullable=False)


def day(column: str) -> Column[Any]:
    return Column(column, Date, nullable=False)


def fact(
    table: str,
    *columns: Column[Any],
    key: str | None = None,
    of: str | None = None,
    village: bool = True,
) -> Table:
    """A table of facts of the log. ``key`` names the id of the thing the row records (its
    aggregate's id, the primary key) where others cite it; without one a row is known by its
    position. ``of``: the row is one of many about an aggregate (a plan's revisions, a
    measure's notes), whose id it holds, indexed. ``village``: the row belongs to a village
    (``village_code``, indexed)."""
    head: list[Column[Any]] = [Column(key, String(ID), primary_key=True)] if key else []
    if of:
        head.append(Column(of, String(ID), nullable=False, index=True))
    if village:
        head.append(Column("village_code", String(VILLAGE), nullable=False, index=True))
    clocks = [day("day"), Column("position", BigInteger, nullable=False, primary_key=not key)]
    made = Table(table, metadata, *head, *columns, *clocks)
    made.info["aggregate"] = key or of
    return made


def seen(table: Table, as_of: date, upto: int | None) -> ColumnElement[bool]:
    """The rows of a fact table that had happened by ``as_of`` and were known at ``upto``
    (None: now): the two clocks."""
    if upto is None:
        return table.c.day <= as_of
    return and_(table.c.day <= as_of, table.c.position <= upto)


def stored_answers(last_day: Any, last_position: Any, as_of: date, upto: int | None) -> bool:
    """Whether stored rows (``village_now`` and the like, below) whose latest fact is of
    ``last_day`` at ``last_position`` (None: no row) answer for the two clocks: none of their
    facts is later than either, so the facts seen are all of them."""
    if last_day is None:
        return True
    day = last_day if isinstance(last_day, date) else date.fromisoformat(last_day)
    return day <= as_of and (upto is None or int(last_position) <= upto)


def latest(table: Table, key: str, ids: Any, as_of: date, upto: int | None) -> Any:
    """Per ``key`` among ``ids``, the row of ``table`` latest by the day (by day, then by
    position), as known at ``upto``: one windowed query however many there are."""
    ranked = (
        select(
            table,
            func.row_number()
            .over(partition_by=table.c[key], order_by=(table.c.day.desc(), table.c.position.desc()))
            .label("n"),
        )
        .where(table.c[key].in_(ids), seen(table, as_of, upto))
        .subquery()
    )
    return select(ranked).where(ranked.c.n == 1).subquery()


def child(table: str, parent: str, *columns: Column[Any]) -> Table:
    """The list a fact holds (a problem's opinions, a plan's items...), in the order given."""
    return Table(
        table,
        metadata,
        Column(parent, String(ID), primary_key=True),
        Column("seq", Integer, primary_key=True),
        *columns,
    )


# -- the survey (摸底排查) ---------------------------------------------------------------------

# A village whose survey has begun: the first thing recorded of it.
surveys = fact("lg_surveys", key="survey_id")
surveys.append_constraint(UniqueConstraint("village_code"))

forms = fact(
    "lg_forms",
    number("revision"),
    number("committee_size"),
    name("secretary"),
    word("assessment"),
    fen("collective_income_fen"),
    fen("collective_assets_fen"),
    fen("collective_debts_fen"),
    fen("per_capita_income_fen"),
    text("main_problems"),
    text("actor_id", fields.ACTOR_MAX),
    text("reason"),
)

periods = fact("lg_periods", day("first_day"), day("last_day"))

# The survey's activities: ``activity`` is each one's number, the version of its event in the
# village's survey (ADR 034); a withdrawn one (``withdrawals``) is left out by ``counted``.
tables = fact(
    "lg_tables", number("activity"), word("kind"), number("handed_out"), number("returned")
)

symposiums = fact(
    "lg_symposiums",
    number("activity"),
    number("township_leaders"),
    number("committee_members"),
    number("party_members"),
    number("villager_representatives"),
    Column("collective_consultation", Boolean, nullable=False),
    text("topic", fields.SHORT_TEXT_MAX),
)

interviews = fact(
    "lg_interviews",
    number("activity"),
    name("interviewee"),
    word("interviewee_category"),
    name("interviewer"),
    text("note"),
)

# Each activity withdrawn (``withdraw_survey_activity``): as known from its position on, the
# activity counts on no day; its ``day`` is when it was withdrawn, which no count reads.
withdrawals = fact("lg_withdrawals", number("activity"), word("activity_kind"), text("note"))
Index("ix_lg_withdrawals_activity", withdrawals.c.village_code, withdrawals.c.activity)

ACTIVITIES = (tables, symposiums, interviews)


def counted(table: Table, as_of: date, upto: int | None) -> ColumnElement[bool]:
    """``seen``, and for an activity of the survey (``ACTIVITIES``) not withdrawn as known at
    ``upto`` (None: now) — on any day: a withdrawn activity was wrong from the start."""
    if table not in ACTIVITIES:
        return seen(table, as_of, upto)
    w = withdrawals.c
    withdrawn = select(w.activity).where(
        w.village_code == table.c.village_code, w.activity == table.c.activity
    )
    if upto is not None:
        withdrawn = withdrawn.where(w.position <= upto)
    return and_(seen(table, as_of, upto), ~exists(withdrawn))


opinions = fact("lg_opinions", word("source"), word("category"), text("text"), key="opinion_id")

problems = fact(
    "lg_problems",
    text("description"),
    word("root_cause"),
    text("root_cause_text"),
    key="problem_id",
)

# The opinions a problem came from, in the order given.
problem_opinions = child("lg_problem_opinions", "problem_id", word("opinion_id"))

# A village's classes (classify_village), as the ledger needs them: the problems each cites.
classes = fact("lg_classes", word("problem"), of="profile_id")

# The problems a class cites: ``class_position`` is the class's row in ``classes``.
citations = Table(
    "lg_citations",
    metadata,
    Column("class_position", BigInteger, primary_key=True),
    Column("seq", Integer, primary_key=True),
    word("problem_id"),
)

# -- plans (帮扶规划) ------------------------------------------------------------------------

plans = fact("lg_plans", word("kind"), number("year"), key="plan_id")

# Each revision of a plan (the draft is revision 1), its items in ``plan_items``.
plan_revisions = fact(
    "lg_plan_revisions",
    number("revision"),
    text("title", fields.SHORT_TEXT_MAX),
    name("drafted_by"),
    of="plan_id",
    village=False,
)

plan_items = Table(
    "lg_plan_items",
    metadata,
    Column("plan_id", String(ID), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    text("key", fields.PLAN_ITEM_KEY_MAX),
    text("text"),
    word("category"),
)

plan_approvals = fact(
    "lg_plan_approvals",
    number("revision"),
    name("approver"),
    text("approver_unit", VILLAGE),
    of="plan_id",
    village=False,
)

# -- measures (帮扶措施) ---------------------------------------------------------------------

measures = fact(
    "lg_measures",
    word("plan_id"),
    text("item_key", fields.PLAN_ITEM_KEY_MAX),
    word("category"),
    text("title", fields.SHORT_TEXT_MAX),
    name("responsible"),
    day("due_on"),
    fen("budget_fen"),
    text("sources", 128),  # comma-separated, in the order given
    key="measure_id",
)


def _of_measure(table: str, *columns: Column[Any]) -> Table:
    return fact(table, *columns, of="measure_id", village=False)


# Each change of a measure's status: its status on a day is the latest change by then.
measure_statuses = _of_measure("lg_measure_statuses", text("status", 16), text("because"))

measure_notes = _of_measure("lg_measure_notes", text("note"))

# -- responsibility letters (工作目标责任书) ----------------------------------------------------

letters = fact(
    "lg_letters",
    text("unit_code", fields.CODE_MAX),
    word("team_id"),
    name("unit_signatory"),
    name("village_signatory"),
    day("term_starts_on"),
    day("term_ends_on"),
    key="letter_id",
)

letter_targets = child(
    "lg_letter_targets",
    "letter_id",
    text("text", fields.SHORT_TEXT_MAX * 5),
    word("plan_id"),
    text("item_key", fields.PLAN_ITEM_KEY_MAX),
)

# -- duties and the 六有 goals --------------------------------------------------------------

# A village's goal for one of the six haves, from the day its first target was set.
goals = fact("lg_goals", word("goal"), word("duty"), key="goal_id")

# Each target of a goal (the first is revision 1): the target on a day is the latest by then.
goal_targets = fact(
    "lg_goal_targets", number("revision"), text("target"), of="goal_id", village=False
)

# The evidence for a goal: a document and its file, cited by SHA-256 (ADR 025).
goal_evidence = fact(
    "lg_goal_evidence",
    text("title", fields.SHORT_TEXT_MAX),
    word("kind"),
    day("dated"),
    text("file_sha256", fields.SHA256_HEX),
    Column("file_size", BigInteger, nullable=False),
    text("media_type", fields.MEDIA_TYPE_MAX),
    text("file_name", fields.FILE_NAME_MAX),
    of="goal_id",
    village=False,
)

# Each judgement of a goal's status: its status on a day is the latest by then.
goal_statuses = fact(
    "lg_goal_statuses",
    text("status", 16),
    name("judged_by"),
    text("judge_unit", VILLAGE),
    text("note"),
    of="goal_id",
    village=False,
)

# -- four-source funding (四位一体资金) ---------------------------------------------------------

# A village's account of one source: opened by its first entry.
fund_accounts = fact("lg_fund_accounts", word("source"), key="account_id")


def _fund_entry(table: str, *columns: Column[Any]) -> Table:
    """An entry of an account: its village and source (for sums over many villages without a
    join), voucher, amount, and the plan and measure it concerns (``measure_id`` "" for an
    allocation to the plan as a whole)."""
    return fact(
        table,
        word("source"),
        text("voucher", fields.VOUCHER_MAX),
        fen("amount_fen"),
        word("plan_id"),
        Column("measure_id", String(ID), nullable=False, index=True),
        *columns,
        of="account_id",
    )


fund_allocations = _fund_entry(
    "lg_fund_allocations",
    text("allocated_by", fields.UNIT_NAME_MAX),
    text("document", fields.SHORT_TEXT_MAX),
)

fund_expenditures = _fund_entry(
    "lg_fund_expenditures",
    text("payee", fields.UNIT_NAME_MAX),
    text("purpose", fields.SHORT_TEXT_MAX),
)

# An entry reversed from ``day`` on: its amount counts no more from then (``entry`` says
# which kind it was).
fund_reversals = _fund_entry("lg_fund_reversals", word("entry"), text("because"))

# Each village's account of a source as the log now tells it: what was allocated and spent
# (net of reversals), the latest day and log position of any of its entries. Kept up to date
# in place, as the coverage roll-up is: the sums over every village of a province answer from
# it when nothing is later than the day asked (``projections/ledger/funds.py``), and from the
# entries themselves otherwise.
fund_totals = Table(
    "lg_fund_totals",
    metadata,
    Column("village_code", String(VILLAGE), primary_key=True),
    Column("source", String(ID), primary_key=True),
    fen("allocated_fen"),
    fen("spent_fen"),
    day("last_day"),
    Column("last_position", BigInteger, nullable=False),
)

# -- each village's ledger as the log now tells it -------------------------------------------
#
# The roll-up of many villages adds up these rows instead of the facts (ADR 028). Each row is
# what the facts of one village (one plan, measure, goal) come to when every one of them is
# counted; ``last_day`` and ``last_position`` are the latest day and log position among those
# facts. A question whose clocks leave none of them out (as of a day on or after every
# ``last_day``, as known at a position at or after every ``last_position``) is answered from
# the rows; any other from the facts (``projections/ledger/queries.py``). The model rewrites
# the rows of whatever a page touched from the facts themselves (``projections/ledger/now.py``),
# so a rebuild equals what the increments built.


def _now(table: str, key: str, *columns: Column[Any]) -> Table:
    head: list[Column[Any]] = [Column(key, String(ID), primary_key=True)] if key else []
    return Table(
        table,
        metadata,
        *head,
        Column(
            "village_code", String(VILLAGE), nullable=False, primary_key=not key, index=bool(key)
        ),
        *columns,
        day("last_day"),
        Column("last_position", BigInteger, nullable=False),
    )


# Per village with anything recorded in its ledger: its survey begun (0 or 1), its form in (0
# or 1), the counts of its activities, plans, measures and goals (one column each,
# ``projections/ledger/counts.py``) and its survey's window (``window_first`` to
# ``window_last``, ``window_set``: by a period; NULL when nothing dated). Its clocks are the
# latest of its survey's facts and of its plans', measures' and goals' rows below.
village_now = _now(
    "lg_village_now",
    "",
    number("surveyed"),
    number("form"),
    *(number(c) for c in COUNTS),
    *(fen(c) if c.endswith("_fen") else number(c) for c in WORK_COLUMNS),
    Column("window_first", Date, nullable=True),
    Column("window_last", Date, nullable=True),
    Column("window_set", Boolean, nullable=False),
)

# Per plan: its kind, and whether its latest revision is approved. These three add up into
# their village's row; the measures' are also read for those overdue on the day asked.
plan_now = _now("lg_plan_now", "plan_id", word("kind"), Column("approved", Boolean, nullable=False))

# Per measure: what the roll-up counts, and its latest status.
measure_now = _now(
    "lg_measure_now",
    "measure_id",
    word("category"),
    text("status", 16),
    day("due_on"),
    fen("budget_fen"),
    text("sources", 128),
)

# Per 六有 goal: the item, and its latest judgement (NULL: never judged).
goal_now = _now("lg_goal_now", "goal_id", word("goal"), Column("status", String(16), nullable=True))
