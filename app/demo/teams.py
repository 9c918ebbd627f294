"""How the demo plans the work teams: 72 units send a team each to the 72 poor villages in
May–June 2014 (8 province, 27 city and 37 county units), and the teams live there until June
2017 (their days: ``app/demo/team_days.py``), a few members replaced, and at the end of the
three-year term an extension, or the team's withdrawal from a village that has left poverty
(不脱贫不脱钩).

Every line goes through the ordinary commands; the plan only decides what happened and when.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from app.commands import CommandLine
from app.demo import team_data as td
from app.demo.data import COUNTIES
from app.demo.team_days import (
    CadrePlan,
    TeamPlan,
    add_now,
    forced_low,
    plan_days,
    plan_leave,
    plan_life,
)
from app.demo.villages import Actor, History, Planning, VillagePlan, day_between
from domain.base import derived_id
from domain.cadres import DispatchLevel, Rank, SectorGroup
from domain.villages import Problem

CITY_ORG = Actor("刘志刚", "city_admin")  # city party organisation department
CITY_POVERTY = Actor("孙丽华", "city_admin")  # city poverty-alleviation office

UNITS_ON = date(2014, 5, 6)
CADRES_FROM, CADRES_TO = date(2014, 5, 19), date(2014, 5, 23)
DISPATCH_FROM, DISPATCH_TO = date(2014, 5, 26), date(2014, 6, 2)
EXTENDED_TO = date(2018, 12, 31)
EXITS = 9  # villages that leave poverty before the term ends
REPLACEMENTS = 6
PROMOTIONS = 3


@dataclass
class TeamsPlanned:
    extra_events: int  # events beyond one per line (joins, leaves, months started, …)
    teams: list[TeamPlan]


def plan_teams(
    plan: Planning,
    villages: list[VillagePlan],
    ledger: Callable[[list[TeamPlan]], int] | None = None,
) -> TeamsPlanned:
    """``ledger`` plans the villages' work ledgers once the teams' days are known (their
    survey visits go out with the days' entries); it returns the events it adds beyond one
    per line."""
    seed, history, admins, officers = plan.seed, plan.history, plan.admins, plan.officers
    rng = random.Random(f"{seed}:teams")
    poor = [v for v in villages if v.poor]
    teams = _assign(seed, rng, poor)
    extra = 0
    _register_units(rng, history, admins, teams)
    _classify(rng, history, teams)
    _register_cadres(seed, rng, history, admins, teams)
    for t in teams:
        extra += _dispatch(rng, history, admins, t)
    extra += _replacements(seed, rng, history, admins, teams, plan.new_person)
    _promotions(rng, history, admins, teams)
    for t in rng.sample(teams, EXITS):
        t.exits, t.last_day = True, t.term_ends_on
    forced = forced_low(rng, teams)
    for t in teams:
        for m in t.members:
            extra += plan_leave(rng, history, officers, admins, t, m)
            plan_days(rng, t, m, forced)
    if ledger is not None:
        extra += ledger(teams)
    extra += plan_life(rng, history, teams, plan.new_person)
    extra += _term_end(rng, history, admins, teams)
    return TeamsPlanned(extra, teams)


# -- who goes where ------------------------------------------------------------------------------


def _assign(seed: int, rng: random.Random, poor: list[VillagePlan]) -> list[TeamPlan]:
    """One unit per poor village: the province's to the two autonomous counties, each county's
    own units to its villages, the city's to the rest."""
    by_county: dict[str, list[VillagePlan]] = {}
    for v in poor:
        by_county.setdefault(v.county, []).append(v)
    province = list(td.PROVINCE_UNITS)
    city = list(td.CITY_UNITS)
    rng.shuffle(province)
    rng.shuffle(city)
    pairs: list[tuple[td.UnitSpec, VillagePlan]] = []
    for county in COUNTIES:
        here = list(by_county.get(county.code, []))
        rng.shuffle(here)
        units = [province.pop() for _ in range(td.PROVINCE_TEAMS.get(county.code, 0))]
        units += td.county_units(county.code, county.name)
        units += [city.pop() for _ in range(len(here) - len(units))]
        pairs += zip(units, here, strict=True)
    assert not province and not city, "every unit sends one team"
    teams = []
    for unit, v in sorted(pairs, key=lambda p: p[1].code):
        t = TeamPlan(
            derived_id("demo-team", f"{seed}:{v.code}"),
            unit,
            v,
            day_between(rng, DISPATCH_FROM, DISPATCH_TO),
        )
        lat, lon = td.COUNTY_CENTRES[v.county]
        t.place = (round(lat + rng.uniform(-0.2, 0.2), 4), round(lon + rng.uniform(-0.25, 0.25), 4))
        t.households = [h.id for h in v.homes if h.settled and h.since == 2014]
        teams.append(t)
    # The class follows the unit's sector, except in two villages where the survey found
    # otherwise after the unit was chosen: those two teams are flagged.
    mismatched = {
        rng.choice([t for t in teams if t.unit.level is DispatchLevel.CITY]).id,
        rng.choice([t for t in teams if t.unit.level is DispatchLevel.COUNTY]).id,
    }
    for t in teams:
        governance = t.unit.sector.group is SectorGroup.GOVERNANCE
        if t.id in mismatched:
            governance = not governance
        t.problem = _problem(rng, t, governance)
    return teams


def recorder(t: TeamPlan, admins: dict[str, Actor]) -> Actor:
    """Who records the team's decisions: the county for its own units, else the city."""
    return admins[t.unit.county] if t.unit.level is DispatchLevel.COUNTY else CITY_ORG


def _problem(rng: random.Random, t: TeamPlan, governance: bool) -> Problem:
    if not governance:
        return Problem.LAGGING_DEVELOPMENT
    sector = t.unit.sector.value
    if sector in ("public_security", "justice", "law_enforcement"):
        return Problem.MANY_DISPUTES
    if sector == "civil_affairs":
        return Problem.WEAK_COMMITTEES
    if sector in ("construction", "housing", "land_resources"):
        return rng.choice((Problem.CHAOTIC_AFFAIRS, Problem.MANY_DISPUTES))
    return rng.choice((Problem.WEAK_COMMITTEES, Problem.CHAOTIC_AFFAIRS))


def _register_units(
    rng: random.Random, history: History, admins: dict[str, Actor], teams: list[TeamPlan]
) -> None:
    """The city enters the province's and its own units; each county enters its own."""
    why = "按照全市选派驻村工作队实施方案，确定派出单位"
    by_recorder: dict[Actor, list[td.UnitSpec]] = {}
    for t in sorted(teams, key=lambda t: (t.unit.level.value != "province", t.unit.code)):
        who = admins[t.unit.county] if t.unit.county else CITY_ORG
        by_recorder.setdefault(who, []).append(t.unit)
    for who, units in by_recorder.items():
        lines = [
            who.line(
                "register_dispatching_unit",
                UNITS_ON,
                why,
                code=u.code,
                name=u.name,
                level=u.level.value,
                sector=u.sector.value,
            )
            for u in units
        ]
        history.add(rng, UNITS_ON, lines)


def _classify(rng: random.Random, history: History, teams: list[TeamPlan]) -> None:
    """The poverty office classifies each village on the townships' reports and its own visits."""
    for county in COUNTIES:
        here = [t for t in teams if t.village.county == county.code]
        if not here:
            continue
        on = day_between(rng, date(2014, 5, 12), date(2014, 5, 16))
        lines = []
        for t in here:
            if t.problem is Problem.LAGGING_DEVELOPMENT:
                finding = rng.choice(td.ECONOMY_FINDINGS)
            else:
                finding = rng.choice(td.GOVERNANCE_FINDINGS[t.problem.value])
            t.finding = finding
            lines.append(
                CITY_POVERTY.line(
                    "classify_village",
                    on,
                    "依据乡镇摸底报告和市扶贫办实地核查，按主要问题分类",
                    village=t.village.code,
                    problem=t.problem.value,
                    finding=finding,
                )
            )
        history.add(rng, on, lines, after=[t.village.code for t in here])


def _register_cadres(
    seed: int,
    rng: random.Random,
    history: History,
    admins: dict[str, Actor],
    teams: list[TeamPlan],
) -> None:
    """The village's recorders are its team: the first leads it."""
    for t in teams:
        level = t.unit.level
        for i, actor in enumerate(t.village.recorders):
            m = CadrePlan(
                derived_id("demo-cadre", f"{seed}:{t.village.code}:{i}"),
                actor,
                t.unit,
                draw_rank(rng, level, leader=i == 0),
                young=False,
                reserve=False,
                leader=i == 0,
                joined=t.dispatched_on,
            )
            if i > 0:
                m.young = rng.random() < 0.8
                m.reserve = not m.young or rng.random() < 0.45
            else:
                m.reserve = rng.random() < 0.3
            t.members.append(m)
        on = day_between(rng, CADRES_FROM, CADRES_TO)
        who = recorder(t, admins)
        why = "派出单位推荐、组织部门审核，确定为驻村工作队人选"
        history.add(rng, on, [register_line(who, on, why, m) for m in t.members])


def register_line(who: Actor, on: date, why: str, m: CadrePlan) -> CommandLine:
    return who.line(
        "register_cadre",
        on,
        why,
        name=m.actor.name,
        unit=m.unit.code,
        rank=m.rank.value,
        party_member=True,
        young=m.young,
        reserve=m.reserve,
        id=str(m.id),
    )


def draw_rank(rng: random.Random, level: DispatchLevel, leader: bool) -> Rank:
    if leader and level is DispatchLevel.COUNTY:
        return rng.choices((Rank.DEPUTY_SECTION, Rank.SECTION), (6, 4))[0]
    if leader:
        return rng.choices((Rank.DEPUTY_DIVISION, Rank.DIVISION), (8, 2))[0]
    if level is DispatchLevel.COUNTY:
        return rng.choices((Rank.CLERK, Rank.DEPUTY_SECTION), (7, 3))[0]
    return rng.choices((Rank.CLERK, Rank.DEPUTY_SECTION, Rank.SECTION), (5, 4, 1))[0]


def join_lines(who: Actor, t: TeamPlan, on: date, leader_why: str) -> list[CommandLine]:
    """Each member of a team just dispatched joins it; the leader's line says ``leader_why``."""
    return [
        who.line(
            "join_team",
            on,
            leader_why if m.leader else "任驻村工作队队员",
            team=str(t.id),
            cadre=str(m.id),
            as_leader=m.leader,
        )
        for m in t.members
    ]


def _dispatch(rng: random.Random, history: History, admins: dict[str, Actor], t: TeamPlan) -> int:
    on, who = t.dispatched_on, recorder(t, admins)
    lines = [
        who.line(
            "dispatch_team",
            on,
            "市委组织部、市扶贫办联合发文，选派驻村工作队，驻村期三年",
            unit=t.unit.code,
            village=t.village.code,
            id=str(t.id),
        )
    ]
    lines += join_lines(who, t, on, "任驻村工作队队长（第一书记）")
    keys = [t.id, t.village.code, *(m.id for m in t.members)]
    add_now(history, rng, on, lines, keys)
    return len(t.members)  # each join is also recorded on the cadre


def _replacements(
    seed: int,
    rng: random.Random,
    history: History,
    admins: dict[str, Actor],
    teams: list[TeamPlan],
    new_person: Callable[[str], Actor],
) -> int:
    """A handful of members are recalled or rotated out; someone of the same unit takes over."""
    extra = 0
    for n, t in enumerate(rng.sample(teams, REPLACEMENTS)):
        gone = rng.choice([m for m in t.members if not m.leader])
        on = day_between(rng, date(2015, 3, 1), date(2016, 10, 31))
        recalled = n % 3 == 0
        heir = CadrePlan(
            derived_id("demo-cadre", f"{seed}:{t.village.code}:{len(t.members)}"),
            new_person("team_member"),
            t.unit,
            draw_rank(rng, t.unit.level, leader=False),
            young=True,
            reserve=rng.random() < 0.5,
            joined=on,
        )
        gone.left = on
        t.members.append(heir)
        who = recorder(t, admins)
        registered = on - timedelta(days=rng.randint(3, 12))
        history.add(
            rng,
            registered,
            [register_line(who, registered, "派出单位推荐接替人选，组织部门审核同意", heir)],
        )
        if recalled:
            how, why = "recalled", f"{gone.actor.name}因身体原因不能坚持驻村，派出单位召回"
        else:
            how, why = (
                "replaced",
                f"{gone.actor.name}因工作需要调回派出单位，由{heir.actor.name}接替",
            )
        lines = [
            who.line("leave_team", on, why, team=str(t.id), cadre=str(gone.id), how=how),
            who.line(
                "join_team",
                on,
                f"接替{gone.actor.name}任驻村工作队队员",
                team=str(t.id),
                cadre=str(heir.id),
                as_leader=False,
            ),
        ]
        add_now(history, rng, on, lines, [t.id, heir.id, gone.id])
        extra += 2
    return extra


def _promotions(
    rng: random.Random, history: History, admins: dict[str, Actor], teams: list[TeamPlan]
) -> None:
    """Members rated well are promoted while in the village (通报表扬, priority for promotion)."""
    clerks = [(t, m) for t in teams for m in t.members if m.rank is Rank.CLERK and m.left is None]
    for t, m in rng.sample(clerks, PROMOTIONS):
        on = day_between(rng, date(2016, 3, 1), date(2016, 4, 30))
        m.rank = Rank.DEPUTY_SECTION
        history.add(
            rng,
            on,
            [
                recorder(t, admins).line(
                    "change_cadre_rank",
                    on,
                    "2015年度驻村考核优秀，经派出单位党组研究，晋升为副科级",
                    cadre=str(m.id),
                    rank=m.rank.value,
                )
            ],
            after=[m.id],
        )


def _term_end(
    rng: random.Random, history: History, admins: dict[str, Actor], teams: list[TeamPlan]
) -> int:
    """At the end of the three years: villages that left poverty let their team go; the rest
    keep it (不脱贫不脱钩), by the decision on the assessment's proposal."""
    extra = 0
    for t in teams:
        who, due = recorder(t, admins), t.term_ends_on
        if t.exits:
            exit_on = day_between(rng, date(2016, 11, 15), date(2017, 4, 28))
            history.add(
                rng,
                exit_on,
                [
                    CITY_POVERTY.line(
                        "exit_poverty",
                        exit_on,
                        "经县级初验、市级复核，达到贫困村退出标准，批准退出",
                        unit=t.village.code,
                    )
                ],
            )
            end = who.line(
                "end_team_term",
                due,
                "三年驻村期满，所驻村已脱贫退出，工作队按期撤回",
                team=str(t.id),
            )
            add_now(history, rng, due, [end], [t.id, t.village.code])
            extra += sum(1 for m in t.members if m.left is None)
            continue
        # The rest keep it: the 2016 annual assessment, the last run before their terms end,
        # proposes the extension and the poverty office extends it to EXTENDED_TO
        # (app/demo/assessments.py). The draws the term's own extension used to take are
        # still taken, so that the rest of the plan stays as it was.
        rng.randint(10, 30)  # its day
        rng.choices((0, 1), (8, 2))  # recorded that day or the next
        rng.random()  # at what time
    return extra
