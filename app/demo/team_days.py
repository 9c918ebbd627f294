"""The work teams' days in the village, as the demo plans them: each member's leave, the days
in and away, the daily check-ins, diaries and visits, spot checks, and when each is recorded.

The plans of the teams themselves (units, members, terms) are in ``app/demo/teams.py``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from uuid import UUID

from app.commands import CommandLine
from app.demo import team_data as td
from app.demo.data import village_name_on
from app.demo.villages import Actor, History, Session, VillagePlan
from app.store.clock import CHINA_TZ
from domain.base import derived_id
from domain.cadres import Rank
from domain.residency import month_key
from domain.teams import add_years
from domain.villages import Problem

VISITS_FROM = date(2014, 9, 1)  # after the survey's households are all on record
BACKFILL_FROM = date(2014, 7, 1)  # entries made days later start once the team is on record
LAST_DAY = date(2017, 6, 30)  # the demo's daily life ends here
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
    requests: dict[date, list[CommandLine]] = field(default_factory=dict)  # leave, by day asked
    finding: str = ""  # what the village's first classification found
    life_from: date = date.min  # its days are planned from here (the last round: ~90 days)
    # The survey's household visits (app/demo/ledger.py), sent with the day's entries.
    survey_visits: dict[date, list[CommandLine]] = field(default_factory=dict)

    @property
    def term_ends_on(self) -> date:
        return add_years(self.dispatched_on, 3) - timedelta(days=1)


# -- the days in the village ---------------------------------------------------------------------


def _span(t: TeamPlan, m: CadrePlan) -> tuple[date, date]:
    return max(m.joined, t.life_from), min(m.left or t.last_day, t.last_day)


def forced_low(rng: random.Random, teams: list[TeamPlan]) -> set[UUID]:
    first = date.fromisoformat(f"{FLAGGED_MONTH}-01")
    here = [
        m for t in teams for m in t.members if m.joined < first and (m.left or LAST_DAY) > first
    ]
    return {m.id for m in rng.sample(here, FORCED_LOW)}


def plan_leave(
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
        # A member of a later round may have asked for leave in the first one too.
        serial = f"{m.id}:{n}" if t.life_from == date.min else f"{m.id}:{t.id}:{n}"
        leave_id = derived_id("demo-leave", serial)
        asked = max(first, start - timedelta(days=rng.randint(1, 4)))
        decided = min(start, asked + timedelta(days=rng.randint(1, 2)))  # after the request
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
        t.requests.setdefault(asked, []).append(request)  # sent with the day's check-ins
        if rng.random() < REJECT_CHANCE and not long:
            decision = approver.line("reject_leave", decided, td.REJECT_NOTE, leave=str(leave_id))
            add_now(history, rng, decided, [decision], [leave_id])
            continue
        days = (end - start).days + 1
        why = f"经县委组织部审核，同意请假{days}天" if long else f"符合请假规定，同意请假{days}天"
        decision = approver.line("approve_leave", decided, why, leave=str(leave_id))
        add_now(history, rng, decided, [decision], [leave_id])
        day = start
        months = set()
        while day <= end:
            m.days[day] = "leave"
            months.add(month_key(day))
            day += timedelta(days=1)
        extra += len(months)  # one LeaveGranted on each month the leave touches
    return extra


def plan_days(rng: random.Random, t: TeamPlan, m: CadrePlan, forced: set[UUID]) -> None:
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


def plan_life(
    rng: random.Random,
    history: History,
    teams: list[TeamPlan],
    new_person: Callable[[str], Actor],
) -> int:
    """Day by day, each team's check-ins, diaries and visits; spot checks.

    Members record on the city's attendance app (check-ins, diaries, visits, leave requests),
    which uploads the day in the evening, now and then only the next morning: the day's entries
    of all teams share a moment.
    """
    inspectors = [new_person("inspector") for _ in range(3)]
    extra = 0
    draw = rng.random
    uploads: dict[date, datetime] = {}
    for t in teams:
        months: set[tuple[str, str]] = set()
        day = max(t.dispatched_on, t.life_from)
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
            lines += t.survey_visits.get(day, [])
            asked = t.requests.get(day, [])
            if lines or asked:
                upload = uploads.get(day)
                if upload is None:
                    upload = uploads[day] = _upload(rng, day)
                leave = frozenset(str(ln.args["id"]) for ln in asked)
                history.sessions.append(Session(day, asked + lines, upload, keys | leave))
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


def add_now(
    history: History, rng: random.Random, on: date, lines: list[CommandLine], keys: list[object]
) -> None:
    """A session recorded the day it happened or the next, after what it builds on."""
    after = {str(k) for k in keys}
    for ln in lines:
        after.update(str(v) for k, v in ln.args.items() if k in ("id", "unit", "code"))
    moment = _at(rng, on + timedelta(days=rng.choices((0, 1), (8, 2))[0]), 8, 18)
    history.sessions.append(Session(on, lines, moment, frozenset(after)))
