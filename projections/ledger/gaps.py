"""Work gaps: the ledger's own blind spots, beside the network's (``projections/coverage/``),
with the same fields (``type``, ``unit``, ``subject``, ``since``, ``cause``) and the same two
clocks. They depend on the day itself (a measure is overdue from the day after its due date,
"the current year" is the day's year, a term lapses the day after it ends), so they are not
stored: each question computes them for its day, from the ledger, teams and network read
models, in one SQL statement for all the villages under a unit, whatever their number.

A gap on day D, for each type (subject; the first day it held):

* ``poor_village_without_survey``: no line of a poor village's survey is dated by D (the
  village; the day it was declared poor);
* ``poor_village_without_plan``: a poor village has no annual plan for D's year whose
  latest revision is approved (the village; the latest of 1 January, the day it was declared
  poor and the day an approved plan of the year was revised);
* ``poor_village_without_letter``: no responsibility letter of a poor village is in force on
  D (the village; the later of the day it was declared poor and the day after the last term
  that ended);
* ``overdue_measure``: a measure's due date is before D and it is neither done nor dropped
  (the measure; the day after its due date);
* ``lapsed_team_term``: the latest team a unit sent to a still-poor village has a term that
  ended before D, neither extended by D nor ended by ``end_team_term`` (the team; the later
  of the day after its term and the day the village was declared poor).

"Poor on D": the village's last declaration as poor or exit from poverty by D is a
declaration (``rm_poverty``); D's villages are those under the unit on D (the coverage
model's unit rows), both as known at the moment asked. docs/projections.md, section 6.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    CTE,
    BigInteger,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Integer,
    Select,
    String,
    Subquery,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    not_,
    null,
    or_,
    select,
    union_all,
)

from domain.ledger.findings import Opinion, SurveyProblem
from domain.ledger.letters import ResponsibilityLetter
from domain.ledger.measures import Measure, MeasureStatus
from domain.ledger.plans import PlanKind, VillagePlan
from domain.ledger.survey import VillageSurvey
from domain.teams import Team
from projections.coverage.facts import as_date
from projections.coverage.queries import when
from projections.coverage.tables import rows
from projections.ledger.queries import DATED, _uuid
from projections.ledger.tables import (
    letters,
    measure_statuses,
    measures,
    periods,
    plan_approvals,
    plan_revisions,
    plans,
    seen,
    surveys,
)
from projections.tables import poverty, units
from projections.teams.queries import known, on
from projections.teams.tables import teams, terms
from projections.teams.visit_queries import known_position

SURVEY, PLAN, LETTER = (
    "poor_village_without_survey",
    "poor_village_without_plan",
    "poor_village_without_letter",
)
OVERDUE, LAPSED = "overdue_measure", "lapsed_team_term"
WORK_GAPS = (SURVEY, PLAN, LETTER, OVERDUE, LAPSED)

# What began each gap (``cause.type``), ``cause.on`` being its day.
DECLARED_POOR = "declared_poor"  # the village was declared poor
YEAR_BEGAN = "year_began"  # 1 January of D's year, without an approved annual plan
PLAN_REVISED = "plan_revised"  # an approved plan of the year revised, not approved again
LETTER_ENDED = "letter_term_ended"  # the last day of the last letter's term
DUE_DATE_PASSED = "due_date_passed"  # the measure's due date
TERM_ENDED = "term_ended"  # the last day of the team's term
CAUSES = (DECLARED_POOR, YEAR_BEGAN, PLAN_REVISED, LETTER_ENDED, DUE_DATE_PASSED, TERM_ENDED)

# The events work gaps depend on, each from its own day on (projections/page_changes.py); a
# village declared poor or out of poverty changes every day's pages already.
CONSUMED = (
    VillageSurvey.Started,
    VillageSurvey.FormRegistered,
    VillageSurvey.PeriodSet,
    VillageSurvey.TablesRecorded,
    VillageSurvey.SymposiumHeld,
    VillageSurvey.InterviewHeld,
    Opinion.Collected,
    SurveyProblem.Found,
    VillagePlan.Drafted,
    VillagePlan.Revised,
    VillagePlan.Approved,
    Measure.Planned,
    Measure.StatusChanged,
    ResponsibilityLetter.Signed,
    Team.Dispatched,
    Team.TermExtended,
    Team.TermEnded,
)

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Clocks:
    as_of: date
    known_at: datetime | None  # naive UTC; None: everything recorded
    upto: int | None  # the last log position recorded by ``known_at``; None: the head


def clocks(conn: Connection, as_of: date, known_at: datetime | None) -> Clocks:
    return Clocks(as_of, known_at, known_position(conn, known_at))


def listed(
    conn: Connection, code: str, c: Clocks, kinds: tuple[str, ...] = WORK_GAPS
) -> list[dict[str, Any]]:
    """The work gaps under the unit ``code`` on the day, as known at the moment: one row
    each, shaped as the network's (``projections/coverage/queries.py``)."""
    if not kinds:
        return []
    statement = _statements(kinds, c.known_at is not None)[0]
    return [_row(r, c.as_of) for r in conn.execute(statement, _params(code, c))]


