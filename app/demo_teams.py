"""How the demo plans the work teams: 72 units send a team each to the 72 poor villages in
May–June 2014 (8 province, 27 city and 37 county units), and the teams live there until June
2017: daily check-ins, leave, diaries, household visits, spot checks, a few members replaced,
and at the end of the three-year term an extension, or the team's withdrawal from a village
that has left poverty (不脱贫不脱钩).

Every line goes through the ordinary commands; the plan only decides what happened and when.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from uuid import UUID

from app import demo_team_data as td
from app.clock import CHINA_TZ
from app.commands import CommandLine
from app.demo_data import COUNTIES, village_name_on
from app.demo_villages import Actor, History, Session, VillagePlan, day_between
from domain.base import derived_id
from domain.cadres import DispatchLevel, Rank, SectorGroup
from domain.residency import month_key
from domain.teams import add_years
from domain.villages import Problem

CITY_ORG = Actor("刘志刚", "city_admin")  # the same people as in app/demo.py
CITY_POVERTY = Actor("孙丽华", "city_admin")

UNITS_ON = date(2014, 5, 6)
CADRES_FROM, CADRES_TO = date(2014, 5, 19), date(2014, 5, 23)
DISPATCH_FROM, DISPATCH_TO = date(2014, 5, 26), date(2014, 6, 2)
VISITS_FROM = date(2014, 9, 1)  # after the survey's households are all on record
BACKFILL_FROM = date(2014, 7, 1)  # entries made days later start once the team is on record
LAST_DAY = date(2017, 6, 30)  # the demo's daily life ends here
EXTENDED_TO = date(2018, 12, 31)
SPRING_FESTIVALS = (date(2015, 2, 19), date(2016, 2, 8), date(2017, 1, 28))
FLAGGED_MONTH = "2015-03"  # a month with a few members forced below the threshold

# How many things happen, per member and day in the village or per member and month.
DIARY_CHANCE = 0.3
VISIT_CHANCE = 0.3
SHORT_LEAVE_CHANCE = 0.3
LONG_LEAVE_CHANCE = 0.012
REJECT_CHANCE = 0.04
LOW_MONTH_CHANCE = 0.02
FORCED_LOW = 4
SPOT_CHECK_CHANCE = 0.4
EXITS = 9  # villages that leave poverty before the term ends
REPLACEMENTS = 6
PROMOTIONS = 3
MIN_DAYS = 20  # the residency threshold the demo plans around (RuleSet default)


@dataclass(eq=False)
class CadrePlan:
    id: UUID
    actor: Actor
    unit: td.UnitSpec
    rank: Rank
    young: bool
    reserve: bool
    leader: bool = False
    joined: date = date.min
    left: date | None = None
    days: dict[date, str] = field(default_factory=dict)  # "in", "leave", "away"


@dataclass(eq=False)
class TeamPlan:
    id: UUID
    unit: td.UnitSpec
    village: VillagePlan
    dispatched_on: date
    members: list[CadrePlan] = field(default_factory=list)  # everyone who served on it
    last_day: date = LAST_DAY
    problem: Problem = Problem.LAGGING_DEVELOPMENT
    households: list[UUID] = field(default_factory=list)
    place: tuple[float, float] = (0.0, 0.0)
    exits: bool = False  # the village leaves poverty before the term ends

    @property
    def term_ends_on(self) -> date:
        return add_years(self.dispatched_on, 3) - timedelta(days=1)

    def admin(self, admins: dict[str, Actor]) -> Actor:
        """Who records the team's decisions: the county for its own units, else the city."""
        return admins[self.unit.county] if self.unit.level is DispatchLevel.COUNTY else CITY_ORG


@dataclass
class TeamsPlanned:
    extra_events: int  # events beyond one per line (joins, leaves, months started, …)


def plan_teams(
    seed: int,
    history: History,
    villages: list[VillagePlan],
    admins: dict[str, Actor],
    officers: dict[str, Actor],
    new_person: Callable[[str], Actor],
) -> TeamsPlanned:
    rng = random.Random(f"{seed}:teams")
    poor = [v for v in villages if v.poor]
    teams = _assign(seed, rng, poor)
    extra = 0
    _register_units(rng, history, admins, teams)
    _classify(rng, history, teams)
    _register_cadres(seed, rng, history, admins, teams)
    for t in teams:
        extra += _dispatch(rng, history, admins, t)
    extra += _replacements(seed, rng, history, admins, teams, new_person)
    _promotions(rng, history, admins, teams)
    for t in rng.sample(teams, EXITS):
        t.exits, t.last_day = True, t.term_ends_on
    forced = _forced_low(rng, teams)
    for t in teams:
        for m in t.members:
            extra += _leave(rng, history, officers, admins, t, m)
            _days(rng, t, m, forced)
    extra += _life(rng, history, teams, new_person)
    extra += _term_end(rng, history, admins, teams)
    return TeamsPlanned(extra)


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
                _rank(rng, level, leader=i == 0),
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
        who = t.admin(admins)
        why = "派出单位推荐、组织部门审核，确定为驻村工作队人选"
        history.add(rng, on, [_register(who, on, why, m) for m in t.members])


