"""Corrections: a later entry saying that an earlier one in the log was wrong.

Nothing in the log is ever changed; a mistake is corrected by a new event that says so. The
events that put things right (an unlink, a move back) are ordinary events; this one says,
in the log itself, *which* earlier entry they put right and why, so that every audit output
can mark both the correction and the entry it corrects.
"""

from __future__ import annotations

from uuid import UUID

from domain.base import Meta, NetworkAggregate


class Correction(NetworkAggregate):
    """One correction of one earlier entry of the log."""

    def __init__(self) -> None:
        self.corrects_position = 0
        self.corrected_event = ""
        self.subject_id: UUID | None = None
        self.note = ""

    class Recorded(NetworkAggregate.CreatedSetsFields):
        corrects_position: int  # the log position of the entry corrected
        corrected_event: str  # its type, e.g. "Household.Linked"
        subject_id: UUID  # the aggregate that entry is about
        note: str  # what was wrong, and what the right state is

    @classmethod
    def record(
        cls,
        correction_id: UUID,
        corrects_position: int,
        corrected_event: str,
        subject_id: UUID,
        note: str,
        meta: Meta,
    ) -> Correction:
        return cls._create(
            cls.Recorded,
            id=correction_id,
            corrects_position=corrects_position,
            corrected_event=corrected_event,
            subject_id=subject_id,
            note=note.strip(),
            **meta.event_kwargs(),
        )
