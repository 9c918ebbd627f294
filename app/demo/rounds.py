"""How the demo carries the programme on from the 2018 extension to the day it is loaded.

As it really went: the units that stayed send a new team each round, from the same unit to
the same village, the outgoing team handing over to its successor the day before (a few
members stay on, the others are new cadres of the unit): a round from 2019 through the end of
脱贫攻坚, then rural-revitalisation rounds from mid-2021 and mid-2024 (and every three years
after, as long as "today" is later). Most villages leave poverty in 2018–2020; a handful stay
on the list, and two villages are newly declared poor a few weeks before today.

Each round renews the responsibility letter; each village has an annual plan for every year,
drafted in December and approved by the township. The measures of 2014 still open in mid-2017
are finished or dropped by late 2018; a few villages still poor plan new measures this year.

To keep the demo loadable, the daily records (check-ins, diaries, visits, leave) of the later
rounds are planned only for the last ``LIFE_DAYS`` days before today: the rounds between carry
teams, terms, letters and plans only.

A few work gaps stay open today on purpose (``projections/ledger/gaps.py``): the villages
newly declared poor have no survey, plan or letter yet; one village still poor whose unit sent
no team after the 2021 round (its term lapsed), so it has no plan or letter either; one whose
plan for the year awaits approval; and a few of this year's measures past their due date.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.commands import CommandLine
from app.demo import data
from app.demo import ledger_data as ld
from app.demo.ledger import (
    END,
    MeasurePlan,
    PlanDraft,
    VillageLedger,
    fill_text,
    letter_line,
    plan_items,
)
from app.demo.team_days import (
    CadrePlan,
    TeamPlan,
    add_now,
    plan_days,
    plan_leave,
    plan_life,
)
from app.demo.teams import (
    CITY_POVERTY,
    EXTENDED_TO,
    draw_rank,
    join_lines,
    recorder,
    register_line,
)
from app.demo.villages import Actor, History, Planning, VillagePlan, day_between
from domain.base import derived_id
from domain.cadres import DispatchLevel
from domain.ledger.measures import MeasureStatus
from domain.ledger.money import FEN_PER_YUAN
from domain.ledger.plans import PlanKind

FIRST_ROUNDS = (date(2019, 1, 1), date(2021, 6, 1), date(2024, 6, 1))  # then every 3 years
LIFE_DAYS = 90  # the last round's daily records: this many days up to today
STILL_POOR = 5  # villages still on the poverty list today
NEWLY_POOR = 2  # villages declared poor a few weeks before today, nothing recorded yet
STAY_CHANCE = 0.3  # a member stays on for the next round
EXIT_YEARS = (2018, 2019, 2020)
EARLIEST_TODAY = date(2019, 6, 1)


@dataclass
class Special:
    """The villages whose work gaps stay open today."""

    still_poor: set[str] = field(default_factory=set)
    lapsed: str = ""  # still poor, no team since its 2021 round's term ended
    pending: str = ""  # still poor, this year's plan awaits approval


def round_starts(today: date) -> list[date]:
    starts = [d for d in FIRST_ROUNDS if d <= today]
    while starts[-1].replace(year=starts[-1].year + 3) <= today:
        starts.append(starts[-1].replace(year=starts[-1].year + 3))
    return starts


def plan_rounds(
    plan: Planning,
    teams: list[TeamPlan],
    ledgers: list[VillageLedger],
    villages: list[VillagePlan],
    today: date,
) -> int:
    """Plan the rounds after 2018 up to ``today``; return the events expected beyond one per
    line."""
    if today < EARLIEST_TODAY:
        raise ValueError(f"the demo runs to today, which must be {EARLIEST_TODAY} or later")
    seed, history, admins, officers = plan.seed, plan.history, plan.admins, plan.officers
    rng = random.Random(f"{seed}:rounds")
    by_code = {lv.code: lv for lv in ledgers}
    staying = [t for t in teams if not t.exits]
    special = _special(rng, staying)
    starts = round_starts(today)
    extra = 0
    last_round: list[TeamPlan] = []
    for t in staying:
        lv = by_code[t.village.code]
        rounds = _rounds(seed, rng, history, admins, t, starts, plan.new_person, special)
        extra += sum(r.extra for r in rounds)
        _extension_letter(rng, history, admins, lv)
        _annual_plans(rng, history, officers, lv, rounds, today, special)
        _letters(rng, history, admins, lv, rounds, today)
        if rounds[-1].ends_on >= today:
            last_round.append(rounds[-1].team)
    for lv in ledgers:
        _close_2014_measures(history, lv)
    _exits(rng, history, staying, special)
    _newly_poor(rng, history, villages, today)
    for lv in (by_code[c] for c in sorted(special.still_poor)):
        if lv.code not in (special.lapsed, special.pending):
            _this_years_measures(history, lv, today)
    extra += _last_days(rng, history, officers, admins, last_round, plan.new_person, today)
    return extra


def _special(rng: random.Random, staying: list[TeamPlan]) -> Special:
    eligible = sorted(t.village.code for t in staying if t.unit.level is not DispatchLevel.PROVINCE)
    still = rng.sample(eligible, STILL_POOR)
    return Special(set(still), still[0], still[1])


# -- the rounds of teams -------------------------------------------------------------------------


@dataclass
class Round:
    team: TeamPlan
    ends_on: date  # the last day it serves
    extra: int = 0


def _rounds(
    seed: int,
    rng: random.Random,
    history: History,
    admins: dict[str, Actor],
    first: TeamPlan,
    starts: list[date],
    new_person: Callable[[str], Actor],
    special: Special,
) -> list[Round]:
    """The first team (to the end of 2018) and its successors, each handing over on the day
    before the next round; the village of ``special.lapsed`` gets none after 2021's."""
    code = first.village.code
    out = [Round(first, EXTENDED_TO)]
    who = recorder(first, admins)
    for k, start in enumerate(starts, 2):
        if code == special.lapsed and start > date(2021, 12, 31):
            break  # the unit sent no one: the 2021 team's term lapses
        old = out[-1].team
        team = TeamPlan(
            derived_id("demo-team", f"{seed}:{code}:round{k}"),
            first.unit,
            first.village,
            start,
            problem=first.problem,
            households=first.households,
            place=first.place,
            finding=first.finding,
        )
        out[-1].ends_on = start - timedelta(days=1)
        leaving = [m for m in old.members if m.left is None]
        for m in leaving:
            m.left = out[-1].ends_on
        stay = [m for m in leaving if rng.random() < STAY_CHANCE]
        leader = next((m for m in stay if m.leader), None)
        members: list[CadrePlan] = []
        new: list[CadrePlan] = []
        for i in range(3):
            carried = stay[i] if i < len(stay) else None
            if carried is not None:
                m = CadrePlan(
                    carried.id,
                    carried.actor,
                    carried.unit,
                    carried.rank,
                    carried.young,
                    carried.reserve,
                    leader=carried is leader,
                    joined=start,
                )
            else:
                is_leader = leader is None and not any(x.leader for x in members)
                m = CadrePlan(
                    derived_id("demo-cadre", f"{seed}:{code}:round{k}:{i}"),
                    new_person("team_member"),
                    first.unit,
                    draw_rank(rng, first.unit.level, leader=is_leader),
                    young=not is_leader and rng.random() < 0.7,
                    reserve=rng.random() < 0.5,
                    leader=is_leader,
                    joined=start,
                )
                new.append(m)
            members.append(m)
        team.members = sorted(members, key=lambda m: not m.leader)
        if new:
            on = start - timedelta(days=rng.randint(10, 25))
            why = "派出单位推荐、组织部门审核，确定为新一轮驻村工作队人选"
            history.add(rng, on, [register_line(who, on, why, m) for m in new])
        lines = [
            who.line(
                "dispatch_team",
                start,
                ld.ROUND_WHY[min(k, len(ld.ROUND_WHY) - 1)],
                unit=first.unit.code,
                village=code,
                id=str(team.id),
            ),
            who.line(
                "end_team_term",
                out[-1].ends_on,
                "新一轮驻村工作队到村，本队完成交接后撤回",
                team=str(old.id),
                successor=str(team.id),
            ),
        ]
        lines += join_lines(who, team, start, "任驻村第一书记（工作队队长）")
        keys: list[object] = [old.id, team.id, *(m.id for m in leaving)]
        keys += [m.id for m in team.members]
        add_now(history, rng, start, lines, keys)
        # Each leaving member's departure and each join are recorded on the cadre too.
        out[-1].extra += len(leaving)
        out.append(Round(team, team.term_ends_on, len(team.members)))
    return out


