"""Recording that an earlier entry of the log was wrong (domain/corrections.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from app.describe import event_type
from app.store.uow import UnitOfWork
from domain.base import Meta
from domain.corrections import Correction
from domain.errors import CorrectedEntryNotFoundError


def record_correction(
    uow: UnitOfWork, position: int, note: str, meta: Meta, correction_id: UUID | None = None
) -> dict[str, Any]:
    """Say, in the log, that the entry at ``position`` was wrong and why. The events that
    put the state right are recorded as usual, in the same batch or another."""
    found = uow.store.read_log(position - 1, 1) if position >= 1 else []
    if not found or found[0].position != position:
        raise CorrectedEntryNotFoundError(position, uow.store.max_position())
    corrected = found[0].event
    correction = Correction.record(
        correction_id or uuid4(),
        position,
        event_type(corrected),
        corrected.originator_id,
        note,
        meta,
    )
    uow.add(correction)
    return {
        "correction": str(correction.id),
        "corrects": position,
        "event": event_type(corrected),
        "subject": str(corrected.originator_id),
    }