def counted(
    conn: Connection, code: str, c: Clocks, kinds: tuple[str, ...] = WORK_GAPS
) -> dict[str, dict[str, int]]:
    """Per village under ``code`` with any: the number of work gaps of each type."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    if not kinds:
        return out
    statement = _statements(kinds, c.known_at is not None)[1]
    for kind, unit, n in conn.execute(statement, _params(code, c)):
        out[unit][kind] = int(n)
    return out


def totals(conn: Connection, code: str, c: Clocks) -> dict[str, int]:
    """The number of work gaps of each type under ``code``: one row per type from the
    database, not one per village (at 10,000 villages, most of the time was handing them
    over)."""
    out = dict.fromkeys(WORK_GAPS, 0)
    for kind, n in conn.execute(
        _statements(WORK_GAPS, c.known_at is not None)[2], _params(code, c)
    ):
        out[kind] = int(n)
    return out


# -- one statement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bound:
    """The clocks as the statement's parameters (``_params``); ``known_at`` and ``upto``
    None for "everything recorded"."""

    code: Any
    as_of: Any
    year: Any
    known_at: Any | None
    upto: Any | None


def _params(code: str, c: Clocks) -> dict[str, Any]:
    return {
        "code": code,
        "as_of": c.as_of,
        "year": c.as_of.year,
        "known_at": c.known_at,
        "upto": c.upto,
    }


@lru_cache(maxsize=128)
def _statements(
    kinds: tuple[str, ...], known: bool
) -> tuple[Select[Any], Select[Any], Select[Any]]:
    """The list of the work gaps of ``kinds``, their counts per village and per type, with
    the unit and the clocks left as parameters: built once, since building an expression
    this size took longer than running it for a village (25 ms against 8)."""
    c = _Bound(
        bindparam("code", type_=String),
        bindparam("as_of", type_=Date),
        bindparam("year", type_=Integer),
        bindparam("known_at", type_=DateTime) if known else None,
        bindparam("upto", type_=BigInteger) if known else None,
    )
    found = _found(c, kinds)
    per_village = select(found.c.kind, found.c.unit, func.count()).group_by(
        found.c.kind, found.c.unit
    )
    per_kind = select(found.c.kind, func.count()).group_by(found.c.kind)
    return select(found), per_village, per_kind


def _found(c: _Bound, kinds: tuple[str, ...]) -> Any:
    """Every work gap of ``kinds`` as rows ``kind``, ``unit`` (the village), ``subject``,
    ``name``, ``poor_since`` and ``cause_on`` (the day of the thing that ended, if any)."""
    villages = _villages(c)
    poor = _poor(villages, c)
    parts = {
        SURVEY: lambda: _without_survey(poor, c),
        PLAN: lambda: _without_plan(poor, c),
        LETTER: lambda: _without_letter(poor, c),
        OVERDUE: lambda: _overdue(villages, c),
        LAPSED: lambda: _lapsed(poor, c),
    }
    return union_all(*(parts[k]() for k in WORK_GAPS if k in kinds)).subquery("work_gaps")


def _villages(c: _Bound) -> CTE:
    """The villages under ``code`` (itself, if a village) on the day as known at the moment,
    with their names then: the coverage model's unit rows, walked down from ``code``."""
    in_force = when(c.as_of, c.known_at)
    top = (
        select(rows.c.subject.label("code"), rows.c.kind, rows.c.name)
        .where(rows.c.subject == c.code, rows.c.kind.like("unit:%"), in_force)
        .cte("tree", recursive=True)
    )
    above = top.alias("above")
    tree = top.union_all(
        select(rows.c.subject, rows.c.kind, rows.c.name)
        .join(above, rows.c.parent == above.c.code)
        .where(rows.c.kind.like("unit:%"), in_force)
    )
    return select(tree.c.code, tree.c.name).where(tree.c.kind == "unit:village").cte("villages")