def _serving(rounds: list[Round], day: date) -> Round | None:
    for r in rounds:
        if r.team.dispatched_on <= day <= r.ends_on:
            return r
    return None


# -- letters and plans ---------------------------------------------------------------------------


def _letter_line(
    who: Actor,
    lv: VillageLedger,
    team: TeamPlan,
    on: date,
    ends: date,
    plan_id: str,
    keys: list[str],
    n: int,
    rng: random.Random,
) -> CommandLine:
    targets = [
        {"text": ld.ROUND_TARGET.format(goal=text), "plan": plan_id, "item": key}
        for key, text in keys_and_texts(lv, plan_id, keys)
    ]
    why = ld.LETTER_RENEWED_WHY
    return letter_line(who, lv, team, (on, ends), why, targets, lv.new_id("letter", n), rng)


def keys_and_texts(lv: VillageLedger, plan_id: str, keys: list[str]) -> list[tuple[str, str]]:
    plan = next(p for p in lv.plans if str(p.id) == plan_id)
    items = {i.key: i.text for i in plan.items}
    return [(k, items[k]) for k in keys]


def _extension_letter(
    rng: random.Random, history: History, admins: dict[str, Actor], lv: VillageLedger
) -> None:
    """A village with a letter signs it again for the extension to the end of 2018."""
    three = lv.plan(PlanKind.THREE_YEAR, 2014)
    if lv.letter is None or three is None:
        return
    t = lv.team
    on = t.term_ends_on - timedelta(days=rng.randint(0, 10))
    keys = [i.key for i in rng.sample(three.approved_items, min(3, len(three.approved_items)))]
    line = _letter_line(
        recorder(t, admins), lv, t, on, EXTENDED_TO, str(three.id), sorted(keys), 1, rng
    )
    history.add(rng, on, [line], after=[three.id, t.id])


