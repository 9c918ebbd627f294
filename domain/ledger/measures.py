"""Assistance measures (帮扶措施): what a team does for an item of its village's approved plan,
with who answers for it, its due date, its budget in fen and the four sources it is funded
from, and a status that moves planned → under way → done, or is dropped with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import Meta, NetworkAggregate
from domain.ledger.errors import (
    BudgetWithoutSourcesError,
    DatedBeforeMeasureError,
    DropWithoutReasonError,
    DueBeforePlannedError,
    IllegalMeasureTransitionError,
    MeasureBeforePlanError,
    PlanNotApprovedError,
    PlanOfOtherVillageError,
)
from domain.ledger.plans import MeasureCategory, VillagePlan
from domain.villages import VillageProfile
from domain.worded import Worded

if TYPE_CHECKING:
    from domain.units import Unit


class FundingSource(Worded):
    """The four sources of the "四位一体" funding."""

    COLLECTIVE_SELF_RAISED = "collective_self_raised"  # 集体自筹
    FISCAL = "fiscal"  # 财政投入
    PARTY_FEE = "party_fee"  # 党费补贴
    URBAN_RURAL = "urban_rural"  # 城乡统筹

    __zh__: ClassVar[dict[str, str]] = {
        "collective_self_raised": "集体自筹",
        "fiscal": "财政投入",
        "party_fee": "党费补贴",
        "urban_rural": "城乡统筹",
    }

    @property
    def en(self) -> str:
        return {
            "collective_self_raised": "collective self-raised",
            "fiscal": "fiscal",
            "party_fee": "party-fee subsidy",
            "urban_rural": "urban-rural coordination",
        }[self.value]


class MeasureStatus(StrEnum):
    PLANNED = "planned"  # 计划
    UNDER_WAY = "under_way"  # 实施中
    DONE = "done"  # 已完成
    DROPPED = "dropped"  # 已放弃

    @property
    def zh(self) -> str:
        return {"planned": "计划", "under_way": "实施中", "done": "已完成", "dropped": "已放弃"}[
            self.value
        ]


# The moves a measure's status may make.
TRANSITIONS = {
    MeasureStatus.PLANNED: frozenset({MeasureStatus.UNDER_WAY, MeasureStatus.DROPPED}),
    MeasureStatus.UNDER_WAY: frozenset({MeasureStatus.DONE, MeasureStatus.DROPPED}),
    MeasureStatus.DONE: frozenset[MeasureStatus](),
    MeasureStatus.DROPPED: frozenset[MeasureStatus](),
}


class Measure(NetworkAggregate):
    """One assistance measure of a village, serving one item of its plan."""

    def __init__(self) -> None:
        self.village_code = ""
        self.plan_id = ""  # hex
        self.planned_on = date.min
        self.status = MeasureStatus.PLANNED
        self.sources: frozenset[FundingSource] = frozenset()
        self.dropped_on: date | None = None

    class Planned(NetworkAggregate.Created):
        village_code: str
        plan_id: str  # hex
        item_key: str
        category: str
        title: str
        responsible: str
        due_on: str
        budget_fen: int
        sources: list[str]

        def apply(self, m: Measure) -> None:
            self.copy_to(m, "village_code", "plan_id")
            m.planned_on = self.day
            m.sources = frozenset(FundingSource(s) for s in self.sources)

    class StatusChanged(NetworkAggregate.Event):
        status: str
        because: str

        def apply(self, m: Measure) -> None:
            m.status = MeasureStatus(self.status)
            if m.status is MeasureStatus.DROPPED:
                m.dropped_on = self.day

    class ProgressNoted(NetworkAggregate.Event):
        note: str

        def apply(self, m: Measure) -> None:
            pass

    @classmethod
    def plan(
        cls,
        measure_id: UUID,
        village: Unit,
        plan: VillagePlan,
        item_key: str,
        title: str,
        responsible: str,
        due_on: date,
        budget_fen: int,
        sources: Sequence[FundingSource],
        meta: Meta,
    ) -> Measure:
        VillageProfile.check_village(village, meta.occurred_on)
        if plan.village_code != village.code:
            raise PlanOfOtherVillageError(str(plan.id), village.code, plan.village_code)
        item = plan.item(item_key)
        if plan.first_approved_on is None:
            raise PlanNotApprovedError(str(plan.id))
        if meta.occurred_on < plan.first_approved_on:
            raise MeasureBeforePlanError(
                meta.occurred_on.isoformat(), plan.first_approved_on.isoformat()
            )
        if due_on < meta.occurred_on:
            raise DueBeforePlannedError(due_on.isoformat(), meta.occurred_on.isoformat())
        if budget_fen > 0 and not sources:
            raise BudgetWithoutSourcesError()
        return cls._create(
            cls.Planned,
            id=measure_id,
            village_code=village.code,
            plan_id=plan.id.hex,
            item_key=item.key,
            category=MeasureCategory(item.category).value,
            title=title,
            responsible=responsible,
            due_on=due_on.isoformat(),
            budget_fen=budget_fen,
            sources=[s.value for s in sources],
            **meta.event_kwargs(),
        )

    def _check_dated(self, meta: Meta) -> None:
        if meta.occurred_on < self.planned_on:
            raise DatedBeforeMeasureError(meta.occurred_on.isoformat(), self.planned_on.isoformat())

    def set_status(self, status: MeasureStatus, because: str, meta: Meta) -> None:
        self._check_dated(meta)
        if status not in TRANSITIONS[self.status]:
            raise IllegalMeasureTransitionError(
                self.status.value, status.value, self.status.zh, status.zh
            )
        if status is MeasureStatus.DROPPED and not because:
            raise DropWithoutReasonError()
        self.trigger_event(
            self.StatusChanged, status=status.value, because=because, **meta.event_kwargs()
        )

    def note_progress(self, note: str, meta: Meta) -> None:
        self._check_dated(meta)
        self.trigger_event(self.ProgressNoted, note=note, **meta.event_kwargs())
