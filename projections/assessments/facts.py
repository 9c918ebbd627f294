"""What an assessment reads, gathered from the read models as known once the log had reached
a position: every query here is bounded by that position (``position <= P``, or for the
roster's versioned rows, known at P), so the same position gives the same facts whatever
was recorded since (docs/adr/027)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, and_, select

from domain.assessments.facts import (
    Entry,
    EvaluationFacts,
    Facts,
    MeasureFacts,
    Stint,
    TeamFacts,
)
from domain.assessments.periods import Period
from projections.assessments.tables import (
    diaries,
    evaluations,
    poverty,
    rule_versions,
    unit_parents,
)
from projections.ledger.tables import measure_statuses, measures
from projections.teams.queries import known
from projections.teams.tables import absences, cadres, checkins, memberships, teams
from projections.teams.visits import visits

CHUNK = 500  # ids in one IN list


def chunks(items: Sequence[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield list(items[i : i + CHUNK])


@lru_cache(maxsize=1 << 16)
def _uuid(hex_id: str) -> str:
    # Cached: a year of a city's check-ins names a few hundred cadres and teams 100,000 times.
    return str(UUID(hex_id))


def units_under(conn: Connection, code: str, day: date, upto: int) -> set[str] | None:
    """The codes of the unit and every unit under it on ``day``, as known at ``upto``; None
    if the unit was not known to be open by then."""
    parent_of: dict[str, tuple[date, int, str | None]] = {}
    for unit, parent, on, position in conn.execute(
        select(
            unit_parents.c.code,
            unit_parents.c.parent_code,
            unit_parents.c.day,
            unit_parents.c.position,
        ).where(unit_parents.c.position <= upto, unit_parents.c.day <= day)
    ):
        if unit not in parent_of or (on, position) > parent_of[unit][:2]:
            parent_of[unit] = (on, position, parent)
    if code not in parent_of:
        return None
    children: dict[str, list[str]] = {}
    for unit, (_, _, parent) in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(unit)
    found, todo = {code}, [code]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def gather(conn: Connection, code: str, period: Period, upto: int) -> Facts | None:
    """The facts of an assessment of the teams serving in villages under the unit during the
    period, as known at log position ``upto``; None for a unit not known then."""
    under = units_under(conn, code, period.last_day, upto)
    if under is None:
        return None
    facts = Facts(period, code)
    first, last = period.first_day, period.last_day
    poor = poor_villages(conn, last, upto)
    for t in conn.execute(select(teams).where(known(teams, upto))).mappings():
        end = t["ended_on"] or t["term_ends_on"]
        if t["village_code"] in under and t["dispatched_on"] <= last and end >= first:
            facts.teams.append(
                TeamFacts(
                    _uuid(t["team_id"]),
                    t["name"],
                    t["village_code"],
                    t["unit_code"],
                    max(first, t["dispatched_on"]),
                    min(last, end),
                    int(t["from_position"]),
                    t["to_position"],
                    t["dispatched_on"],
                    None if t["ended_on"] else t["term_ends_on"],
                    t["village_code"] in poor,
                )
            )
    ids = [UUID(t.team_id).hex for t in facts.teams]
    facts.stints = _stints(conn, ids, first, last, upto)
    facts.checkins = _entries(conn, checkins, ids, period, upto)
    facts.absences = _entries(conn, absences, ids, period, upto)
    facts.diaries = _entries(conn, diaries, ids, period, upto)
    facts.visits = _entries(conn, visits, ids, period, upto, visits.c.household_id)
    facts.measures = _measures(conn, sorted({t.village for t in facts.teams}), period, upto)
    facts.evaluations = _evaluations(conn, ids, period, upto)
    return facts


def poor_villages(conn: Connection, day: date, upto: int) -> set[str]:
    """The villages poor on ``day`` as known at ``upto``: each one's last declaration or exit
    that took effect by then."""
    last: dict[str, tuple[date, int, bool]] = {}
    for code, exited, on, position in conn.execute(
        select(poverty.c.code, poverty.c.exited, poverty.c.day, poverty.c.position).where(
            poverty.c.position <= upto, poverty.c.day <= day
        )
    ):
        if code not in last or (on, position) > last[code][:2]:
            last[code] = (on, position, exited)
    return {code for code, (_, _, exited) in last.items() if not exited}


def _stints(conn: Connection, ids: list[str], first: date, last: date, upto: int) -> list[Stint]:
    rows: list[Any] = []
    for part in chunks(ids):
        rows += (
            conn.execute(
                select(memberships, cadres.c.name)
                .join(cadres, and_(cadres.c.id == memberships.c.cadre_id, known(cadres, upto)))
                .where(
                    memberships.c.team_id.in_(part),
                    known(memberships, upto),
                    memberships.c.valid_from <= last,
                    (memberships.c.valid_to.is_(None)) | (memberships.c.valid_to > first),
                )
            )
            .mappings()
            .all()
        )
    return sorted(
        (
            Stint(
                _uuid(r["team_id"]),
                _uuid(r["cadre_id"]),
                r["name"],
                r["valid_from"],
                r["valid_to"] - timedelta(days=1) if r["valid_to"] else None,
                int(r[memberships.c.from_position]),
                r[memberships.c.to_position],
            )
            for r in rows
        ),
        key=lambda s: (s.team_id, s.cadre_id, s.first_day, s.position),
    )


def _entries(
    conn: Connection, table: Table, ids: list[str], period: Period, upto: int, extra: Any = None
) -> list[Entry]:
    """The table's rows of the teams in the period known at ``upto``, read through the
    driver's own cursor: a city's year is some 100,000 rows, and the SQL toolkit's row and
    date handling cost more than the query (docs/benchmarks.md, assessments)."""
    columns = ["team_id", "cadre_id", "day", "position"]
    if extra is not None:
        columns.append(extra.name)
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    first, last = period.first_day, period.last_day
    bounds: tuple[Any, ...] = (first.isoformat(), last.isoformat()) if sqlite else (first, last)
    days: dict[Any, date] = {}
    out: list[Entry] = []
    append = out.append
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for part in chunks(ids):
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {table.name} "
                f"WHERE team_id IN ({', '.join([mark] * len(part))}) "
                f"AND day >= {mark} AND day <= {mark} AND position <= {mark}",
                (*part, *bounds, upto),
            )
            for row in cursor.fetchall():
                team, cadre, on, position = row[:4]
                day = days.get(on)
                if day is None:
                    day = days[on] = on if type(on) is date else date.fromisoformat(str(on))
                household = _uuid(row[4]) if extra is not None else ""
                append(Entry(_uuid(team), _uuid(cadre), day, int(position), household))
    finally:
        cursor.close()
    out.sort(key=lambda e: (e.position, e.team_id, e.cadre_id, e.day))
    return out


def _measures(
    conn: Connection, villages: list[str], period: Period, upto: int
) -> list[MeasureFacts]:
    """The measures of the villages due in the period, planned by its last day, each with its
    status on that day (the latest change by then, by day and position)."""
    found: list[Any] = []
    for part in chunks(villages):
        found += (
            conn.execute(
                select(measures).where(
                    measures.c.village_code.in_(part),
                    measures.c.due_on >= period.first_day,
                    measures.c.due_on <= period.last_day,
                    measures.c.day <= period.last_day,
                    measures.c.position <= upto,
                )
            )
            .mappings()
            .all()
        )
    changes: dict[str, list[tuple[date, int, str]]] = {}
    for part in chunks([m["measure_id"] for m in found]):
        for mid, status, day, position in conn.execute(
            select(
                measure_statuses.c.measure_id,
                measure_statuses.c.status,
                measure_statuses.c.day,
                measure_statuses.c.position,
            ).where(
                measure_statuses.c.measure_id.in_(part),
                measure_statuses.c.day <= period.last_day,
                measure_statuses.c.position <= upto,
            )
        ):
            changes.setdefault(mid, []).append((day, int(position), status))
    out = []
    for m in found:
        mine = sorted(changes.get(m["measure_id"], []))
        status = mine[-1][2] if mine else "planned"
        out.append(
            MeasureFacts(
                m["village_code"],
                _uuid(m["measure_id"]),
                m["title"],
                m["due_on"],
                status,
                (int(m["position"]), *(p for _, p, _ in mine)),
            )
        )
    return sorted(out, key=lambda m: (m.village, m.due_on, m.positions))


def _evaluations(
    conn: Connection, ids: list[str], period: Period, upto: int
) -> list[EvaluationFacts]:
    out = []
    for part in chunks(ids):
        for r in conn.execute(
            select(evaluations).where(
                evaluations.c.team_id.in_(part),
                evaluations.c.year == period.year,
                evaluations.c.position <= upto,
            )
        ).mappings():
            out.append(
                EvaluationFacts(
                    _uuid(r["team_id"]),
                    r["day"],
                    r["attendance"],
                    r["satisfied"],
                    r["basically_satisfied"],
                    r["dissatisfied"],
                    int(r["position"]),
                )
            )
    return sorted(out, key=lambda e: (e.team_id, e.position))


def positions_read(
    conn: Connection, facts: Facts, rules_name: str, rules_version: int, upto: int
) -> set[int]:
    """The log positions of every event the facts rest on as known at ``upto``: the teams'
    and members' versions read, each entry, measure and status, evaluation, the rule
    version, and the unit-tree and poverty records that put the villages under the unit
    and said which were poor. The replay checks these events against the audit chain."""
    found: set[int] = {t.position for t in facts.teams}
    found.update(s.position for s in facts.stints)
    for kind in ("checkins", "absences", "diaries", "visits"):
        found.update(e.position for e in getattr(facts, kind))
    for m in facts.measures:
        found.update(m.positions)
    found.update(e.position for e in facts.evaluations)
    found.update(
        int(p)
        for p in conn.execute(
            select(rule_versions.c.position).where(
                rule_versions.c.name == rules_name,
                rule_versions.c.version == rules_version,
                rule_versions.c.position <= upto,
            )
        ).scalars()
    )
    day = facts.period.last_day
    found.update(_deciding(conn, unit_parents, unit_parents.c.code, day, upto, None))
    villages = {t.village for t in facts.teams}
    found.update(_deciding(conn, poverty, poverty.c.code, day, upto, villages))
    return {p for p in found if p <= upto}


def _deciding(
    conn: Connection, table: Table, key: Any, day: date, upto: int, among: set[str] | None
) -> set[int]:
    """Of each key's records that took effect by ``day`` as known at ``upto``, the position
    of the last (by day, then position): the one ``units_under`` and ``poor_villages`` use."""
    last: dict[str, tuple[date, int]] = {}
    for code, on, position in conn.execute(
        select(key, table.c.day, table.c.position).where(
            table.c.position <= upto, table.c.day <= day
        )
    ):
        if among is not None and code not in among:
            continue
        if code not in last or (on, position) > last[code]:
            last[code] = (on, int(position))
    return {position for _, position in last.values()}
