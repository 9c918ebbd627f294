"""How the demo plans the villages' work ledgers (工作台账): the survey of June 2014 in each of
the 72 poor villages, whose city totals are the seed's (``ledger_data.SEED``), the problems it
found and the classes that cite them, the plans, the assistance measures and the
responsibility letters, to mid-2017.

Each village's ledger is planned in steps (``STEPS``) over one ``VillageLedger``, which keeps
what later steps build on: the survey's window, its opinions and problems, the plans and their
items, the measures with their budgets, sources and days. A further part of the ledger (the
four-source funding of the measures, the 六有 goals and their evidence) is one more step
reading the same record.

The survey's household visits are the teams' own (``visit_household``): they go out with the
day's entries of the member who made them (``TeamPlan.survey_visits``), within the window the
township set for the village's survey, to households already registered.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from uuid import UUID

from app.commands import CommandLine
from app.demo import data
from app.demo import ledger_data as ld
from app.demo.team_days import LAST_DAY, CadrePlan, TeamPlan
from app.demo.teams import CITY_POVERTY, recorder
from app.demo.villages import Actor, History, Home, Planning, Session, day_between
from app.store.clock import CHINA_TZ
from domain.base import derived_id
from domain.cadres import DispatchLevel
from domain.ledger.findings import OpinionCategory, OpinionSource
from domain.ledger.measures import FundingSource, MeasureStatus
from domain.ledger.money import FEN_PER_YUAN, yuan_text
from domain.ledger.plans import MeasureCategory, PlanItem, PlanKind
from domain.ledger.survey import CommitteeAssessment, IntervieweeCategory, TableKind
from domain.villages import Problem

END = LAST_DAY  # the demo's last day: nothing of the ledger happens after it
MEASURES_BY = date(2014, 11, 28)  # every measure is planned by then: the seed's "310余项"
ANNUAL_YEARS = (2015, 2016, 2017)


# -- what a village's ledger holds, for the steps that follow ---------------------------------


@dataclass(eq=False)
class PlanDraft:
    id: UUID
    kind: PlanKind
    year: int
    title: str
    items: list[PlanItem]
    drafted_on: date
    approved_on: date | None = None  # the first approval; None: never approved
    approved_items: list[PlanItem] = field(default_factory=list)  # at the first approval


@dataclass(eq=False)
class MeasurePlan:
    id: UUID
    plan: PlanDraft
    item: PlanItem
    title: str
    responsible: str
    planned_on: date
    due_on: date
    budget_fen: int
    sources: tuple[FundingSource, ...]
    status: MeasureStatus = MeasureStatus.PLANNED  # when the demo ends
    started_on: date | None = None
    closed_on: date | None = None  # done or dropped

    def plan_line(self, by: Actor, village: str) -> CommandLine:
        """The ``plan_measure`` line that enters this measure, by ``by``."""
        return by.line(
            "plan_measure",
            self.planned_on,
            ld.MEASURE_WHY["plan"],
            village=village,
            plan=str(self.plan.id),
            item=self.item.key,
            title=self.title,
            responsible=self.responsible,
            due_on=self.due_on.isoformat(),
            budget=yuan_text(self.budget_fen),
            sources=[s.value for s in self.sources],
            id=str(self.id),
        )


@dataclass(eq=False)
class Opinion:
    id: UUID
    category: OpinionCategory
    source: OpinionSource
    on: date
    problem: ld.ProblemText | None = None  # the problem it pointed to


@dataclass(eq=False)
class VillageLedger:
    team: TeamPlan
    rng: random.Random
    first_day: date = date.min  # the survey's window
    last_day: date = date.min
    consultation_on: date = date.min  # the collective consultation: problems are found there
    opinions: list[Opinion] = field(default_factory=list)
    problems: list[UUID] = field(default_factory=list)
    problem_texts: list[ld.ProblemText] = field(default_factory=list)
    plans: list[PlanDraft] = field(default_factory=list)
    measures: list[MeasurePlan] = field(default_factory=list)
    letter: UUID | None = None

    @property
    def code(self) -> str:
        return self.team.village.code

    @property
    def key(self) -> str:
        """The survey's sessions are recorded in the order of their days."""
        return f"ledger:{self.code}"

    @property
    def leader(self) -> Actor:
        return next(m.actor for m in self.team.members if m.leader)

    def serving(self, day: date) -> list[CadrePlan]:
        return [m for m in self.team.members if m.joined <= day < (m.left or date.max)]

    def member(self, day: date) -> Actor:
        """Who enters the day's record: a member, or the township once the team has gone."""
        if day > self.team.last_day:
            return self.team.village.officer
        return self.rng.choice(self.serving(day)).actor

    def plan(self, kind: PlanKind, year: int) -> PlanDraft | None:
        return next((p for p in self.plans if p.kind is kind and p.year == year), None)

    def new_id(self, kind: str, n: int) -> UUID:
        return derived_id(f"demo-{kind}", f"{self.team.village.seed}:{self.code}:{n}")


