"""The ``ledger`` read model: one small handler per event type, each adding rows
(``tables``); nothing is changed in place but the rows of each village's ledger as the log
now tells it, written again from the facts at the end of each page (``now``) and the funds'
totals, so a rebuild equals what the increments built."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Date, Table, case, func, insert, select

from domain.ledger.findings import Opinion, SurveyProblem
from domain.ledger.funds import EntryKind, FundAccount
from domain.ledger.goals import SixHaveGoal
from domain.ledger.letters import ResponsibilityLetter
from domain.ledger.measures import Measure
from domain.ledger.plans import VillagePlan
from domain.ledger.survey import VillageSurvey
from domain.villages import VillageProfile
from projections.bulk import upsert
from projections.ledger import now
from projections.ledger.tables import (
    citations,
    classes,
    forms,
    fund_accounts,
    fund_allocations,
    fund_expenditures,
    fund_reversals,
    fund_totals,
    goal_evidence,
    goal_statuses,
    goal_targets,
    goals,
    interviews,
    letter_targets,
    letters,
    measure_notes,
    measure_statuses,
    measures,
    metadata,
    opinions,
    periods,
    plan_approvals,
    plan_items,
    plan_revisions,
    plans,
    problem_opinions,
    problems,
    surveys,
    symposiums,
    tables,
    withdrawals,
)

NAME = "ledger"


class Page:
    """The rows of one page of the log, written table by table at the end of the page."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.survey_villages: dict[str, str] = {}  # survey id (hex) -> village, this page
        self.changed: dict[str, set[str]] = {}  # the stored rows to write again (now.py)

    def add(self, table: Any, **values: Any) -> None:
        self.rows.setdefault(table.name, []).append(values)
        now.touched(table, values, self.changed)

    def flush(self) -> None:
        for table in metadata.sorted_tables:
            rows = self.rows.pop(table.name, None)
            if rows:
                self.conn.execute(insert(table), rows)

    def village_of_survey(self, e: Any) -> str:
        key = e.originator_id.hex
        found = self.survey_villages.get(key)
        if found is None:
            self.flush()
            found = self.conn.execute(
                select(surveys.c.village_code).where(surveys.c.survey_id == key)
            ).scalar_one()
            self.survey_villages[key] = found
        return found


Handler = Callable[[Page, Any, int], None]
HANDLERS: dict[type, Handler] = {}


def handles(event_class: type) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[event_class] = fn
        return fn

    return register


class LedgerModel:
    """The village work ledger: the survey of each village and what it found."""

    name = NAME
    metadata = metadata
    version = 9  # 9: the survey's activities numbered, and withdrawn (ADR 034)

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        rows = Page(conn)
        for logged in page:
            handler = HANDLERS.get(type(logged.event))
            if handler is not None:
                handler(rows, logged.event, logged.position)
        rows.flush()
        now.refresh(conn, rows.changed)
        add_fund_totals(conn, page)

    def reset(self) -> None:
        """Nothing is kept in memory between pages."""


def _day(e: Any) -> date:
    return date.fromisoformat(e.occurred_on)


def fact(p: Page, table: Table, e: Any, position: int, **values: Any) -> None:
    """Add ``e`` as a row of ``table``: each column not given takes the event's field of the
    same name (a day from its ISO text), the table's aggregate id the event's, ``day`` and
    ``position`` the event's two clocks."""
    aggregate = table.info["aggregate"]
    if aggregate and aggregate not in values:
        values[aggregate] = e.originator_id.hex
    for column in table.columns:
        if column.name in values:
            continue
        if column.name == "day":
            values["day"] = _day(e)
        elif column.name == "position":
            values["position"] = position
        else:
            value = getattr(e, column.name)
            is_day = isinstance(column.type, Date) and isinstance(value, str)
            values[column.name] = date.fromisoformat(value) if is_day else value
    p.add(table, **values)


def facts(*pairs: tuple[type, Table], where: str | None = None) -> None:
    """Events copied as they are, one row each; ``where="survey"``: the village is the
    survey's (its events do not carry it); ``where="activity"``: that too, and the row's
    ``activity`` is the event's version in the survey, the activity's number (ADR 034)."""
    for event_class, table in pairs:

        def handler(p: Page, e: Any, position: int, table: Table = table) -> None:
            extra: dict[str, Any] = {}
            if where in ("survey", "activity"):
                extra["village_code"] = p.village_of_survey(e)
            if where == "activity":
                extra["activity"] = e.originator_version
            fact(p, table, e, position, **extra)

        HANDLERS[event_class] = handler


# -- the survey and what it found --------------------------------------------------------------


@handles(VillageSurvey.Started)
def _started(p: Page, e: VillageSurvey.Started, position: int) -> None:
    p.survey_villages[e.originator_id.hex] = e.village_code
    fact(p, surveys, e, position)


facts(
    (VillageSurvey.FormRegistered, forms),
    (VillageSurvey.PeriodSet, periods),
    (VillageSurvey.ActivityWithdrawn, withdrawals),
    where="survey",
)
facts(
    (VillageSurvey.TablesRecorded, tables),
    (VillageSurvey.SymposiumHeld, symposiums),
    (VillageSurvey.InterviewHeld, interviews),
    where="activity",
)
facts(
    (Opinion.Collected, opinions),
    (Measure.StatusChanged, measure_statuses),
    (Measure.ProgressNoted, measure_notes),
    (VillagePlan.Approved, plan_approvals),
)


