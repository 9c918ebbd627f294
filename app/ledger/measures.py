"""Use cases of the measures (帮扶措施): planned for an item of an approved plan, moved through
their statuses, with progress notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from app.ledger.plans import Plans
from app.ledger.use_case import LedgerUseCase
from domain.base import Meta
from domain.ledger.errors import MeasureNotFoundError
from domain.ledger.measures import FundingSource, Measure, MeasureStatus


class Measures(LedgerUseCase):
    def measure(self, measure_id: UUID, field: str = "measure") -> Measure:
        return self.uow.get(
            Measure, measure_id, lambda: MeasureNotFoundError(str(measure_id), field)
        )

    def plan_measure(
        self,
        village_code: str,
        plan_id: UUID,
        item_key: str,
        title: str,
        responsible: str,
        due_on: date,
        budget_fen: int,
        sources: Sequence[FundingSource],
        meta: Meta,
        measure_id: UUID | None = None,
    ) -> dict[str, object]:
        new = self.uow.new_id(measure_id, "帮扶措施", "measure")
        village = self.network.unit(village_code, "village")
        plan = Plans(self.uow, self.network).plan(plan_id)
        measure = Measure.plan(
            new, village, plan, item_key, title, responsible, due_on, budget_fen, sources, meta
        )
        self.uow.add(measure)
        return {"measure": str(new), "status": MeasureStatus.PLANNED.value}

    def set_status(
        self, measure_id: UUID, status: MeasureStatus, because: str, meta: Meta
    ) -> dict[str, object]:
        self.measure(measure_id).set_status(status, because, meta)
        return {"measure": str(measure_id), "status": status.value}

    def note_progress(self, measure_id: UUID, note: str, meta: Meta) -> dict[str, object]:
        self.measure(measure_id).note_progress(note, meta)
        return {"measure": str(measure_id)}
