"""How the demo assesses its teams (考核), 2014–2017: the rule set, 述职评议, spot checks,
half-year checks and annual assessments of the city, and the decisions on them.

Planned with the rest of the history (``plan_assessments``, pure, from the seed):

* the city's rule set ``benxi-2014-assessment`` (``rules/assessment/``), version 1 adopted by
  the organisation department in June 2014, in force from 1 June; version 2 (the 不脱贫不脱钩
  extension rule, once three years are served) by the poverty office in January 2016, and
  version 3 (the extension proposed by the last run before a term ends) in January 2017, in
  force for the 2016 annual assessment on;
* 述职评议 each January for the year before: each team's written report to its dispatching
  unit, the organisation department and the poverty office (a small generated document,
  stored by its SHA-256 like the 六有 evidence), and the village meeting's votes — attendance
  and votes plausible, satisfaction mostly high, low for the teams whose members were not
  regularly resident that year (as the plan's days say), middling for two more teams a year;
* a few spot checks a year by the inspectors of the two counties' poverty offices, each of a
  team of their own county but never of their own unit's, some finding a member away;
* one back-dated entry: the check-ins of one team's members for twelve days of November 2015
  did not reach the log when made (the village office's connection was down); they are
  entered in February 2016, after the 2015 annual assessment, each with the reason. The run
  replays to its digest; ``zhucun assess replay RUN --known-now`` shows the team's grade
  rising and names those check-ins.

Done while loading (``DemoAssessments``, hooked into ``app/demo/load.py``), because a run reads
the read models as they stand at its moment: the log written so far is committed, the read
models caught up, and the run recorded on the demo's clock at its moment, by the city's
organisation department, for the city (210500), with the rules in force; then published, and
every run's proposals decided. Annual runs: every criticism of a team not regularly resident
accepted, the commendations (the run applied the quota) and their priority postings
accepted, of the other criticisms one amended and one rejected, each with its reason, the
rest accepted. Half-year checks: all accepted but the first priority posting (put off to the
annual assessment) and the first criticism of targets not done (the funds came late), each
rejected with its reason.

The 2017 extensions (不脱贫不脱钩: a dispatching unit whose village is not out of poverty
after three years keeps its assistance). Version 2 proposes an extension from the last run
before a team's term ends, while it still runs: the team's term ending within six months of
the period's last day, three years served by then, the village still poor. The teams came in
late May 2014, so the annual assessment of 2016, recorded in January 2017, proposes it; the
poverty office decides in February, before the terms run out: for each still-poor village,
amended to 31 December 2018 (the rule's one year, to the year's end, so that each unit's next
team is sent on 1 January 2019, ``rounds.py``), and rejected for the villages already on their
way out of poverty (they exit by April, and their teams go home at the term's end). Each
still-poor village's team is extended once, by that decision citing the run. The half-year
check of 2017H1 proposes none: the terms, as extended, no longer end within six months.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from uuid import UUID

from app.bootstrap import BatchRefused, Zhucun
from app.commands import CommandLine
from app.demo.team_days import CadrePlan, TeamPlan
from app.demo.teams import CITY_ORG, CITY_POVERTY, EXTENDED_TO
from app.demo.villages import Actor, History, Planning, Session
from app.store.clock import CHINA_TZ
from app.store.files import sha256_of
from app.store.uow import UnitOfWork
from domain.assessments.decisions import proposals
from domain.assessments.periods import Period, RunKind
from domain.assessments.runs import AssessmentRun
from domain.base import Meta, derived_id
from domain.cadres import Rank

CITY = "210500"
RULES = Path(__file__).resolve().parents[2] / "rules" / "assessment"
MIN_DAYS = 20  # the rule set's min_days_in_village_per_month

# The county inspectors: two of each county's poverty office (扶贫开发办公室).
INSPECTING_COUNTIES = ("210521", "210522")
SPOT_CHECKS_PER_YEAR = 6

# The back-dated entry (see the module's docstring).
LATE_MONTH = (2015, 11)
LATE_DAYS = range(10, 22)
LATE_ENTERED = date(2016, 2, 22)
LATE_WHY = "补录：2015年11月中旬村部网络中断，驻村签到未能上传；经乡镇党委核实考勤记录后补录"
# For seed 2014 the team is named (by its village): one just excellent in 2015 with no absence
# found, graded good without those twelve days (other seeds: a team drawn from the seed).
LATE_VILLAGE = {2014: "210522203201"}


@dataclass(frozen=True)
class RunPlan:
    kind: RunKind
    period: str
    run_on: date
    publish_on: date
    decide_on: date | None  # when its proposals are decided

    @property
    def run_id(self) -> UUID:
        return derived_id("demo-assessment-run", f"{self.kind.value}:{self.period}")


RUNS = (
    RunPlan(RunKind.HALF_YEAR, "2014H2", date(2015, 1, 9), date(2015, 1, 14), date(2015, 1, 21)),
    RunPlan(RunKind.ANNUAL, "2014", date(2015, 2, 3), date(2015, 2, 6), date(2015, 2, 13)),
    RunPlan(RunKind.HALF_YEAR, "2015H1", date(2015, 7, 14), date(2015, 7, 17), date(2015, 7, 24)),
    RunPlan(RunKind.ANNUAL, "2015", date(2016, 1, 26), date(2016, 1, 29), date(2016, 2, 3)),
    RunPlan(RunKind.HALF_YEAR, "2016H1", date(2016, 7, 13), date(2016, 7, 18), date(2016, 7, 25)),
    RunPlan(RunKind.ANNUAL, "2016", date(2017, 1, 18), date(2017, 1, 20), date(2017, 2, 10)),
    RunPlan(RunKind.HALF_YEAR, "2017H1", date(2017, 7, 12), date(2017, 7, 14), date(2017, 7, 20)),
)
EVALUATED_YEARS = (2014, 2015, 2016)
# Version 2 (the extension once three years are served) is adopted in January 2016; version 3
# (the extension proposed by the last run before a term ends: version 2's came after the
# three-year terms had ended) before the 2016 annual assessment, in force for it.
V2_ADOPTED = date(2016, 1, 12)
V3_ADOPTED = date(2017, 1, 10)
FIRST_TERMS_END = date(2017, 6, 1)  # the first teams' three years end in late May 2017
ANNUAL_DECISIONS = 90  # about how many proposals an annual run of the demo has
HALF_YEAR_DECISIONS = 82  # and a half-year check (no 述职评议: fewer criticisms)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A recording moment: ``hour:minute`` in Beijing on ``day``."""
    return datetime.combine(day, clock_time(hour, minute), CHINA_TZ).astimezone(UTC)


