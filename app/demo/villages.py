"""How the demo plans one village's history, and the sessions that history is entered in.

A session is a handful of lines entered together by one person (a few days of household
visits, one designation meeting); the loader records each at its own moment.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from uuid import UUID

from app.commands import CommandLine
from app.demo import data
from app.store.clock import CHINA_TZ
from domain.base import derived_id
from domain.party import central_household_id

# Arguments that name a unit or a record: sessions sharing one are recorded in date order.
_KEY_ARGS = frozenset(
    {"code", "parent", "unit", "group", "household", "id", "party_member", "central_household"}
)


# -- sessions and their recording moments -----------------------------------------------------


@dataclass(frozen=True)
class Actor:
    name: str
    role: str

    def line(self, command: str, on: date, reason: str, **args: Any) -> CommandLine:
        return CommandLine(command, args, self.name, self.role, on, reason)


@dataclass
class Session:
    """Lines entered together, e.g. a few days of household visits (``on``: the latest day)."""

    on: date
    lines: list[CommandLine]
    natural: datetime  # when it would be recorded if nothing it builds on came later
    keys: frozenset[str]
    at: datetime | None = None

    def moment(self) -> datetime:
        assert self.at is not None
        return self.at


_DELAYS = (0, 1, 2, 3, 5, 8)
_DELAY_WEIGHTS = (45, 20, 12, 10, 8, 5)


def _moment(rng: random.Random, on: date, late: bool) -> datetime:
    """Mostly the same day or a few days later; ``late`` entries are back-dated by weeks."""
    delay = rng.randint(14, 40) if late else rng.choices(_DELAYS, _DELAY_WEIGHTS)[0]
    when = clock_time(rng.randint(8, 17), rng.randrange(60), rng.randrange(60))
    return datetime.combine(on + timedelta(days=delay), when, CHINA_TZ).astimezone(UTC)


class History:
    def __init__(self) -> None:
        self.sessions: list[Session] = []
        self.files: dict[str, bytes] = {}  # evidence files by SHA-256, stored before the log

    def add(
        self,
        rng: random.Random,
        on: date,
        lines: list[CommandLine],
        late: bool = False,
        after: Iterable[object] = (),
        entered: date | None = None,
    ) -> Session | None:
        """``after``: further things this session must be recorded after (a takeover after
        the departure it answers); ``entered``: the day it was typed in, when not ``on``."""
        if not lines:
            return None
        keys = {str(v) for ln in lines for k, v in ln.args.items() if k in _KEY_ARGS}
        keys.update(str(x) for x in after)
        natural = _moment(rng, entered or on, late)
        session = Session(on, lines, natural, frozenset(keys))
        self.sessions.append(session)
        return session

    def schedule(self) -> tuple[Session, ...]:
        """Record each session no earlier than the earlier-dated sessions it shares a unit or
        a record with, so that replaying in recording order finds everything in place."""
        last: dict[str, datetime] = {}
        by_date = sorted(self.sessions, key=lambda s: s.on)  # stable: planned order within a day
        for s in by_date:
            s.at = max([s.natural, *(last[k] for k in s.keys if k in last)])
            for k in s.keys:
                last[k] = s.at
        return tuple(sorted(by_date, key=Session.moment))


@dataclass(frozen=True)
class Planning:
    """What each part of the history is planned with: the seed its random draws start from,
    the history its lines go into, the county admins and township officers (by their unit's
    code) who enter them, and ``new_person``, who makes each further official or cadre (a
    name used once) for a role."""

    seed: int
    history: History
    admins: dict[str, Actor]
    officers: dict[str, Actor]
    new_person: Callable[[str], Actor]


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


# -- what a village looks like ----------------------------------------------------------------


@dataclass(eq=False)
class Home:
    id: UUID
    group: int
    head: str
    male: bool
    members: int
    id_number: str
    party: list[Member] = field(default_factory=list)
    central: Member | None = None  # who runs it, once it is a central household
    linked_to: Home | None = None  # its central household's home
    settled: bool = True  # False once it has left the village
    since: int = 2014
    registered_on: date = date.max  # the survey's day in its group
    entered_at: datetime | None = None  # when that day's registration would be recorded


@dataclass(eq=False)
class Member:
    id: UUID
    name: str
    home: Home
    joined: date = date.max
    roles: set[str] = field(default_factory=set)  # "station", "point", "central"
    active: bool = True


@dataclass(eq=False)
class VillagePlan:
    seed: int
    code: str
    name: str
    poor: bool
    county: str
    rng: random.Random
    surnames: data.Surnames
    recorders: list[Actor]  # the work team, or the township officer where there is none
    officer: Actor
    groups: list[str] = field(default_factory=list)
    homes: list[Home] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    secretary: Member | None = None

    def new_home(self, group: int, since: int = 2014) -> Home:
        rng = self.rng
        male = rng.random() < 0.82
        members = rng.choices((1, 2, 3, 4, 5, 6), (12, 30, 25, 18, 10, 5))[0]
        home = Home(
            derived_id("demo-household", f"{self.seed}:{self.code}:{len(self.homes)}"),
            group,
            data.person(rng, self.surnames, male),
            male,
            members,
            data.id_number(rng, self.county, male),
            since=since,
        )
        self.homes.append(home)
        return home

    def new_member(self, home: Home) -> Member:
        rng = self.rng
        if not home.party:
            name = home.head
        elif rng.random() < 0.5:  # the spouse
            name = data.person(rng, self.surnames, male=not home.male)
        else:  # a grown-up child
            name = data.person(rng, self.surnames, male=True, surname=home.head[0])
        member = Member(
            derived_id("demo-party-member", f"{self.seed}:{self.code}:{len(self.members)}"),
            name,
            home,
        )
        home.party.append(member)
        self.members.append(member)
        return member

    def group_name(self, g: int) -> str:
        return f"{self.name}{data.CHINESE_ORDINALS[g]}组"


def draw_village(
    seed: int,
    county: data.County,
    township: data.Township,
    index: int,
    spec: data.Village,
    recorders: list[Actor],
    officer: Actor,
) -> VillagePlan:
    code = f"{county.code}{township.suffix}{201 + index}"
    rng = random.Random(f"{seed}:{code}")
    surnames = data.Surnames.of_village(rng, spec.name, township.name)
    v = VillagePlan(
        seed,
        code,
        spec.name,
        spec.poor,
        county.code,
        rng,
        surnames,
        recorders or [officer],
        officer,
    )
    households = round(rng.triangular(165, 560, 210))
    groups = min(12, max(4, round(households / rng.uniform(35, 55))))
    v.groups = [f"{code}{g + 1:03d}" for g in range(groups)]
    weights = [rng.uniform(0.6, 1.5) for _ in range(groups)]
    extra = Counter(rng.choices(range(groups), weights, k=households - 10 * groups))
    for g in range(groups):
        for _ in range(10 + extra[g]):
            v.new_home(g)
    # Party members are 5.6–7.2 % of the residents, at most two in one household.
    residents = sum(h.members for h in v.homes)
    cum: list[float] = []
    for h in v.homes:
        cum.append((cum[-1] if cum else 0) + h.members)
    target = round(residents * rng.uniform(0.056, 0.072))
    while len(v.members) < target:
        home = rng.choices(v.homes, cum_weights=cum)[0]
        if len(home.party) < min(home.members, 2):
            v.new_member(home)
    v.secretary = rng.choice([m for m in v.members if m.name == m.home.head])
    return v


# -- what happened in it ------------------------------------------------------------------------


def village_history(
    v: VillagePlan, history: History, neighbours: list[VillagePlan], admin: Actor
) -> None:
    roster_on = _roster(v, history, _survey(v, history))
    _station(v, history, roster_on)
    _points(v, history)
    _central_households(v, history)
    _new_members(v, history)
    for old, new, on, why in data.RENAMES:
        if v.name == old:
            _rename(v, history, admin, new, date.fromisoformat(on), why)
    _new_households(v, history)
    _departures(v, history)
    _households_leave(v, history, neighbours)


def _rename(v: VillagePlan, history: History, admin: Actor, new: str, on: date, why: str) -> None:
    """The county renames the village; its groups' names follow."""
    old, v.name = v.name, new
    lines = [admin.line("rename_unit", on, why, unit=v.code, name=new)]
    lines += [
        admin.line(
            "rename_unit",
            on,
            f"村名由{old}改为{new}，村民小组名称随之调整",
            unit=group,
            name=v.group_name(g),
        )
        for g, group in enumerate(v.groups)
    ]
    history.add(v.rng, on, lines)


