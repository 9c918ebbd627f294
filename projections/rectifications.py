"""The rectifications read model: every assignment and reassignment of a gap for
rectification (整改), one row per event, so that a rectification can be read on any day as
known at any moment (both clocks). Whether its gap is still open, and which event closed it,
is read from the gap lists themselves (``app/rectifications.py``, docs/adr/035)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
)

from domain import fields
from domain.rectifications import Rectification
from projections.tables import utc_naive

NAME = "rectifications"
metadata = MetaData()

versions = Table(
    "rm_rectifications",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("id", String(32), nullable=False, index=True),
    Column("kind", String(12), nullable=False),  # assigned | reassigned
    Column("gap_type", String(40), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("subject_name", String(200), nullable=False),
    Column("unit_code", String(15), nullable=False),
    Column("gap_unit", String(15), nullable=False, index=True),
    Column("since", Date, nullable=False),
    Column("assignee", String(fields.PERSON_NAME_MAX), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("note", String(fields.LONG_TEXT_MAX), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("recorded_at", DateTime(), nullable=False),
    Column("actor", String(fields.ACTOR_MAX), nullable=False),
)


class RectificationsModel:
    name = NAME
    metadata = metadata

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        for logged in page:
            e = logged.event
            kind = type(e)
            if kind is Rectification.Assigned:
                fixed: dict[str, Any] = {
                    "gap_type": e.gap_type,
                    "subject": e.subject,
                    "subject_name": e.subject_name,
                    "unit_code": e.unit_code,
                    "gap_unit": e.gap_unit,
                    "since": date.fromisoformat(e.since),
                }
                label = "assigned"
            elif kind is Rectification.Reassigned:
                first = conn.execute(
                    select(versions).where(versions.c.id == e.originator_id.hex).limit(1)
                ).first()
                if first is None:
                    continue
                fixed = {k: getattr(first, k) for k in FIXED}
                label = "reassigned"
            else:
                continue
            conn.execute(
                insert(versions).values(
                    position=logged.position,
                    id=e.originator_id.hex,
                    kind=label,
                    assignee=e.assignee,
                    due_on=date.fromisoformat(e.due_on),
                    note=e.note,
                    occurred_on=date.fromisoformat(e.occurred_on),
                    recorded_at=utc_naive(e.timestamp),
                    actor=e.actor_id,
                    **fixed,
                )
            )

    def reset(self) -> None:
        pass


FIXED = ("gap_type", "subject", "subject_name", "unit_code", "gap_unit", "since")


def rectifications_in(conn: Connection, day: date, upto: int | None) -> list[dict[str, Any]]:
    """Each rectification, as it stood on ``day`` as known
    at log position ``upto`` (None: now): its latest assignment by then, with the first's
    day and position. Assignments dated after ``day`` or recorded after ``upto`` are not
    yet known."""
    query = select(versions).where(versions.c.occurred_on <= day).order_by(versions.c.position)
    if upto is not None:
        query = query.where(versions.c.position <= upto)
    found: dict[str, dict[str, Any]] = {}
    for r in conn.execute(query):
        row = dict(r._mapping)
        first = found.get(r.id)
        if first is None:
            row["assigned_on"], row["assigned_at"] = r.occurred_on, r.position
            row["assigned_by"] = r.actor
        else:
            row["assigned_on"], row["assigned_at"] = first["assigned_on"], first["assigned_at"]
            row["assigned_by"] = first["assigned_by"]
        found[r.id] = row
    return list(found.values())
