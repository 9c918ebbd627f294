"""Use cases of the plans (帮扶规划): a village's three-year goal and annual plans, drafted,
revised and approved."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from app.ledger.use_case import LedgerUseCase
from domain.base import Meta
from domain.ledger.errors import PlanNotFoundError
from domain.ledger.plans import PlanItem, PlanKind, VillagePlan


class Plans(LedgerUseCase):
    def plan(self, plan_id: UUID, field: str = "plan") -> VillagePlan:
        return self.uow.get(VillagePlan, plan_id, lambda: PlanNotFoundError(str(plan_id), field))

    def above(self, code: str) -> list[str]:
        """The codes of the units above ``code``, nearest first."""
        out: list[str] = []
        current = self.network.unit(code, "village").parent_code
        while current is not None and current not in out:
            out.append(current)
            current = self.network.unit(current).parent_code
        return out

    def draft(
        self,
        village_code: str,
        kind: PlanKind,
        year: int,
        title: str,
        drafted_by: str,
        items: Sequence[PlanItem],
        meta: Meta,
        plan_id: UUID | None = None,
    ) -> dict[str, object]:
        new = self.uow.new_id(plan_id, "帮扶规划", "plan")
        village = self.network.unit(village_code, "village")
        plan = VillagePlan.draft(new, village, kind, year, title, drafted_by, items, meta)
        self.uow.add(plan)
        return {"plan": str(new), "revision": 1}

    def revise(
        self, plan_id: UUID, title: str, revised_by: str, items: Sequence[PlanItem], meta: Meta
    ) -> dict[str, object]:
        revision = self.plan(plan_id).revise(title, revised_by, items, meta)
        return {"plan": str(plan_id), "revision": revision}

    def approve(
        self, plan_id: UUID, approver: str, unit_code: str, meta: Meta
    ) -> dict[str, object]:
        plan = self.plan(plan_id)
        unit = self.network.unit(unit_code, "approver_unit")
        revision = plan.approve(approver, unit, self.above(plan.village_code), meta)
        return {
            "plan": str(plan_id),
            "revision": revision,
            "approved_on": meta.occurred_on.isoformat(),
        }
