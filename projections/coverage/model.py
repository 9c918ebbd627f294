"""Keeps the coverage rows up to date as the log grows.

Events are taken one recording moment at a time (all the events recorded at the same instant
form one moment). For each moment: store its facts, note which scopes they concern, sweep
each of those scopes again over effective time, and compare with the rows currently known:
rows that no longer hold are closed at that moment (known_to), new rows open (known_from).
A row opened and closed at the same moment is deleted instead, so processing the log in
bigger or smaller steps gives the same table.

The facts and current rows of recently swept scopes stay in memory between moments (SQL
stays the truth: the memory is dropped whenever another process may have moved the model).
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, MetaData, delete, insert, select, update

from domain.base import derived_id
from domain.rules import RuleSet
from projections.coverage.facts import CENTRAL, HOUSEHOLD, MEMBER, SITE, UNIT, Fact, fact_of
from projections.coverage.sweep import Interval, sweep
from projections.coverage.tables import (
    facts,
    group_households,
    metadata,
    moments,
    rows,
    scope_entities,
)

NAME = "coverage"
CACHED_SCOPES = 3000

RowKey = tuple[Any, ...]  # everything a row says, but its recording times
Current = dict[RowKey, tuple[int, datetime]]  # a scope's rows known now -> id, known_from


def utc_naive(moment: datetime) -> datetime:
    """Recording times are kept as naive UTC: both engines compare them the same way."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def unit_entity(code: str) -> str:
    return derived_id("unit", code).hex


def site_entity(code: str) -> str:
    return derived_id("site", code).hex


