"""The Benxi demo: 72 poor villages and their six-level service network, built up 2014–2016,
the 72 work teams living in them from 2014 to mid-2017 (``app/demo/teams.py``), and the
villages' work ledgers over the same years (``app/demo/ledger.py``).

The history is planned first (pure Python, from the seed), then replayed through the ordinary
commands, so every event passes the same rules as a user's. Each session of lines is recorded
at its own moment on a settable clock, and the log is written in recording order.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar
from uuid import UUID

from app.bootstrap import BatchRefused, Zhucun
from app.commands import CommandLine
from app.demo import data
from app.demo.assessments import FIRST_TERMS_END, DemoAssessments, plan_assessments
from app.demo.follower import Follower
from app.demo.funds import funds
from app.demo.goals import goals
from app.demo.ledger import VillageLedger, plan_ledger
from app.demo.rounds import plan_rounds
from app.demo.store import mark_demo
from app.demo.teams import CITY_ORG, CITY_POVERTY, plan_teams
from app.demo.villages import (
    Actor,
    History,
    Planning,
    Session,
    VillagePlan,
    day_between,
    draw_village,
    village_history,
)
from app.store.clock import CHINA_TZ, SettableClock, local_today
from app.store.event_store import EventStore
from app.store.uow import UnitOfWork
from domain.base import NetworkAggregate
from domain.errors import RuleViolation
from projections.collector import collector_paused

A = TypeVar("A", bound=NetworkAggregate)

CHUNK_EVENTS = 20_000  # events per transaction: big enough to be fast, small enough for progress


class StoreNotEmptyError(RuleViolation):
    code = "store_not_empty"

    def __init__(self, position: int) -> None:
        super().__init__(
            "db",
            f"存储中已有 {position} 条事件；演示数据只能载入空存储（可先用 --reset 清空）",
            f"the store already holds {position} events; the demo loads into an empty store "
            "only (use --reset to start afresh)",
        )


@dataclass(frozen=True)
class DemoReport:
    events: int
    counties: int
    townships: int
    villages: int
    poor_villages: int
    villager_groups: int
    households: int
    party_members: int
    sites: int
    central_households: int
    links: int
    dispatching_units: int
    teams: int
    cadres: int
    check_ins: int
    leave_requests: int
    diary_entries: int
    household_visits: int
    opinions: int
    problems: int
    plans: int
    measures: int
    letters: int
    allocations: int
    expenditures: int
    reversals: int
    six_have_goals: int
    evidence: int
    today: date = date.min  # the day the demo runs to (Beijing)
    seconds: float = 0.0


# -- loading ----------------------------------------------------------------------------------


class _DemoUnitOfWork(UnitOfWork):
    """One unit of work for the whole demo, committed in chunks.

    The store was empty when the load began and this unit of work keeps every aggregate it
    made, so an id it has not seen does not exist: there is no need to ask the store.
    """

    def __init__(self, store: EventStore) -> None:
        super().__init__(store)
        self._made: dict[UUID, NetworkAggregate] = {}

    def add(self, agg: NetworkAggregate) -> None:
        super().add(agg)
        self._made[agg.id] = agg

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        agg = self._made.get(aggregate_id)
        return agg if isinstance(agg, cls) else None

    def collect(self) -> list[Any]:
        # A chunk spans many sessions: keep the log in recording order (the sort is stable,
        # so one aggregate's events stay in version order).
        return sorted(super().collect(), key=lambda e: e.timestamp)


def estimated_events(seed: int = 2014, today: date | None = None) -> int:
    """How many events ``load_demo`` will write on ``today`` (Beijing; default: the real
    one): one per command, plus what the plan counted beyond that (a join recorded on the
    cadre too, the first entry of a member's month, …). Exact but for the decisions on the
    annual assessments, which follow the runs' results and are estimated (a few off)."""
    sessions, _, extra, _ = _plan(seed, today or local_today(datetime.now(UTC)))
    return sum(len(s.lines) for s in sessions) + extra


def load_demo(
    z: Zhucun,
    seed: int = 2014,
    progress: Callable[[int], None] | None = None,
    catch_up: bool = True,
    follower: Follower | None = None,
) -> DemoReport:
    """Record the Benxi demo into an empty store; ``progress(n)`` after each chunk written.

    With ``catch_up=False`` the read models are left to catch up on their next use. With a
    ``follower`` (app/demo/follower.py) they are taken in by it, in a process of its own,
    while this one goes on writing; the load waits for it where a run reads them, and at the
    end. Chunks are committed as they fill, so a load that fails half-way leaves a partial
    store: start again from an empty one.
    """
    started = time.perf_counter()
    position = z.store.max_position()
    if position > 0:
        raise StoreNotEmptyError(position)
    now = z.clock.now()
    sessions, counts, _, files = _plan(seed, local_today(now))
    # What the plan would record later than now (today's check-ins, uploaded in the evening)
    # is recorded now, in the same order.
    latest = max(now - timedelta(minutes=1), _midnight(local_today(now)))
    for content in files:  # the evidence files the log cites, kept first (ADR 025)
        z.files.put(content, sessions[0].moment())
    uow = _DemoUnitOfWork(z.store)
    clock = SettableClock(sessions[0].moment())
    previous_clock, z.clock = z.clock, clock
    # The read models take each chunk as one page: fewer, bigger transactions.
    previous_batch = z.projections.batch_size
    z.projections.batch_size = max(previous_batch, CHUNK_EVENTS + 1000)
    written = pending = 0
    # Runs read the read models: done between sessions. The villages that leave poverty
    # before the first terms end have their extensions rejected.
    assessing = DemoAssessments(
        frozenset(
            str(ln.args["unit"])
            for s in sessions
            for ln in s.lines
            if ln.command == "exit_poverty" and ln.occurred_on < FIRST_TERMS_END
        )
    )
    # Every aggregate of the demo stays loaded to the end (the unit of work keeps them), so
    # the cyclic collector would walk a heap that only grows; nothing here makes cycles that
    # need it (see projections/collector.py).
    try:
        with collector_paused():
            for moment, lines in _by_moment(sessions, latest):
                for step in assessing.due(moment):
                    clock.set(step.moment)
                    if not step.needs_read_models:
                        pending += assessing.send(z, uow, step)
                        continue
                    # The log so far written and read, then the run (committed on its own).
                    written += _flush(z, uow, progress, follower is None, seed)
                    pending = 0
                    if follower is not None:
                        follower.wait_for(z)
                    ran = assessing.run(z, uow, step)
                    written += ran
                    if progress is not None:
                        progress(ran)
                clock.set(moment)
                try:
                    z.run_in(uow, enumerate(lines, 1))
                except BatchRefused as e:
                    line = lines[e.line_no - 1]
                    raise RuntimeError(f"the demo plan broke a rule: {line}: {e.error}") from e
                pending += len(lines)
                if pending >= CHUNK_EVENTS:
                    written += _flush(z, uow, progress, catch_up and follower is None, seed)
                    pending = 0
            written += _flush(z, uow, progress, catch_up and follower is None, seed)
            if follower is not None and catch_up:
                follower.wait_for(z)
    except BaseException:
        with contextlib.suppress(Exception):  # the error that stopped the load is the one told
            mark_demo(z, seed)  # the chunk that failed was marked ahead of it
        raise
    finally:
        z.clock = previous_clock
        z.projections.batch_size = previous_batch
    seconds = round(time.perf_counter() - started, 2)
    return DemoReport(events=written, today=local_today(now), seconds=seconds, **counts)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), CHINA_TZ).astimezone(UTC)


