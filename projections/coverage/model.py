"""Keeps the coverage rows up to date as the log grows.

Events are taken one recording moment at a time (all the events recorded at the same instant
form one moment). For each moment: store its facts, note which scopes they concern, sweep
each of those scopes again over effective time, and compare with the rows currently known:
rows that no longer hold are closed at that moment (known_to), new rows open (known_from).
A row opened and closed at the same moment is deleted instead, so processing the log in
bigger or smaller steps gives the same table. What a page of the log writes is kept in memory
and written once at the end of the page (``PageWrites``, page.py).

The facts and current rows of recently swept scopes stay in memory between moments (SQL
stays the truth: the memory is dropped whenever another process may have moved the model).
"""

from __future__ import annotations

import zlib
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, MetaData, func, select

from domain.base import derived_id
from domain.rules import RuleSet
from projections.bulk import insert_many
from projections.coverage.facts import (
    CENTRAL,
    HOUSEHOLD,
    MEMBER,
    SITE,
    UNIT,
    Fact,
    as_date,
    fact_of,
    stored_fact,
)
from projections.coverage.page import PageWrites
from projections.coverage.rollup import Rollup, own_counts
from projections.coverage.sweep import Interval, Walk
from projections.coverage.tables import (
    QUERY_ONLY_INDEXES,
    facts,
    group_households,
    metadata,
    moments,
    rows,
    scope_entities,
)
from projections.tables import generation, stored_position, utc_naive

NAME = "coverage"
CACHED_SCOPES = 500  # facts and rows of this many scopes stay in memory
CACHED_WALKS = 300  # a walk holds a village's whole state: fewer of them
CREATIONS = {"Opened", "Registered", "Joined", "Designated"}

RowKey = tuple[Any, ...]  # everything a row says, but its recording times
Current = dict[RowKey, tuple[int, datetime]]  # a scope's rows known now -> id, known_from


@lru_cache(maxsize=65536)
def owns(scope: str, part: int, parts: int) -> bool:
    """Does part ``part`` of ``parts`` sweep this scope? By a hash of its code, so that
    villages spread evenly whatever their numbering."""
    return zlib.crc32(scope.encode()) % parts == part


@lru_cache(maxsize=65536)
def unit_entity(code: str) -> str:
    return derived_id("unit", code).hex


@lru_cache(maxsize=65536)
def site_entity(code: str) -> str:
    return derived_id("site", code).hex


