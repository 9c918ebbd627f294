"""``assign_rectification``: a gap of the work list assigned to someone by a day (the first
time: ``Rectification.Assigned``; again: ``Reassigned``). The gap must be on the unit's list
on the command's day, as the read side lists it now (``Network.gap``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.network import Network
from app.rectifications import gap_type_of, subject_of
from app.registry import command
from app.schemas import CodeArg, CommandArgs, DayArg, OptTextArg, Read, Text
from domain.base import Meta
from domain.errors import GapNotFoundError
from domain.rectifications import Rectification, rectification_id


class AssignRectification(CommandArgs):
    type: Read[str, Text(then=gap_type_of)]
    subject: Read[str, Text(then=subject_of)]
    unit: CodeArg
    assignee: OptTextArg
    due_on: DayArg
    note: OptTextArg


@command(
    "assign_rectification",
    "交办整改",
    "assign a blind spot or work gap for rectification",
    AssignRectification,
)
def _assign(n: Network, a: AssignRectification, m: Meta) -> dict[str, Any]:
    kind, subject, code, assignee, due_on, note = (
        a.type,
        a.subject,
        a.unit,
        a.assignee,
        a.due_on,
        a.note,
    )
    n.unit(code)  # a unit that does not exist is refused by name
    gap = n.gap(code, kind, subject, m.occurred_on)
    if gap is None:
        raise GapNotFoundError(subject, code, m.occurred_on.isoformat())
    since = date.fromisoformat(gap["since"])
    rid = rectification_id(kind, subject, since)
    existing = n.uow.find(Rectification, rid)
    if existing is None:
        n.uow.add(
            Rectification.assign(
                kind,
                subject,
                gap["subject"]["name"],
                code,
                gap["unit"],
                since,
                assignee,
                due_on,
                note,
                m,
            )
        )
        done = "assigned"
    else:
        existing.reassign(assignee, due_on, note, m)
        done = "reassigned"
    return {"rectification": str(rid), done: True, "since": gap["since"]}