class CoverageModel:
    name = NAME
    metadata: MetaData = metadata

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._position = -1  # log position the memory below is valid at
        self._last_moment: datetime | None = None
        self._facts: OrderedDict[str, list[Fact]] = OrderedDict()  # scope -> its facts
        self._rows: OrderedDict[str, Current] = OrderedDict()  # scope -> its current rows

    # -- entry point ---------------------------------------------------------------------------

    def process(self, conn: Connection, logged: Sequence[Any]) -> None:
        """Apply a page of logged events (position, event), moment by moment."""
        if not logged:
            return
        if logged[0].position <= self._position or self._position < 0 or (
            self._position != _stored_position(conn)
        ):
            self._forget(conn)
        batch: list[Fact] = []
        current: datetime | None = None
        end_position = 0
        for item in logged:
            moment = utc_naive(item.event.timestamp)
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
        self._position = end_position

    def _forget(self, conn: Connection) -> None:
        self._facts.clear()
        self._rows.clear()
        self._last_moment = conn.execute(
            select(moments.c.recorded_at).order_by(moments.c.recorded_at.desc()).limit(1)
        ).scalar()
        self._position = _stored_position(conn)

    def _apply_moment(
        self, conn: Connection, moment: datetime, batch: list[Fact], end_position: int
    ) -> None:
        if batch:
            conn.execute(insert(facts), [
                {"position": f.position, "entity": f.entity, "kind": f.kind,
                 "recorded_at": moment, "occurred_on": f.occurred_on, "type": f.type,
                 "actor": f.actor, "data": f.data}
                for f in batch
            ])
            touched = self._update_scopes(conn, batch)
            for scope in sorted(touched):
                self._recompute(conn, scope, moment)
        changed = conn.execute(update(moments).where(moments.c.recorded_at == moment)
                               .values(position=end_position)).rowcount
        if not changed:
            conn.execute(insert(moments).values(recorded_at=moment, position=end_position))

    # -- which scopes a fact concerns ----------------------------------------------------------

    def _update_scopes(self, conn: Connection, batch: list[Fact]) -> set[str]:
        """Record new scope memberships; add each fact to the facts of its scopes in memory;
        return the scopes to sweep again."""
        entities = {f.entity for f in batch}
        scopes_of: dict[str, set[str]] = defaultdict(set)
        for scope, entity in conn.execute(select(scope_entities.c.scope, scope_entities.c.entity)
                                          .where(scope_entities.c.entity.in_(entities))):
            scopes_of[entity].add(scope)
        loaded = set(entities)

        def scopes(entity: str) -> set[str]:
            if entity not in loaded:
                scopes_of[entity] |= set(conn.execute(select(scope_entities.c.scope).where(
                    scope_entities.c.entity == entity)).scalars())
                loaded.add(entity)
            return scopes_of[entity]

        touched: set[str] = set()
        for f in batch:
            for scope, members in self._joins(conn, f, scopes_of).items():
                new = [e for e in dict.fromkeys(members) if scope not in scopes(e)]
                if new:
                    conn.execute(insert(scope_entities),
                                 [{"scope": scope, "entity": e} for e in new])
                    for e in new:
                        scopes_of[e].add(scope)
                    # the scope's history now includes those entities' earlier facts
                    self._facts.pop(scope, None)
                touched.add(scope)
            for scope in scopes_of[f.entity]:
                touched.add(scope)
                cached = self._facts.get(scope)
                if cached is not None and (not cached or cached[-1].position < f.position):
                    cached.append(f)
        return touched

    def _joins(self, conn: Connection, f: Fact,
               scopes_of: dict[str, set[str]]) -> dict[str, list[str]]:
        """Scopes the fact's entity (and what comes with it) joins: scope -> entities."""
        if f.kind == UNIT and f.type in ("Opened", "Moved"):
            code, level = self._unit_code_level(conn, f)
            if level == "group":
                households = list(conn.execute(select(group_households.c.household).where(
                    group_households.c.group_code == code)).scalars())
                return {f.data["parent"]: [f.entity, site_entity(code), *households]}
            if f.type == "Opened":
                return {code: [f.entity, site_entity(code)]}
        elif f.kind == HOUSEHOLD and f.type in ("Registered", "Moved"):
            group = f.data["group"]
            exists = conn.execute(select(group_households.c.household).where(
                group_households.c.group_code == group,
                group_households.c.household == f.entity)).first()
            if not exists:
                conn.execute(insert(group_households).values(group_code=group,
                                                              household=f.entity))
            villages = conn.execute(select(scope_entities.c.scope).where(
                scope_entities.c.entity == unit_entity(group))).scalars()
            return {v: [f.entity] for v in villages}
        elif (f.kind == MEMBER and f.type == "Joined") or (
                f.kind == CENTRAL and f.type == "Designated"):
            return {f.data["village"]: [f.entity]}
        elif f.kind == SITE and f.type == "ResponsibleAssigned" and f.data.get("member"):
            return {scope: [f.data["member"]] for scope in scopes_of[f.entity]}
        return {}

    def _unit_code_level(self, conn: Connection, f: Fact) -> tuple[str, str]:
        if f.type == "Opened":
            return f.data["code"], f.data["level"]
        opened = conn.execute(select(facts.c.data).where(
            facts.c.entity == f.entity, facts.c.type == "Opened")).scalar_one()
        return opened["code"], opened["level"]

    # -- sweeping a scope ----------------------------------------------------------------------

    def scope_facts(self, conn: Connection, scope: str) -> list[Fact]:
        cached = self._facts.get(scope)
        if cached is not None:
            self._facts.move_to_end(scope)
            return cached
        members = select(scope_entities.c.entity).where(scope_entities.c.scope == scope)
        result = conn.execute(select(facts).where(facts.c.entity.in_(members))
                              .order_by(facts.c.position))
        loaded = [
            Fact(r.entity, r.kind, r.position, r.recorded_at, _as_date(r.occurred_on), r.type,
                 r.actor, r.data)
            for r in result
        ]
        _remember(self._facts, scope, loaded)
        return loaded

    def _current(self, conn: Connection, scope: str) -> Current:
        cached = self._rows.get(scope)
        if cached is not None:
            self._rows.move_to_end(scope)
            return cached
        loaded = {
            _stored_key(r): (r.id, r.known_from)
            for r in conn.execute(select(rows).where(rows.c.scope == scope,
                                                     rows.c.known_to.is_(None)))
        }
        _remember(self._rows, scope, loaded)
        return loaded

    def _recompute(self, conn: Connection, scope: str, moment: datetime) -> None:
        wanted = {_row_key(scope, iv) for iv in sweep(scope, self.scope_facts(conn, scope),
                                                      self.rules)}
        current = self._current(conn, scope)
        gone = [k for k in current if k not in wanted]
        if gone:
            same_moment = [current[k][0] for k in gone if current[k][1] == moment]
            earlier = [current[k][0] for k in gone if current[k][1] != moment]
            if same_moment:
                conn.execute(delete(rows).where(rows.c.id.in_(same_moment)))
            if earlier:
                conn.execute(update(rows).where(rows.c.id.in_(earlier)).values(known_to=moment))
            for k in gone:
                del current[k]
        new = [k for k in wanted if k not in current]
        if new:
            ids = conn.execute(
                insert(rows).returning(rows.c.id, sort_by_parameter_order=True),
                [_row_values(k, moment) for k in new],
            ).scalars().all()
            for k, rid in zip(new, ids, strict=True):
                current[k] = (rid, moment)


def _stored_position(conn: Connection) -> int:
    from projections.tables import positions

    value = conn.execute(select(positions.c.position).where(positions.c.name == NAME)).scalar()
    return int(value or 0)


def _remember(cache: OrderedDict[str, Any], scope: str, value: Any) -> None:
    cache[scope] = value
    while len(cache) > CACHED_SCOPES:
        cache.popitem(last=False)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# A row's key: scope, kind, subject, valid_from first (they identify a current row).
def _row_key(scope: str, iv: Interval) -> RowKey:
    return (scope, iv.kind, iv.subject, iv.valid_from, iv.name, iv.unit, iv.parent,
            iv.valid_to, iv.since, iv.cause.position, iv.cause.type, iv.cause.actor)


def _stored_key(r: Any) -> RowKey:
    return (r.scope, r.kind, r.subject, _as_date(r.valid_from), r.name, r.unit, r.parent,
            _as_date(r.valid_to) if r.valid_to is not None else None, _as_date(r.since),
            r.cause_position, r.cause_type, r.cause_actor)


_COLUMNS = ("scope", "kind", "subject", "valid_from", "name", "unit", "parent", "valid_to",
            "since", "cause_position", "cause_type", "cause_actor")


def _row_values(k: RowKey, moment: datetime) -> dict[str, Any]:
    values = dict(zip(_COLUMNS, k, strict=True))
    values.update(known_from=moment, known_to=None)
    return values