def _annual_plans(
    rng: random.Random,
    history: History,
    officers: dict[str, Actor],
    lv: VillageLedger,
    rounds: list[Round],
    today: date,
    special: Special,
) -> None:
    """Each year's plan, drafted in early December by the leader serving then and approved by
    the township before the year begins."""
    officer = officers[lv.code[:9]]
    for year in range(2018, today.year + 1):
        drafted = day_between(rng, date(year - 1, 12, 1), date(year - 1, 12, 10))
        r = _serving(rounds, drafted)
        if r is None:
            continue  # no team in the village: nobody drafts it
        leader = next(m.actor for m in r.team.members if m.leader)
        name = data.village_name_on(lv.team.village.name, drafted)
        items = plan_items(rng, lv, ld.YEAR_FOCUS, 1)
        plan_id = lv.new_id("plan", len(lv.plans))
        plan = PlanDraft(
            plan_id,
            PlanKind.ANNUAL,
            year,
            ld.ANNUAL_TITLE.format(village=name, year=year),
            items,
            drafted,
        )
        lv.plans.append(plan)
        draft = leader.line(
            "draft_plan",
            drafted,
            ld.PLAN_WHY["draft"],
            village=lv.code,
            kind=plan.kind.value,
            year=year,
            title=plan.title,
            drafted_by=leader.name,
            items=[i.as_event() for i in items],
            id=str(plan_id),
        )
        history.add(rng, drafted, [draft], after=[lv.key])
        if year == today.year and lv.code == special.pending:
            continue
        approved = day_between(rng, date(year - 1, 12, 12), date(year - 1, 12, 28))
        plan.approved_on, plan.approved_items = approved, list(items)
        approve = officer.line(
            "approve_plan",
            approved,
            ld.PLAN_WHY["approve_township"],
            plan=str(plan_id),
            approver=officer.name,
            approver_unit=lv.code[:9],
        )
        history.add(rng, approved, [approve], after=[lv.key, plan_id])


def _letters(
    rng: random.Random,
    history: History,
    admins: dict[str, Actor],
    lv: VillageLedger,
    rounds: list[Round],
    today: date,
) -> None:
    """Each new round's unit signs a letter with the village for the round, citing the
    year's plan."""
    for n, r in enumerate(rounds[1:], 2):
        on = r.team.dispatched_on + timedelta(days=rng.randint(5, 25))
        if on > today:
            continue
        plan = lv.plan(PlanKind.ANNUAL, on.year)
        if plan is None or plan.approved_on is None or plan.approved_on > on:
            continue
        keys = sorted(i.key for i in rng.sample(plan.items, min(2, len(plan.items))))
        line = _letter_line(
            recorder(r.team, admins), lv, r.team, on, r.ends_on, str(plan.id), keys, n, rng
        )
        history.add(rng, on, [line], after=[plan.id, r.team.id])


# -- measures ----------------------------------------------------------------------------------


def _close_2014_measures(history: History, lv: VillageLedger) -> None:
    """The 2014 measures still open in mid-2017 are finished (or given up) by late 2018,
    checked by the township."""
    rng = lv.rng
    officer = lv.team.village.officer
    for m in lv.measures:
        if m.status in (MeasureStatus.DONE, MeasureStatus.DROPPED):
            continue
        lines = []
        on = day_between(rng, END + timedelta(days=20), date(2018, 10, 31))
        if m.status is MeasureStatus.PLANNED:
            lines.append(
                officer.line(
                    "set_measure_status",
                    on,
                    ld.LATE_DROP,
                    measure=str(m.id),
                    status=MeasureStatus.DROPPED.value,
                    because=ld.LATE_DROP,
                )
            )
            m.status = MeasureStatus.DROPPED
        else:
            lines.append(
                officer.line(
                    "set_measure_status",
                    on,
                    ld.MEASURE_WHY["done"],
                    measure=str(m.id),
                    status=MeasureStatus.DONE.value,
                )
            )
            m.status = MeasureStatus.DONE
        m.closed_on = on
        history.add(rng, on, lines, after=[m.id])