def _register(who: Actor, on: date, why: str, m: CadrePlan) -> CommandLine:
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


def _rank(rng: random.Random, level: DispatchLevel, leader: bool) -> Rank:
    if leader and level is DispatchLevel.COUNTY:
        return rng.choices((Rank.DEPUTY_SECTION, Rank.SECTION), (6, 4))[0]
    if leader:
        return rng.choices((Rank.DEPUTY_DIVISION, Rank.DIVISION), (8, 2))[0]
    if level is DispatchLevel.COUNTY:
        return rng.choices((Rank.CLERK, Rank.DEPUTY_SECTION), (7, 3))[0]
    return rng.choices((Rank.CLERK, Rank.DEPUTY_SECTION, Rank.SECTION), (5, 4, 1))[0]


def _dispatch(rng: random.Random, history: History, admins: dict[str, Actor], t: TeamPlan) -> int:
    on, who = t.dispatched_on, t.admin(admins)
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
    for m in t.members:
        lines.append(
            who.line(
                "join_team",
                on,
                "任驻村工作队队长（第一书记）" if m.leader else "任驻村工作队队员",
                team=str(t.id),
                cadre=str(m.id),
                as_leader=m.leader,
            )
        )
    keys = [t.id, t.village.code, *(m.id for m in t.members)]
    _add_now(history, rng, on, lines, keys)
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
            _rank(rng, t.unit.level, leader=False),
            young=True,
            reserve=rng.random() < 0.5,
            joined=on,
        )
        gone.left = on
        t.members.append(heir)
        who = t.admin(admins)
        registered = on - timedelta(days=rng.randint(3, 12))
        history.add(
            rng,
            registered,
            [_register(who, registered, "派出单位推荐接替人选，组织部门审核同意", heir)],
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
        _add_now(history, rng, on, lines, [t.id, heir.id, gone.id])
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
                t.admin(admins).line(
                    "change_cadre_rank",
                    on,
                    "2015年度驻村考核优秀，经派出单位党组研究，晋升为副科级",
                    cadre=str(m.id),
                    rank=m.rank.value,
                )
            ],
            after=[m.id],
        )


# -- the days in the village ---------------------------------------------------------------------


def _span(t: TeamPlan, m: CadrePlan) -> tuple[date, date]:
    return m.joined, min(m.left or t.last_day, t.last_day)


def _forced_low(rng: random.Random, teams: list[TeamPlan]) -> set[UUID]:
    first = date.fromisoformat(f"{FLAGGED_MONTH}-01")
    here = [
        m for t in teams for m in t.members if m.joined < first and (m.left or LAST_DAY) > first
    ]
    return {m.id for m in rng.sample(here, FORCED_LOW)}


def _leave(
    rng: random.Random,
    history: History,
    officers: dict[str, Actor],
    admins: dict[str, Actor],
    t: TeamPlan,
    m: CadrePlan,
) -> int:
    """Leave requests and their decisions: short ones by the township, long by the county."""
    first, last = _span(t, m)
    wanted: list[tuple[date, date, str]] = []
    for festival in SPRING_FESTIVALS:
        if first <= festival - timedelta(days=3) and festival + timedelta(days=6) <= last:
            if rng.random() < 0.55:
                start = festival - timedelta(days=rng.randint(1, 2))
                wanted.append((start, start + timedelta(days=rng.randint(3, 5)), td.LONG_LEAVE[0]))
            else:
                start = festival - timedelta(days=1)
                wanted.append((start, start + timedelta(days=2), td.SPRING_FESTIVAL_LEAVE))
    festival_months = {month_key(f) for f in SPRING_FESTIVALS}
    month = date(first.year, first.month, 1)
    while month <= last:
        if month_key(month) not in festival_months:
            if rng.random() < LONG_LEAVE_CHANCE:
                days, why = rng.randint(4, 6), rng.choice(td.LONG_LEAVE[1:])
            elif rng.random() < SHORT_LEAVE_CHANCE:
                days, why = rng.randint(1, 3), rng.choice(td.SHORT_LEAVE)
            else:
                days = 0
            start = month + timedelta(days=rng.randint(2, 20))
            end = start + timedelta(days=days - 1)
            if days and first + timedelta(days=2) <= start and end <= last:
                wanted.append((start, end, why))
        month = (month + timedelta(days=32)).replace(day=1)
    extra = 0
    township = officers[t.village.code[:9]]
    county = admins[t.village.county]
    for n, (start, end, why) in enumerate(wanted):
        leave_id = derived_id("demo-leave", f"{m.id}:{n}")
        asked = max(first, start - timedelta(days=rng.randint(1, 4)))
        decided = min(start, asked + timedelta(days=rng.randint(0, 2)))
        long = (end - start).days + 1 > 3
        approver = county if long else township
        request = m.actor.line(
            "request_leave",
            asked,
            why,
            cadre=str(m.id),
            first_day=start.isoformat(),
            last_day=end.isoformat(),
            id=str(leave_id),
        )
        _add_now(history, rng, asked, [request], [t.id])
        if rng.random() < REJECT_CHANCE and not long:
            decision = approver.line("reject_leave", decided, td.REJECT_NOTE, leave=str(leave_id))
            _add_now(history, rng, decided, [decision], [leave_id])
            continue
        days = (end - start).days + 1
        why = f"经县委组织部审核，同意请假{days}天" if long else f"符合请假规定，同意请假{days}天"
        decision = approver.line("approve_leave", decided, why, leave=str(leave_id))
        _add_now(history, rng, decided, [decision], [leave_id])
        day = start
        months = set()
        while day <= end:
            m.days[day] = "leave"
            months.add(month_key(day))
            day += timedelta(days=1)
        extra += len(months)  # one LeaveGranted on each month the leave touches
    return extra