def _by_moment(
    sessions: Iterable[Session], latest: datetime
) -> Iterator[tuple[datetime, list[CommandLine]]]:
    """The lines of the sessions recorded at one moment (a county's day of check-ins),
    together; none later than ``latest``."""
    moment: datetime | None = None
    lines: list[CommandLine] = []
    for s in sessions:
        at = min(s.moment(), latest)
        if at != moment:
            if moment is not None:
                yield moment, lines
            moment, lines = at, []
        lines += s.lines
    if moment is not None:
        yield moment, lines


def _flush(
    z: Zhucun,
    uow: UnitOfWork,
    progress: Callable[[int], None] | None,
    catch_up: bool,
    seed: int,
) -> int:
    # The log to the chunk's end is the demo's (`demo --reset` may empty it), marked before
    # the chunk is written: a follower of the read models (app/demo/follower.py) takes the
    # store's writer's turn for a page as soon as the chunk is in, and marking after it would
    # wait for that page. A chunk that fails is marked back (``load_demo``).
    mark_demo(z, seed, z.store.max_position() + uow.pending_count())
    written = uow.commit(bulk=True)
    if catch_up:  # chunk by chunk, so the progress shown covers the read models too
        z.projections.catch_up()
    if progress is not None and written:
        progress(written)
    return written


