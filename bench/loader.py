"""Loading planned villages into a store, a unit of work per batch, written one of three ways.

Every event comes from an aggregate's command method with its rule checks, as when a user
sends the command (``Loader`` says by which of three paths). How a batch is written is the
variable under test: ``write_bulk`` (``UnitOfWork.commit(bulk=True)``) or the library's
``save()``, batched or one aggregate at a time.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from app.commands import parse_command_line
from app.network import Network
from app.store.clock import SettableClock
from app.store.event_store import EventStore
from app.store.uow import UnitOfWork
from bench import scale
from bench.scale import Plan, UnitPlan, VillagePlan
from domain.base import Meta, NetworkAggregate
from domain.errors import UnitNotFoundError
from domain.households import Household
from domain.levels import Level, SiteKind
from domain.party import CentralHousehold, PartyMember, central_household_id
from domain.sites import Site, site_id
from domain.units import Unit, unit_id

if TYPE_CHECKING:
    from app.bootstrap import Zhucun

A = TypeVar("A", bound=NetworkAggregate)

# One recording moment for the whole load, as a loader with a fixed clock would use.
RECORDED_AT = datetime(2016, 12, 31, 4, 0, tzinfo=UTC)


class FreshUnitOfWork(UnitOfWork):
    """A unit of work for a load into an empty store.

    The use cases look an id up before creating it, to refuse a duplicate. In an empty store
    every id the load creates is new, so that first look-up need not ask the database; a
    duplicate would still be refused whole by the store's key when the batch is written.
    """

    def __init__(self, store: EventStore) -> None:
        super().__init__(store)
        self._new: set[UUID] = set()

    def expect_new(self, ids: Iterable[UUID]) -> None:
        self._new.update(ids)

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        if aggregate_id in self._new:
            self._new.discard(aggregate_id)  # later look-ups find it among the seen
            return None
        return super().find(cls, aggregate_id)


Write = Callable[[UnitOfWork], int]


def write_bulk(uow: UnitOfWork) -> int:
    return uow.commit(bulk=True)


def save_each(uow: UnitOfWork) -> int:
    """The library's plain path: ``save()`` one aggregate at a time."""
    count = 0
    for agg in uow.seen():
        n = len(agg.pending_events)
        if n:
            uow.store.save(agg)
            count += n
    return count


def save_batched(uow: UnitOfWork, per_save: int = 500) -> int:
    """The library's batched path: ``save(*500 aggregates)`` per transaction."""
    pending = [a for a in uow.seen() if a.pending_events]
    count = sum(len(a.pending_events) for a in pending)
    for i in range(0, len(pending), per_save):
        uow.store.save(*pending[i : i + per_save])
    return count


WRITERS: dict[str, Write] = {
    "write_bulk": write_bulk,
    "save_batched": save_batched,
    "save_each": save_each,
}


@dataclass
class LoadResult:
    events: int = 0
    villages: int = 0
    batches: int = 0
    plan_s: float = 0.0  # making the plans (the generator)
    domain_s: float = 0.0  # running the use cases
    write_s: float = 0.0  # writing the batches
    wall_s: float = 0.0
    cpu_s: float = 0.0  # this process's CPU time: steadier than wall time on a shared machine

    @property
    def events_per_s(self) -> float:
        return self.events / self.wall_s if self.wall_s else 0.0


