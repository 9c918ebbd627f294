"""The ``ledger`` read model: one small handler per event type, each adding rows
(``tables``); nothing is changed in place, so a rebuild equals what the increments built."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select

from domain.ledger.findings import Opinion, SurveyProblem
from domain.ledger.letters import ResponsibilityLetter
from domain.ledger.measures import Measure
from domain.ledger.plans import VillagePlan
from domain.ledger.survey import ParticipantCategory, VillageSurvey
from domain.villages import VillageProfile
from projections.ledger.tables import (
    citations,
    classes,
    forms,
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
)

NAME = "ledger"


class Page:
    """The rows of one page of the log, written table by table at the end of the page."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.survey_villages: dict[str, str] = {}  # survey id (hex) -> village, this page

    def add(self, table: Any, **values: Any) -> None:
        self.rows.setdefault(table.name, []).append(values)

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
    version = 4

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        rows = Page(conn)
        for logged in page:
            handler = HANDLERS.get(type(logged.event))
            if handler is not None:
                handler(rows, logged.event, logged.position)
        rows.flush()

    def reset(self) -> None:
        """Nothing is kept in memory between pages."""


def _day(e: Any) -> date:
    return date.fromisoformat(e.occurred_on)


# -- the survey --------------------------------------------------------------------------------


@handles(VillageSurvey.Started)
def _started(p: Page, e: VillageSurvey.Started, position: int) -> None:
    p.survey_villages[e.originator_id.hex] = e.village_code
    p.add(
        surveys,
        survey_id=e.originator_id.hex,
        village_code=e.village_code,
        day=_day(e),
        position=position,
    )


@handles(VillageSurvey.FormRegistered)
def _form(p: Page, e: VillageSurvey.FormRegistered, position: int) -> None:
    p.add(
        forms,
        village_code=p.village_of_survey(e),
        revision=e.revision,
        day=_day(e),
        position=position,
        committee_size=e.committee_size,
        secretary=e.secretary,
        assessment=e.assessment,
        collective_income_fen=e.collective_income_fen,
        collective_assets_fen=e.collective_assets_fen,
        collective_debts_fen=e.collective_debts_fen,
        per_capita_income_fen=e.per_capita_income_fen,
        main_problems=e.main_problems,
        actor_id=e.actor_id,
        reason=e.reason,
    )


@handles(VillageSurvey.PeriodSet)
def _period(p: Page, e: VillageSurvey.PeriodSet, position: int) -> None:
    p.add(
        periods,
        village_code=p.village_of_survey(e),
        first_day=date.fromisoformat(e.first_day),
        last_day=date.fromisoformat(e.last_day),
        day=_day(e),
        position=position,
    )


@handles(VillageSurvey.TablesRecorded)
def _tables(p: Page, e: VillageSurvey.TablesRecorded, position: int) -> None:
    p.add(
        tables,
        village_code=p.village_of_survey(e),
        kind=e.kind,
        handed_out=e.handed_out,
        returned=e.returned,
        day=_day(e),
        position=position,
    )


@handles(VillageSurvey.SymposiumHeld)
def _symposium(p: Page, e: VillageSurvey.SymposiumHeld, position: int) -> None:
    p.add(
        symposiums,
        village_code=p.village_of_survey(e),
        day=_day(e),
        position=position,
        collective_consultation=e.collective_consultation,
        topic=e.topic,
        **{c.value: getattr(e, c.value) for c in ParticipantCategory},
    )


@handles(VillageSurvey.InterviewHeld)
def _interview(p: Page, e: VillageSurvey.InterviewHeld, position: int) -> None:
    p.add(
        interviews,
        village_code=p.village_of_survey(e),
        day=_day(e),
        position=position,
        interviewee=e.interviewee,
        interviewee_category=e.interviewee_category,
        interviewer=e.interviewer,
        note=e.note,
    )


# -- what it found -----------------------------------------------------------------------------


@handles(Opinion.Collected)
def _opinion(p: Page, e: Opinion.Collected, position: int) -> None:
    p.add(
        opinions,
        opinion_id=e.originator_id.hex,
        village_code=e.village_code,
        day=_day(e),
        position=position,
        source=e.source,
        category=e.category,
        text=e.text,
    )