# -- the city's part of the plan --------------------------------------------------------------


class Cadres:
    """Officials and team members: unique names, so each actor id is one person."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used = {CITY_ORG.name, CITY_POVERTY.name}

    def new(self, role: str) -> Actor:
        while True:
            name = data.person(self.rng, data.ANYONE, male=self.rng.random() < 0.7)
            if name not in self.used:
                self.used.add(name)
                return Actor(name, role)


def _plan_all(seed: int, history: History, today: date) -> int:
    """Plan the whole history to ``today``; return the events expected beyond one per
    command."""
    cadres = Cadres(random.Random(f"{seed}:cadres"))
    rng = random.Random(f"{seed}:city")
    admins = {c.code: cadres.new("county_admin") for c in data.COUNTIES}
    officers: dict[str, Actor] = {}
    villages: list[VillagePlan] = []
    for county in data.COUNTIES:
        for township in county.townships:
            officer = officers[county.code + township.suffix] = cadres.new("township_officer")
            for i, spec in enumerate(township.villages):
                team = [cadres.new("team_member") for _ in range(3)] if spec.poor else []
                villages.append(draw_village(seed, county, township, i, spec, team, officer))
    _registry(rng, history, admins, villages)
    _declare_poor(rng, history, villages)
    _centres(rng, history, admins, officers)
    for v in villages:
        neighbours = [n for n in villages if n.code[:9] == v.code[:9] and n is not v]
        village_history(v, history, neighbours, admins[v.county])
    ledgers: list[VillageLedger] = []
    plan = Planning(seed, history, admins, officers, cadres.new)
    planned = plan_teams(
        plan, villages, lambda teams: plan_ledger(plan, teams, (funds, goals), ledgers)
    )
    extra = planned.extra_events + plan_rounds(plan, planned.teams, ledgers, villages, today)
    return extra + plan_assessments(plan, planned.teams)


def _registry(
    rng: random.Random, history: History, admins: dict[str, Actor], villages: list[VillagePlan]
) -> None:
    """The units existed long before: entered early in 2014, effective from 1 January."""
    on, why = date(2014, 1, 1), "依据2013年统计用区划代码建立区划台账"

    def unit(who: Actor, code: str, name: str, level: str, parent: str) -> CommandLine:
        return who.line("open_unit", on, why, code=code, name=name, level=level, parent=parent)

    city = CITY_ORG.line(
        "open_unit", on, why, code=data.CITY_CODE, name=data.CITY_NAME, level="city"
    )
    counties = [unit(CITY_ORG, c.code, c.name, "county", data.CITY_CODE) for c in data.COUNTIES]
    history.add(rng, on, [city, *counties], entered=date(2014, 2, 17))
    for n, county in enumerate(data.COUNTIES):
        admin = admins[county.code]
        lines = [
            unit(admin, county.code + t.suffix, t.name, "township", county.code)
            for t in county.townships
        ]
        for v in (v for v in villages if v.county == county.code):
            lines.append(unit(admin, v.code, v.name, "village", v.code[:9]))
            lines += [
                unit(admin, group, v.group_name(g), "group", v.code)
                for g, group in enumerate(v.groups)
            ]
        history.add(rng, on, lines, entered=date(2014, 2, 18) + timedelta(days=n))


def _declare_poor(rng: random.Random, history: History, villages: list[VillagePlan]) -> None:
    on = date(2014, 4, 18)
    why = "经市扶贫开发领导小组审定，列入全市72个贫困村，选派驻村工作队"
    for county in data.COUNTIES:
        history.add(
            rng,
            on,
            [
                CITY_POVERTY.line("declare_poor_village", on, why, unit=v.code)
                for v in villages
                if v.poor and v.county == county.code
            ],
        )


def _centre(
    who: Actor, on: date, unit: str, why: str, director: str | None = None, named_why: str = ""
) -> list[CommandLine]:
    """A convenience service centre opened on ``unit``, and its director if one is named."""
    lines = [who.line("open_site", on, why, unit=unit, kind="centre")]
    if director is not None:
        lines.append(who.line("assign_site_responsible", on, named_why, unit=unit, name=director))
    return lines


def _centres(
    rng: random.Random, history: History, admins: dict[str, Actor], officers: dict[str, Actor]
) -> None:
    """Levels 1–3: the city, county and township convenience service centres, each with a
    director named by the level above."""
    why = "按六级便民服务网络建设方案设立便民服务中心"
    on = date(2014, 7, 1)
    director: str | None = data.person(rng, data.ANYONE, True)
    history.add(
        rng, on, _centre(CITY_ORG, on, data.CITY_CODE, why, director, "市政务服务中心副主任兼任")
    )
    for county in data.COUNTIES:
        on = day_between(rng, date(2014, 7, 7), date(2014, 8, 29))
        director = data.person(rng, data.ANYONE, rng.random() < 0.7)
        lines = _centre(
            admins[county.code], on, county.code, why, director, "县(区)政务服务中心主任兼任"
        )
        history.add(rng, on, lines)
        for township in county.townships:
            code = county.code + township.suffix
            on = day_between(rng, date(2014, 8, 15), date(2014, 10, 31))
            # A few are left without a director for now.
            named = rng.random() < 0.93
            director = data.person(rng, data.ANYONE, rng.random() < 0.7) if named else None
            lines = _centre(
                officers[code], on, code, why, director, "乡镇(街道)党委副书记分管，兼任中心主任"
            )
            if county.code == "210522" and township is county.townships[-1]:
                continue  # its centre is still being built: a township without a centre
            history.add(rng, on, lines)


# -- the whole plan ------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _plan(
    seed: int, today: date
) -> tuple[tuple[Session, ...], dict[str, int], int, tuple[bytes, ...]]:
    history = History()
    with collector_paused():  # hundreds of thousands of command lines, all kept
        extra = _plan_all(seed, history, today)
        sessions = history.schedule()
    files = tuple(history.files[k] for k in sorted(history.files))
    return sessions, _counts(sessions), extra, files


def _counts(sessions: Iterable[Session]) -> dict[str, int]:
    commands: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    for s in sessions:
        for ln in s.lines:
            commands[ln.command] += 1
            if ln.command == "open_unit":
                levels[ln.args["level"]] += 1
    return {
        "counties": levels["county"],
        "townships": levels["township"],
        "villages": levels["village"],
        "poor_villages": commands["declare_poor_village"],
        "villager_groups": levels["group"],
        "households": commands["register_household"],
        "party_members": commands["party_member_joined"],
        "sites": commands["open_site"],
        "central_households": commands["designate_central_household"],
        "links": commands["link_household"],
        "dispatching_units": commands["register_dispatching_unit"],
        "teams": commands["dispatch_team"],
        "cadres": commands["register_cadre"],
        "check_ins": commands["check_in"],
        "leave_requests": commands["request_leave"],
        "diary_entries": commands["write_diary"],
        "household_visits": commands["visit_household"],
        "opinions": commands["collect_opinion"],
        "problems": commands["record_survey_problem"],
        "plans": commands["draft_plan"],
        "measures": commands["plan_measure"],
        "letters": commands["sign_responsibility_letter"],
        "allocations": commands["allocate_funds"],
        "expenditures": commands["record_expenditure"],
        "reversals": commands["reverse_fund_entry"],
        "six_have_goals": commands["set_six_have_goal"],
        "evidence": commands["add_six_have_evidence"],
    }