def rules_document(version: int) -> dict[str, Any]:
    text = (RULES / f"benxi-2014-assessment.v{version}.json").read_text(encoding="utf-8")
    content: dict[str, Any] = json.loads(text)
    return content


# -- the plan -----------------------------------------------------------------------------------


def plan_assessments(plan: Planning, teams: list[TeamPlan]) -> int:
    """Plan the rule sets, 述职评议, spot checks and the late check-ins; return the events
    expected beyond one per command: each absence a spot check finds, each team's year of
    述职评议 opened by its first report, and those of the runs
    done while loading — each run and its publication, each accepted extension (the decision
    and the team's new term) and, estimated, the decisions on the annual runs (they follow
    the runs' results: about 90 each)."""
    seed, history = plan.seed, plan.history
    rng = random.Random(f"{seed}:assessments")
    first = [t for t in teams if t.dispatched_on < date(2015, 1, 1)]
    _rule_sets(rng, history)
    for year in EVALUATED_YEARS:
        _evaluations(rng, history, first, plan.officers, year)
    extra = _spot_checks(seed, rng, history, first, plan.admins, plan.new_person)
    _late_check_ins(seed, history, first)
    still_poor = sum(1 for t in first if not t.exits)
    started = len(first) * len(EVALUATED_YEARS)  # a team's year starts with its report
    half_years = sum(1 for p in RUNS if p.kind is RunKind.HALF_YEAR)
    runs = (
        2 * len(RUNS)
        + 2 * still_poor
        + ANNUAL_DECISIONS * len(EVALUATED_YEARS)
        + HALF_YEAR_DECISIONS * half_years
    )
    return extra + started + runs + sum(_assessed(teams, p) for p in RUNS)


