"""Rectifications (整改): a blind spot or work gap assigned to someone to put right by a day.

One rectification per occurrence of a gap: its id is derived from the gap's type, its subject
and the day it began, so that assigning the same gap again is a reassignment of the same
record (a new assignee, due day or note), never a second record. A gap that closes and later
opens again begins on another day: a new occurrence, a new rectification.

Whether the gap still exists is not this aggregate's knowledge: the use case asks the read
side (``app/rectifications.py``) before it assigns, and the read side says, on each day, if
the rectification is open, overdue or closed, and by which event (docs/adr/035).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.base import Meta, NetworkAggregate, derived_id
from domain.errors import DueBeforeAssignmentError, EmptyAssigneeError


def rectification_id(gap_type: str, subject: str, since: date) -> UUID:
    return derived_id("rectification", f"{gap_type}:{subject}:{since.isoformat()}")


class Rectification(NetworkAggregate):
    """The rectification of one gap: to whom it is assigned, by when, and why."""

    def __init__(self) -> None:
        self.gap_type = ""
        self.subject = ""
        self.subject_name = ""
        self.unit_code = ""  # the unit it was assigned under (the jurisdiction it lies in)
        self.gap_unit = ""  # the unit the gap itself lies in
        self.since = ""
        self.assignee = ""
        self.due_on = ""
        self.note = ""
        self.assigned_on = ""

    class Assigned(NetworkAggregate.Created):
        gap_type: str  # e.g. "unlinked_household"
        subject: str  # the gap's subject: an id (32 or 36 characters) or a unit's code
        subject_name: str
        unit_code: str
        gap_unit: str
        since: str  # ISO date: the day the gap began
        assignee: str  # the person who is to put it right
        due_on: str  # ISO date
        note: str

        def apply(self, r: Rectification) -> None:
            r.gap_type, r.subject, r.subject_name = self.gap_type, self.subject, self.subject_name
            r.unit_code, r.gap_unit, r.since = self.unit_code, self.gap_unit, self.since
            r.assignee, r.due_on, r.note = self.assignee, self.due_on, self.note
            r.assigned_on = self.occurred_on

    class Reassigned(NetworkAggregate.Event):
        assignee: str
        due_on: str
        note: str

        def apply(self, r: Rectification) -> None:
            r.assignee, r.due_on, r.note = self.assignee, self.due_on, self.note

    @staticmethod
    def check(assignee: str, due_on: date, meta: Meta) -> None:
        if not assignee.strip():
            raise EmptyAssigneeError()
        if due_on < meta.occurred_on:
            raise DueBeforeAssignmentError(due_on.isoformat(), meta.occurred_on.isoformat())

    @classmethod
    def assign(
        cls,
        gap_type: str,
        subject: str,
        subject_name: str,
        unit_code: str,
        gap_unit: str,
        since: date,
        assignee: str,
        due_on: date,
        note: str,
        meta: Meta,
    ) -> Rectification:
        cls.check(assignee, due_on, meta)
        return cls._create(
            cls.Assigned,
            id=rectification_id(gap_type, subject, since),
            gap_type=gap_type,
            subject=subject,
            subject_name=subject_name,
            unit_code=unit_code,
            gap_unit=gap_unit,
            since=since.isoformat(),
            assignee=assignee.strip(),
            due_on=due_on.isoformat(),
            note=note.strip(),
            **meta.event_kwargs(),
        )

    def reassign(self, assignee: str, due_on: date, note: str, meta: Meta) -> None:
        self.check(assignee, due_on, meta)
        self.trigger_event(
            self.Reassigned,
            assignee=assignee.strip(),
            due_on=due_on.isoformat(),
            note=note.strip(),
            **meta.event_kwargs(),
        )
