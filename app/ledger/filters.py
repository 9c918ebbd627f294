"""The filters of ``zhucun measures``, read once as a command's arguments are (app/args.py):
a status and a category among their lists (trimmed, any case), a responsible person's name
as ``plan_measure`` stored it (NFC, trimmed). A value that is none of them is refused."""

from __future__ import annotations

from enum import StrEnum

from app.args import clean_text, is_blank, refuse
from domain.fields import Field, field
from domain.ledger.measures import MeasureStatus
from domain.ledger.plans import MeasureCategory
from projections.ledger.measure_list import MeasureFilter

CATEGORY = Field("措施类别", "category of the measure", 32)


def measure_filter(
    status: str | None, overdue: bool, category: str | None, responsible: str | None
) -> MeasureFilter:
    return MeasureFilter(
        status=_choice("status", status, MeasureStatus, field("status")),
        overdue=overdue,
        category=_choice("category", category, MeasureCategory, CATEGORY),
        responsible=None if is_blank(responsible) else clean_text("responsible", responsible),
    )


def _choice(name: str, value: str | None, kind: type[StrEnum], spec: Field) -> str | None:
    if is_blank(value):
        return None
    assert value is not None
    allowed = ", ".join(m.value for m in kind)
    try:
        return kind(value.strip().lower()).value
    except ValueError:
        raise refuse(name, f"应为以下之一：{allowed}", f"must be one of: {allowed}", spec) from None