def _assessed(teams: list[TeamPlan], p: RunPlan) -> int:
    """The teams a run assesses (one event each beside the run's): those serving in its
    period."""
    period = Period.parse(p.kind, p.period)
    return sum(
        1 for t in teams if t.dispatched_on <= period.last_day and t.last_day >= period.first_day
    )


def _rule_sets(rng: random.Random, history: History) -> None:
    on = date(2014, 6, 20)
    why = "市委组织部、市扶贫办联合印发《本溪市驻村工作队考核办法》，自2014年6月1日起施行"
    line = CITY_ORG.line(
        "adopt_assessment_rules", on, why, rules=rules_document(1), effective_from="2014-06-01"
    )
    history.add(rng, on, [line])
    on = V2_ADOPTED
    why = "修订考核办法：驻村满三年、所驻村仍未脱贫的，提出延长帮扶期建议（不脱贫不脱钩）"
    line = CITY_POVERTY.line(
        "adopt_assessment_rules", on, why, rules=rules_document(2), effective_from="2016-01-01"
    )
    # Draws of its own: the revision joined the history later, and moves none of the rest.
    history.add(random.Random(f"rules:{V2_ADOPTED}"), on, [line])
    on = V3_ADOPTED
    why = (
        "再次修订考核办法：三年驻村期将满、所驻村仍未脱贫的，由期满前最后一次考核提出延长帮扶期"
        "建议，以便期满前作出决定，自2016年度考核起施行"
    )
    line = CITY_POVERTY.line(
        "adopt_assessment_rules", on, why, rules=rules_document(3), effective_from="2016-07-01"
    )
    history.add(rng, on, [line])


def _serving(m: CadrePlan, t: TeamPlan, day: date) -> bool:
    return max(m.joined, t.dispatched_on) <= day and (m.left is None or day < m.left)


