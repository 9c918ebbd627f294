"""Audit queries over the whole log: who did what, when it happened and when it was recorded,
and why, filtered; back-dated entries flagged (docs/audit.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

from sqlalchemy import Engine, or_, select

from app.clock import CHINA_TZ
from app.describe import describe, details, event_type
from app.store import EventStore
from projections.tables import central_households, households, party_members, sites, units

BACKDATED_DAYS = 7

COLUMNS = [
    "position",
    "recorded_at",
    "occurred_on",
    "backdated",
    "actor",
    "role",
    "event",
    "what_zh",
    "what_en",
    "subject",
    "details",
    "reason",
]


@dataclass(frozen=True)
class AuditFilter:
    unit: str | None = None  # a unit code: that unit and everything under it
    actor: str | None = None
    event: str | None = None  # an event type, e.g. "Household.Registered"
    occurred_from: date | None = None
    occurred_to: date | None = None
    recorded_from: date | None = None  # recording day, Beijing time
    recorded_to: date | None = None
    subject: str | None = None  # an aggregate id: entries about it
    limit: int | None = None
    backdated_days: int = BACKDATED_DAYS


def subjects_under(engine: Engine, code: str) -> set[str]:
    """Ids (hex) of the units, households, party members, central households and sites in the
    subtree of ``code``, as the network read model knows them now."""
    with engine.connect() as conn:
        found = conn.execute(
            select(units.c.code, units.c.id).where(
                or_(units.c.code == code, units.c.path.like(f"%/{code}/%"))
            )
        ).all()
        codes = [r[0] for r in found]
        ids = {r[1] for r in found}
        if not codes:
            return ids
        for column, id_column in (
            (households.c.group_code, households.c.id),
            (party_members.c.village_code, party_members.c.id),
            (central_households.c.village_code, central_households.c.id),
            (sites.c.unit_code, sites.c.id),
        ):
            ids.update(conn.execute(select(id_column).where(column.in_(codes))).scalars())
    return ids


def audit_rows(store: EventStore, engine: Engine, f: AuditFilter) -> Iterator[dict[str, Any]]:
    """Matching events in log order, one plain row each."""
    subjects = subjects_under(engine, f.unit) if f.unit is not None else None
    count = 0
    for page in store.iter_log():
        for logged in page:
            e = logged.event
            if subjects is not None and e.originator_id.hex not in subjects:
                continue
            if f.actor is not None and e.actor_id != f.actor:
                continue
            if f.subject is not None and str(e.originator_id) != f.subject:
                continue
            if f.event is not None and event_type(e) != f.event:
                continue
            occurred = date.fromisoformat(e.occurred_on)
            if f.occurred_from is not None and occurred < f.occurred_from:
                continue
            if f.occurred_to is not None and occurred > f.occurred_to:
                continue
            stamp = e.timestamp if e.timestamp.tzinfo else e.timestamp.replace(tzinfo=UTC)
            recorded_day = stamp.astimezone(CHINA_TZ).date()
            if f.recorded_from is not None and recorded_day < f.recorded_from:
                continue
            if f.recorded_to is not None and recorded_day > f.recorded_to:
                continue
            zh, en = describe(e)
            yield {
                "position": logged.position,
                "recorded_at": e.timestamp.isoformat(),
                "occurred_on": e.occurred_on,
                "backdated": (recorded_day - occurred).days > f.backdated_days,
                "actor": e.actor_id,
                "role": e.actor_role,
                "event": event_type(e),
                "what_zh": zh,
                "what_en": en,
                "subject": str(e.originator_id),
                "details": details(e),
                "reason": e.reason,
            }
            count += 1
            if f.limit is not None and count >= f.limit:
                return


def as_csv(rows: list[dict[str, Any]]) -> str:
    import json

    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "details": json.dumps(r["details"], ensure_ascii=False)})
    return out.getvalue()