def _poor(villages: CTE, c: _Bound) -> CTE:
    """The villages poor on the day as known at the moment, with the day their poverty
    began: their latest declaration or exit by then (by day, then log order) is a
    declaration."""

    def known_by(t: Any) -> Any:
        if c.known_at is None:
            return t.c.occurred_on <= c.as_of
        return and_(t.c.occurred_on <= c.as_of, t.c.recorded_at <= c.known_at)

    return (
        select(villages.c.code, villages.c.name, poverty.c.occurred_on.label("poor_since"))
        .select_from(
            villages.join(units, units.c.code == villages.c.code).join(
                poverty, poverty.c.unit_id == units.c.id
            )
        )
        .where(
            known_by(poverty),
            poverty.c.exited.is_(False),
            _latest_of(poverty, "unit_id", ("occurred_on", "id"), known_by),
        )
        .cte("poor")
    )


def _latest_of(
    table: Any, key: str, order: tuple[str, str], seen_by: Callable[[Any], Any]
) -> ColumnElement[bool]:
    """The row of ``table`` is the latest of its ``key`` by ``order`` (a day, then the log's
    order) among the rows ``seen_by`` keeps. The same rows as a window ranking them
    (``_latest`` in projections/ledger/queries.py) keeps first, and a third to a half of its
    time here: a look-up per row instead of a sort of them all."""
    later = table.alias()
    day, then = order
    return ~exists().where(
        later.c[key] == table.c[key],
        seen_by(later),
        or_(
            later.c[day] > table.c[day],
            and_(later.c[day] == table.c[day], later.c[then] > table.c[then]),
        ),
    )


def _latest(table: Any, wanted: Select[Any], c: _Bound, name: str) -> Any:
    """Per plan among ``wanted``: its row of ``table`` latest by the day."""
    rows_of = table.alias(name)

    def seen_by(t: Any) -> Any:
        return seen(t, c.as_of, c.upto)

    return (
        select(rows_of.c.plan_id, rows_of.c.revision, rows_of.c.day)
        .where(
            rows_of.c.plan_id.in_(wanted),
            seen_by(rows_of),
            _latest_of(rows_of, "plan_id", ("day", "position"), seen_by),
        )
        .subquery(f"latest_{name}")
    )


def _kind(name: str) -> Any:
    return literal_column(f"'{name}'").label("kind")


def _village_gap(kind: str, poor: CTE, cause_on: ColumnElement[Any] | None = None) -> Select[Any]:
    """A gap of the village itself: subject and unit are the village."""
    return select(
        _kind(kind),
        poor.c.code.label("unit"),
        poor.c.code.label("subject"),
        poor.c.name,
        poor.c.poor_since,
        (cause_on if cause_on is not None else cast(null(), Date)).label("cause_on"),
    )