class CoverageModel:
    name = NAME
    metadata: MetaData = metadata
    deferred_indexes = QUERY_ONLY_INDEXES
    # 2: roll-ups of whole subtrees (cov_parents, cov_rollup), and units without a centre
    # counted per level. 3: rows indexed by their last day in force (tables.lasting_after).
    # 4: column sizes from domain/fields.py (a gap named after a site of a long-named unit).
    version = 4

    def __init__(self, rules: RuleSet, part: int = 0, parts: int = 1) -> None:
        self.rules = rules
        # A part of a sharded rebuild (projections/shards.py) sweeps, writes and counts the
        # rows of its own scopes only (``owns``); facts and memberships, which say which
        # scopes an event concerns, are every part's (the same in each, kept once at merge).
        self.part, self.parts = part, parts
        self._position = -1  # log position the memory below is valid at
        self._generation = -1  # and the rebuild generation of the tables
        self._last_moment: datetime | None = None
        self._next_id = 0
        self._facts: OrderedDict[str, list[Fact]] = OrderedDict()  # scope -> its facts
        self._rows: OrderedDict[str, Current] = OrderedDict()  # scope -> its current rows
        self._walks: OrderedDict[str, Walk] = OrderedDict()  # scope -> its sweep so far
        # Set when the memory has seen the model's whole life (it began from empty tables in
        # this process): a scope never seen then has no stored facts or rows, and needs no
        # reading. A rebuild is mostly such scopes.
        self._whole_life = False
        self._seen: set[str] = set()
        # Rows closed during the current moment (for reopening), while memory holds them all.
        self._closed_moment: datetime | None = None
        self._closed: dict[str, Current] | None = None
        self._rollup = Rollup()
        self._page = PageWrites()  # what the current page writes, written at its end

    # -- entry point ---------------------------------------------------------------------------

    def process(self, conn: Connection, logged: Sequence[Any]) -> None:
        """Apply a page of logged events (position, event), moment by moment."""
        if not logged:
            return
        if (
            logged[0].position <= self._position
            or self._position < 0
            or self._position != stored_position(conn, NAME)
            or self._generation != generation(conn)
        ):
            self._forget(conn)
        try:
            self._process(conn, logged)
        except BaseException:
            # The transaction is rolled back: what memory learnt from the page is not true.
            self._position = -1
            raise

    def _process(self, conn: Connection, logged: Sequence[Any]) -> None:
        batch: list[Fact] = []
        current: datetime | None = None
        end_position = 0
        stamp: datetime | None = None  # the events of a moment share their time's object
        naive = datetime.min
        for item in logged:
            if item.event.timestamp is not stamp:
                stamp = item.event.timestamp
                naive = utc_naive(stamp)
            moment = naive
            if self._last_moment is not None and moment < self._last_moment:
                moment = self._last_moment  # recording times never go backwards here
            if current is not None and moment != current:
                self._apply_moment(conn, current, batch, end_position)
                batch = []
            current, self._last_moment, end_position = moment, moment, item.position
            fact = fact_of(item.position, item.event)
            if fact is not None:
                batch.append(fact)
        assert current is not None
        self._apply_moment(conn, current, batch, end_position)
        self._page.write(conn)
        self._rollup.flush(conn)
        self._position = end_position

    def reset(self) -> None:
        self._facts.clear()
        self._rows.clear()
        self._walks.clear()
        self._rollup.forget()
        self._page.clear(None)
        self._position = -1

    def _forget(self, conn: Connection) -> None:
        self._facts.clear()
        self._rows.clear()
        self._walks.clear()
        self._seen.clear()
        self._rollup.forget()
        self._closed = None  # rows closed earlier in the current moment are only in SQL
        self._last_moment = conn.execute(
            select(moments.c.recorded_at).order_by(moments.c.recorded_at.desc()).limit(1)
        ).scalar()
        self._position = stored_position(conn, NAME)
        self._generation = generation(conn)
        self._next_id = int(conn.execute(select(func.max(rows.c.id))).scalar() or 0)
        self._whole_life = self._position == 0
        self._closed_moment = self._last_moment
        self._page.clear(self._last_moment)

    def _apply_moment(
        self, conn: Connection, moment: datetime, batch: list[Fact], end_position: int
    ) -> None:
        if moment != self._closed_moment:
            # A new moment: nothing closed in it yet. Tracked in memory only from its start.
            self._closed_moment = moment
            self._closed = {}
        if batch:
            self._page.facts.extend(
                (f.position, f.entity, f.kind, moment, f.occurred_on, f.type, f.actor, f.data)
                for f in batch
            )
            new_facts, rewritten = self._update_scopes(conn, batch)
            for scope in sorted(new_facts):
                if self.parts == 1 or owns(scope, self.part, self.parts):
                    self._recompute(conn, scope, moment, new_facts[scope], scope in rewritten)
        self._page.moments[moment] = end_position

    # -- which scopes a fact concerns ----------------------------------------------------------

    def _update_scopes(
        self, conn: Connection, batch: list[Fact]
    ) -> tuple[dict[str, list[Fact]], set[str]]:
        """Record new scope memberships and add each fact to the facts of its scopes in memory.

        Returns the new facts of each scope concerned, and the scopes whose past changed (an
        entity with an earlier history joined them): those are swept again from the start.
        """
        m = _Memberships(conn, batch)
        touched: dict[str, list[Fact]] = defaultdict(list)
        rewritten: set[str] = set()
        for f in batch:
            # Entities created by this fact have no past (a unit's site opens after the unit).
            fresh = {f.entity}
            if f.kind == UNIT and f.type == "Opened":
                fresh.add(site_entity(f.data["code"]))
            for scope, members in self._joins(conn, f, m).items():
                new = m.join(scope, members)
                if new and (f.type not in CREATIONS or not fresh.issuperset(new)):
                    # Entities with a past joined: the scope's history changed.
                    rewritten.add(scope)
                    self._facts.pop(scope, None)
                    self._walks.pop(scope, None)
                touched.setdefault(scope, [])  # a scope joined is swept even without facts
            for scope in m.scopes(f.entity):
                touched[scope].append(f)
                cached = self._facts.get(scope)
                if cached is not None and (not cached or cached[-1].position < f.position):
                    cached.append(f)
        m.flush()
        return touched, rewritten

    def _joins(self, conn: Connection, f: Fact, m: _Memberships) -> dict[str, list[str]]:
        """Scopes the fact's entity (and what comes with it) joins: scope -> entities."""
        if f.kind == UNIT and f.type in ("Opened", "Moved"):
            code, level = self._unit_code_level(conn, f)
            if level == "group":
                households = m.households_of(code)
                return {f.data["parent"]: [f.entity, site_entity(code), *households]}
            if f.type == "Opened":
                return {code: [f.entity, site_entity(code)]}
        elif f.kind == HOUSEHOLD and f.type in ("Registered", "Moved"):
            group = f.data["group"]
            m.add_household(group, f.entity)
            return {v: [f.entity] for v in m.scopes(unit_entity(group))}
        elif (f.kind == MEMBER and f.type == "Joined") or (
            f.kind == CENTRAL and f.type == "Designated"
        ):
            return {f.data["village"]: [f.entity]}
        elif f.kind == SITE and f.type == "ResponsibleAssigned" and f.data.get("member"):
            # The site's scope needs the member (is the responsible still active?), and the
            # member's village needs the site (being responsible is a role).
            member = f.data["member"]
            joins = {scope: [member] for scope in m.scopes(f.entity)}
            for village in m.scopes(member):
                joins.setdefault(village, []).append(f.entity)
            return joins
        return {}

    def _unit_code_level(self, conn: Connection, f: Fact) -> tuple[str, str]:
        if f.type == "Opened":
            return f.data["code"], f.data["level"]
        self._page.write(conn)  # the opening may be among the page's facts
        opened = conn.execute(
            select(facts.c.data).where(facts.c.entity == f.entity, facts.c.type == "Opened")
        ).scalar_one()
        return opened["code"], opened["level"]

    # -- sweeping a scope ----------------------------------------------------------------------

    def _count(self, conn: Connection, scope: str, wanted: Iterable[RowKey]) -> None:
        """Rewrite the scope's counts of what is in force now (rows still lasting), and
        carry the difference up the roll-ups of the units above it."""
        n, parent = own_counts(scope, ((k[1], k[2], k[6]) for k in wanted if k[VALID_TO] is None))
        fresh = self._new_scope(scope)
        self._rollup.change(conn, scope, n, parent, fresh=fresh)
        self._page.set_counts(scope, [(scope, k, c) for k, c in sorted(n.items())], not fresh)

    def _reopen(
        self,
        conn: Connection,
        scope: str,
        moment: datetime,
        added: list[RowKey],
        current: Current,
    ) -> list[RowKey]:
        """Rows wanted again that were closed earlier in this same moment are reopened
        rather than inserted again: however the moment's events were split into pages,
        the table ends the same."""
        if self._closed is not None:
            closed = self._closed.get(scope, {})
        else:
            self._page.write(conn)
            closed = {
                _stored_key(r): (r.id, r.known_from)
                for r in conn.execute(
                    select(rows).where(rows.c.scope == scope, rows.c.known_to == moment)
                )
            }
        if not closed:
            return added
        again = {k for k in added if k in closed}
        if again:
            self._page.close_rows(conn, [closed[k][0] for k in again], None)
            for k in again:
                current[k] = closed.pop(k)
        return [k for k in added if k not in again]  # in their order

    def _new_scope(self, scope: str) -> bool:
        """Nothing is stored about the scope yet (known without asking, see _whole_life)."""
        return self._whole_life and scope not in self._seen

    def scope_facts(
        self, conn: Connection, scope: str, new: list[Fact] | None = None
    ) -> list[Fact]:
        """The scope's facts; ``new``: the moment's facts of a scope that has none stored
        before them (see ``_whole_life``)."""
        cached = self._facts.get(scope)
        if cached is not None:
            self._facts.move_to_end(scope)
            return cached
        if new is not None:
            _remember(self._facts, scope, list(new))
            return new
        self._page.write(conn)
        members = select(scope_entities.c.entity).where(scope_entities.c.scope == scope)
        result = conn.execute(
            select(facts).where(facts.c.entity.in_(members)).order_by(facts.c.position)
        )
        loaded = [stored_fact(r) for r in result]
        _remember(self._facts, scope, loaded)
        return loaded

    def _current(self, conn: Connection, scope: str) -> Current:
        cached = self._rows.get(scope)
        if cached is not None:
            self._rows.move_to_end(scope)
            return cached
        if self._new_scope(scope):
            loaded: Current = {}
            _remember(self._rows, scope, loaded)
            return loaded
        self._page.write(conn)
        loaded = {
            _stored_key(r): (r.id, r.known_from)
            for r in conn.execute(
                select(rows).where(rows.c.scope == scope, rows.c.known_to.is_(None))
            )
        }
        _remember(self._rows, scope, loaded)
        return loaded

    def _recompute(
        self, conn: Connection, scope: str, moment: datetime, new: list[Fact], rewritten: bool
    ) -> None:
        walk = self._walks.get(scope)
        if walk is not None and not rewritten and walk.can_continue(new):
            # The usual case: nothing back-dated, the walk goes on from where it stopped.
            self._walks.move_to_end(scope)
            walk.feed(new)
        else:
            first = self._new_scope(scope) and not rewritten
            walk = Walk(scope, self.rules)
            walk.feed(self.scope_facts(conn, scope, new if first else None))
            _remember(self._walks, scope, walk, CACHED_WALKS)
        plus, minus, whole = walk.delta()
        current = self._current(conn, scope)
        wanted = {_row_key(scope, iv) for iv in plus}
        if whole:
            gone = [k for k in current if k not in wanted]
        else:
            # The walk says what changed since it last said: the scope's other rows stand
            # as they are (``current`` holds them as this process wrote them).
            gone = [k for k in {_row_key(scope, iv) for iv in minus} - wanted if k in current]
        if gone:
            same_moment = [current[k][0] for k in gone if current[k][1] == moment]
            earlier = [current[k][0] for k in gone if current[k][1] != moment]
            if same_moment:
                self._page.delete_rows(conn, same_moment)
            if earlier:
                self._page.close_rows(conn, earlier, moment)
            closed = None if self._closed is None else self._closed.setdefault(scope, {})
            for k in gone:
                if closed is not None and current[k][1] != moment:
                    closed[k] = current[k]
                del current[k]
        # Kind, subject and first day tell rows of a scope apart: ids follow that order.
        added = sorted((k for k in wanted if k not in current), key=_row_order)
        changed = bool(gone or added)
        if added:
            added = self._reopen(conn, scope, moment, added, current)
        if added:
            # Ids are handed out here (writers take turns on the position row), so the
            # insert is a plain executemany.
            values = []
            for k in added:
                self._next_id += 1
                values.append((*k, self._next_id, moment, None))
                current[k] = (self._next_id, moment)
            self._page.add_rows(values)
        if changed:
            self._count(conn, scope, current.keys())
        self._seen.add(scope)