def _survey(v: VillagePlan, history: History) -> date:
    """June 2014: the team visits one group a day or so, and enters what it found every few
    days."""
    rng = v.rng
    if v.poor:
        day = day_between(rng, date(2014, 6, 3), date(2014, 6, 16))
        why = "摸底排查：驻村工作队入户走访，登记户籍和家庭人口"
    else:
        day = day_between(rng, date(2014, 9, 1), date(2014, 9, 30))
        why = "乡镇开展农户基本情况普查，登记户籍和家庭人口"
    lines: list[CommandLine] = []
    batch: list[Home] = []
    for g, group in enumerate(v.groups):
        who = v.recorders[g % len(v.recorders)]
        homes = [h for h in v.homes if h.group == g]
        for h in homes:
            h.registered_on = day
        batch += homes
        lines += [
            who.line(
                "register_household",
                day,
                why,
                group=group,
                head_name=h.head,
                members=h.members,
                id_number=h.id_number,
                id=str(h.id),
            )
            for h in homes
        ]
        if g == len(v.groups) - 1 or rng.random() < 0.3:
            session = history.add(rng, day, lines, late=rng.random() < 0.05)
            assert session is not None
            for h in batch:
                h.entered_at = session.natural
            lines, batch = [], []
        day += timedelta(days=rng.choice((1, 1, 2)))
    return day