def _village_gap_without(kind: str, poor: CTE, present: Select[Any], last: Subquery) -> Select[Any]:
    """A gap of each poor village not among ``present``, caused on the day ``last`` gives the
    village (its columns ``village_code``, ``on``), if any."""
    return (
        _village_gap(kind, poor, last.c.on)
        .select_from(poor.outerjoin(last, last.c.village_code == poor.c.code))
        .where(poor.c.code.not_in(present))
    )


def _without_survey(poor: CTE, c: _Bound) -> Select[Any]:
    """Begun by the day: any line of the survey dated by then (the survey's own start is
    the first line recorded, which a later line may precede)."""
    begun = [
        exists().where(t.c.village_code == poor.c.code, seen(t, c.as_of, c.upto))
        for t in (surveys, periods, *DATED)
    ]
    return _village_gap(SURVEY, poor).where(not_(or_(*begun)))


def _without_plan(poor: CTE, c: _Bound) -> Select[Any]:
    """As the ledger says a plan is approved (``projections/ledger/queries.py``): its latest
    revision by the day is the one its latest approval by the day approved."""
    of_year = (
        select(plans.c.plan_id, plans.c.village_code)
        .where(
            plans.c.village_code.in_(select(poor.c.code)),
            plans.c.kind == PlanKind.ANNUAL.value,
            plans.c.year == c.year,
            seen(plans, c.as_of, c.upto),
        )
        .subquery("plans_of_year")
    )
    ids = select(of_year.c.plan_id)
    revision = _latest(plan_revisions, ids, c, "revisions")
    approval = _latest(plan_approvals, ids, c, "approvals")
    states = (
        select(
            of_year.c.village_code,
            revision.c.revision,
            revision.c.day.label("revised_on"),
            approval.c.revision.label("approved_revision"),
            approval.c.day.label("approved_on"),
        )
        .select_from(
            of_year.join(revision, revision.c.plan_id == of_year.c.plan_id).outerjoin(
                approval, approval.c.plan_id == of_year.c.plan_id
            )
        )
        .subquery("plan_states")
    )
    approved = select(states.c.village_code).where(states.c.approved_revision == states.c.revision)
    # An approved plan revised since: it stopped counting on the day of that revision.
    lapsed = (
        select(states.c.village_code, func.max(states.c.revised_on).label("on"))
        .where(
            states.c.approved_revision != states.c.revision,
            states.c.approved_on <= states.c.revised_on,
        )
        .group_by(states.c.village_code)
        .subquery("plans_lapsed")
    )
    return _village_gap_without(PLAN, poor, approved, lapsed)


def _without_letter(poor: CTE, c: _Bound) -> Select[Any]:
    mine = [letters.c.village_code.in_(select(poor.c.code)), seen(letters, c.as_of, c.upto)]
    in_force = select(letters.c.village_code).where(
        *mine, letters.c.term_starts_on <= c.as_of, letters.c.term_ends_on >= c.as_of
    )
    # The last day a letter was in force before the day: signed by then, its term over.
    ended = (
        select(letters.c.village_code, func.max(letters.c.term_ends_on).label("on"))
        .where(*mine, letters.c.term_ends_on < c.as_of, letters.c.day <= letters.c.term_ends_on)
        .group_by(letters.c.village_code)
        .subquery("letters_ended")
    )
    return _village_gap_without(LETTER, poor, in_force, ended)