def months_short(t: TeamPlan, m: CadrePlan, year: int) -> int:
    """The member's months of ``year`` with fewer days in the village than the rule asks
    (the part of a month served owes its part of the days, rounded up), as the plan has it."""
    short = 0
    last = min(m.left - timedelta(days=1) if m.left else t.last_day, t.last_day)
    for month in range(1, 13):
        start = date(year, month, 1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        days = [
            start + timedelta(days=i)
            for i in range((end - start).days + 1)
            if max(m.joined, t.dispatched_on) <= start + timedelta(days=i) <= last
        ]
        if not days:
            continue
        required = math.ceil(MIN_DAYS * len(days) / ((end - start).days + 1))
        if sum(1 for d in days if m.days.get(d) == "in") < required:
            short += 1
    return short


def not_regularly_resident(t: TeamPlan, year: int) -> bool:
    """A member of the team short of the days in two months or more of ``year``."""
    return any(months_short(t, m, year) >= 2 for m in t.members)


def _evaluations(
    rng: random.Random,
    history: History,
    teams: list[TeamPlan],
    officers: dict[str, Actor],
    year: int,
) -> None:
    """January: each team's written report to the three bodies, then the village meeting."""
    low = {t.id for t in teams if not_regularly_resident(t, year)}
    middling = {t.id for t in rng.sample([t for t in teams if t.id not in low], 2)}
    for t in teams:
        leader = next(
            (m for m in t.members if m.leader and _serving(m, t, date(year + 1, 1, 5))), None
        )
        leader = leader or next(m for m in t.members if _serving(m, t, date(year + 1, 1, 5)))
        name = t.village.name
        title = f"{name}驻村工作队{year}年度述职报告"
        body = (
            f"{title}\n\n派出单位：{t.unit.name}\n队长：{leader.actor.name}\n"
            f"一、驻村基本情况\n二、{year}年工作任务完成情况\n三、存在问题和下步打算\n"
        ).encode()
        sha = sha256_of(body)
        history.files[sha] = body
        sent = date(year + 1, 1, rng.randint(4, 9))
        report = leader.actor.line(
            "submit_written_report",
            sent,
            "按照考核办法，向派出单位、市委组织部和市扶贫办报送书面述职报告",
            team=str(t.id),
            year=year,
            bodies=["dispatching_unit", "organisation_department", "poverty_office"],
            title=title,
            document_sha256=sha,
        )
        history.add(rng, sent, [report])
        met = sent + timedelta(days=rng.randint(2, 8))
        attendance = rng.randint(28, 64)
        cast = attendance - rng.choice((0, 0, 0, 1, 2))
        if t.id in low:
            share = rng.uniform(0.30, 0.50)
        elif t.id in middling:
            share = rng.uniform(0.48, 0.58)
        else:
            share = rng.uniform(0.86, 1.0)
        pleased = round(cast * share)
        satisfied = round(
            pleased * (rng.uniform(0.35, 0.6) if share < 0.6 else rng.uniform(0.7, 0.9))
        )
        votes = {
            "satisfied": satisfied,
            "basically_satisfied": pleased - satisfied,
            "dissatisfied": cast - pleased,
        }
        officer = officers[t.village.code[:9]]
        meeting = officer.line(
            "record_evaluation",
            met,
            f"{name}党员和村民代表大会听取工作队当场述职并投票评议",
            team=str(t.id),
            year=year,
            attendance=attendance,
            votes=votes,
        )
        history.add(rng, met, [meeting], after=[report.args["document_sha256"]])


def _spot_checks(
    seed: int,
    rng: random.Random,
    history: History,
    teams: list[TeamPlan],
    admins: dict[str, Actor],
    new_person: Callable[[str], Actor],
) -> int:
    """A few unannounced visits a year by two inspectors of a county's poverty office, to
    teams of their county not sent by their office; every other one finds a member away on a
    day the plan has him neither in the village nor on leave."""
    found = {
        (str(ln.args["cadre"]), ln.occurred_on)
        for s in history.sessions
        for ln in s.lines
        if ln.command == "record_absence"
    }
    extra = 0
    for county in INSPECTING_COUNTIES:
        office = f"{county}-POVERTY"
        inspectors = []
        for i in range(2):
            who = new_person("inspector")
            cid = derived_id("demo-inspector", f"{seed}:{county}:{i}")
            inspectors.append((cid, who))
        on = date(2014, 7, 21)
        history.add(
            rng,
            on,
            [
                admins[county].line(
                    "register_cadre",
                    on,
                    "县扶贫办抽调督查人员，负责驻村工作队不定期抽查",
                    name=who.name,
                    unit=office,
                    rank=Rank.SECTION.value,
                    party_member=True,
                    young=False,
                    reserve=False,
                    id=str(cid),
                )
                for cid, who in inspectors
            ],
        )
        here = [t for t in teams if t.village.county == county and t.unit.code != office]
        for year in EVALUATED_YEARS:
            first = date(2014, 8, 18) if year == 2014 else date(year, 1, 5)
            span = (date(year, 12, 20) - first).days
            for n in range(SPOT_CHECKS_PER_YEAR // len(INSPECTING_COUNTIES)):
                want_absent = n % 2 == 0
                for _ in range(200):
                    t = rng.choice(here)
                    day = first + timedelta(days=rng.randrange(span))
                    if day.weekday() >= 5 or day.day < 4:
                        continue
                    on_team = [m for m in t.members if _serving(m, t, day)]
                    present = [m for m in on_team if m.days.get(day) == "in"]
                    absent = [
                        m
                        for m in on_team
                        if m.days.get(day) == "away"
                        and (str(m.id), day) not in found
                        and any(
                            m.days.get(day - timedelta(days=k)) == "in" for k in range(3, day.day)
                        )
                    ]
                    if not present or bool(absent) != want_absent:
                        continue
                    absent = absent[:1]
                    break
                else:
                    continue
                extra += len(absent)
                findings = (
                    f"{absent[0].actor.name}不在村，未请假；已责成派出单位督促整改"
                    if absent
                    else "工作队成员均在村，驻村日志、走访记录齐全"
                )
                inspector_ids = [str(cid) for cid, _ in inspectors]
                line = Actor(inspectors[0][1].name, "inspector").line(
                    "record_spot_check",
                    day,
                    "县扶贫办不定期抽查驻村工作队在岗情况",
                    team=str(t.id),
                    inspectors=inspector_ids,
                    present=[str(m.id) for m in present],
                    absent=[str(m.id) for m in absent],
                    findings=findings,
                    id=str(derived_id("demo-spot-check", f"{seed}:{t.id}:{day}")),
                )
                history.add(rng, day, [line], entered=day + timedelta(days=3))
    return extra


def late_team(seed: int, teams: list[TeamPlan]) -> TeamPlan:
    """The team whose November 2015 check-ins are entered late."""
    named = LATE_VILLAGE.get(seed)
    if named:
        return next(t for t in teams if t.village.code == named)
    fit = sorted(
        (
            t
            for t in teams
            if all(m.left is None for m in t.members) and not not_regularly_resident(t, 2015)
        ),
        key=lambda t: t.village.code,
    )
    return fit[seed % len(fit)]


def _late_check_ins(seed: int, history: History, teams: list[TeamPlan]) -> None:
    t = late_team(seed, teams)
    year, month = LATE_MONTH
    days = {date(year, month, d) for d in LATE_DAYS}
    ids = {str(m.id) for m in t.members}
    held: list[CommandLine] = []
    for s in history.sessions:
        if s.on.year != year or not month <= s.on.month <= month + 1:
            continue
        kept = []
        for ln in s.lines:
            if ln.command == "check_in" and ln.args["cadre"] in ids and ln.occurred_on in days:
                held.append(replace(ln, reason=LATE_WHY))
            else:
                kept.append(ln)
        s.lines[:] = kept
    held.sort(key=lambda ln: (ln.occurred_on, ln.args["cadre"]))
    when = at(LATE_ENTERED, 10, 20)
    history.sessions.append(Session(LATE_ENTERED, held, when, frozenset({str(t.id)})))


# -- while loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """Something done at a moment while loading: a run (which needs the log so far written
    and read), its publication, or the decisions on it."""

    moment: datetime
    what: str  # "run", "publish", "decide"
    plan: RunPlan

    @property
    def needs_read_models(self) -> bool:
        return self.what == "run"


class DemoAssessments:
    """The runs, publications and decisions, in recording order, done at their moments."""

    def __init__(self, exiting: frozenset[str] = frozenset()) -> None:
        # The villages that leave poverty before the first teams' terms end (the plan's exits):
        # their extensions, proposed while they were still poor, are rejected.
        self.exiting = exiting
        steps = []
        for p in RUNS:
            steps.append(Step(at(p.run_on, 10), "run", p))
            steps.append(Step(at(p.publish_on, 15), "publish", p))
            if p.decide_on is not None:
                steps.append(Step(at(p.decide_on, 10, 30), "decide", p))
        self.steps = sorted(steps, key=lambda s: s.moment)
        self.done = 0

    def due(self, moment: datetime) -> Iterator[Step]:
        """The steps to take before the lines recorded at ``moment``."""
        while self.done < len(self.steps) and self.steps[self.done].moment < moment:
            self.done += 1
            yield self.steps[self.done - 1]

    def run(self, z: Zhucun, uow: UnitOfWork, step: Step) -> int:
        """Record the step's run on ``z`` (its clock at the step's moment, its read models
        caught up); the events written (the run commits on its own)."""
        p = step.plan
        reason = f"市委组织部{p.kind.zh}（{p.period}）"
        meta = Meta(CITY_ORG.name, CITY_ORG.role, p.run_on, reason, z.clock.now())
        done = z.assessments.run(p.kind, p.period, CITY, None, meta, p.run_id)
        # The demo's unit of work knows only what it made: give it the run to publish.
        uow.add(z.store.load(p.run_id))
        return 1 + int(done["summary"]["teams"])  # the run's event and one per team

    def send(self, z: Zhucun, uow: UnitOfWork, step: Step) -> int:
        """Publish the step's run or decide its proposals, into ``uow``; the lines sent."""
        p = step.plan
        if step.what == "publish":
            lines = [
                CITY_ORG.line(
                    "publish_assessment_run",
                    p.publish_on,
                    f"经市委组织部部务会审定，公布{p.period}{p.kind.zh}结果",
                    run=str(p.run_id),
                )
            ]
        else:
            run = uow.find(AssessmentRun, p.run_id)
            assert run is not None and p.decide_on is not None
            lines = decisions(p, run.result, p.decide_on, self.exiting)
        _send(z, uow, lines)
        return len(lines)


