"""Keeps the coverage rows up to date as the log grows.

Events are taken one recording moment at a time (all the events recorded at the same instant
form one moment). For each moment: store its facts, note which scopes they concern, sweep
each of those scopes again over effective time, and compare with the rows currently known:
rows that no longer hold are closed at that moment (known_to), new rows open (known_from).
A row opened and closed at the same moment is deleted instead, so processing the log in
bigger or smaller steps gives the same table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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

    # -- entry point ---------------------------------------------------------------------------

    def process(self, conn: Connection, logged: Sequence[Any]) -> None:
        """Apply a page of logged events (position, event), moment by moment."""
        batch: list[Fact] = []
        last_moment: datetime | None = self._last_moment(conn)
        current: datetime | None = None
        end_position = 0
        for item in logged:
            fact = fact_of(item.position, item.event)
            moment = utc_naive(item.event.timestamp)
            if last_moment is not None and moment < last_moment:
                moment = last_moment  # recording times never go backwards in the model
            if current is not None and moment != current:
                self._apply_moment(conn, current, batch, end_position)
                batch = []
            current, last_moment, end_position = moment, moment, item.position
            if fact is not None:
                batch.append(fact)
        if current is not None:
            self._apply_moment(conn, current, batch, end_position)

    def _last_moment(self, conn: Connection) -> datetime | None:
        value = conn.execute(
            select(moments.c.recorded_at).order_by(moments.c.recorded_at.desc()).limit(1)
        ).scalar()
        return value  # type: ignore[no-any-return]

    def _apply_moment(
        self, conn: Connection, moment: datetime, batch: list[Fact], end_position: int
    ) -> None:
        if batch:
            self._store_facts(conn, moment, batch)
            for scope in sorted(self._scopes_touched(conn, batch)):
                self._recompute(conn, scope, moment)
        if conn.execute(select(moments.c.position).where(moments.c.recorded_at == moment)).first():
            conn.execute(update(moments).where(moments.c.recorded_at == moment)
                         .values(position=end_position))
        else:
            conn.execute(insert(moments).values(recorded_at=moment, position=end_position))

    # -- facts and scopes ----------------------------------------------------------------------

    def _store_facts(self, conn: Connection, moment: datetime, batch: list[Fact]) -> None:
        conn.execute(insert(facts), [
            {"position": f.position, "entity": f.entity, "kind": f.kind, "recorded_at": moment,
             "occurred_on": f.occurred_on, "type": f.type, "actor": f.actor, "data": f.data}
            for f in batch
        ])

    def _scopes_of(self, conn: Connection, entity: str) -> set[str]:
        return set(conn.execute(
            select(scope_entities.c.scope).where(scope_entities.c.entity == entity)).scalars())

    def _join(self, conn: Connection, scope: str, entities: Iterable[str]) -> None:
        known = set(conn.execute(select(scope_entities.c.entity).where(
            scope_entities.c.scope == scope)).scalars())
        new = [{"scope": scope, "entity": e} for e in set(entities) - known]
        if new:
            conn.execute(insert(scope_entities), new)

    def _scopes_touched(self, conn: Connection, batch: list[Fact]) -> set[str]:
        """Record which scopes each fact's entity belongs to; return the scopes to sweep."""
        touched: set[str] = set()
        for f in batch:
            scopes = self._memberships(conn, f)
            touched |= scopes | self._scopes_of(conn, f.entity)
        return touched

    def _memberships(self, conn: Connection, f: Fact) -> set[str]:
        """New scope memberships a fact brings; returns the scopes it joined."""
        joined: set[str] = set()
        if f.kind == UNIT and f.type in ("Opened", "Moved"):
            code = f.data.get("code") or self._code_of_unit(conn, f.entity)
            level = f.data.get("level") or self._level_of_unit(conn, f.entity)
            if level == "group":
                village = f.data["parent"]
                group_members = [f.entity, site_entity(code), *conn.execute(
                    select(group_households.c.household)
                    .where(group_households.c.group_code == code)).scalars()]
                self._join(conn, village, group_members)
                joined.add(village)
            elif f.type == "Opened":
                self._join(conn, code, [f.entity, site_entity(code)])
                joined.add(code)
        elif f.kind == HOUSEHOLD and f.type in ("Registered", "Moved"):
            group = f.data["group"]
            if not conn.execute(select(group_households.c.household).where(
                    group_households.c.group_code == group,
                    group_households.c.household == f.entity)).first():
                conn.execute(insert(group_households).values(group_code=group,
                                                              household=f.entity))
            for village in self._scopes_of(conn, unit_entity(group)):
                self._join(conn, village, [f.entity])
                joined.add(village)
        elif (f.kind == MEMBER and f.type == "Joined") or (
                f.kind == CENTRAL and f.type == "Designated"):
            self._join(conn, f.data["village"], [f.entity])
            joined.add(f.data["village"])
        elif f.kind == SITE and f.type == "ResponsibleAssigned" and f.data.get("member"):
            for scope in self._scopes_of(conn, f.entity):
                self._join(conn, scope, [f.data["member"]])
        return joined

    def _code_of_unit(self, conn: Connection, entity: str) -> str:
        return str(conn.execute(select(facts.c.data).where(
            facts.c.entity == entity, facts.c.type == "Opened")).scalar_one()["code"])

    def _level_of_unit(self, conn: Connection, entity: str) -> str:
        return str(conn.execute(select(facts.c.data).where(
            facts.c.entity == entity, facts.c.type == "Opened")).scalar_one()["level"])

    # -- sweeping a scope ----------------------------------------------------------------------

    def scope_facts(self, conn: Connection, scope: str) -> list[Fact]:
        members = select(scope_entities.c.entity).where(scope_entities.c.scope == scope)
        result = conn.execute(select(facts).where(facts.c.entity.in_(members)))
        return [
            Fact(r.entity, r.kind, r.position, r.recorded_at, _as_date(r.occurred_on), r.type,
                 r.actor, r.data)
            for r in result
        ]

    def _recompute(self, conn: Connection, scope: str, moment: datetime) -> None:
        wanted = {_row_key(scope, iv): iv for iv in sweep(scope, self.scope_facts(conn, scope),
                                                          self.rules)}
        current = {
            _stored_key(r): (r.id, r.known_from)
            for r in conn.execute(select(rows).where(rows.c.scope == scope,
                                                     rows.c.known_to.is_(None)))
        }
        gone = [current[k] for k in current.keys() - wanted.keys()]
        to_delete = [rid for rid, known_from in gone if known_from == moment]
        to_close = [rid for rid, known_from in gone if known_from != moment]
        if to_delete:
            conn.execute(delete(rows).where(rows.c.id.in_(to_delete)))
        if to_close:
            conn.execute(update(rows).where(rows.c.id.in_(to_close)).values(known_to=moment))
        new = [_row_values(scope, wanted[k], moment) for k in wanted.keys() - current.keys()]
        if new:
            conn.execute(insert(rows), new)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


RowKey = tuple[Any, ...]


def _row_key(scope: str, iv: Interval) -> RowKey:
    return (scope, iv.kind, iv.subject, iv.name, iv.unit, iv.parent, iv.valid_from,
            iv.valid_to, iv.since, iv.cause.position, iv.cause.type, iv.cause.actor)


def _stored_key(r: Any) -> RowKey:
    return (r.scope, r.kind, r.subject, r.name, r.unit, r.parent, _as_date(r.valid_from),
            _as_date(r.valid_to) if r.valid_to is not None else None, _as_date(r.since),
            r.cause_position, r.cause_type, r.cause_actor)


def _row_values(scope: str, iv: Interval, moment: datetime) -> dict[str, Any]:
    return {
        "scope": scope, "kind": iv.kind, "subject": iv.subject, "name": iv.name,
        "unit": iv.unit, "parent": iv.parent, "valid_from": iv.valid_from,
        "valid_to": iv.valid_to, "since": iv.since, "cause_position": iv.cause.position,
        "cause_type": iv.cause.type, "cause_actor": iv.cause.actor, "known_from": moment,
        "known_to": None,
    }


