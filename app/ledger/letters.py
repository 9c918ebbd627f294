"""Use cases of the responsibility letters (工作目标责任书) between a dispatching unit and a
village it serves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from app.ledger.plans import Plans
from app.ledger.use_case import LedgerUseCase
from app.teams import Teams
from domain.base import Meta
from domain.ledger.letters import ResponsibilityLetter, Target


class Letters(LedgerUseCase):
    def sign(
        self,
        unit_code: str,
        village_code: str,
        team_id: UUID,
        unit_signatory: str,
        village_signatory: str,
        term: tuple[date, date],
        targets: Sequence[tuple[str, UUID, str]],
        meta: Meta,
        letter_id: UUID | None = None,
    ) -> dict[str, object]:
        """``targets``: (text, plan id, item key) each."""
        new = self.uow.new_id(letter_id, "工作目标责任书", "responsibility letter")
        teams = Teams(self.uow, self.network)
        unit = teams.dispatching_unit(unit_code)
        village = self.network.unit(village_code, "village")
        team = teams.team(team_id)
        plans = Plans(self.uow, self.network)
        found = [Target(text, plans.plan(pid, "targets"), key) for text, pid, key in targets]
        letter = ResponsibilityLetter.sign(
            new, unit, village, team, unit_signatory, village_signatory, term, found, meta
        )
        self.uow.add(letter)
        return {"letter": str(new), "targets": len(found)}