def _send(z: Zhucun, uow: UnitOfWork, lines: list[CommandLine]) -> None:
    try:
        z.run_in(uow, enumerate(lines, 1))
    except BatchRefused as e:
        line = lines[e.line_no - 1]
        raise RuntimeError(f"the demo plan broke a rule: {line}: {e.error}") from e


AMEND_WHY = {
    "targets_not_met": "经复核，该队评议满意率偏低主要源于村民对道路硬化项目未按期完工的意见，"
    "批评理由改为目标任务未完成",
    "poorly_rated": "经复核，该队项目滞后系村民对选址意见不一所致，问题在于群众工作不够深入，"
    "批评理由改为群众评议满意率低",
}
REJECT_WHY = (
    "经核实，评议会议正值农忙，到会党员和村民代表不足三分之二，评议结果不作为通报批评的依据"
)
OTHER_REASON = {"poorly_rated": "targets_not_met", "targets_not_met": "poorly_rated"}


EXTENDED_WHY = (
    "三年驻村期将满，所驻村尚未脱贫，按照不脱贫不脱钩的要求延长帮扶期；"
    "为与2019年新一轮选派衔接，延至2018年12月31日"
)
EXITING_WHY = "所驻村已通过县级初验、正在履行贫困村退出程序，驻村期满按期撤回，不再延长"
HALF_YEAR_REJECT_WHY = {
    "priority_posting": "该同志半年考核表现突出，优先使用或提拔待年度考核后一并研究",
    "targets_not_met": "经核实，项目滞后系上级专项资金未按期拨付所致，不属工作队责任，不予通报批评",
}