def _this_years_measures(history: History, lv: VillageLedger, today: date) -> None:
    """A village still poor plans a few measures under this year's plan (last year's early
    in the year): one or two of them are past their due date today, still under way."""
    rng = lv.rng
    year = today.year if today.month >= 4 else today.year - 1
    plan = lv.plan(PlanKind.ANNUAL, year)
    if plan is None or plan.approved_on is None:
        return
    leader_line = lv.team.village.officer  # the township enters this year's measures
    planned = plan.approved_on + timedelta(days=rng.randint(20, 40))
    overdue = rng.randint(1, 2)
    for k in range(3):
        item = rng.choice(plan.approved_items)
        texts = ld.MEASURES[item.category]
        text = rng.choice([x for x in texts if x.budget[1]] or texts)
        least, most = text.budget
        budget = rng.randint(least // 100, most // 100) * 100 * FEN_PER_YUAN if most else 0
        if k < overdue:
            due = today - timedelta(days=rng.randint(10, 60))
        else:
            due = date(today.year, 12, 31) if year == today.year else today + timedelta(days=90)
        due = max(due, planned + timedelta(days=30))
        m = MeasurePlan(
            lv.new_id("measure", 1000 + year * 10 + k),
            plan,
            item,
            _fill_title(rng, text.title, lv),
            leader_line.name,
            planned,
            due,
            budget,
            text.sources if budget else (),
        )
        lv.measures.append(m)
        line = m.plan_line(leader_line, lv.code)
        history.add(rng, planned, [line], after=[plan.id])
        start = planned + timedelta(days=rng.randint(5, 20))
        if start < today - timedelta(days=2):
            status = leader_line.line(
                "set_measure_status",
                start,
                ld.MEASURE_WHY["start"],
                measure=str(m.id),
                status=MeasureStatus.UNDER_WAY.value,
            )
            history.add(rng, start, [status], after=[m.id])


def _fill_title(rng: random.Random, template: str, lv: VillageLedger) -> str:
    return fill_text(rng, template, len(lv.team.village.groups))


# -- poverty ---------------------------------------------------------------------------------


def _exits(rng: random.Random, history: History, staying: list[TeamPlan], special: Special) -> None:
    """The villages not kept on the list leave poverty in the autumns of 2018–2020."""
    leaving = sorted(t.village.code for t in staying if t.village.code not in special.still_poor)
    rng.shuffle(leaving)
    per_year = -(-len(leaving) // len(EXIT_YEARS))
    for i, year in enumerate(EXIT_YEARS):
        batch = sorted(leaving[i * per_year : (i + 1) * per_year])
        if not batch:
            continue
        on = day_between(rng, date(year, 11, 10), date(year, 11, 30))
        lines = [CITY_POVERTY.line("exit_poverty", on, ld.EXIT_WHY, unit=code) for code in batch]
        history.add(rng, on, lines)


def _newly_poor(
    rng: random.Random, history: History, villages: list[VillagePlan], today: date
) -> None:
    """Two villages never poor before are put on the list a few weeks before today."""
    never = sorted((v for v in villages if not v.poor), key=lambda v: v.code)
    on = today - timedelta(days=rng.randint(20, 50))
    lines = [
        CITY_POVERTY.line("declare_poor_village", on, ld.NEWLY_POOR_WHY, unit=v.code)
        for v in rng.sample(never, NEWLY_POOR)
    ]
    history.add(rng, on, lines)


# -- the last round's days -------------------------------------------------------------------


def _last_days(
    rng: random.Random,
    history: History,
    officers: dict[str, Actor],
    admins: dict[str, Actor],
    teams: list[TeamPlan],
    new_person: Callable[[str], Actor],
    today: date,
) -> int:
    """Check-ins, diaries, visits and leave of the teams serving today, over the last
    ``LIFE_DAYS`` days. In the first of them (by village code) in 本溪满族自治县, the leader
    has not checked in yet today: the demo's team member account can."""
    extra = 0
    first_day = today - timedelta(days=LIFE_DAYS - 1)
    for t in teams:
        t.life_from = first_day
        t.last_day = today
        for m in t.members:
            extra += plan_leave(rng, history, officers, admins, t, m)
            plan_days(rng, t, m, set())
    demo = min((t for t in teams if t.village.county == "210521"), key=lambda t: t.village.code)
    for m in demo.members:
        if m.leader and m.days.get(today) == "in":
            m.days[today] = "away"
    return extra + plan_life(rng, history, teams, new_person)
