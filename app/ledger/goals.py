"""Use cases of the 六有 goals: a village's target for each of the six haves, set and revised;
the evidence for it, a document with its file cited by SHA-256 from the file store
(app/store/files.py, ADR 025); and its status judged by a named official."""

from __future__ import annotations

from dataclasses import dataclass

from app.ledger.plans import Plans
from app.ledger.use_case import LedgerUseCase
from domain.base import Meta
from domain.ledger.errors import EvidenceFileNotFoundError, SixHaveGoalNotSetError
from domain.ledger.goals import (
    Document,
    EvidenceFile,
    GoalStatus,
    SixHave,
    SixHaveGoal,
    six_have_goal_id,
)
from domain.units import Unit
from domain.villages import VillageProfile


@dataclass(frozen=True)
class FileCitation:
    """A file as a line cites it: its hash (None: none given), name and media type."""

    sha256: str | None
    name: str
    media_type: str


class Goals(LedgerUseCase):
    def _village(self, code: str, meta: Meta) -> Unit:
        village = self.network.unit(code, "village")
        VillageProfile.check_village(village, meta.occurred_on)
        return village

    def goal(self, village_code: str, goal: SixHave) -> SixHaveGoal:
        return self.uow.get(
            SixHaveGoal,
            six_have_goal_id(village_code, goal),
            lambda: SixHaveGoalNotSetError(village_code, goal.zh, goal.value),
        )

    def set_goal(
        self, village_code: str, goal: SixHave, target: str, meta: Meta
    ) -> dict[str, object]:
        """The goal's first target, or a revision of it."""
        village = self._village(village_code, meta)
        found = self.uow.find(SixHaveGoal, six_have_goal_id(village_code, goal))
        if found is None:
            self.uow.add(SixHaveGoal.set_target(village, goal, target, meta))
            revision = 1
        else:
            revision = found.revise_target(target, meta)
        return {"village": village_code, "goal": goal.value, "revision": revision}

    def add_evidence(
        self,
        village_code: str,
        goal: SixHave,
        document: Document,
        cited: FileCitation,
        meta: Meta,
    ) -> dict[str, object]:
        self._village(village_code, meta)
        found = self.goal(village_code, goal)
        file = None
        if cited.sha256 is not None:
            files = self.uow.store.files
            size = files.size_of(cited.sha256) if files is not None else None
            if size is None:
                raise EvidenceFileNotFoundError(cited.sha256)
            file = EvidenceFile(cited.sha256, size, cited.media_type, cited.name)
        found.add_evidence(document, file, meta)
        return {"village": village_code, "goal": goal.value, "file": cited.sha256}

    def judge(
        self,
        village_code: str,
        goal: SixHave,
        status: GoalStatus,
        judged_by: str,
        judge_unit: str,
        note: str,
        meta: Meta,
    ) -> dict[str, object]:
        self._village(village_code, meta)
        found = self.goal(village_code, goal)
        unit = self.network.unit(judge_unit, "judge_unit")
        above = Plans(self.uow, self.network).above(village_code)
        found.judge(status, judged_by, unit, above, note, meta)
        return {"village": village_code, "goal": goal.value, "status": status.value}