def _roster(v: VillagePlan, history: History, survey_end: date) -> date:
    on = survey_end + timedelta(days=v.rng.randint(2, 9))
    for m in v.members:
        m.joined = on
    history.add(
        v.rng,
        on,
        [
            v.recorders[0].line(
                "party_member_joined",
                on,
                "依据村党支部党员名册录入在册党员",
                name=m.name,
                household=str(m.home.id),
                id=str(m.id),
            )
            for m in v.members
        ],
    )
    return on


def _assign(who: Actor, on: date, why: str, unit: str, member: Member) -> CommandLine:
    return who.line("assign_site_responsible", on, why, unit=unit, party_member=str(member.id))


def _station(v: VillagePlan, history: History, roster_on: date) -> None:
    """Level 4. A few villages never got one; one closed while its office was rebuilt."""
    if v.name in data.NO_STATION:
        return
    rng, who, secretary = v.rng, v.recorders[0], v.secretary
    assert secretary is not None
    on = max(roster_on + timedelta(days=14), day_between(rng, date(2014, 8, 20), date(2015, 3, 31)))
    lines = [
        who.line(
            "open_site", on, "村部活动场所改造完成，设立为民服务站", unit=v.code, kind="station"
        )
    ]
    why = "村党支部书记兼任为民服务站负责人"
    chance = rng.random()
    if chance < 0.6:
        lines.append(_assign(who, on, why, v.code, secretary))
    history.add(rng, on, lines)
    if 0.6 <= chance < 0.94:
        later = on + timedelta(days=rng.randint(7, 40))
        history.add(rng, later, [_assign(who, later, why, v.code, secretary)])
    if chance < 0.94:
        secretary.roles.add("station")
    if v.name in data.STATION_CLOSED:
        day = day_between(rng, date(2016, 4, 1), date(2016, 5, 31))
        history.add(
            rng,
            day,
            [v.officer.line("close_site", day, "村部危房改造，为民服务站暂停服务", unit=v.code)],
        )


def _points(v: VillagePlan, history: History) -> None:
    """Level 5, in one or two rounds in 2015; most groups get one, led by a member living
    there."""
    rng = v.rng
    opened = [g for g in range(len(v.groups)) if rng.random() < 0.87]
    cut = rng.randint(1, len(opened)) if opened else 0
    day = day_between(rng, date(2015, 3, 10), date(2015, 6, 30))
    for wave in (opened[:cut], opened[cut:]):
        who = rng.choice(v.recorders)
        lines = []
        for g in wave:
            lines.append(
                who.line(
                    "open_site", day, "在村民小组长家设立为民服务点", unit=v.groups[g], kind="point"
                )
            )
            free = [m for m in v.members if m.home.group == g and not m.roles]
            if free and rng.random() < 0.94:
                m = rng.choice(free)
                m.roles.add("point")
                lines.append(_assign(who, day, "由本组党员担任为民服务点负责人", v.groups[g], m))
        history.add(rng, day, lines)
        day += timedelta(days=rng.randint(30, 100))