def peak_rss_mib() -> float:
    """This process's peak resident set so far (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _meta(on: date) -> Meta:
    return Meta(scale.ACTOR, scale.ROLE, on, scale.REASON, RECORDED_AT)


class Loader:
    """Runs plans' use cases into a unit of work and writes it every ``batch_events`` events.

    ``path`` says who raises the events: "commands" sends each plan as the JSON-lines
    commands of ``zhucun apply`` through the command layer (``Zhucun.run_in``); "network"
    calls the ``Network`` use cases, as that layer does once a line is parsed; "aggregates"
    calls the aggregates' command methods directly, with the checks the use cases add, and
    keeps the units it opened in hand instead of finding them again by id. All three raise
    the same events, in the same order.
    """

    def __init__(
        self, store: EventStore, write: Write, batch_events: int = 50_000, path: str = "aggregates"
    ) -> None:
        if path not in PATHS:
            raise ValueError(f"path must be one of {', '.join(PATHS)}")
        self.store = store
        self.write = write
        self.batch_events = batch_events
        self.path = path
        self._zhucun: Zhucun | None = None
        if path == "commands":
            from app.bootstrap import Zhucun  # the whole application, only for this path

            self._zhucun = Zhucun(store.config, SettableClock(RECORDED_AT))
            self.store = self._zhucun.store
        self._units: dict[str, Unit] = {}  # opened above village level, for the direct path
        self._m = {
            on: _meta(on)
            for on in (
                scale.OPENED_ON,
                scale.POOR_ON,
                scale.REGISTERED_ON,
                scale.JOINED_ON,
                scale.DESIGNATED_ON,
                scale.LINKED_ON,
                scale.SITE_ON,
                scale.RESPONSIBLE_ON,
                scale.EXITED_ON,
            )
        }

    def load(
        self,
        plans: Iterable[Plan],
        progress: Callable[[LoadResult], None] | None = None,
        first_batch: int | None = None,
    ) -> LoadResult:
        """Load the plans; ``first_batch`` events, if given, close the first batch early."""
        result = LoadResult()
        clock = time.perf_counter
        start = clock()
        cpu = time.process_time()
        uow = FreshUnitOfWork(self.store)
        net = Network(uow, _no_children)
        pending = 0
        due = first_batch or self.batch_events
        it = iter(plans)
        while True:
            t0 = clock()
            plan = next(it, None)
            t1 = clock()
            result.plan_s += t1 - t0
            if plan is None:
                break
            pending += self.apply(net, uow, plan)
            result.domain_s += clock() - t1
            if isinstance(plan, VillagePlan):
                result.villages += 1
            if pending >= due:
                self._flush(uow, result)
                uow = FreshUnitOfWork(self.store)
                net = Network(uow, _no_children)
                pending = 0
                due = self.batch_events
                if progress:
                    result.wall_s = clock() - start
                    progress(result)
        if pending:
            self._flush(uow, result)
        result.wall_s = clock() - start
        result.cpu_s = time.process_time() - cpu
        return result

    def close(self) -> None:
        if self._zhucun is not None:
            self._zhucun.close()

    def _flush(self, uow: UnitOfWork, result: LoadResult) -> None:
        t = time.perf_counter()
        n = self.write(uow)
        dt = time.perf_counter() - t
        result.write_s += dt
        result.events += n
        result.batches += 1

    def apply(self, net: Network, uow: FreshUnitOfWork, plan: Plan) -> int:
        """Run one plan's use cases; return how many events they raised."""
        if self._zhucun is not None:
            _expect_new(uow, plan)
            lines = [(n, parse_command_line(c)) for n, c in enumerate(scale.as_commands(plan))]
            self._zhucun.run_in(uow, lines)
            return (
                plan.event_count if isinstance(plan, VillagePlan) else scale.unit_event_count(plan)
            )
        if isinstance(plan, UnitPlan):
            if self.path == "network":
                self._unit_via_network(net, uow, plan)
            else:
                self._unit_direct(uow, plan)
            return scale.unit_event_count(plan)
        if self.path == "network":
            self._village_via_network(net, uow, plan)
        else:
            self._village_direct(uow, plan)
        return plan.event_count

    # -- through the use cases ----------------------------------------------------------------

    def _unit_via_network(self, net: Network, uow: FreshUnitOfWork, plan: UnitPlan) -> None:
        m = self._m
        _expect_new(uow, plan)
        net.open_unit(plan.code, plan.name, plan.level, plan.parent_code, m[scale.OPENED_ON])
        if plan.level is not Level.PROVINCE:
            net.open_site(plan.code, SiteKind.CENTRE, "", m[scale.SITE_ON])
            net.assign_site_responsible(plan.code, plan.responsible, None, m[scale.RESPONSIBLE_ON])

    def _village_via_network(self, net: Network, uow: FreshUnitOfWork, v: VillagePlan) -> None:
        m = self._m
        code = v.unit.code
        hh = v.households
        cids = [central_household_id(hh[c.household].id) for c in v.centrals]
        _expect_new(uow, v)

        opened = m[scale.OPENED_ON]
        net.open_unit(code, v.unit.name, Level.VILLAGE, v.unit.parent_code, opened)
        if v.poor:
            net.declare_poor(code, m[scale.POOR_ON])
        for g in v.groups:
            net.open_unit(g.code, g.name, Level.GROUP, code, opened)
        registered = m[scale.REGISTERED_ON]
        for h in hh:
            net.register_household(
                h.group_code, h.head_name, h.members, h.id_number, registered, h.id
            )
        joined, designated = m[scale.JOINED_ON], m[scale.DESIGNATED_ON]
        for c in v.centrals:
            net.party_member_joined(c.member_name, hh[c.household].id, joined, c.member_id)
            net.designate_central_household(c.member_id, designated)
        linked = m[scale.LINKED_ON]
        for c, cid in zip(v.centrals, cids, strict=True):
            for k in c.linked:
                net.link_household(hh[k].id, cid, linked)
        site_on, responsible_on = m[scale.SITE_ON], m[scale.RESPONSIBLE_ON]
        net.open_site(code, SiteKind.STATION, "", site_on)
        net.assign_site_responsible(code, "", v.centrals[0].member_id, responsible_on)
        for g in v.groups:
            net.open_site(g.code, SiteKind.POINT, "", site_on)
            net.assign_site_responsible(g.code, g.responsible, None, responsible_on)
        if v.exited_poverty:
            net.exit_poverty(code, m[scale.EXITED_ON])

    # -- through the aggregates ---------------------------------------------------------------
    # Each step names the use case it stands for; the extra checks are the ones it makes.

    def _unit_direct(self, uow: UnitOfWork, plan: UnitPlan) -> None:
        m = self._m
        parent = self._unit(uow, plan.parent_code) if plan.parent_code else None
        unit = Unit.open(plan.code, plan.name, plan.level, parent, m[scale.OPENED_ON])  # open_unit
        uow.add(unit)
        self._units[plan.code] = unit
        if plan.level is not Level.PROVINCE:
            site = Site.open(SiteKind.CENTRE, unit, "", m[scale.SITE_ON])  # open_site
            uow.add(site)
            site.assign_responsible(plan.responsible, None, None, m[scale.RESPONSIBLE_ON])

    def _unit(self, uow: UnitOfWork, code: str) -> Unit:
        """A unit opened earlier by this loader, else as stored (opened by another process)."""
        unit = self._units.get(code)
        if unit is None:
            unit = self._units[code] = uow.get(
                Unit, unit_id(code), lambda: UnitNotFoundError(code, "parent")
            )
        return unit

    def _village_direct(self, uow: UnitOfWork, v: VillagePlan) -> None:
        m = self._m
        add = uow.add
        code = v.unit.code
        opened = m[scale.OPENED_ON]
        village = Unit.open(
            code,
            v.unit.name,
            Level.VILLAGE,  # open_unit
            self._unit(uow, v.township),
            opened,
        )
        add(village)
        if v.poor:
            village.declare_poor(m[scale.POOR_ON])  # declare_poor
        groups: dict[str, Unit] = {}
        for g in v.groups:
            group = groups[g.code] = Unit.open(g.code, g.name, Level.GROUP, village, opened)
            add(group)
        registered = m[scale.REGISTERED_ON]
        households = []
        for h in v.households:  # register_household
            hh = Household.register(
                h.id, groups[h.group_code], h.head_name, h.members, h.id_number, registered
            )
            add(hh)
            households.append(hh)
        joined, designated = m[scale.JOINED_ON], m[scale.DESIGNATED_ON]
        members: list[PartyMember] = []
        centrals: list[CentralHousehold] = []
        for c in v.centrals:
            own = households[c.household]
            village.check_acting(joined.occurred_on, field="household")  # party_member_joined
            member = PartyMember.join(c.member_id, c.member_name, own, code, joined)
            add(member)
            members.append(member)
            village.check_acting(designated.occurred_on, field="party_member")  # designate_...
            central = CentralHousehold.designate(member, own, code, designated)
            add(central)
            centrals.append(central)
        linked = m[scale.LINKED_ON]
        for c, central in zip(v.centrals, centrals, strict=True):
            for k in c.linked:  # link_household; a fresh household has no current link
                village.check_date(linked.occurred_on)
                households[k].link(central, None, code, code, linked)
        site_on, responsible_on = m[scale.SITE_ON], m[scale.RESPONSIBLE_ON]
        station = Site.open(SiteKind.STATION, village, "", site_on)  # open_site
        add(station)
        station.assign_responsible("", members[0], code, responsible_on)  # assign_site_responsible
        for g in v.groups:
            point = Site.open(SiteKind.POINT, groups[g.code], "", site_on)
            add(point)
            point.assign_responsible(g.responsible, None, code, responsible_on)
        if v.exited_poverty:
            village.exit_poverty(m[scale.EXITED_ON])  # exit_poverty


PATHS = ("aggregates", "network", "commands")


def _expect_new(uow: FreshUnitOfWork, plan: Plan) -> None:
    """Tell the unit of work which ids the plan creates (see ``FreshUnitOfWork``)."""
    if isinstance(plan, UnitPlan):
        uow.expect_new((unit_id(plan.code), site_id(plan.code)))
        return
    units = (plan.unit, *plan.groups)
    uow.expect_new(unit_id(u.code) for u in units)
    uow.expect_new(site_id(u.code) for u in units)
    uow.expect_new(h.id for h in plan.households)
    uow.expect_new(c.member_id for c in plan.centrals)
    uow.expect_new(central_household_id(plan.households[c.household].id) for c in plan.centrals)


def _no_children(code: str) -> list[str]:
    # Only closing or merging units asks for children; a load does neither.
    return []
