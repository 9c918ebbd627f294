"""What an audit log query asks for, and one entry of its answer as a plain row: shared by
the answer from the audit index (app/audit/lookup.py) and the reading of the whole log
(app/audit/log.py)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from app.audit.people import Directory
from app.describe import describe, details, event_type
from app.store.clock import CHINA_TZ
from app.store.event_store import LoggedEvent

BACKDATED_DAYS = 7


@dataclass(frozen=True)
class AuditFilter:
    unit: str | None = None  # a unit code: what is placed in that unit's subtree
    team: UUID | None = None  # a team: its events and its members' months and leave on it
    person: str | None = None  # an id or a name: as the actor or as the subject
    actor: str | None = None
    event: str | None = None  # an event type, e.g. "Household.Registered"
    occurred_from: date | None = None
    occurred_to: date | None = None
    recorded_from: date | None = None  # recording day, Beijing time
    recorded_to: date | None = None
    subject: str | None = None  # an aggregate id: entries about it
    backdated_only: bool = False  # only entries flagged back-dated
    corrections_only: bool = False  # only corrections
    after: int | None = None  # only entries after this log position
    limit: int | None = None
    page: int | None = None  # with limit: the page-th run of `limit` matching rows
    backdated_days: int = BACKDATED_DAYS
    unmasked: bool = False  # identity numbers in full (allowed roles only, checked by caller)

    def given(self) -> dict[str, str]:
        """The filters used, as text, for the export's record and its 'filters' sheet."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and value is not False and f.name != "backdated_days":
                out[f.name] = str(value)
        out["backdated_days"] = str(self.backdated_days)
        return out


class IdTexts(dict[UUID, tuple[str, str]]):
    """An id's hex and its text, worked out once per id: a month's stream has many events."""

    def __missing__(self, key: UUID) -> tuple[str, str]:
        found = self[key] = (key.hex, str(key))
        return found


def local_time(e: Any) -> datetime:
    stamp: datetime = e.timestamp if e.timestamp.tzinfo else e.timestamp.replace(tzinfo=UTC)
    return stamp.astimezone(CHINA_TZ)


def is_backdated(recorded: datetime, occurred_on: date | str, days: int) -> bool:
    """补录: recorded more than ``days`` after the day it happened (recording day in Beijing)."""
    if isinstance(occurred_on, str):
        occurred_on = date.fromisoformat(occurred_on)
    stamp = recorded if recorded.tzinfo else recorded.replace(tzinfo=UTC)
    return (stamp.astimezone(CHINA_TZ).date() - occurred_on).days > days


def entry_row(
    logged: LoggedEvent,
    f: AuditFilter,
    people: Directory,
    corrected_by: list[int],
    texts: IdTexts,
) -> dict[str, Any]:
    """One entry as the audit log shows it."""
    e = logged.event
    kind = event_type(e)
    oid, dashed = texts[e.originator_id]
    local = local_time(e)
    occurred = date.fromisoformat(e.occurred_on)
    zh, en = describe(e)
    actor_name, actor_unit = people.actor(e.actor_id)
    is_correction = kind == "Correction.Recorded"
    subject_hex, subject = texts[e.subject_id] if is_correction else (oid, dashed)
    return {
        "position": logged.position,
        "recorded_at": local.isoformat(),
        "occurred_on": e.occurred_on,
        "backdated": is_backdated(local, occurred, f.backdated_days),
        "correction": is_correction,
        "corrects": e.corrects_position if is_correction else None,
        "corrected_by": corrected_by,
        "actor": e.actor_id,
        "actor_name": actor_name,
        "role": e.actor_role,
        "actor_unit": actor_unit,
        "event": kind,
        "what_zh": zh,
        "what_en": en,
        "subject": subject,
        "subject_name": people.name_of(subject_hex),
        "details": details(e, unmasked=f.unmasked),
        "reason": e.reason,
    }