def decisions(
    p: RunPlan, result: dict[str, Any], on: date, exiting: frozenset[str] = frozenset()
) -> list[CommandLine]:
    """The decisions on a published run's proposals (see the module's docstring)."""
    out: list[CommandLine] = []
    items = proposals(result)

    def decide(who: Actor, item: dict[str, Any], outcome: str, why: str = "", **amend: Any) -> None:
        args: dict[str, Any] = {
            "run": str(p.run_id),
            "proposal": item["proposal"],
            "outcome": outcome,
        }
        if amend:
            args["amend"] = amend
        if why:
            args["why"] = why
        reason = {
            "accepted": "市委组织部部务会研究，同意考核建议",
            "amended": "市委组织部部务会研究，修改考核建议",
            "rejected": "市委组织部部务会研究，不同意考核建议",
        }[outcome]
        out.append(who.line("decide_assessment_proposal", on, reason, **args))

    for item in items:  # 不脱贫不脱钩: the poverty office decides the extensions
        if item["kind"] != "extension":
            continue
        if item["village"] in exiting:
            decide(CITY_POVERTY, item, "rejected", EXITING_WHY)
        else:
            decide(CITY_POVERTY, item, "amended", EXTENDED_WHY, until=EXTENDED_TO.isoformat())
    if p.kind is RunKind.HALF_YEAR:
        # Most accepted; a priority posting and a criticism of targets put off or rejected.
        firsts = {
            kind: next((i for i in items if kind in (i["kind"], i.get("reason"))), None)
            for kind in HALF_YEAR_REJECT_WHY
        }
        for item in items:
            if item["kind"] == "extension":
                continue
            if any(item is first for first in firsts.values()):
                key = item["kind"] if item["kind"] == "priority_posting" else item["reason"]
                decide(CITY_ORG, item, "rejected", HALF_YEAR_REJECT_WHY[key])
            else:
                decide(CITY_ORG, item, "accepted")
        return out
    others = [
        i for i in items if i["kind"] == "criticism" and i["reason"] != "not_regularly_resident"
    ]
    held = {(i["team_id"], i["reason"]) for i in others}
    amendable = [i for i in others if (i["team_id"], OTHER_REASON[i["reason"]]) not in held]
    amended = amendable[0] if amendable else None
    rejected = next((i for i in others if i is not amended), None)
    for item in items:
        if item is amended:
            new = OTHER_REASON[item["reason"]]
            decide(CITY_ORG, item, "amended", AMEND_WHY[new], reason=new)
        elif item is rejected:
            decide(CITY_ORG, item, "rejected", REJECT_WHY)
        elif item["kind"] != "extension":
            decide(CITY_ORG, item, "accepted")
    return out