@handles(SurveyProblem.Found)
def _problem(p: Page, e: SurveyProblem.Found, position: int) -> None:
    fact(p, problems, e, position)
    for seq, oid in enumerate(e.opinion_ids):
        p.add(problem_opinions, problem_id=e.originator_id.hex, seq=seq, opinion_id=oid)


# -- the classes that cite the problems ----------------------------------------------------------


@handles(VillageProfile.Classified)
@handles(VillageProfile.Reclassified)
def _classified(p: Page, e: Any, position: int) -> None:
    village = getattr(e, "village_code", None)
    if village is None:
        p.flush()
        village = p.conn.execute(
            select(classes.c.village_code)
            .where(classes.c.profile_id == e.originator_id.hex)
            .limit(1)
        ).scalar_one()
    fact(p, classes, e, position, village_code=village)


@handles(VillageProfile.ProblemsCited)
def _cited(p: Page, e: VillageProfile.ProblemsCited, position: int) -> None:
    # Cited in the same command as the class it follows: the profile's latest class.
    p.flush()
    latest = p.conn.execute(
        select(func.max(classes.c.position)).where(classes.c.profile_id == e.originator_id.hex)
    ).scalar_one()
    for seq, pid in enumerate(e.problems):
        p.add(citations, class_position=latest, seq=seq, problem_id=pid)


# -- plans ----------------------------------------------------------------------------------------


def _revision(p: Page, e: Any, revision: int, by: str, position: int) -> None:
    pid = e.originator_id.hex
    fact(p, plan_revisions, e, position, revision=revision, drafted_by=by)
    for seq, item in enumerate(e.items):
        p.add(plan_items, plan_id=pid, revision=revision, seq=seq, **item)


@handles(VillagePlan.Drafted)
def _plan_drafted(p: Page, e: VillagePlan.Drafted, position: int) -> None:
    fact(p, plans, e, position)
    _revision(p, e, 1, e.drafted_by, position)


@handles(VillagePlan.Revised)
def _plan_revised(p: Page, e: VillagePlan.Revised, position: int) -> None:
    _revision(p, e, e.revision, e.revised_by, position)


# -- measures and responsibility letters ----------------------------------------------------------


@handles(Measure.Planned)
def _measure(p: Page, e: Measure.Planned, position: int) -> None:
    fact(p, measures, e, position, sources=",".join(e.sources))


@handles(ResponsibilityLetter.Signed)
def _letter(p: Page, e: ResponsibilityLetter.Signed, position: int) -> None:
    fact(p, letters, e, position, team_id=e.team_id.hex)
    for seq, t in enumerate(e.targets):
        p.add(
            letter_targets,
            letter_id=e.originator_id.hex,
            seq=seq,
            text=t["text"],
            plan_id=t["plan"],
            item_key=t["item"],
        )


# -- duties and the 六有 goals ------------------------------------------------------------------


@handles(SixHaveGoal.TargetSet)
def _goal_set(p: Page, e: SixHaveGoal.TargetSet, position: int) -> None:
    fact(p, goals, e, position)
    fact(p, goal_targets, e, position, revision=1)


facts(
    (SixHaveGoal.TargetRevised, goal_targets),
    (SixHaveGoal.EvidenceAdded, goal_evidence),
    (SixHaveGoal.StatusJudged, goal_statuses),
)
# -- four-source funding --------------------------------------------------------------------------

facts(
    (FundAccount.Opened, fund_accounts),
    (FundAccount.Allocated, fund_allocations),
    (FundAccount.Spent, fund_expenditures),
    (FundAccount.Reversed, fund_reversals),
)


def add_fund_totals(conn: Connection, page: Sequence[Any]) -> None:
    """Add the page's allocations, expenditures and reversals to each account's totals
    (``fund_totals``), once per page."""
    sums: dict[tuple[str, str], dict[str, Any]] = {}
    for logged in page:
        e = logged.event
        kind = type(e)
        if kind is FundAccount.Allocated:
            allocated, spent = e.amount_fen, 0
        elif kind is FundAccount.Spent:
            allocated, spent = 0, e.amount_fen
        elif kind is FundAccount.Reversed:
            undone = -e.amount_fen
            was_allocation = e.entry == EntryKind.ALLOCATION.value
            allocated, spent = (undone, 0) if was_allocation else (0, undone)
        else:
            continue
        day = _day(e)
        row = sums.setdefault(
            (e.village_code, e.source),
            {"allocated_fen": 0, "spent_fen": 0, "last_day": day, "last_position": 0},
        )
        row["allocated_fen"] += allocated
        row["spent_fen"] += spent
        row["last_day"] = max(row["last_day"], day)
        row["last_position"] = max(row["last_position"], logged.position)
    if not sums:
        return
    statement = upsert(conn, fund_totals)
    new, t = statement.excluded, fund_totals.c
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[t.village_code, t.source],
            set_={
                "allocated_fen": t.allocated_fen + new.allocated_fen,
                "spent_fen": t.spent_fen + new.spent_fen,
                "last_day": case((new.last_day > t.last_day, new.last_day), else_=t.last_day),
                "last_position": case(
                    (new.last_position > t.last_position, new.last_position),
                    else_=t.last_position,
                ),
            },
        ),
        [{"village_code": v, "source": s, **row} for (v, s), row in sorted(sums.items())],
    )
