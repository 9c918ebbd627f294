"""Plans (帮扶规划): a village's three-year assistance goal (三年帮扶目标) and its annual plans
(年度帮扶计划), each a list of items the measures will serve.

A plan is drafted by the village's team (a member, or an officer with them), revised by
events of its own, and counts once a named official of the village's township or county has
approved its latest revision on a day; a revision after an approval needs approving again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import Meta, NetworkAggregate
from domain.ledger.errors import (
    ApproverNotOverVillageError,
    DuplicatePlanItemError,
    OwnPlanApprovedError,
    PlanAlreadyApprovedError,
    PlanDatedBeforeDraftingError,
    PlanItemNotFoundError,
    PlanWithoutItemsError,
)
from domain.levels import Level
from domain.villages import VillageProfile

if TYPE_CHECKING:
    from domain.units import Unit
from domain.worded import Worded


class PlanKind(StrEnum):
    THREE_YEAR = "three_year"  # 三年帮扶目标
    ANNUAL = "annual"  # 年度帮扶计划

    @property
    def zh(self) -> str:
        return "三年帮扶目标" if self is PlanKind.THREE_YEAR else "年度帮扶计划"


class MeasureCategory(Worded):
    """The four kinds of assistance measure (帮扶措施), and of the plan items they serve."""

    COMMITTEES = "committees"  # 两委班子与党员队伍建设
    CONDITIONS = "conditions"  # 发展环境和生产生活条件
    COLLECTIVE_ECONOMY = "collective_economy"  # 集体经济
    INCOME = "income"  # 村民增收

    __zh__: ClassVar[dict[str, str]] = {
        "committees": "两委班子与党员队伍建设",
        "conditions": "发展环境和生产生活条件",
        "collective_economy": "集体经济",
        "income": "村民增收",
    }


@dataclass(frozen=True)
class PlanItem:
    """One item of a plan: its key within the plan (``A1``), what it aims at, its category."""

    key: str
    text: str
    category: MeasureCategory

    def as_event(self) -> dict[str, str]:
        return {"key": self.key, "text": self.text, "category": self.category.value}


def _items(raw: Sequence[dict[str, str]]) -> list[PlanItem]:
    return [PlanItem(i["key"], i["text"], MeasureCategory(i["category"])) for i in raw]


class VillagePlan(NetworkAggregate):
    """A village's three-year goal or one year's plan: its revisions and their approvals."""

    def __init__(self) -> None:
        self.village_code = ""
        self.kind = PlanKind.ANNUAL
        self.year = 0
        self.drafted_on = date.min
        self.revision = 0
        self.items: list[PlanItem] = []
        self.drafters: set[str] = set()  # names and actors who drafted or revised it
        self.approved_revision = 0
        self.approved_on: date | None = None
        self.first_approved_on: date | None = None  # from then on it counts

    class Drafted(NetworkAggregate.Created):
        village_code: str
        kind: str
        year: int
        title: str
        drafted_by: str
        items: list[dict[str, str]]

        def apply(self, p: VillagePlan) -> None:
            self.copy_to(p, "village_code", "year")
            p.kind = PlanKind(self.kind)
            p.drafted_on = self.day
            p.take_revision(1, self.items, self.drafted_by, self.actor_id)

    class Revised(NetworkAggregate.Event):
        revision: int
        title: str
        revised_by: str
        items: list[dict[str, str]]

        def apply(self, p: VillagePlan) -> None:
            p.take_revision(self.revision, self.items, self.revised_by, self.actor_id)

    class Approved(NetworkAggregate.Event):
        revision: int
        approver: str
        approver_unit: str

        def apply(self, p: VillagePlan) -> None:
            p.approved_revision = self.revision
            p.approved_on = self.day
            if p.first_approved_on is None or p.approved_on < p.first_approved_on:
                p.first_approved_on = p.approved_on

    def take_revision(
        self, revision: int, items: Sequence[dict[str, str]], by: str, actor_id: str
    ) -> None:
        """The first draft (revision 1) or a later revision: its items replace the plan's,
        and who wrote it (the name given and the account) joins the drafters."""
        self.revision = revision
        self.items = _items(items)
        self.drafters |= {by, actor_id}

    # -- commands -----------------------------------------------------------------------------

    @staticmethod
    def _check_items(items: Sequence[PlanItem]) -> None:
        if not items:
            raise PlanWithoutItemsError()
        seen: set[str] = set()
        for item in items:
            if item.key in seen:
                raise DuplicatePlanItemError(item.key)
            seen.add(item.key)

    @classmethod
    def draft(
        cls,
        plan_id: UUID,
        village: Unit,
        kind: PlanKind,
        year: int,
        title: str,
        drafted_by: str,
        items: Sequence[PlanItem],
        meta: Meta,
    ) -> VillagePlan:
        VillageProfile.check_village(village, meta.occurred_on)
        cls._check_items(items)
        return cls._create(
            cls.Drafted,
            id=plan_id,
            village_code=village.code,
            kind=kind.value,
            year=year,
            title=title,
            drafted_by=drafted_by,
            items=[i.as_event() for i in items],
            **meta.event_kwargs(),
        )

    def revise(self, title: str, revised_by: str, items: Sequence[PlanItem], meta: Meta) -> int:
        self._check_items(items)
        if meta.occurred_on < self.drafted_on:
            raise PlanDatedBeforeDraftingError(
                "修订", "a revision", meta.occurred_on.isoformat(), self.drafted_on.isoformat()
            )
        self.trigger_event(
            self.Revised,
            revision=self.revision + 1,
            title=title,
            revised_by=revised_by,
            items=[i.as_event() for i in items],
            **meta.event_kwargs(),
        )
        return self.revision

    def approve(self, approver: str, approver_unit: Unit, above: Sequence[str], meta: Meta) -> int:
        """``above``: the codes of the units above the village, nearest first."""
        if approver_unit.level not in (Level.TOWNSHIP, Level.COUNTY) or (
            approver_unit.code not in above
        ):
            raise ApproverNotOverVillageError(approver_unit.code, self.village_code)
        if approver in self.drafters or meta.actor_id in self.drafters:
            raise OwnPlanApprovedError(approver)
        if meta.occurred_on < self.drafted_on:
            raise PlanDatedBeforeDraftingError(
                "批准", "an approval", meta.occurred_on.isoformat(), self.drafted_on.isoformat()
            )
        if self.approved_revision == self.revision:
            raise PlanAlreadyApprovedError(str(self.id), self.revision)
        self.trigger_event(
            self.Approved,
            revision=self.revision,
            approver=approver,
            approver_unit=approver_unit.code,
            **meta.event_kwargs(),
        )
        return self.revision

    def item(self, key: str, field: str = "item") -> PlanItem:
        for i in self.items:
            if i.key == key:
                return i
        raise PlanItemNotFoundError(key, str(self.id), field)