def _days(rng: random.Random, t: TeamPlan, m: CadrePlan, forced: set[UUID]) -> None:
    """Each month: in the village on most days, a few days unaccounted for; a small share of
    months well short of the threshold."""
    first, last = _span(t, m)
    month = date(first.year, first.month, 1)
    while month <= last:
        nxt = (month + timedelta(days=32)).replace(day=1)
        month_days = (nxt - month).days
        served = [
            month + timedelta(days=i)
            for i in range(month_days)
            if first <= month + timedelta(days=i) <= last
        ]
        free = [d for d in served if m.days.get(d) != "leave"]
        required = math.ceil(MIN_DAYS * len(served) / month_days)
        low = rng.random() < LOW_MONTH_CHANCE or (
            m.id in forced and month_key(month) == FLAGGED_MONTH
        )
        if low:
            present = max(0, required - rng.randint(3, 8))
        else:
            away = rng.choices((0, 1, 2, 3, 4, 5, 6), (10, 14, 18, 18, 16, 14, 10))[0]
            present = min(len(free), max(len(free) - away, required + 1))
        away_days = set(rng.sample(free, len(free) - present))
        for d in free:
            m.days[d] = "away" if d in away_days else "in"
        month = nxt


def _life(
    rng: random.Random,
    history: History,
    teams: list[TeamPlan],
    new_person: Callable[[str], Actor],
) -> int:
    """Day by day, each team's check-ins, diaries and visits; spot checks.

    Members record on the county's attendance app, which uploads a county's day in the evening
    (now and then only the next morning): the day's entries of all its teams share a moment.
    """
    inspectors = [new_person("inspector") for _ in range(3)]
    extra = 0
    draw = rng.random
    uploads: dict[tuple[str, date], datetime] = {}
    for t in teams:
        months: set[tuple[str, str]] = set()
        day = t.dispatched_on
        topics = rng.sample(td.DIARY_TOPICS, 4)
        keys = frozenset({str(t.id)})
        lat, lon = t.place
        homes = [str(h) for h in t.households]
        ids = {m.id: str(m.id) for m in t.members}
        while day <= t.last_day:
            lines: list[CommandLine] = []
            late: list[CommandLine] = []
            month = month_key(day)
            place = f"{village_name_on(t.village.name, day)}村部"
            for m in t.members:
                if m.days.get(day) != "in":
                    continue
                cid, who = ids[m.id], m.actor
                months.add((cid, month))
                lines.append(
                    CommandLine(
                        "check_in",
                        {
                            "cadre": cid,
                            "place": place,
                            "lat": round(lat + (draw() - 0.5) * 0.004, 5),
                            "lon": round(lon + (draw() - 0.5) * 0.004, 5),
                        },
                        who.name,
                        who.role,
                        day,
                        "驻村签到",
                    )
                )
                if draw() < DIARY_CHANCE:
                    text = _diary(rng, topics)
                    diary = CommandLine(
                        "write_diary",
                        {"cadre": cid, "text": text},
                        who.name,
                        who.role,
                        day,
                        "民情日记",
                    )
                    # A few entries are written up days later.
                    backdated = (
                        m.joined == t.dispatched_on and day >= BACKFILL_FROM and draw() < 0.02
                    )
                    (late if backdated else lines).append(diary)
                if day >= VISITS_FROM and draw() < VISIT_CHANCE:
                    args = {
                        "cadre": cid,
                        "household": homes[int(draw() * len(homes))],
                        "note": td.VISIT_NOTES[int(draw() * len(td.VISIT_NOTES))],
                    }
                    lines.append(
                        CommandLine("visit_household", args, who.name, who.role, day, "入户走访")
                    )
            if lines:
                upload = uploads.get((t.village.county, day))
                if upload is None:
                    upload = uploads[t.village.county, day] = _upload(rng, day)
                history.sessions.append(Session(day, lines, upload, keys))
            if late:
                when = _at(rng, day + timedelta(days=rng.randint(3, 9)))
                history.sessions.append(Session(day, late, when, frozenset()))
            day += timedelta(days=1)
        for m in t.members:
            _spot_checks(rng, history, t, m, inspectors, months)
        extra += len(months)  # the first thing recorded in a member's month starts it
    return extra