@handles(SurveyProblem.Found)
def _problem(p: Page, e: SurveyProblem.Found, position: int) -> None:
    pid = e.originator_id.hex
    p.add(
        problems,
        problem_id=pid,
        village_code=e.village_code,
        day=_day(e),
        position=position,
        description=e.description,
        root_cause=e.root_cause,
        root_cause_text=e.root_cause_text,
    )
    for seq, oid in enumerate(e.opinion_ids):
        p.add(problem_opinions, problem_id=pid, seq=seq, opinion_id=oid)


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
    p.add(
        classes,
        profile_id=e.originator_id.hex,
        village_code=village,
        day=_day(e),
        position=position,
        problem=e.problem,
    )


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


def _revision(p: Page, pid: str, e: Any, revision: int, by: str, position: int) -> None:
    p.add(
        plan_revisions,
        plan_id=pid,
        revision=revision,
        title=e.title,
        drafted_by=by,
        day=_day(e),
        position=position,
    )
    for seq, item in enumerate(e.items):
        p.add(
            plan_items,
            plan_id=pid,
            revision=revision,
            seq=seq,
            key=item["key"],
            text=item["text"],
            category=item["category"],
        )


@handles(VillagePlan.Drafted)
def _plan_drafted(p: Page, e: VillagePlan.Drafted, position: int) -> None:
    pid = e.originator_id.hex
    p.add(
        plans,
        plan_id=pid,
        village_code=e.village_code,
        kind=e.kind,
        year=e.year,
        day=_day(e),
        position=position,
    )
    _revision(p, pid, e, 1, e.drafted_by, position)


@handles(VillagePlan.Revised)
def _plan_revised(p: Page, e: VillagePlan.Revised, position: int) -> None:
    _revision(p, e.originator_id.hex, e, e.revision, e.revised_by, position)


@handles(VillagePlan.Approved)
def _plan_approved(p: Page, e: VillagePlan.Approved, position: int) -> None:
    p.add(
        plan_approvals,
        plan_id=e.originator_id.hex,
        revision=e.revision,
        approver=e.approver,
        approver_unit=e.approver_unit,
        day=_day(e),
        position=position,
    )


# -- measures -------------------------------------------------------------------------------------


@handles(Measure.Planned)
def _measure(p: Page, e: Measure.Planned, position: int) -> None:
    p.add(
        measures,
        measure_id=e.originator_id.hex,
        village_code=e.village_code,
        plan_id=e.plan_id,
        item_key=e.item_key,
        category=e.category,
        title=e.title,
        responsible=e.responsible,
        due_on=date.fromisoformat(e.due_on),
        budget_fen=e.budget_fen,
        sources=",".join(e.sources),
        day=_day(e),
        position=position,
    )


@handles(Measure.StatusChanged)
def _measure_status(p: Page, e: Measure.StatusChanged, position: int) -> None:
    p.add(
        measure_statuses,
        measure_id=e.originator_id.hex,
        status=e.status,
        because=e.because,
        day=_day(e),
        position=position,
    )


@handles(Measure.ProgressNoted)
def _measure_note(p: Page, e: Measure.ProgressNoted, position: int) -> None:
    p.add(
        measure_notes, measure_id=e.originator_id.hex, note=e.note, day=_day(e), position=position
    )


# -- responsibility letters -----------------------------------------------------------------------


@handles(ResponsibilityLetter.Signed)
def _letter(p: Page, e: ResponsibilityLetter.Signed, position: int) -> None:
    lid = e.originator_id.hex
    p.add(
        letters,
        letter_id=lid,
        village_code=e.village_code,
        unit_code=e.unit_code,
        team_id=e.team_id.hex,
        unit_signatory=e.unit_signatory,
        village_signatory=e.village_signatory,
        term_starts_on=date.fromisoformat(e.term_starts_on),
        term_ends_on=date.fromisoformat(e.term_ends_on),
        day=_day(e),
        position=position,
    )
    for seq, t in enumerate(e.targets):
        p.add(
            letter_targets,
            letter_id=lid,
            seq=seq,
            text=t["text"],
            plan_id=t["plan"],
            item_key=t["item"],
        )