@dataclass
class Counts:
    """The city's totals of the seed, shared out over the villages."""

    tables: list[int]
    symposiums: list[int]
    visited: list[int]
    interviews: list[int]
    opinions: list[int]
    problems: list[int]
    measures: list[int]
    revised_forms: set[int]
    no_plan_2017: set[int]  # never drafted
    pending_2017: set[int]  # drafted, not approved when the demo ends


@dataclass
class LedgerPlanner:
    seed: int
    history: History
    admins: dict[str, Actor]
    officers: dict[str, Actor]
    villages: list[VillageLedger]
    extra: int = 0  # events beyond one per line

    def add(
        self,
        lv: VillageLedger,
        on: date,
        lines: list[CommandLine],
        after: Iterable[object] = (),
    ) -> None:
        self.history.add(lv.rng, on, lines, after=after)


VillageStep = Callable[[LedgerPlanner, VillageLedger, Counts, int], None]
Step = Callable[[LedgerPlanner, Counts], None]


def _each(step: VillageStep) -> Step:
    """A step taken in each village in turn (``n``: the village's place in ``Counts``)."""

    def run(p: LedgerPlanner, counts: Counts) -> None:
        for n, lv in enumerate(p.villages):
            step(p, lv, counts, n)

    return run


def plan_ledger(
    plan: Planning,
    teams: list[TeamPlan],
    steps: Sequence[Step] = (),
    keep: list[VillageLedger] | None = None,
) -> int:
    """Plan the 72 villages' ledgers; return the events expected beyond one per line.
    ``steps``: further steps after ``STEPS`` (the funding, the 六有 goals); ``keep`` gains the
    villages' ledgers, for the later rounds (``app/demo/rounds.py``)."""
    villages = [
        VillageLedger(t, random.Random(f"{plan.seed}:ledger:{t.village.code}")) for t in teams
    ]
    if keep is not None:
        keep += villages
    planner = LedgerPlanner(plan.seed, plan.history, plan.admins, plan.officers, villages)
    for lv in villages:
        _window(lv)
    counts = _counts(random.Random(f"{plan.seed}:ledger"), villages)
    for step in (*STEPS, *steps):
        step(planner, counts)
    return planner.extra


def _counts(rng: random.Random, villages: list[VillageLedger]) -> Counts:
    def total(name: str) -> int:
        figure = ld.SEED[name]
        return figure.number + (rng.randint(1, ld.ABOVE[name]) if figure.more_than else 0)

    weights = [len(_surveyed(lv)) for lv in villages]
    even = [rng.uniform(0.7, 1.3) for _ in villages]
    two = set(rng.sample(range(len(villages)), ld.TWO_PROBLEMS))
    late = rng.sample(range(len(villages)), ld.ANNUAL_PLANS_MISSING + ld.ANNUAL_PLANS_PENDING)
    return Counts(
        tables=shares(total("tables_and_questionnaires"), weights, 30),
        symposiums=shares(total("symposiums"), even, 1),
        visited=shares(total("households_visited"), weights, 40),
        interviews=shares(total("interviews"), weights, 10),
        opinions=shares(total("opinions"), weights, 25),
        problems=[2 if n in two else 1 for n in range(len(villages))],
        measures=shares(total("measures"), even, 3),
        revised_forms=set(rng.sample(range(len(villages)), ld.FORM_REVISED_VILLAGES)),
        no_plan_2017=set(late[: ld.ANNUAL_PLANS_MISSING]),
        pending_2017=set(late[ld.ANNUAL_PLANS_MISSING :]),
    )


def shares(total: int, weights: Sequence[float], least: int = 0) -> list[int]:
    """``total`` shared out in proportion to ``weights`` (largest remainders first), each
    share at least ``least``."""
    rest = total - least * len(weights)
    assert rest >= 0, (total, least)
    exact = [rest * w / sum(weights) for w in weights]
    out = [int(x) for x in exact]
    for i in sorted(range(len(weights)), key=lambda i: out[i] - exact[i])[: rest - sum(out)]:
        out[i] += 1
    return [least + n for n in out]


def _surveyed(lv: VillageLedger) -> list[Home]:
    return [h for h in lv.team.village.homes if h.since == 2014]


def fill_text(rng: random.Random, template: str, groups: int = 4) -> str:
    return template.format(
        group=f"{data.CHINESE_ORDINALS[rng.randrange(groups)]}组",
        few=rng.randint(2, 5),
        n=rng.randint(5, 40),
        homes=rng.randint(30, 150),
        people=rng.randint(10, 30) * 10,
        mu=rng.randint(5, 30) * 10,
        km=rng.randint(2, 12),
        m=rng.randint(2, 8) * 100,
        w=rng.randint(2, 8),
        crop=rng.choice(ld.CROPS),
    )