def _diary(rng: random.Random, topics: list[str]) -> str:
    draw = rng.random
    template = td.DIARY[int(draw() * len(td.DIARY))]
    return template.format(
        group=f"{td.GROUPS[int(draw() * 4)]}组",
        topic=topics[int(draw() * len(topics))],
        n=3 + int(draw() * 10),
    )


def _spot_checks(
    rng: random.Random,
    history: History,
    t: TeamPlan,
    m: CadrePlan,
    inspectors: list[Actor],
    months: set[tuple[str, str]],
) -> None:
    """Unannounced checks find some members away on days they were neither in nor on leave
    (``months`` gains the member's months they touch)."""
    by_month: dict[str, list[date]] = {}
    checked: dict[str, int] = {}
    for d, status in m.days.items():
        key = month_key(d)
        if status == "away":
            by_month.setdefault(key, []).append(d)
        elif status == "in":
            checked[key] = checked.get(key, 0) + 1
    for key, away in sorted(by_month.items()):
        short = checked.get(key, 0) < MIN_DAYS - 2
        if not (short and rng.random() < SPOT_CHECK_CHANCE) and rng.random() > 0.004:
            continue
        away = [d for d in away if d >= max(BACKFILL_FROM, m.joined + timedelta(days=7))]
        if not away:
            continue
        day = rng.choice(away)
        who = rng.choice(inspectors)
        line = who.line(
            "record_absence",
            day,
            "市委组织部、市扶贫办不定期抽查",
            cadre=str(m.id),
            note=f"抽查时{m.actor.name}不在村，未请假",
        )
        # Not ordered with the team's days: a check found late must not hold up their entries.
        history.add(rng, day, [line])
        months.add((str(m.id), key))


def _term_end(
    rng: random.Random, history: History, admins: dict[str, Actor], teams: list[TeamPlan]
) -> int:
    """At the end of the three years: villages that left poverty let their team go; the rest
    keep it (不脱贫不脱钩)."""
    extra = 0
    for t in teams:
        who, due = t.admin(admins), t.term_ends_on
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
            _add_now(history, rng, due, [end], [t.id, t.village.code])
            extra += sum(1 for m in t.members if m.left is None)
            continue
        on = due - timedelta(days=rng.randint(10, 30))
        why = "三年驻村期将满，所驻村尚未脱贫，按照不脱贫不脱钩的要求延长驻村期至2018年底"
        line = who.line("extend_team_term", on, why, team=str(t.id), until=EXTENDED_TO.isoformat())
        _add_now(history, rng, on, [line], [t.id])
    return extra


# -- recording moments -------------------------------------------------------------------------


def _at(rng: random.Random, day: date, earliest: int = 7, latest: int = 21) -> datetime:
    seconds = int(rng.random() * (latest - earliest + 1) * 3600)
    when = clock_time(earliest + seconds // 3600, seconds // 60 % 60, seconds % 60)
    return datetime.combine(day, when, CHINA_TZ).astimezone(UTC)


def _upload(rng: random.Random, day: date) -> datetime:
    """The evening of the day, mostly; now and then the next morning or the one after."""
    chance = rng.random()
    if chance < 0.95:
        return _at(rng, day, 20, 22)
    return _at(rng, day + timedelta(days=1 if chance < 0.99 else 2), 7, 8)


def _add_now(
    history: History, rng: random.Random, on: date, lines: list[CommandLine], keys: list[object]
) -> None:
    """A session recorded the day it happened or the next, after what it builds on."""
    after = {str(k) for k in keys}
    for ln in lines:
        after.update(str(v) for k, v in ln.args.items() if k in ("id", "unit", "code"))
    moment = _at(rng, on + timedelta(days=rng.choices((0, 1), (8, 2))[0]), 8, 18)
    history.sessions.append(Session(on, lines, moment, frozenset(after)))