def _central_households(v: VillagePlan, history: History) -> None:
    """Level 6: party members' households, spread over the groups, each linking the 10–20
    households next to it (mostly no more than 15); a few households are left out."""
    rng = v.rng
    candidates = [h for h in v.homes if h.party]
    rng.shuffle(candidates)
    candidates.sort(key=lambda h: h.group)
    others = list(v.homes)
    rng.shuffle(others)
    others = others[round(len(others) * rng.uniform(0.01, 0.05)) :]  # not reached yet
    count = min(len(candidates), max(1, round(len(others) / 13.5)))
    chosen = [candidates[int((i + 0.5) * len(candidates) / count)] for i in range(count)]
    for home in chosen:
        home.central = home.party[0]
        home.central.roles.add("central")
    others = sorted((h for h in others if h.central is None), key=lambda h: h.group)
    blocks, start = [], 0
    for size in _block_sizes(rng, len(others), count):
        blocks.append(others[start : start + size])  # too few party members: the rest wait
        start += size
    waves = rng.choice((2, 3)) if count >= 3 else 1
    day = day_between(rng, date(2015, 4, 10), date(2015, 7, 31))
    for w in range(waves):
        part = range(w * count // waves, (w + 1) * count // waves)
        who = rng.choice(v.recorders)
        lines = []
        for i in part:
            home, member = chosen[i], chosen[i].party[0]
            ch = str(central_household_id(home.id))
            lines.append(
                who.line(
                    "designate_central_household",
                    day,
                    "经村党支部推荐、乡镇党委审核，确定为党员中心户",
                    party_member=str(member.id),
                )
            )
            for h in blocks[i]:
                h.linked_to = home
                lines.append(
                    who.line(
                        "link_household",
                        day,
                        "按居住相邻、便于联系的原则划定联系户",
                        household=str(h.id),
                        central_household=ch,
                    )
                )
        history.add(rng, day, lines, after=[central_household_id(chosen[i].id) for i in part])
        day = min(day + timedelta(days=rng.randint(40, 120)), date(2016, 4, 30))


def _block_sizes(rng: random.Random, total: int, count: int) -> list[int]:
    """How many households each central household links: 10–20, seldom more than 15."""
    weights = (6, 9, 12, 13, 12, 9, 1.5, 1, 0.5, 0.5, 0.5)
    sizes = [rng.choices(range(10, 21), weights)[0] for _ in range(count)]
    while (gap := total - sum(sizes)) != 0:
        # Fill up the smaller ones first, so few are pushed past 15 ("overloaded").
        fits = [i for i, s in enumerate(sizes) if (s < 15 if gap > 0 else s > 10)]
        if not fits:
            fits = [i for i, s in enumerate(sizes) if s < 20] if gap > 0 else []
        if not fits:
            break  # too few central households: the rest wait
        sizes[rng.choice(fits)] += 1 if gap > 0 else -1
    return sizes


def _new_members(v: VillagePlan, history: History) -> None:
    """Probationary members become full members on 1 July and join the branch roll."""
    rng = v.rng
    for year in (2015, 2016):
        on = date(year, 7, 1)
        homes = [h for h in v.homes if not h.party and h.members >= 2 and h.settled]
        lines = []
        for home in rng.sample(homes, rng.choice((0, 0, 1, 1, 2))):
            m = v.new_member(home)
            m.joined = on
            lines.append(
                v.officer.line(
                    "party_member_joined",
                    on,
                    "预备党员按期转正，编入村党支部",
                    name=m.name,
                    household=str(home.id),
                    id=str(m.id),
                )
            )
        history.add(rng, on, lines)


def _new_households(v: VillagePlan, history: History) -> None:
    """Spring 2016: grown-up children set up their own households; not all are linked yet."""
    rng = v.rng
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        parent = rng.choice([h for h in v.homes if h.settled and h.members >= 3])
        on = day_between(rng, date(2016, 5, 3), date(2016, 6, 15))
        home = v.new_home(parent.group, since=2016)
        home.head, home.male = data.person(rng, v.surnames, True, surname=parent.head[0]), True
        home.id_number = data.id_number(rng, v.county, True, born_after=1980)
        home.members = rng.choice((2, 3, 3, 4))
        lines = [
            v.officer.line(
                "register_household",
                on,
                "子女成家分户，新立户",
                group=v.groups[home.group],
                head_name=home.head,
                members=home.members,
                id_number=home.id_number,
                id=str(home.id),
            )
        ]
        ch = parent.linked_to
        if ch is not None and rng.random() < 0.4 and _load(v, ch) < 15:
            home.linked_to = ch
            lines.append(
                v.officer.line(
                    "link_household",
                    on,
                    "新分户仍由原中心户联系",
                    household=str(home.id),
                    central_household=str(central_household_id(ch.id)),
                )
            )
        history.add(rng, on, lines)


def _load(v: VillagePlan, ch: Home) -> int:
    return sum(1 for h in v.homes if h.linked_to is ch and h.settled)


def _depart(v: VillagePlan, history: History, m: Member, on: date) -> str:
    """A member transfers out or dies; deaths are often reported weeks later."""
    rng = v.rng
    m.active = False
    if rng.random() < 0.55:
        history.add(
            rng,
            on,
            [
                v.officer.line(
                    "party_member_transferred_out",
                    on,
                    "随子女进城居住，组织关系转出",
                    party_member=str(m.id),
                    destination=rng.choice(data.DESTINATIONS),
                )
            ],
        )
        return "转出"
    history.add(
        rng,
        on,
        [v.officer.line("party_member_died", on, "因病去世，村党支部报告", party_member=str(m.id))],
        late=rng.random() < 0.6,
    )
    return "去世"


def _successor(v: VillagePlan, near: Home, on: date, role: str) -> Member | None:
    """Someone to take over: a member of the same household, else of the same group."""
    free = [m for m in v.members if m.active and m.joined <= on and role not in m.roles]
    for pick in (
        [m for m in free if m.home is near],
        [m for m in free if m.home.group == near.group and not m.roles],
        free,
    ):
        if pick:
            return v.rng.choice(pick)
    return None


def _departures(v: VillagePlan, history: History) -> None:
    """Summer and autumn 2016: some members leave. A central household whose member left is
    vacant until someone takes over; a site whose responsible left has nobody."""
    rng = v.rng
    first, last = date(2016, 6, 20), date(2016, 10, 15)
    runners = [h for h in v.homes if h.central is not None]
    if runners and rng.random() < 0.25:
        home, on = rng.choice(runners), day_between(rng, first, last)
        gone = home.central
        assert gone is not None
        how = _depart(v, history, gone, on)
        later = on + timedelta(days=rng.randint(15, 45))
        heir = _successor(v, home, later, "central") if rng.random() < 0.45 else None
        if heir is not None:
            home.central = heir
            heir.roles.add("central")
            why = f"原中心户党员{gone.name}{how}，由{heir.name}接任"
            history.add(
                rng,
                later,
                [
                    v.officer.line(
                        "change_central_party_member",
                        later,
                        why,
                        central_household=str(central_household_id(home.id)),
                        party_member=str(heir.id),
                    )
                ],
                after=[gone.id],
            )
    leaders = [m for m in v.members if m.active and m.roles and "central" not in m.roles]
    if leaders and rng.random() < 0.12:
        gone, on = rng.choice(leaders), day_between(rng, first, last)
        _depart(v, history, gone, on)
        later = on + timedelta(days=rng.randint(10, 40))
        unit = v.code if "station" in gone.roles else v.groups[gone.home.group]
        closed = unit == v.code and v.name in data.STATION_CLOSED
        heir = _successor(v, gone.home, later, "point") if rng.random() < 0.5 else None
        if heir is not None and not closed:
            heir.roles.add("station" if unit == v.code else "point")
            why = f"原负责人{gone.name}离任，改由本村党员{heir.name}接任"
            history.add(rng, later, [_assign(v.officer, later, why, unit, heir)], after=[gone.id])
    for m in v.members:
        if m.active and not m.roles and m.joined < first and rng.random() < 0.012:
            _depart(v, history, m, day_between(rng, first, last))


def _move(v: VillagePlan, history: History, home: Home, on: date, why: str, group: str) -> None:
    """A household of ``v`` moved to another villager group, recorded by the village officer."""
    line = v.officer.line("move_household", on, why, household=str(home.id), group=group)
    history.add(v.rng, on, [line])


def _households_leave(v: VillagePlan, history: History, neighbours: list[VillagePlan]) -> None:
    """Households move to another group, marry into a neighbouring village, move to town,
    or end when the last member dies."""
    rng = v.rng
    movable = [
        h for h in v.homes if h.settled and not h.party and h.central is None and h.since == 2014
    ]
    rng.shuffle(movable)
    first, last = date(2016, 6, 20), date(2016, 10, 31)
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        home, on = movable.pop(), day_between(rng, first, last)
        home.group = rng.choice([g for g in range(len(v.groups)) if g != home.group])
        why = f"翻建新房，迁至本村{data.CHINESE_ORDINALS[home.group]}组居住"
        _move(v, history, home, on, why, v.groups[home.group])
    if neighbours and rng.random() < 0.3:
        home, on, there = movable.pop(), day_between(rng, first, last), rng.choice(neighbours)
        home.settled = False
        why = f"投亲迁入同乡镇{data.village_name_on(there.name, on)}"
        _move(v, history, home, on, why, rng.choice(there.groups))
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        home, on = movable.pop(), day_between(rng, first, last)
        home.settled = False
        how, why = (
            ("dissolved", "户主去世，户内无其他成员，注销户")
            if home.members == 1
            else ("moved_out", "全家迁往本溪市区落户")
        )
        history.add(
            rng,
            on,
            [v.officer.line("household_left", on, why, household=str(home.id), how=how)],
            late=rng.random() < 0.3,
        )