# -- the survey (摸底排查) ---------------------------------------------------------------------


def _survey(p: LedgerPlanner, lv: VillageLedger, counts: Counts, n: int) -> None:
    """The township sets the window; the team hands out tables, holds symposiums (the last
    one the collective consultation), interviews, visits and collects opinions; the
    consultation finds the problems; the leader fills in the form."""
    rng, v = lv.rng, lv.team.village
    days: dict[date, list[CommandLine]] = {}

    def on(day: date, line: CommandLine) -> None:
        days.setdefault(day, []).append(line)

    officer = v.officer
    p.add(
        lv,
        lv.first_day,
        [
            officer.line(
                "set_survey_period",
                lv.first_day,
                ld.WHY["period"],
                village=lv.code,
                first_day=lv.first_day.isoformat(),
                last_day=lv.last_day.isoformat(),
            )
        ],
        after=[lv.key],
    )
    p.extra += 1  # the survey starts with it
    window = [lv.first_day + timedelta(days=i) for i in range((lv.last_day - lv.first_day).days)]
    for line in _tables(lv, counts.tables[n], window):
        on(line.occurred_on, line)
    symposiums = _symposiums(lv, counts.symposiums[n], window)
    for line in symposiums:
        on(line.occurred_on, line)
    interviews = _interviews(lv, counts.interviews[n], window)
    for line in interviews:
        on(line.occurred_on, line)
    visit_days = _visits(p, lv, counts.visited[n], window)
    for line in _opinions(lv, counts, n, symposiums, interviews, visit_days, window):
        on(line.occurred_on, line)
    for line in _problems(lv):
        on(line.occurred_on, line)
    on(lv.last_day, _form(lv, lv.last_day, revision=False))
    for day in sorted(days):
        lines = days[day]
        # Opinions first: a problem cites them by id.
        lines.sort(key=lambda ln: ln.command == "record_survey_problem")
        cited = [x for ln in lines for x in ln.args.get("opinions", [])]
        p.add(lv, day, lines, after=[lv.key, *cited])
    if n in counts.revised_forms:
        day = lv.last_day + timedelta(days=rng.randint(10, 25))
        p.add(lv, day, [_form(lv, day, revision=True)], after=[lv.key])


def _window(lv: VillageLedger) -> None:
    """From the first household registered to a few days after the last; the consultation
    near the end."""
    rng = lv.rng
    registered = [h.registered_on for h in _surveyed(lv)]
    lv.first_day = min(registered)
    lv.last_day = max(
        max(registered) + timedelta(days=rng.randint(3, 6)),
        lv.first_day + timedelta(days=rng.randint(15, 18)),
    )
    lv.consultation_on = lv.last_day - timedelta(days=rng.randint(1, 3))