def _overdue(villages: CTE, c: _Bound) -> Select[Any]:
    """Due before the day and not closed: its latest status change by the day (by day, then
    log position; none: planned) is neither done nor dropped, as the ledger says it
    (``overdue_on`` in projections/ledger/queries.py)."""
    change = measure_statuses.alias("closing")

    def seen_by(t: Any) -> Any:
        return seen(t, c.as_of, c.upto)

    closed = exists().where(
        change.c.measure_id == measures.c.measure_id,
        seen_by(change),
        change.c.status.in_((MeasureStatus.DONE.value, MeasureStatus.DROPPED.value)),
        _latest_of(change, "measure_id", ("day", "position"), seen_by),
    )
    return select(
        _kind(OVERDUE),
        measures.c.village_code.label("unit"),
        measures.c.measure_id.label("subject"),
        measures.c.title.label("name"),
        cast(null(), Date).label("poor_since"),
        measures.c.due_on.label("cause_on"),
    ).where(
        measures.c.village_code.in_(select(villages.c.code)),
        seen_by(measures),
        measures.c.due_on < c.as_of,
        ~closed,
    )


def _lapsed(poor: CTE, c: _Bound) -> Select[Any]:
    """不脱贫不脱钩: per unit and still-poor village, the unit's latest team there by the day;
    the term in force that day (as extended by then) ended before it, and no ``end_team_term``
    ended the team by then."""
    n = func.row_number().over(
        partition_by=(teams.c.village_code, teams.c.unit_code),
        order_by=(teams.c.dispatched_on.desc(), teams.c.team_id.desc()),
    )
    ranked = (
        select(teams.c.team_id, teams.c.name, teams.c.village_code, teams.c.ended_on, n.label("n"))
        .where(
            teams.c.village_code.in_(select(poor.c.code)),
            teams.c.dispatched_on <= c.as_of,
            known(teams, c.upto),
        )
        .subquery("ranked_teams")
    )
    latest = select(ranked).where(ranked.c.n == 1).subquery("latest_teams")
    term = (
        select(terms.c.team_id, terms.c.term_ends_on)
        .where(
            terms.c.team_id.in_(select(latest.c.team_id)),
            on(terms, c.as_of),
            known(terms, c.upto),
        )
        .subquery("terms_on")
    )
    return (
        select(
            _kind(LAPSED),
            poor.c.code.label("unit"),
            latest.c.team_id.label("subject"),
            latest.c.name,
            poor.c.poor_since,
            term.c.term_ends_on.label("cause_on"),
        )
        .select_from(
            latest.join(poor, poor.c.code == latest.c.village_code).join(
                term, term.c.team_id == latest.c.team_id
            )
        )
        .where(
            or_(latest.c.ended_on.is_(None), latest.c.ended_on > c.as_of),
            term.c.term_ends_on < c.as_of,
        )
    )


# -- one row --------------------------------------------------------------------------------


def _row(r: Any, as_of: date) -> dict[str, Any]:
    poor = as_date(r.poor_since) if r.poor_since is not None else None
    ended = as_date(r.cause_on) if r.cause_on is not None else None
    since, cause = _since(r.kind, poor, ended, as_of)
    by_id = r.kind in (OVERDUE, LAPSED)
    return {
        "type": r.kind,
        "unit": r.unit,
        "subject": {"id": _uuid(r.subject) if by_id else r.subject, "name": r.name},
        "since": since.isoformat(),
        "cause": {"type": cause[0], "on": cause[1].isoformat()},
    }


def _since(
    kind: str, poor: date | None, ended: date | None, as_of: date
) -> tuple[date, tuple[str, date]]:
    """The first day the gap held, and what began it then (its type and day). Where two
    things began it the same day, the one of the ledger is named."""
    if kind == OVERDUE:
        assert ended is not None
        return ended + DAY, (DUE_DATE_PASSED, ended)
    assert poor is not None
    starts = [(poor, (DECLARED_POOR, poor))]
    if kind == PLAN:
        year = date(as_of.year, 1, 1)
        starts.insert(0, (year, (YEAR_BEGAN, year)))
        if ended is not None:
            starts.append((ended, (PLAN_REVISED, ended)))
    elif kind in (LETTER, LAPSED) and ended is not None:
        starts.append((ended + DAY, (LETTER_ENDED if kind == LETTER else TERM_ENDED, ended)))
    day = max(s[0] for s in starts)
    return day, next(cause for start, cause in reversed(starts) if start == day)