class _Memberships:
    """Scope memberships for one moment's facts: read in a few queries, written in one go."""

    def __init__(self, conn: Connection, batch: list[Fact]) -> None:
        self.conn = conn
        self.scopes_of: dict[str, set[str]] = defaultdict(set)
        wanted = {f.entity for f in batch} | {
            unit_entity(f.data["group"])
            for f in batch
            if f.kind == HOUSEHOLD and f.type in ("Registered", "Moved")
        }
        self.loaded: set[str] = set()
        self._load(wanted)
        pairs = {
            (f.data["group"], f.entity)
            for f in batch
            if f.kind == HOUSEHOLD and f.type in ("Registered", "Moved")
        }
        self.grouped: set[tuple[str, str]] = set()
        if pairs:
            self.grouped = {
                (g, h)
                for g, h in conn.execute(
                    select(group_households.c.group_code, group_households.c.household).where(
                        group_households.c.household.in_({h for _, h in pairs})
                    )
                )
            }
        # The moment's households per group, for a group opened after them in the moment.
        self.by_group: dict[str, set[str]] = defaultdict(set)
        for g, h in self.grouped:
            self.by_group[g].add(h)
        self.new_members: list[tuple[str, str]] = []
        self.new_grouped: list[tuple[str, str]] = []

    def _load(self, entities: set[str]) -> None:
        todo = list(entities - self.loaded)
        for i in range(0, len(todo), 900):
            chunk = todo[i : i + 900]
            for scope, entity in self.conn.execute(
                select(scope_entities.c.scope, scope_entities.c.entity).where(
                    scope_entities.c.entity.in_(chunk)
                )
            ):
                self.scopes_of[entity].add(scope)
        self.loaded |= set(todo)

    def scopes(self, entity: str) -> set[str]:
        if entity not in self.loaded:
            self._load({entity})
        return self.scopes_of[entity]

    def join(self, scope: str, entities: list[str]) -> list[str]:
        """Make the entities members of the scope; return those that were not."""
        self._load(set(entities))
        new = [e for e in dict.fromkeys(entities) if scope not in self.scopes_of[e]]
        for e in new:
            self.scopes_of[e].add(scope)
            self.new_members.append((scope, e))
        return new

    def add_household(self, group: str, household: str) -> None:
        if (group, household) not in self.grouped:
            self.grouped.add((group, household))
            self.by_group[group].add(household)
            self.new_grouped.append((group, household))

    def households_of(self, group: str) -> list[str]:
        stored = set(
            self.conn.execute(
                select(group_households.c.household).where(group_households.c.group_code == group)
            ).scalars()
        )
        return sorted(stored | self.by_group.get(group, set()))

    def flush(self) -> None:
        insert_many(self.conn, scope_entities, ("scope", "entity"), self.new_members)
        insert_many(self.conn, group_households, ("group_code", "household"), self.new_grouped)


def _remember(
    cache: OrderedDict[str, Any], scope: str, value: Any, limit: int = CACHED_SCOPES
) -> None:
    cache[scope] = value
    while len(cache) > limit:
        cache.popitem(last=False)


# A row's key: scope, kind, subject, valid_from first (they identify a current row).
VALID_TO = 7  # where valid_to sits in a row key


def _row_key(scope: str, iv: Interval) -> RowKey:
    return (
        scope,
        iv.kind,
        iv.subject,
        iv.valid_from,
        iv.name,
        iv.unit,
        iv.parent,
        iv.valid_to,
        iv.since,
        iv.cause.position,
        iv.cause.type,
        iv.cause.actor,
    )


def _stored_key(r: Any) -> RowKey:
    return (
        r.scope,
        r.kind,
        r.subject,
        as_date(r.valid_from),
        r.name,
        r.unit,
        r.parent,
        as_date(r.valid_to) if r.valid_to is not None else None,
        as_date(r.since),
        r.cause_position,
        r.cause_type,
        r.cause_actor,
    )


def _row_order(key: RowKey) -> tuple[Any, ...]:
    return key[1:4]  # kind, subject, valid_from: never None, so they compare