def _tables(lv: VillageLedger, total: int, window: list[date]) -> list[CommandLine]:
    """Statistics tables to the committees and groups first, then questionnaires house by
    house in two or three batches, each counted when it came back."""
    rng = lv.rng
    tables = round(total * rng.uniform(0.15, 0.25))
    batches = rng.choice((2, 3))
    out: list[CommandLine] = []
    parts = [(TableKind.STATISTICS_TABLE, tables, window[rng.randint(3, 6)])]
    for size, i in zip(shares(total - tables, [1] * batches), range(batches), strict=True):
        back = window[min(len(window) - 1, (i + 1) * len(window) // (batches + 1) + 2)]
        parts.append((TableKind.QUESTIONNAIRE, size, back))
    for kind, handed_out, day in parts:
        returned = handed_out - round(handed_out * rng.uniform(0.01, 0.08))
        out.append(
            lv.member(day).line(
                "record_survey_tables",
                day,
                ld.WHY[kind.value],
                village=lv.code,
                kind=kind.value,
                handed_out=handed_out,
                returned=returned,
            )
        )
    return out


def _symposiums(lv: VillageLedger, count: int, window: list[date]) -> list[CommandLine]:
    rng = lv.rng
    earlier = sorted(rng.sample(window[2 : window.index(lv.consultation_on)], count - 1))
    out = []
    for day in [*earlier, lv.consultation_on]:
        consultation = day == lv.consultation_on
        out.append(
            lv.member(day).line(
                "hold_symposium",
                day,
                ld.WHY["consultation" if consultation else "symposium"],
                village=lv.code,
                township_leaders=rng.randint(1, 3) if consultation else rng.choice((0, 0, 1)),
                committee_members=rng.randint(4, 7),
                party_members=rng.randint(6, 22),
                villager_representatives=rng.randint(8, 30),
                collective_consultation=consultation,
                topic=ld.CONSULTATION_TOPIC if consultation else rng.choice(ld.SYMPOSIUM_TOPICS),
            )
        )
    return out


def _interviews(lv: VillageLedger, count: int, window: list[date]) -> list[CommandLine]:
    rng, v = lv.rng, lv.team.village
    categories = list(ld.INTERVIEWS)
    weights = [ld.INTERVIEWS[c][0] for c in categories]
    heads = [h.head for h in _surveyed(lv)]
    out = []
    for _ in range(count):
        day = rng.choice(window[1:])
        category = rng.choices(categories, weights)[0]
        if category is IntervieweeCategory.PARTY_MEMBER:
            who = rng.choice(v.members).name
        elif category is IntervieweeCategory.COMMITTEE_MEMBER and rng.random() < 0.3:
            assert v.secretary is not None
            who = v.secretary.name
        elif category in (IntervieweeCategory.COMMITTEE_MEMBER, IntervieweeCategory.OTHER):
            who = data.person(rng, v.surnames, rng.random() < 0.75)
        else:
            who = rng.choice(heads)
        out.append(
            lv.member(day).line(
                "hold_interview",
                day,
                ld.WHY["interview"],
                village=lv.code,
                interviewee=who,
                interviewee_category=category.value,
                interviewer=lv.member(day).name,
                note=rng.choice(ld.INTERVIEWS[category][1]),
            )
        )
    return out


def _visits(p: LedgerPlanner, lv: VillageLedger, target: int, window: list[date]) -> list[date]:
    """``target`` households visited by the members in the village on the window's days, a
    group a day mostly, each once registered; a few visited twice. A visit goes out with the
    day's entries when the household's registration is on record by then, else with that
    registration when it is entered, days later. Returns the days visits were made."""
    rng, t = lv.rng, lv.team
    ids = {m.id: str(m.id) for m in t.members}
    pairs = [
        (day, m)
        for day in window
        if day > t.dispatched_on
        for m in t.members
        if m.days.get(day) == "in"
    ]
    homes = _surveyed(lv)
    visited: set[Home] = set()
    late: dict[datetime, list[CommandLine]] = {}

    def visit(day: date, m: CadrePlan, h: Home) -> None:
        args = {"cadre": ids[m.id], "household": str(h.id), "note": rng.choice(ld.VISIT_NOTES)}
        line = CommandLine(
            "visit_household", args, m.actor.name, m.actor.role, day, ld.WHY["visit"]
        )
        visited.add(h)
        assert h.entered_at is not None
        if h.entered_at < datetime.combine(day, clock_time(20), CHINA_TZ):
            t.survey_visits.setdefault(day, []).append(line)
        else:
            late.setdefault(h.entered_at, []).append(line)

    days: set[date] = set()
    for i, (day, m) in enumerate(pairs):
        ready = [h for h in homes if h.registered_on <= day]
        fresh = [h for h in ready if h not in visited]
        need, left = target - len(visited), len(pairs) - i
        k = max(0, min(len(fresh), need, round(need / left + rng.uniform(-1, 1))))
        here = rng.choice(fresh).group if fresh else 0
        fresh.sort(key=lambda h: (h.group != here, rng.random()))
        chosen = fresh[:k]
        seen = [h for h in ready if h in visited]
        if seen and rng.random() < 0.08:
            chosen.append(rng.choice(seen))  # back to a household seen before
        for h in chosen:
            visit(day, m, h)
        days.update([day] if chosen else [])
    for day, m in reversed(pairs):  # the last days catch up on what is left
        fresh = [h for h in homes if h.registered_on <= day and h not in visited]
        for h in fresh[: max(0, target - len(visited))]:
            visit(day, m, h)
            days.add(day)
    assert len(visited) == target, (lv.code, len(visited), target)
    for entered, lines in late.items():
        moment = entered + timedelta(minutes=rng.randint(10, 90))
        on = max(ln.occurred_on for ln in lines)
        p.history.sessions.append(Session(on, lines, moment, frozenset()))
    return sorted(days)


def _opinions(
    lv: VillageLedger,
    counts: Counts,
    n: int,
    symposiums: list[CommandLine],
    interviews: list[CommandLine],
    visit_days: list[date],
    window: list[date],
) -> list[CommandLine]:
    """Opinions collected at symposiums, interviews, visits and from the questionnaires; the
    problems the consultation will find are among what people said."""
    rng, t = lv.rng, lv.team
    main = _main_problem(rng, t)
    found = [main]
    if counts.problems[n] == 2:
        found.append(rng.choice([q for q in ld.SECOND_PROBLEMS if q.cause is not main.cause]))
    lv.problem_texts = found
    before = [d for d in window if d < lv.consultation_on]
    days = {
        OpinionSource.SYMPOSIUM: [s.occurred_on for s in symposiums],
        OpinionSource.INTERVIEW: sorted({i.occurred_on for i in interviews}),
        OpinionSource.HOUSEHOLD_VISIT: visit_days or before,
        OpinionSource.QUESTIONNAIRE: before[len(before) // 3 :],
    }
    sources = list(ld.OPINION_SOURCES)
    weights = list(ld.OPINION_SOURCES.values())
    categories, category_weights = _opinion_weights(t.problem)
    # What pointed to the problems, heard before the consultation.
    needed = [(ld.CAUSE_OPINIONS[q.cause], text, q) for q in found for text in q.heard]
    out = []
    for k in range(counts.opinions[n]):
        source = rng.choices(sources, weights)[0]
        pool = days[source]
        if k < len(needed):
            category, template, problem = needed[k]
            pool = [d for d in pool if d < lv.consultation_on]
            if not pool:
                source, pool = OpinionSource.QUESTIONNAIRE, days[OpinionSource.QUESTIONNAIRE]
        else:
            category = rng.choices(categories, category_weights)[0]
            template, problem = rng.choice(ld.OPINIONS[category]), None
        day = rng.choice(pool)
        oid = lv.new_id("opinion", k)
        lv.opinions.append(Opinion(oid, category, source, day, problem))
        out.append(
            lv.member(day).line(
                "collect_opinion",
                day,
                ld.WHY["opinion"],
                village=lv.code,
                text=fill_text(rng, template, len(t.village.groups)),
                source=source.value,
                category=category.value,
                id=str(oid),
            )
        )
    return out


def _opinion_weights(problem: Problem) -> tuple[list[OpinionCategory], list[int]]:
    """What people spoke of: the governance villages of their committees most."""
    c = OpinionCategory
    categories = [c.COMMITTEES, c.CONDITIONS, c.COLLECTIVE_ECONOMY, c.INCOME, c.OTHER]
    if problem is Problem.LAGGING_DEVELOPMENT:
        return categories, [10, 35, 20, 25, 10]
    return categories, [35, 25, 10, 15, 15]


def _main_problem(rng: random.Random, t: TeamPlan) -> ld.ProblemText:
    if t.problem is Problem.LAGGING_DEVELOPMENT:
        fits = [q for word, q in ld.LAGGING if word in t.finding]
        return rng.choice(fits or [q for _, q in ld.LAGGING])
    return rng.choice(ld.MAIN_PROBLEMS[t.problem.value])


def _problems(lv: VillageLedger) -> list[CommandLine]:
    day = lv.consultation_on
    out = []
    for k, q in enumerate(lv.problem_texts):
        heard = [o.id for o in lv.opinions if o.problem is q]
        pid = lv.new_id("problem", k)
        lv.problems.append(pid)
        out.append(
            lv.leader.line(
                "record_survey_problem",
                day,
                ld.WHY["problem"],
                village=lv.code,
                description=q.description,
                root_cause=q.cause.value,
                root_cause_text=q.cause_text,
                opinions=[str(o) for o in heard],
                id=str(pid),
            )
        )
    return out


def _form(lv: VillageLedger, day: date, revision: bool) -> CommandLine:
    """The brief registration form; a revision corrects the collective's figures."""
    rng, t = lv.rng, lv.team
    governance = t.problem is not Problem.LAGGING_DEVELOPMENT
    if t.problem is Problem.WEAK_COMMITTEES:
        assessment = CommitteeAssessment.WEAK_AND_LAX
    elif governance:
        assessment = rng.choice((CommitteeAssessment.WEAK_AND_LAX, CommitteeAssessment.AVERAGE))
    else:
        assessment = rng.choice((CommitteeAssessment.AVERAGE,) * 3 + (CommitteeAssessment.STRONG,))
    hollow = any(q.cause.value == "weak_collective_economy" for q in lv.problem_texts)
    income = 0 if hollow and rng.random() < 0.7 else rng.randint(0, 60) * 500
    secretary = t.village.secretary
    assert secretary is not None
    return lv.leader.line(
        "register_village_form",
        day,
        ld.WHY["form_revised" if revision else "form"],
        village=lv.code,
        committee_size=rng.randint(5, 7),
        secretary=secretary.name,
        assessment=assessment.value,
        collective_income=_yuan(income),
        collective_assets=_yuan(rng.randint(80, 1200) * 1000),
        collective_debts=_yuan(0 if rng.random() < 0.35 else rng.randint(20, 450) * 1000),
        per_capita_income=_yuan(rng.randint(430, 760) * 10),
        main_problems="；".join(q.description for q in lv.problem_texts),
    )


def _yuan(whole: int) -> str:
    return yuan_text(whole * FEN_PER_YUAN)


def _classes(p: LedgerPlanner, counts: Counts) -> None:
    """The poverty office confirms each village's class on the survey, citing its problems,
    county by county once the county's surveys are done."""
    by_county: dict[str, list[VillageLedger]] = {}
    for lv in p.villages:
        by_county.setdefault(lv.team.village.county, []).append(lv)
    rng = random.Random(f"{p.seed}:ledger:classes")
    for here in by_county.values():
        day = max(lv.last_day for lv in here) + timedelta(days=rng.randint(2, 6))
        lines = [
            CITY_POVERTY.line(
                "classify_village",
                day,
                ld.WHY["classify"],
                village=lv.code,
                problem=lv.team.problem.value,
                finding=lv.team.finding,
                problems=[str(x) for x in lv.problems],
            )
            for lv in here
        ]
        p.history.add(rng, day, lines, after=[x for lv in here for x in (lv.key, *lv.problems)])
        p.extra += len(lines)  # each class and the problems it cites


# -- plans (帮扶规划) ------------------------------------------------------------------------


def plan_items(
    rng: random.Random, lv: VillageLedger, texts: dict[MeasureCategory, tuple[str, ...]], most: int
) -> list[PlanItem]:
    """Items of every category, a second one of what the village's class calls for first."""
    first = (
        (MeasureCategory.COMMITTEES,)
        if lv.team.problem is not Problem.LAGGING_DEVELOPMENT
        else (MeasureCategory.CONDITIONS, MeasureCategory.COLLECTIVE_ECONOMY)
    )
    out = []
    groups = len(lv.team.village.groups)
    for category in MeasureCategory:
        count = 2 if category in first and rng.random() < 0.8 else 1
        for k, text in enumerate(rng.sample(texts[category], min(count, most))):
            key = f"{ld.ITEM_KEYS[category]}{k + 1}"
            out.append(PlanItem(key, fill_text(rng, text, groups), category))
    return out


def _plans(p: LedgerPlanner, lv: VillageLedger, counts: Counts, n: int) -> None:
    """July 2014: the three-year goal and the year's plan, drafted by the team and approved by
    the township or the county; each winter, next year's plan. A few goals are revised."""
    rng = lv.rng
    drafted = lv.last_day + timedelta(days=rng.randint(8, 20))
    three = _draft(lv, PlanKind.THREE_YEAR, 2014, drafted, plan_items(rng, lv, ld.GOALS, 2))
    year = _draft(lv, PlanKind.ANNUAL, 2014, drafted, plan_items(rng, lv, ld.YEAR_FOCUS, 1))
    p.add(lv, drafted, [_draft_line(lv, three), _draft_line(lv, year)])
    approved = drafted + timedelta(days=rng.randint(6, 18))
    if rng.random() < 0.15:  # the township asks for changes first
        day = drafted + timedelta(days=rng.randint(2, 5))
        p.add(lv, day, [_revise_line(lv, three, day, ld.PLAN_WHY["revise"])], after=[three.id])
    _approve(p, lv, [three, year], approved)
    if rng.random() < 0.1:  # a project changed a year on
        day = day_between(rng, date(2015, 5, 4), date(2015, 9, 25))
        p.add(
            lv, day, [_revise_line(lv, three, day, ld.PLAN_WHY["revise_later"])], after=[three.id]
        )
        _approve(p, lv, [three], day + timedelta(days=rng.randint(5, 20)), first=False)
    for y in ANNUAL_YEARS:
        if y == 2017 and n in counts.no_plan_2017:
            continue
        drafted = day_between(rng, date(y - 1, 12, 8), date(y, 1, 18))
        plan = _draft(lv, PlanKind.ANNUAL, y, drafted, plan_items(rng, lv, ld.YEAR_FOCUS, 1))
        p.add(lv, drafted, [_draft_line(lv, plan)])
        if y == 2017 and n in counts.pending_2017:
            continue
        _approve(p, lv, [plan], drafted + timedelta(days=rng.randint(7, 30)))


def _draft(
    lv: VillageLedger, kind: PlanKind, year: int, on: date, items: list[PlanItem]
) -> PlanDraft:
    name = data.village_name_on(lv.team.village.name, on)
    title = (
        ld.THREE_YEAR_TITLE.format(village=name)
        if kind is PlanKind.THREE_YEAR
        else ld.ANNUAL_TITLE.format(village=name, year=year)
    )
    plan = PlanDraft(lv.new_id("plan", len(lv.plans)), kind, year, title, items, on)
    lv.plans.append(plan)
    return plan


def _draft_line(lv: VillageLedger, plan: PlanDraft) -> CommandLine:
    leader = lv.leader
    return leader.line(
        "draft_plan",
        plan.drafted_on,
        ld.PLAN_WHY["draft"],
        village=lv.code,
        kind=plan.kind.value,
        year=plan.year,
        title=plan.title,
        drafted_by=leader.name,
        items=[i.as_event() for i in plan.items],
        id=str(plan.id),
    )


def _revise_line(lv: VillageLedger, plan: PlanDraft, day: date, why: str) -> CommandLine:
    """Another member revises it: one more item, of what the village needs most."""
    rng = lv.rng
    category = rng.choice(list(MeasureCategory))
    prefix = ld.ITEM_KEYS[category]
    key = f"{prefix}{sum(1 for i in plan.items if i.key.startswith(prefix)) + 1}"
    text = fill_text(rng, rng.choice(ld.GOALS[category]), len(lv.team.village.groups))
    plan.items = [*plan.items, PlanItem(key, text, category)]
    plan.title = ld.REVISED_TITLE.format(title=plan.title.removesuffix("（修订）"))
    others = [m.actor for m in lv.serving(day) if not m.leader]
    who = rng.choice(others) if others else lv.leader
    return who.line(
        "revise_plan",
        day,
        why,
        plan=str(plan.id),
        title=plan.title,
        revised_by=who.name,
        items=[i.as_event() for i in plan.items],
    )


def _approve(
    p: LedgerPlanner, lv: VillageLedger, plans: list[PlanDraft], day: date, first: bool = True
) -> None:
    """By the township's officer, or the county's for a few: never one who drafted it."""
    v = lv.team.village
    county = lv.rng.random() < 0.3
    who = p.admins[v.county] if county else p.officers[v.code[:9]]
    unit = v.county if county else v.code[:9]
    why = ld.PLAN_WHY["approve_county" if county else "approve_township"]
    lines = [
        who.line("approve_plan", day, why, plan=str(x.id), approver=who.name, approver_unit=unit)
        for x in plans
    ]
    p.add(lv, day, lines, after=[x.id for x in plans])
    if first:
        for x in plans:
            x.approved_on, x.approved_items = day, list(x.items)


# -- measures (帮扶措施) ---------------------------------------------------------------------


def _measures(p: LedgerPlanner, lv: VillageLedger, counts: Counts, n: int) -> None:
    """Planned in the autumn of 2014 for items of the approved three-year goal and year plan,
    due over the three years; most are done by their due date, a few run late or are
    dropped."""
    rng = lv.rng
    three = lv.plan(PlanKind.THREE_YEAR, 2014)
    year = lv.plan(PlanKind.ANNUAL, 2014)
    assert three is not None and year is not None
    by_day: dict[date, list[CommandLine]] = {}
    for k in range(counts.measures[n]):
        plan = year if k % 4 == 3 else three
        assert plan.approved_on is not None
        item = rng.choice(plan.approved_items)
        planned = min(MEASURES_BY, plan.approved_on + timedelta(days=rng.randint(3, 45)))
        planned = max(planned, plan.approved_on)
        if plan is year:
            due = date(2014, 12, 31)
        elif rng.random() < 0.06:
            due = rng.choice((date(2017, 9, 30), date(2017, 12, 31)))
        else:
            due = min(
                END - timedelta(days=rng.randint(0, 60)),
                planned + timedelta(days=rng.randint(150, 1000)),
            )
        texts = ld.MEASURES[item.category]
        text = rng.choice([x for x in texts if x.fits and x.fits in item.text] or texts)
        least, most = text.budget
        budget = rng.randint(least // 100, most // 100) * 100 if most else 0
        secretary = lv.team.village.secretary
        assert secretary is not None
        if item.category is MeasureCategory.COMMITTEES:
            responsible = lv.leader.name
        elif item.category is MeasureCategory.COLLECTIVE_ECONOMY and rng.random() < 0.5:
            responsible = secretary.name  # the village's party secretary answers for it
        else:
            responsible = rng.choice([m.actor.name for m in lv.serving(planned)])
        m = MeasurePlan(
            lv.new_id("measure", k),
            plan,
            item,
            fill_text(rng, text.title, len(lv.team.village.groups)),
            responsible,
            planned,
            due,
            budget * FEN_PER_YUAN,
            text.sources if budget else (),
        )
        lv.measures.append(m)
        by_day.setdefault(planned, []).append(m.plan_line(lv.leader, lv.code))
    for day, lines in sorted(by_day.items()):
        plans = {ln.args["plan"] for ln in lines}
        p.add(lv, day, lines, after=plans)
    for m in lv.measures:
        _measure_life(p, lv, m)


def _measure_life(p: LedgerPlanner, lv: VillageLedger, m: MeasurePlan) -> None:
    rng = lv.rng
    span = max(1, (m.due_on - m.planned_on).days)
    fate = rng.random()
    start = m.planned_on + timedelta(days=rng.randint(2, max(3, min(60, span // 3))))
    steps: list[tuple[date, str, dict[str, str]]] = []  # day, command, args

    def status(day: date, to: MeasureStatus, because: str) -> None:
        steps.append((day, "set_measure_status", {"status": to.value, "because": because}))
        m.status = to
        if to is MeasureStatus.UNDER_WAY:
            m.started_on = day
        else:
            m.closed_on = day

    def notes(first: date, last: date, texts: Sequence[str]) -> None:
        if first < last:
            days = sorted(day_between(rng, first, last) for _ in texts)
            steps.extend(
                (d, "note_measure_progress", {"note": x}) for d, x in zip(days, texts, strict=True)
            )

    if fate < 0.02 and m.due_on < END:  # never started: overdue
        pass
    elif fate < 0.06:  # dropped, started or not
        if rng.random() < 0.5:
            status(start, MeasureStatus.UNDER_WAY, ld.MEASURE_WHY["start"])
        dropped = min(END, start + timedelta(days=rng.randint(20, 200)))
        status(dropped, MeasureStatus.DROPPED, rng.choice(ld.DROP_REASONS))
    else:
        status(start, MeasureStatus.UNDER_WAY, ld.MEASURE_WHY["start"])
        late = fate < 0.13 and m.due_on < END - timedelta(days=30)
        if late:  # still under way past its due date: overdue
            notes(
                start + timedelta(days=1),
                min(END, m.due_on + timedelta(days=20)),
                [ld.PROGRESS[m.item.category][0], rng.choice(ld.DELAYS)],
            )
        else:
            done = m.due_on - timedelta(days=rng.randint(0, min(60, span // 2)))
            if rng.random() < 0.15:
                done = m.due_on + timedelta(days=rng.randint(3, 30))  # a little late
            done = max(done, start + timedelta(days=5))
            count = rng.randint(1, 3)
            progress = ld.PROGRESS[m.item.category]
            picked = sorted(rng.sample(range(len(progress)), count))
            notes(
                start + timedelta(days=1),
                min(END, done - timedelta(days=1)),
                [progress[i] for i in picked],
            )
            if done <= END:
                status(done, MeasureStatus.DONE, ld.MEASURE_WHY["done"])
    for day, command, args in sorted(steps, key=lambda s: (s[0], s[1] != "note_measure_progress")):
        why = args.get("because") or ld.MEASURE_WHY["progress"]
        line = lv.member(day).line(command, day, why, measure=str(m.id), **args)
        p.add(lv, day, [line], after=[m.id])


# -- responsibility letters (工作目标责任书) --------------------------------------------------


def letter_line(
    who: Actor,
    lv: VillageLedger,
    team: TeamPlan,
    term: tuple[date, date],
    why: str,
    targets: list[dict[str, str]],
    letter_id: UUID,
    rng: random.Random,
) -> CommandLine:
    """The line by which ``team``'s unit and ``lv``'s village sign a responsibility letter
    for ``term`` (its first and last day); ``rng`` draws the unit's signatory."""
    secretary = lv.team.village.secretary
    assert secretary is not None
    return who.line(
        "sign_responsibility_letter",
        term[0],
        why,
        unit=team.unit.code,
        village=lv.code,
        team=str(team.id),
        unit_signatory=data.person(rng, data.ANYONE, rng.random() < 0.8),
        village_signatory=secretary.name,
        term_starts_on=term[0].isoformat(),
        term_ends_on=term[1].isoformat(),
        targets=targets,
        id=str(letter_id),
    )


def _letters(p: LedgerPlanner, lv: VillageLedger, counts: Counts, n: int) -> None:
    """The 64 city and county units sign with their villages once the three-year goal is
    approved; the province's eight do not (the seed's 64 letters)."""
    t, rng = lv.team, lv.rng
    three = lv.plan(PlanKind.THREE_YEAR, 2014)
    if t.unit.level is DispatchLevel.PROVINCE or three is None or three.approved_on is None:
        return
    day = three.approved_on + timedelta(days=rng.randint(1, 15))
    items = three.approved_items
    targets = rng.sample(items, min(len(items), rng.randint(2, 4)))
    lv.letter = lv.new_id("letter", 0)
    words = [
        {"text": ld.TARGET_TEXT.format(goal=i.text), "plan": str(three.id), "item": i.key}
        for i in sorted(targets, key=lambda i: i.key)
    ]
    term = (day, t.term_ends_on)
    who = recorder(t, p.admins)
    line = letter_line(who, lv, t, term, ld.LETTER_WHY, words, lv.letter, rng)
    p.add(lv, day, [line], after=[three.id])


# The steps of the ledgers, in order: the funding of the measures and the 六有 goals come after.
STEPS: tuple[Step, ...] = (
    _each(_survey),
    _classes,
    _each(_plans),
    _each(_measures),
    _each(_letters),
)
